from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dispensing import Dispensing
from ..models.prescription_status import PrescriptionStatus

T = TypeVar("T", bound="PrescriptionCreatedEventData")


@_attrs_define
class PrescriptionCreatedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        dispensing (Dispensing): Who dispenses a prescription
        id (str): The prescription's id
        object_ (Literal['prescription']):
        patient_id (str): The patient's id
        pharmacy_ncpdp_id (None | str): The dispensing pharmacy's NCPDP id
        plan_id (str): The follow-up plan it belongs to
        prescriber_id (str): The prescribing provider's id
        status (PrescriptionStatus): Prescription status
    """

    dispensing: Dispensing
    id: str
    object_: Literal["prescription"]
    patient_id: str
    pharmacy_ncpdp_id: None | str
    plan_id: str
    prescriber_id: str
    status: PrescriptionStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dispensing = self.dispensing.value

        id = self.id

        object_ = self.object_

        patient_id = self.patient_id

        pharmacy_ncpdp_id: None | str
        pharmacy_ncpdp_id = self.pharmacy_ncpdp_id

        plan_id = self.plan_id

        prescriber_id = self.prescriber_id

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dispensing": dispensing,
                "id": id,
                "object": object_,
                "patient_id": patient_id,
                "pharmacy_ncpdp_id": pharmacy_ncpdp_id,
                "plan_id": plan_id,
                "prescriber_id": prescriber_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dispensing = Dispensing(d.pop("dispensing"))

        id = d.pop("id")

        object_ = cast(Literal["prescription"], d.pop("object"))
        if object_ != "prescription":
            raise ValueError(f"object must match const 'prescription', got '{object_}'")

        patient_id = d.pop("patient_id")

        def _parse_pharmacy_ncpdp_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pharmacy_ncpdp_id = _parse_pharmacy_ncpdp_id(d.pop("pharmacy_ncpdp_id"))

        plan_id = d.pop("plan_id")

        prescriber_id = d.pop("prescriber_id")

        status = PrescriptionStatus(d.pop("status"))

        prescription_created_event_data = cls(
            dispensing=dispensing,
            id=id,
            object_=object_,
            patient_id=patient_id,
            pharmacy_ncpdp_id=pharmacy_ncpdp_id,
            plan_id=plan_id,
            prescriber_id=prescriber_id,
            status=status,
        )

        prescription_created_event_data.additional_properties = d
        return prescription_created_event_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
