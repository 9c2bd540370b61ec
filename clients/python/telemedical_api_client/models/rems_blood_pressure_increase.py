from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.blood_pressure import BloodPressure


T = TypeVar("T", bound="RemsBloodPressureIncrease")


@_attrs_define
class RemsBloodPressureIncrease:
    """
    Attributes:
        highest (BloodPressure | None):
        occurred (bool): Above 140/90 at any reading
    """

    highest: BloodPressure | None
    occurred: bool

    def to_dict(self) -> dict[str, Any]:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415

        highest: dict[str, Any] | None
        if isinstance(self.highest, BloodPressure):
            highest = self.highest.to_dict()
        else:
            highest = self.highest

        occurred = self.occurred

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "highest": highest,
                "occurred": occurred,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_highest(data: object) -> BloodPressure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                highest_type_0 = BloodPressure.from_dict(data)

                return highest_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BloodPressure | None, data)

        highest = _parse_highest(d.pop("highest"))

        occurred = d.pop("occurred")

        rems_blood_pressure_increase = cls(
            highest=highest,
            occurred=occurred,
        )

        return rems_blood_pressure_increase
