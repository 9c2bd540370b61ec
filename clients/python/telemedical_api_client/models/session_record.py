from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disposition import Disposition

if TYPE_CHECKING:
    from ..models.adverse_event import AdverseEvent
    from ..models.reading import Reading
    from ..models.reporter import Reporter
    from ..models.sedating_medications import SedatingMedications


T = TypeVar("T", bound="SessionRecord")


@_attrs_define
class SessionRecord:
    """
    Attributes:
        administered_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        adverse_events (list[AdverseEvent]):
        blood_pressure_overridden (bool): Dosed above 140/90 on a provider's override
        discharge_overridden (bool): Discharged before meeting the criteria, on a provider's decision
        discharge_override_reason (None | str):
        disposition (Disposition): How the patient left a session
        dose_mg (float | None): Null on records made before v1.1
        escort_confirmed (bool):
        lot_number (None | str):
        observation_minutes (int):
        override_reason (None | str):
        post_diastolic (int):
        post_systolic (int):
        pre_diastolic (int):
        pre_systolic (int):
        readings (list[Reading]):
        ready_to_leave_minute (int | None):
        recorded_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        recorded_by (Reporter):
        sedating_medications (None | SedatingMedications):
    """

    administered_at: datetime.datetime
    adverse_events: list[AdverseEvent]
    blood_pressure_overridden: bool
    discharge_overridden: bool
    discharge_override_reason: None | str
    disposition: Disposition
    dose_mg: float | None
    escort_confirmed: bool
    lot_number: None | str
    observation_minutes: int
    override_reason: None | str
    post_diastolic: int
    post_systolic: int
    pre_diastolic: int
    pre_systolic: int
    readings: list[Reading]
    ready_to_leave_minute: int | None
    recorded_at: datetime.datetime
    recorded_by: Reporter
    sedating_medications: None | SedatingMedications

    def to_dict(self) -> dict[str, Any]:
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415

        administered_at = self.administered_at.isoformat()

        adverse_events = []
        for adverse_events_item_data in self.adverse_events:
            adverse_events_item = adverse_events_item_data.to_dict()
            adverse_events.append(adverse_events_item)

        blood_pressure_overridden = self.blood_pressure_overridden

        discharge_overridden = self.discharge_overridden

        discharge_override_reason: None | str
        discharge_override_reason = self.discharge_override_reason

        disposition = self.disposition.value

        dose_mg: float | None
        dose_mg = self.dose_mg

        escort_confirmed = self.escort_confirmed

        lot_number: None | str
        lot_number = self.lot_number

        observation_minutes = self.observation_minutes

        override_reason: None | str
        override_reason = self.override_reason

        post_diastolic = self.post_diastolic

        post_systolic = self.post_systolic

        pre_diastolic = self.pre_diastolic

        pre_systolic = self.pre_systolic

        readings = []
        for readings_item_data in self.readings:
            readings_item = readings_item_data.to_dict()
            readings.append(readings_item)

        ready_to_leave_minute: int | None
        ready_to_leave_minute = self.ready_to_leave_minute

        recorded_at = self.recorded_at.isoformat()

        recorded_by = self.recorded_by.to_dict()

        sedating_medications: dict[str, Any] | None
        if isinstance(self.sedating_medications, SedatingMedications):
            sedating_medications = self.sedating_medications.to_dict()
        else:
            sedating_medications = self.sedating_medications

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "adverse_events": adverse_events,
                "blood_pressure_overridden": blood_pressure_overridden,
                "discharge_overridden": discharge_overridden,
                "discharge_override_reason": discharge_override_reason,
                "disposition": disposition,
                "dose_mg": dose_mg,
                "escort_confirmed": escort_confirmed,
                "lot_number": lot_number,
                "observation_minutes": observation_minutes,
                "override_reason": override_reason,
                "post_diastolic": post_diastolic,
                "post_systolic": post_systolic,
                "pre_diastolic": pre_diastolic,
                "pre_systolic": pre_systolic,
                "readings": readings,
                "ready_to_leave_minute": ready_to_leave_minute,
                "recorded_at": recorded_at,
                "recorded_by": recorded_by,
                "sedating_medications": sedating_medications,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.adverse_event import AdverseEvent  # noqa: PLC0415
        from ..models.reading import Reading  # noqa: PLC0415
        from ..models.reporter import Reporter  # noqa: PLC0415
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415

        d = dict(src_dict)
        administered_at = datetime.datetime.fromisoformat(d.pop("administered_at"))

        adverse_events = []
        _adverse_events = d.pop("adverse_events")
        for adverse_events_item_data in _adverse_events:
            adverse_events_item = AdverseEvent.from_dict(adverse_events_item_data)

            adverse_events.append(adverse_events_item)

        blood_pressure_overridden = d.pop("blood_pressure_overridden")

        discharge_overridden = d.pop("discharge_overridden")

        def _parse_discharge_override_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        discharge_override_reason = _parse_discharge_override_reason(d.pop("discharge_override_reason"))

        disposition = Disposition(d.pop("disposition"))

        def _parse_dose_mg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        dose_mg = _parse_dose_mg(d.pop("dose_mg"))

        escort_confirmed = d.pop("escort_confirmed")

        def _parse_lot_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lot_number = _parse_lot_number(d.pop("lot_number"))

        observation_minutes = d.pop("observation_minutes")

        def _parse_override_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        override_reason = _parse_override_reason(d.pop("override_reason"))

        post_diastolic = d.pop("post_diastolic")

        post_systolic = d.pop("post_systolic")

        pre_diastolic = d.pop("pre_diastolic")

        pre_systolic = d.pop("pre_systolic")

        readings = []
        _readings = d.pop("readings")
        for readings_item_data in _readings:
            readings_item = Reading.from_dict(readings_item_data)

            readings.append(readings_item)

        def _parse_ready_to_leave_minute(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ready_to_leave_minute = _parse_ready_to_leave_minute(d.pop("ready_to_leave_minute"))

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        recorded_by = Reporter.from_dict(d.pop("recorded_by"))

        def _parse_sedating_medications(data: object) -> None | SedatingMedications:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sedating_medications_type_0 = SedatingMedications.from_dict(data)

                return sedating_medications_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SedatingMedications, data)

        sedating_medications = _parse_sedating_medications(d.pop("sedating_medications"))

        session_record = cls(
            administered_at=administered_at,
            adverse_events=adverse_events,
            blood_pressure_overridden=blood_pressure_overridden,
            discharge_overridden=discharge_overridden,
            discharge_override_reason=discharge_override_reason,
            disposition=disposition,
            dose_mg=dose_mg,
            escort_confirmed=escort_confirmed,
            lot_number=lot_number,
            observation_minutes=observation_minutes,
            override_reason=override_reason,
            post_diastolic=post_diastolic,
            post_systolic=post_systolic,
            pre_diastolic=pre_diastolic,
            pre_systolic=pre_systolic,
            readings=readings,
            ready_to_leave_minute=ready_to_leave_minute,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
            sedating_medications=sedating_medications,
        )

        return session_record
