from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FollowUpPlanEscalationUnacknowledgedEventData")


@_attrs_define
class FollowUpPlanEscalationUnacknowledgedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        escalated_at (datetime.datetime): When it was escalated
        id (str): The follow up plan's id
        minutes_unacknowledged (int): Minutes since then without an acknowledgement
        object_ (Literal['follow_up_plan']):
    """

    escalated_at: datetime.datetime
    id: str
    minutes_unacknowledged: int
    object_: Literal["follow_up_plan"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        escalated_at = self.escalated_at.isoformat()

        id = self.id

        minutes_unacknowledged = self.minutes_unacknowledged

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "escalated_at": escalated_at,
                "id": id,
                "minutes_unacknowledged": minutes_unacknowledged,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        escalated_at = datetime.datetime.fromisoformat(d.pop("escalated_at"))

        id = d.pop("id")

        minutes_unacknowledged = d.pop("minutes_unacknowledged")

        object_ = cast(Literal["follow_up_plan"], d.pop("object"))
        if object_ != "follow_up_plan":
            raise ValueError(f"object must match const 'follow_up_plan', got '{object_}'")

        follow_up_plan_escalation_unacknowledged_event_data = cls(
            escalated_at=escalated_at,
            id=id,
            minutes_unacknowledged=minutes_unacknowledged,
            object_=object_,
        )

        follow_up_plan_escalation_unacknowledged_event_data.additional_properties = d
        return follow_up_plan_escalation_unacknowledged_event_data

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
