from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.review_decision import ReviewDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsultationReview")


@_attrs_define
class ConsultationReview:
    """
    Attributes:
        decision (ReviewDecision): A clinician's review decision
        note (str): The clinician's reasoning, kept with the case
        safety_plan_documented (bool | Unset): Approving an escalated case: true once a safety plan is documented with
            the patient (422 safety_plan_required otherwise)
    """

    decision: ReviewDecision
    note: str
    safety_plan_documented: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        note = self.note

        safety_plan_documented = self.safety_plan_documented

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decision": decision,
                "note": note,
            }
        )
        if safety_plan_documented is not UNSET:
            field_dict["safety_plan_documented"] = safety_plan_documented

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = ReviewDecision(d.pop("decision"))

        note = d.pop("note")

        safety_plan_documented = d.pop("safety_plan_documented", UNSET)

        consultation_review = cls(
            decision=decision,
            note=note,
            safety_plan_documented=safety_plan_documented,
        )

        return consultation_review
