from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.time_range import TimeRange


T = TypeVar("T", bound="DateException")


@_attrs_define
class DateException:
    """
    Attributes:
        date (datetime.date):  Example: 2026-12-24.
        windows (list[TimeRange]): Replaces that date's weekly windows; empty means unavailable all day
    """

    date: datetime.date
    windows: list[TimeRange]

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        windows = []
        for windows_item_data in self.windows:
            windows_item = windows_item_data.to_dict()
            windows.append(windows_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "date": date,
                "windows": windows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.time_range import TimeRange  # noqa: PLC0415

        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        windows = []
        _windows = d.pop("windows")
        for windows_item_data in _windows:
            windows_item = TimeRange.from_dict(windows_item_data)

            windows.append(windows_item)

        date_exception = cls(
            date=date,
            windows=windows,
        )

        return date_exception
