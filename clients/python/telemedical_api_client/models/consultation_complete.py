from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.visit_outcome import VisitOutcome

T = TypeVar("T", bound="ConsultationComplete")


@_attrs_define
class ConsultationComplete:
    """
    Attributes:
        outcome (VisitOutcome): Outcome of a completed consultation
        summary (str): The clinician's visit summary
    """

    outcome: VisitOutcome
    summary: str

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = VisitOutcome(d.pop("outcome"))

        summary = d.pop("summary")

        consultation_complete = cls(
            outcome=outcome,
            summary=summary,
        )

        return consultation_complete
