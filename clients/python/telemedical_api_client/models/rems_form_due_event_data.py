from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RemsFormDueEventData")


@_attrs_define
class RemsFormDueEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        due_by (datetime.date): The last day to send the form
        id (str): The rems form's id
        object_ (Literal['rems_form']):
        plan_id (str): The follow-up plan
        task_id (str): The session (also `data.id`)
    """

    due_by: datetime.date
    id: str
    object_: Literal["rems_form"]
    plan_id: str
    task_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        due_by = self.due_by.isoformat()

        id = self.id

        object_ = self.object_

        plan_id = self.plan_id

        task_id = self.task_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "due_by": due_by,
                "id": id,
                "object": object_,
                "plan_id": plan_id,
                "task_id": task_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        due_by = datetime.date.fromisoformat(d.pop("due_by"))

        id = d.pop("id")

        object_ = cast(Literal["rems_form"], d.pop("object"))
        if object_ != "rems_form":
            raise ValueError(f"object must match const 'rems_form', got '{object_}'")

        plan_id = d.pop("plan_id")

        task_id = d.pop("task_id")

        rems_form_due_event_data = cls(
            due_by=due_by,
            id=id,
            object_=object_,
            plan_id=plan_id,
            task_id=task_id,
        )

        rems_form_due_event_data.additional_properties = d
        return rems_form_due_event_data

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
