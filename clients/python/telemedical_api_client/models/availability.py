from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.date_exception import DateException
    from ..models.weekly_window import WeeklyWindow


T = TypeVar("T", bound="Availability")


@_attrs_define
class Availability:
    """
    Attributes:
        weekly (list[WeeklyWindow]):
        exceptions (list[DateException] | Unset):
    """

    weekly: list[WeeklyWindow]
    exceptions: list[DateException] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        weekly = []
        for weekly_item_data in self.weekly:
            weekly_item = weekly_item_data.to_dict()
            weekly.append(weekly_item)

        exceptions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.exceptions, Unset):
            exceptions = []
            for exceptions_item_data in self.exceptions:
                exceptions_item = exceptions_item_data.to_dict()
                exceptions.append(exceptions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "weekly": weekly,
            }
        )
        if exceptions is not UNSET:
            field_dict["exceptions"] = exceptions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.date_exception import DateException  # noqa: PLC0415
        from ..models.weekly_window import WeeklyWindow  # noqa: PLC0415

        d = dict(src_dict)
        weekly = []
        _weekly = d.pop("weekly")
        for weekly_item_data in _weekly:
            weekly_item = WeeklyWindow.from_dict(weekly_item_data)

            weekly.append(weekly_item)

        _exceptions = d.pop("exceptions", UNSET)
        exceptions: list[DateException] | Unset = UNSET
        if _exceptions is not UNSET:
            exceptions = []
            for exceptions_item_data in _exceptions:
                exceptions_item = DateException.from_dict(exceptions_item_data)

                exceptions.append(exceptions_item)

        availability = cls(
            weekly=weekly,
            exceptions=exceptions,
        )

        return availability
