from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.identity_method import IdentityMethod
from ..models.visit_modality import VisitModality

T = TypeVar("T", bound="Visit")


@_attrs_define
class Visit:
    """
    Attributes:
        completed_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        consultation_id (None | str): The consultation whose visit it is
        id (str):  Example: vis_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        identity_method (IdentityMethod): How the patient's identity was verified
        modality (VisitModality): How a visit was held
        note (None | str):
        patient_id (str):
        patient_location_state (str): Where the patient was, as the provider confirmed it
        patient_site_id (None | str): The practice site the patient joined from
        plan_id (None | str): The plan a follow-up visit belongs to
        present_practitioner_id (None | str): A provider physically with the patient during the visit
        provider_id (str): The clinician who held it
        started_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    completed_at: datetime.datetime | None
    consultation_id: None | str
    id: str
    identity_method: IdentityMethod
    modality: VisitModality
    note: None | str
    patient_id: str
    patient_location_state: str
    patient_site_id: None | str
    plan_id: None | str
    present_practitioner_id: None | str
    provider_id: str
    started_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        consultation_id: None | str
        consultation_id = self.consultation_id

        id = self.id

        identity_method = self.identity_method.value

        modality = self.modality.value

        note: None | str
        note = self.note

        patient_id = self.patient_id

        patient_location_state = self.patient_location_state

        patient_site_id: None | str
        patient_site_id = self.patient_site_id

        plan_id: None | str
        plan_id = self.plan_id

        present_practitioner_id: None | str
        present_practitioner_id = self.present_practitioner_id

        provider_id = self.provider_id

        started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed_at": completed_at,
                "consultation_id": consultation_id,
                "id": id,
                "identity_method": identity_method,
                "modality": modality,
                "note": note,
                "patient_id": patient_id,
                "patient_location_state": patient_location_state,
                "patient_site_id": patient_site_id,
                "plan_id": plan_id,
                "present_practitioner_id": present_practitioner_id,
                "provider_id": provider_id,
                "started_at": started_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        def _parse_consultation_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        consultation_id = _parse_consultation_id(d.pop("consultation_id"))

        id = d.pop("id")

        identity_method = IdentityMethod(d.pop("identity_method"))

        modality = VisitModality(d.pop("modality"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        patient_id = d.pop("patient_id")

        patient_location_state = d.pop("patient_location_state")

        def _parse_patient_site_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        patient_site_id = _parse_patient_site_id(d.pop("patient_site_id"))

        def _parse_plan_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan_id = _parse_plan_id(d.pop("plan_id"))

        def _parse_present_practitioner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        present_practitioner_id = _parse_present_practitioner_id(d.pop("present_practitioner_id"))

        provider_id = d.pop("provider_id")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        visit = cls(
            completed_at=completed_at,
            consultation_id=consultation_id,
            id=id,
            identity_method=identity_method,
            modality=modality,
            note=note,
            patient_id=patient_id,
            patient_location_state=patient_location_state,
            patient_site_id=patient_site_id,
            plan_id=plan_id,
            present_practitioner_id=present_practitioner_id,
            provider_id=provider_id,
            started_at=started_at,
        )

        return visit
