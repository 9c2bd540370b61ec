from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.adverse_event_severity import AdverseEventSeverity
from ..models.plan_status import PlanStatus

T = TypeVar("T", bound="AdverseEventReportedEventData")


@_attrs_define
class AdverseEventReportedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        id (str): The adverse event's id
        object_ (Literal['adverse_event']):
        plan_id (str): The follow-up plan
        plan_status (PlanStatus): Follow-up plan status
        severity (AdverseEventSeverity): Adverse event severity
        task_id (None | str): The session it was recorded with
    """

    id: str
    object_: Literal["adverse_event"]
    plan_id: str
    plan_status: PlanStatus
    severity: AdverseEventSeverity
    task_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        plan_id = self.plan_id

        plan_status = self.plan_status.value

        severity = self.severity.value

        task_id: None | str
        task_id = self.task_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "plan_id": plan_id,
                "plan_status": plan_status,
                "severity": severity,
                "task_id": task_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["adverse_event"], d.pop("object"))
        if object_ != "adverse_event":
            raise ValueError(f"object must match const 'adverse_event', got '{object_}'")

        plan_id = d.pop("plan_id")

        plan_status = PlanStatus(d.pop("plan_status"))

        severity = AdverseEventSeverity(d.pop("severity"))

        def _parse_task_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task_id = _parse_task_id(d.pop("task_id"))

        adverse_event_reported_event_data = cls(
            id=id,
            object_=object_,
            plan_id=plan_id,
            plan_status=plan_status,
            severity=severity,
            task_id=task_id,
        )

        adverse_event_reported_event_data.additional_properties = d
        return adverse_event_reported_event_data

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
