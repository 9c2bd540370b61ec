from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.pdmp_result import PdmpResult

T = TypeVar("T", bound="PdmpCheck")


@_attrs_define
class PdmpCheck:
    """
    Attributes:
        checked_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        id (str):  Example: pdmp_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        note (None | str):
        patient_id (str):
        provider_id (str):
        result (PdmpResult): What a PDMP check showed
        state (str):
    """

    checked_at: datetime.datetime
    created_at: datetime.datetime
    id: str
    note: None | str
    patient_id: str
    provider_id: str
    result: PdmpResult
    state: str

    def to_dict(self) -> dict[str, Any]:
        checked_at = self.checked_at.isoformat()

        created_at = self.created_at.isoformat()

        id = self.id

        note: None | str
        note = self.note

        patient_id = self.patient_id

        provider_id = self.provider_id

        result = self.result.value

        state = self.state

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checked_at": checked_at,
                "created_at": created_at,
                "id": id,
                "note": note,
                "patient_id": patient_id,
                "provider_id": provider_id,
                "result": result,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        patient_id = d.pop("patient_id")

        provider_id = d.pop("provider_id")

        result = PdmpResult(d.pop("result"))

        state = d.pop("state")

        pdmp_check = cls(
            checked_at=checked_at,
            created_at=created_at,
            id=id,
            note=note,
            patient_id=patient_id,
            provider_id=provider_id,
            result=result,
            state=state,
        )

        return pdmp_check
