from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_status import PlanStatus

T = TypeVar("T", bound="FollowUpPlanCreatedEventData")


@_attrs_define
class FollowUpPlanCreatedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        consultation_id (str): The consultation it follows
        id (str): The follow up plan's id
        object_ (Literal['follow_up_plan']):
        status (PlanStatus): Follow-up plan status
    """

    consultation_id: str
    id: str
    object_: Literal["follow_up_plan"]
    status: PlanStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consultation_id = self.consultation_id

        id = self.id

        object_ = self.object_

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consultation_id": consultation_id,
                "id": id,
                "object": object_,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consultation_id = d.pop("consultation_id")

        id = d.pop("id")

        object_ = cast(Literal["follow_up_plan"], d.pop("object"))
        if object_ != "follow_up_plan":
            raise ValueError(f"object must match const 'follow_up_plan', got '{object_}'")

        status = PlanStatus(d.pop("status"))

        follow_up_plan_created_event_data = cls(
            consultation_id=consultation_id,
            id=id,
            object_=object_,
            status=status,
        )

        follow_up_plan_created_event_data.additional_properties = d
        return follow_up_plan_created_event_data

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
