from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.blood_pressure import BloodPressure
    from ..models.mid_reading_pressure import MidReadingPressure


T = TypeVar("T", bound="RemsBloodPressures")


@_attrs_define
class RemsBloodPressures:
    """
    Attributes:
        at_40_minutes (MidReadingPressure | None):
        at_completion (BloodPressure | None):
        before (BloodPressure | None):
    """

    at_40_minutes: MidReadingPressure | None
    at_completion: BloodPressure | None
    before: BloodPressure | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415
        from ..models.mid_reading_pressure import MidReadingPressure  # noqa: PLC0415

        at_40_minutes: dict[str, Any] | None
        if isinstance(self.at_40_minutes, MidReadingPressure):
            at_40_minutes = self.at_40_minutes.to_dict()
        else:
            at_40_minutes = self.at_40_minutes

        at_completion: dict[str, Any] | None
        if isinstance(self.at_completion, BloodPressure):
            at_completion = self.at_completion.to_dict()
        else:
            at_completion = self.at_completion

        before: dict[str, Any] | None
        if isinstance(self.before, BloodPressure):
            before = self.before.to_dict()
        else:
            before = self.before

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "at_40_minutes": at_40_minutes,
                "at_completion": at_completion,
                "before": before,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415
        from ..models.mid_reading_pressure import MidReadingPressure  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_at_40_minutes(data: object) -> MidReadingPressure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                at_40_minutes_type_0 = MidReadingPressure.from_dict(data)

                return at_40_minutes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MidReadingPressure | None, data)

        at_40_minutes = _parse_at_40_minutes(d.pop("at_40_minutes"))

        def _parse_at_completion(data: object) -> BloodPressure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                at_completion_type_0 = BloodPressure.from_dict(data)

                return at_completion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BloodPressure | None, data)

        at_completion = _parse_at_completion(d.pop("at_completion"))

        def _parse_before(data: object) -> BloodPressure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = BloodPressure.from_dict(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BloodPressure | None, data)

        before = _parse_before(d.pop("before"))

        rems_blood_pressures = cls(
            at_40_minutes=at_40_minutes,
            at_completion=at_completion,
            before=before,
        )

        return rems_blood_pressures
