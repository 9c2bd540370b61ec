from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Assignment")


@_attrs_define
class Assignment:
    """
    Attributes:
        provider_id (str):
        slot_start (datetime.datetime): Start of one of the provider's free slots (RFC 3339) Must be between 1900-01-01
            and 2999-12-31.
    """

    provider_id: str
    slot_start: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        provider_id = self.provider_id

        slot_start = self.slot_start.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "provider_id": provider_id,
                "slot_start": slot_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider_id = d.pop("provider_id")

        slot_start = datetime.datetime.fromisoformat(d.pop("slot_start"))

        assignment = cls(
            provider_id=provider_id,
            slot_start=slot_start,
        )

        return assignment
