from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScreeningRiskFlaggedEventData")


@_attrs_define
class ScreeningRiskFlaggedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        consultation_id (None | str): The consultation it was given for (null: a plan's)
        id (str): The screening's id
        instrument (Instrument): Screening instrument
        object_ (Literal['screening']):
        risk_level (str): `high`, `moderate`, `active_suicidal_ideation` or `ideation` (PHQ-9 item 9 at a check-in)
        plan_id (str | Unset): At a plan's check-in: the plan
    """

    consultation_id: None | str
    id: str
    instrument: Instrument
    object_: Literal["screening"]
    risk_level: str
    plan_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consultation_id: None | str
        consultation_id = self.consultation_id

        id = self.id

        instrument = self.instrument.value

        object_ = self.object_

        risk_level = self.risk_level

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consultation_id": consultation_id,
                "id": id,
                "instrument": instrument,
                "object": object_,
                "risk_level": risk_level,
            }
        )
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_consultation_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        consultation_id = _parse_consultation_id(d.pop("consultation_id"))

        id = d.pop("id")

        instrument = Instrument(d.pop("instrument"))

        object_ = cast(Literal["screening"], d.pop("object"))
        if object_ != "screening":
            raise ValueError(f"object must match const 'screening', got '{object_}'")

        risk_level = d.pop("risk_level")

        plan_id = d.pop("plan_id", UNSET)

        screening_risk_flagged_event_data = cls(
            consultation_id=consultation_id,
            id=id,
            instrument=instrument,
            object_=object_,
            risk_level=risk_level,
            plan_id=plan_id,
        )

        screening_risk_flagged_event_data.additional_properties = d
        return screening_risk_flagged_event_data

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
