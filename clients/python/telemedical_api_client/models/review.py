from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.task_review_decision import TaskReviewDecision

T = TypeVar("T", bound="Review")


@_attrs_define
class Review:
    """
    Attributes:
        at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        by (str): The reviewing provider's user id
        decision (TaskReviewDecision): A provider's decision on a review task
        note (str):
    """

    at: datetime.datetime
    by: str
    decision: TaskReviewDecision
    note: str

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        by = self.by

        decision = self.decision.value

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "at": at,
                "by": by,
                "decision": decision,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        by = d.pop("by")

        decision = TaskReviewDecision(d.pop("decision"))

        note = d.pop("note")

        review = cls(
            at=at,
            by=by,
            decision=decision,
            note=note,
        )

        return review
