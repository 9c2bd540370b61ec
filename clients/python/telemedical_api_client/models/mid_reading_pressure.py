from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MidReadingPressure")


@_attrs_define
class MidReadingPressure:
    """
    Attributes:
        diastolic (int):
        minute (int):
        systolic (int):
    """

    diastolic: int
    minute: int
    systolic: int

    def to_dict(self) -> dict[str, Any]:
        diastolic = self.diastolic

        minute = self.minute

        systolic = self.systolic

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "diastolic": diastolic,
                "minute": minute,
                "systolic": systolic,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        diastolic = d.pop("diastolic")

        minute = d.pop("minute")

        systolic = d.pop("systolic")

        mid_reading_pressure = cls(
            diastolic=diastolic,
            minute=minute,
            systolic=systolic,
        )

        return mid_reading_pressure
