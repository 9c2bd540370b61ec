from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.task_review_decision import TaskReviewDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskComplete")


@_attrs_define
class TaskComplete:
    """
    Attributes:
        decision (TaskReviewDecision | Unset): A provider's decision on a review task
        note (str | Unset): Review: what was found and decided
        screening_id (str | Unset): Deprecated: a one-instrument check-in's screening
        screening_ids (list[str] | Unset): Check-in: one screening per instrument of the task, each submitted with this
            plan_id
    """

    decision: TaskReviewDecision | Unset = UNSET
    note: str | Unset = UNSET
    screening_id: str | Unset = UNSET
    screening_ids: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        decision: str | Unset = UNSET
        if not isinstance(self.decision, Unset):
            decision = self.decision.value

        note = self.note

        screening_id = self.screening_id

        screening_ids: list[str] | Unset = UNSET
        if not isinstance(self.screening_ids, Unset):
            screening_ids = self.screening_ids

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if decision is not UNSET:
            field_dict["decision"] = decision
        if note is not UNSET:
            field_dict["note"] = note
        if screening_id is not UNSET:
            field_dict["screening_id"] = screening_id
        if screening_ids is not UNSET:
            field_dict["screening_ids"] = screening_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _decision = d.pop("decision", UNSET)
        decision: TaskReviewDecision | Unset
        if isinstance(_decision, Unset):
            decision = UNSET
        else:
            decision = TaskReviewDecision(_decision)

        note = d.pop("note", UNSET)

        screening_id = d.pop("screening_id", UNSET)

        screening_ids = cast(list[str], d.pop("screening_ids", UNSET))

        task_complete = cls(
            decision=decision,
            note=note,
            screening_id=screening_id,
            screening_ids=screening_ids,
        )

        return task_complete
