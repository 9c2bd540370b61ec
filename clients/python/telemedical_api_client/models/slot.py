from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Slot")


@_attrs_define
class Slot:
    """
    Attributes:
        end (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        start (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    end: datetime.datetime
    start: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        end = self.end.isoformat()

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "end": end,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        end = datetime.datetime.fromisoformat(d.pop("end"))

        start = datetime.datetime.fromisoformat(d.pop("start"))

        slot = cls(
            end=end,
            start=start,
        )

        return slot
