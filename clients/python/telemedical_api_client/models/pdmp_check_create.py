from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.pdmp_result import PdmpResult
from ..models.us_state import UsState
from ..types import UNSET, Unset

T = TypeVar("T", bound="PdmpCheckCreate")


@_attrs_define
class PdmpCheckCreate:
    """
    Attributes:
        checked_at (datetime.datetime): When you queried it (not in the future) Must be between 1900-01-01 and
            2999-12-31.
        result (PdmpResult): What a PDMP check showed
        state (UsState): USPS state or territory code
        note (None | str | Unset): Required unless the result is no_concerns
    """

    checked_at: datetime.datetime
    result: PdmpResult
    state: UsState
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        checked_at = self.checked_at.isoformat()

        result = self.result.value

        state = self.state.value

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checked_at": checked_at,
                "result": result,
                "state": state,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        result = PdmpResult(d.pop("result"))

        state = UsState(d.pop("state"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        pdmp_check_create = cls(
            checked_at=checked_at,
            result=result,
            state=state,
            note=note,
        )

        return pdmp_check_create
