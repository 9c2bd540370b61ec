from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.identity_method import IdentityMethod
from ..models.us_state import UsState
from ..models.visit_modality import VisitModality
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsultationStart")


@_attrs_define
class ConsultationStart:
    """
    Attributes:
        identity_method (IdentityMethod): How the patient's identity was verified
        identity_verified (bool): Must be true
        modality (VisitModality): How a visit was held
        patient_location_state (UsState): USPS state or territory code
        patient_site_id (None | str | Unset): The practice site (clinic) the patient joins from, in that state
        present_practitioner_id (None | str | Unset): A provider physically with the patient, holding a schedule III DEA
            registration in that state
    """

    identity_method: IdentityMethod
    identity_verified: bool
    modality: VisitModality
    patient_location_state: UsState
    patient_site_id: None | str | Unset = UNSET
    present_practitioner_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        identity_method = self.identity_method.value

        identity_verified = self.identity_verified

        modality = self.modality.value

        patient_location_state = self.patient_location_state.value

        patient_site_id: None | str | Unset
        if isinstance(self.patient_site_id, Unset):
            patient_site_id = UNSET
        else:
            patient_site_id = self.patient_site_id

        present_practitioner_id: None | str | Unset
        if isinstance(self.present_practitioner_id, Unset):
            present_practitioner_id = UNSET
        else:
            present_practitioner_id = self.present_practitioner_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "identity_method": identity_method,
                "identity_verified": identity_verified,
                "modality": modality,
                "patient_location_state": patient_location_state,
            }
        )
        if patient_site_id is not UNSET:
            field_dict["patient_site_id"] = patient_site_id
        if present_practitioner_id is not UNSET:
            field_dict["present_practitioner_id"] = present_practitioner_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity_method = IdentityMethod(d.pop("identity_method"))

        identity_verified = d.pop("identity_verified")

        modality = VisitModality(d.pop("modality"))

        patient_location_state = UsState(d.pop("patient_location_state"))

        def _parse_patient_site_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        patient_site_id = _parse_patient_site_id(d.pop("patient_site_id", UNSET))

        def _parse_present_practitioner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        present_practitioner_id = _parse_present_practitioner_id(d.pop("present_practitioner_id", UNSET))

        consultation_start = cls(
            identity_method=identity_method,
            identity_verified=identity_verified,
            modality=modality,
            patient_location_state=patient_location_state,
            patient_site_id=patient_site_id,
            present_practitioner_id=present_practitioner_id,
        )

        return consultation_start
