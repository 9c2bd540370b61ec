from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.contact_outcome import ContactOutcome

T = TypeVar("T", bound="Escalation")


@_attrs_define
class Escalation:
    """
    Attributes:
        acknowledged_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        acknowledged_by (None | str): The provider who acknowledged it
        contact_outcome (ContactOutcome | None): What came of the urgent contact with the patient
        escalated_at (datetime.datetime): When the C-SSRS high escalated it Must be between 1900-01-01 and 2999-12-31.
        note (None | str):
    """

    acknowledged_at: datetime.datetime | None
    acknowledged_by: None | str
    contact_outcome: ContactOutcome | None
    escalated_at: datetime.datetime
    note: None | str

    def to_dict(self) -> dict[str, Any]:
        acknowledged_at: None | str
        if isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        acknowledged_by: None | str
        acknowledged_by = self.acknowledged_by

        contact_outcome: None | str
        if isinstance(self.contact_outcome, ContactOutcome):
            contact_outcome = self.contact_outcome.value
        else:
            contact_outcome = self.contact_outcome

        escalated_at = self.escalated_at.isoformat()

        note: None | str
        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "acknowledged_at": acknowledged_at,
                "acknowledged_by": acknowledged_by,
                "contact_outcome": contact_outcome,
                "escalated_at": escalated_at,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_acknowledged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)

                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at"))

        def _parse_acknowledged_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by"))

        def _parse_contact_outcome(data: object) -> ContactOutcome | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contact_outcome_type_0 = ContactOutcome(data)

                return contact_outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactOutcome | None, data)

        contact_outcome = _parse_contact_outcome(d.pop("contact_outcome"))

        escalated_at = datetime.datetime.fromisoformat(d.pop("escalated_at"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        escalation = cls(
            acknowledged_at=acknowledged_at,
            acknowledged_by=acknowledged_by,
            contact_outcome=contact_outcome,
            escalated_at=escalated_at,
            note=note,
        )

        return escalation
