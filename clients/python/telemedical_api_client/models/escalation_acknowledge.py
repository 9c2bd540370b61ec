from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.contact_outcome import ContactOutcome

T = TypeVar("T", bound="EscalationAcknowledge")


@_attrs_define
class EscalationAcknowledge:
    """
    Attributes:
        contact_outcome (ContactOutcome): What came of the urgent contact with an escalated patient
        note (str): What was done: who spoke to the patient, the plan for their safety
    """

    contact_outcome: ContactOutcome
    note: str

    def to_dict(self) -> dict[str, Any]:
        contact_outcome = self.contact_outcome.value

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact_outcome": contact_outcome,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contact_outcome = ContactOutcome(d.pop("contact_outcome"))

        note = d.pop("note")

        escalation_acknowledge = cls(
            contact_outcome=contact_outcome,
            note=note,
        )

        return escalation_acknowledge
