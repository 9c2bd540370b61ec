from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.adverse_event_severity import AdverseEventSeverity
from ..models.adverse_event_type import AdverseEventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="AdverseEventCreate")


@_attrs_define
class AdverseEventCreate:
    """
    Attributes:
        onset_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        severity (AdverseEventSeverity): Adverse event severity
        type_ (AdverseEventType): Kind of adverse event
        description (None | str | Unset): Required for type other
        task_id (None | str | Unset): The session task it followed, if known
    """

    onset_at: datetime.datetime
    severity: AdverseEventSeverity
    type_: AdverseEventType
    description: None | str | Unset = UNSET
    task_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        onset_at = self.onset_at.isoformat()

        severity = self.severity.value

        type_ = self.type_.value

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "onset_at": onset_at,
                "severity": severity,
                "type": type_,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        onset_at = datetime.datetime.fromisoformat(d.pop("onset_at"))

        severity = AdverseEventSeverity(d.pop("severity"))

        type_ = AdverseEventType(d.pop("type"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))

        adverse_event_create = cls(
            onset_at=onset_at,
            severity=severity,
            type_=type_,
            description=description,
            task_id=task_id,
        )

        return adverse_event_create
