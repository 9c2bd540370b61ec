from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.weekday import Weekday

T = TypeVar("T", bound="WeeklyWindow")


@_attrs_define
class WeeklyWindow:
    """
    Attributes:
        end (str):  Example: 17:00.
        start (str):  Example: 09:00.
        weekday (Weekday): Day of the week
    """

    end: str
    start: str
    weekday: Weekday

    def to_dict(self) -> dict[str, Any]:
        end = self.end

        start = self.start

        weekday = self.weekday.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "end": end,
                "start": start,
                "weekday": weekday,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        end = d.pop("end")

        start = d.pop("start")

        weekday = Weekday(d.pop("weekday"))

        weekly_window = cls(
            end=end,
            start=start,
            weekday=weekday,
        )

        return weekly_window
