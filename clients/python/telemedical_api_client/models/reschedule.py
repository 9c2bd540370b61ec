from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Reschedule")


@_attrs_define
class Reschedule:
    """
    Attributes:
        slot_start (datetime.datetime): Start of another free slot of the same provider Must be between 1900-01-01 and
            2999-12-31.
    """

    slot_start: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        slot_start = self.slot_start.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "slot_start": slot_start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slot_start = datetime.datetime.fromisoformat(d.pop("slot_start"))

        reschedule = cls(
            slot_start=slot_start,
        )

        return reschedule
