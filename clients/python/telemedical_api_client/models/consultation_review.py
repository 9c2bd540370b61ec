from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.review_decision import ReviewDecision

T = TypeVar("T", bound="ConsultationReview")


@_attrs_define
class ConsultationReview:
    """
    Attributes:
        decision (ReviewDecision): A clinician's review decision
        note (str): The clinician's reasoning, kept with the case
    """

    decision: ReviewDecision
    note: str

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decision": decision,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = ReviewDecision(d.pop("decision"))

        note = d.pop("note")

        consultation_review = cls(
            decision=decision,
            note=note,
        )

        return consultation_review
