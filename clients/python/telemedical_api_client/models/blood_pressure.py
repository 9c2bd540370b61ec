from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="BloodPressure")


@_attrs_define
class BloodPressure:
    """
    Attributes:
        diastolic (int):
        systolic (int):
    """

    diastolic: int
    systolic: int

    def to_dict(self) -> dict[str, Any]:
        diastolic = self.diastolic

        systolic = self.systolic

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "diastolic": diastolic,
                "systolic": systolic,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        diastolic = d.pop("diastolic")

        systolic = d.pop("systolic")

        blood_pressure = cls(
            diastolic=diastolic,
            systolic=systolic,
        )

        return blood_pressure
