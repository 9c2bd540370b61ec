from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.blood_pressure import BloodPressure


T = TypeVar("T", bound="SessionTrend")


@_attrs_define
class SessionTrend:
    """
    Attributes:
        administered_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        dose_mg (float | None):
        highest_blood_pressure (BloodPressure | None):
        lowest_moaas (int | None):
        lowest_spo2 (int | None):
        peak_dissociation (None | str):
        ready_to_leave_minute (int | None):
        task_id (str):
    """

    administered_at: datetime.datetime
    dose_mg: float | None
    highest_blood_pressure: BloodPressure | None
    lowest_moaas: int | None
    lowest_spo2: int | None
    peak_dissociation: None | str
    ready_to_leave_minute: int | None
    task_id: str

    def to_dict(self) -> dict[str, Any]:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415

        administered_at = self.administered_at.isoformat()

        dose_mg: float | None
        dose_mg = self.dose_mg

        highest_blood_pressure: dict[str, Any] | None
        if isinstance(self.highest_blood_pressure, BloodPressure):
            highest_blood_pressure = self.highest_blood_pressure.to_dict()
        else:
            highest_blood_pressure = self.highest_blood_pressure

        lowest_moaas: int | None
        lowest_moaas = self.lowest_moaas

        lowest_spo2: int | None
        lowest_spo2 = self.lowest_spo2

        peak_dissociation: None | str
        peak_dissociation = self.peak_dissociation

        ready_to_leave_minute: int | None
        ready_to_leave_minute = self.ready_to_leave_minute

        task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "dose_mg": dose_mg,
                "highest_blood_pressure": highest_blood_pressure,
                "lowest_moaas": lowest_moaas,
                "lowest_spo2": lowest_spo2,
                "peak_dissociation": peak_dissociation,
                "ready_to_leave_minute": ready_to_leave_minute,
                "task_id": task_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blood_pressure import BloodPressure  # noqa: PLC0415

        d = dict(src_dict)
        administered_at = datetime.datetime.fromisoformat(d.pop("administered_at"))

        def _parse_dose_mg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        dose_mg = _parse_dose_mg(d.pop("dose_mg"))

        def _parse_highest_blood_pressure(data: object) -> BloodPressure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                highest_blood_pressure_type_0 = BloodPressure.from_dict(data)

                return highest_blood_pressure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BloodPressure | None, data)

        highest_blood_pressure = _parse_highest_blood_pressure(d.pop("highest_blood_pressure"))

        def _parse_lowest_moaas(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lowest_moaas = _parse_lowest_moaas(d.pop("lowest_moaas"))

        def _parse_lowest_spo2(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lowest_spo2 = _parse_lowest_spo2(d.pop("lowest_spo2"))

        def _parse_peak_dissociation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        peak_dissociation = _parse_peak_dissociation(d.pop("peak_dissociation"))

        def _parse_ready_to_leave_minute(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ready_to_leave_minute = _parse_ready_to_leave_minute(d.pop("ready_to_leave_minute"))

        task_id = d.pop("task_id")

        session_trend = cls(
            administered_at=administered_at,
            dose_mg=dose_mg,
            highest_blood_pressure=highest_blood_pressure,
            lowest_moaas=lowest_moaas,
            lowest_spo2=lowest_spo2,
            peak_dissociation=peak_dissociation,
            ready_to_leave_minute=ready_to_leave_minute,
            task_id=task_id,
        )

        return session_trend
