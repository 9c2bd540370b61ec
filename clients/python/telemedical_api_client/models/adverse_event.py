from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.adverse_event_severity import AdverseEventSeverity
from ..models.adverse_event_type import AdverseEventType

if TYPE_CHECKING:
    from ..models.reporter import Reporter


T = TypeVar("T", bound="AdverseEvent")


@_attrs_define
class AdverseEvent:
    """
    Attributes:
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        description (None | str):
        id (str):  Example: ade_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        onset_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        patient_id (str):
        plan_id (str):
        put_plan_on_hold (bool): True when this event put the plan on hold
        reported_by (Reporter):
        severity (AdverseEventSeverity): Adverse event severity
        task_id (None | str): The session it followed, if known
        type_ (AdverseEventType): Kind of adverse event
    """

    created_at: datetime.datetime
    description: None | str
    id: str
    onset_at: datetime.datetime
    patient_id: str
    plan_id: str
    put_plan_on_hold: bool
    reported_by: Reporter
    severity: AdverseEventSeverity
    task_id: None | str
    type_: AdverseEventType

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        id = self.id

        onset_at = self.onset_at.isoformat()

        patient_id = self.patient_id

        plan_id = self.plan_id

        put_plan_on_hold = self.put_plan_on_hold

        reported_by = self.reported_by.to_dict()

        severity = self.severity.value

        task_id: None | str
        task_id = self.task_id

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "id": id,
                "onset_at": onset_at,
                "patient_id": patient_id,
                "plan_id": plan_id,
                "put_plan_on_hold": put_plan_on_hold,
                "reported_by": reported_by,
                "severity": severity,
                "task_id": task_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reporter import Reporter  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        id = d.pop("id")

        onset_at = datetime.datetime.fromisoformat(d.pop("onset_at"))

        patient_id = d.pop("patient_id")

        plan_id = d.pop("plan_id")

        put_plan_on_hold = d.pop("put_plan_on_hold")

        reported_by = Reporter.from_dict(d.pop("reported_by"))

        severity = AdverseEventSeverity(d.pop("severity"))

        def _parse_task_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task_id = _parse_task_id(d.pop("task_id"))

        type_ = AdverseEventType(d.pop("type"))

        adverse_event = cls(
            created_at=created_at,
            description=description,
            id=id,
            onset_at=onset_at,
            patient_id=patient_id,
            plan_id=plan_id,
            put_plan_on_hold=put_plan_on_hold,
            reported_by=reported_by,
            severity=severity,
            task_id=task_id,
            type_=type_,
        )

        return adverse_event
