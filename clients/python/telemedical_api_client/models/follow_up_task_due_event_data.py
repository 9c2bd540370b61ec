from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_kind import TaskKind

T = TypeVar("T", bound="FollowUpTaskDueEventData")


@_attrs_define
class FollowUpTaskDueEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        due_on (datetime.date): The day it is due, where the patient is
        id (str): The follow up task's id
        kind (TaskKind): Kind of follow-up task
        object_ (Literal['follow_up_task']):
        plan_id (str): The task's follow-up plan
    """

    due_on: datetime.date
    id: str
    kind: TaskKind
    object_: Literal["follow_up_task"]
    plan_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        due_on = self.due_on.isoformat()

        id = self.id

        kind = self.kind.value

        object_ = self.object_

        plan_id = self.plan_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "due_on": due_on,
                "id": id,
                "kind": kind,
                "object": object_,
                "plan_id": plan_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        due_on = datetime.date.fromisoformat(d.pop("due_on"))

        id = d.pop("id")

        kind = TaskKind(d.pop("kind"))

        object_ = cast(Literal["follow_up_task"], d.pop("object"))
        if object_ != "follow_up_task":
            raise ValueError(f"object must match const 'follow_up_task', got '{object_}'")

        plan_id = d.pop("plan_id")

        follow_up_task_due_event_data = cls(
            due_on=due_on,
            id=id,
            kind=kind,
            object_=object_,
            plan_id=plan_id,
        )

        follow_up_task_due_event_data.additional_properties = d
        return follow_up_task_due_event_data

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
