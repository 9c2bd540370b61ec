from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disposition import Disposition
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reading import Reading
    from ..models.sedating_medications import SedatingMedications
    from ..models.session_adverse_event import SessionAdverseEvent


T = TypeVar("T", bound="SessionRecordCreate")


@_attrs_define
class SessionRecordCreate:
    """
    Attributes:
        administered_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        dose_mg (float): Intranasal esketamine: 28, 56 or 84; otherwise a positive number
        escort_confirmed (bool): Must be true, every route
        observation_minutes (int): At least 120 for intranasal esketamine (REMS)
        pre_diastolic (int): mmHg, before the dose
        pre_systolic (int): mmHg, before the dose
        sedating_medications (SedatingMedications):
        adverse_events (list[SessionAdverseEvent] | Unset):
        discharge_override_reason (None | str | Unset): A provider's reason to discharge a patient not yet meeting the
            criteria
        disposition (Disposition | Unset): How the patient left a session
        lot_number (None | str | Unset): Required for intranasal
        override_reason (None | str | Unset): A provider's reason to dose above 140/90
        post_diastolic (int | Unset): mmHg at completion: the last reading's
        post_systolic (int | Unset): mmHg at completion: the last reading's (send neither, or the same)
        readings (list[Reading] | Unset): Supervised routes: one at minute 30-60 with SpO2; the last with SpO2
        ready_to_leave_minute (int | None | Unset): When the patient was ready, had there been no 2-hour minimum
    """

    administered_at: datetime.datetime
    dose_mg: float
    escort_confirmed: bool
    observation_minutes: int
    pre_diastolic: int
    pre_systolic: int
    sedating_medications: SedatingMedications
    adverse_events: list[SessionAdverseEvent] | Unset = UNSET
    discharge_override_reason: None | str | Unset = UNSET
    disposition: Disposition | Unset = UNSET
    lot_number: None | str | Unset = UNSET
    override_reason: None | str | Unset = UNSET
    post_diastolic: int | Unset = UNSET
    post_systolic: int | Unset = UNSET
    readings: list[Reading] | Unset = UNSET
    ready_to_leave_minute: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        administered_at = self.administered_at.isoformat()

        dose_mg = self.dose_mg

        escort_confirmed = self.escort_confirmed

        observation_minutes = self.observation_minutes

        pre_diastolic = self.pre_diastolic

        pre_systolic = self.pre_systolic

        sedating_medications = self.sedating_medications.to_dict()

        adverse_events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.adverse_events, Unset):
            adverse_events = []
            for adverse_events_item_data in self.adverse_events:
                adverse_events_item = adverse_events_item_data.to_dict()
                adverse_events.append(adverse_events_item)

        discharge_override_reason: None | str | Unset
        if isinstance(self.discharge_override_reason, Unset):
            discharge_override_reason = UNSET
        else:
            discharge_override_reason = self.discharge_override_reason

        disposition: str | Unset = UNSET
        if not isinstance(self.disposition, Unset):
            disposition = self.disposition.value

        lot_number: None | str | Unset
        if isinstance(self.lot_number, Unset):
            lot_number = UNSET
        else:
            lot_number = self.lot_number

        override_reason: None | str | Unset
        if isinstance(self.override_reason, Unset):
            override_reason = UNSET
        else:
            override_reason = self.override_reason

        post_diastolic = self.post_diastolic

        post_systolic = self.post_systolic

        readings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.readings, Unset):
            readings = []
            for readings_item_data in self.readings:
                readings_item = readings_item_data.to_dict()
                readings.append(readings_item)

        ready_to_leave_minute: int | None | Unset
        if isinstance(self.ready_to_leave_minute, Unset):
            ready_to_leave_minute = UNSET
        else:
            ready_to_leave_minute = self.ready_to_leave_minute

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "dose_mg": dose_mg,
                "escort_confirmed": escort_confirmed,
                "observation_minutes": observation_minutes,
                "pre_diastolic": pre_diastolic,
                "pre_systolic": pre_systolic,
                "sedating_medications": sedating_medications,
            }
        )
        if adverse_events is not UNSET:
            field_dict["adverse_events"] = adverse_events
        if discharge_override_reason is not UNSET:
            field_dict["discharge_override_reason"] = discharge_override_reason
        if disposition is not UNSET:
            field_dict["disposition"] = disposition
        if lot_number is not UNSET:
            field_dict["lot_number"] = lot_number
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason
        if post_diastolic is not UNSET:
            field_dict["post_diastolic"] = post_diastolic
        if post_systolic is not UNSET:
            field_dict["post_systolic"] = post_systolic
        if readings is not UNSET:
            field_dict["readings"] = readings
        if ready_to_leave_minute is not UNSET:
            field_dict["ready_to_leave_minute"] = ready_to_leave_minute

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reading import Reading  # noqa: PLC0415
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415
        from ..models.session_adverse_event import SessionAdverseEvent  # noqa: PLC0415

        d = dict(src_dict)
        administered_at = datetime.datetime.fromisoformat(d.pop("administered_at"))

        dose_mg = d.pop("dose_mg")

        escort_confirmed = d.pop("escort_confirmed")

        observation_minutes = d.pop("observation_minutes")

        pre_diastolic = d.pop("pre_diastolic")

        pre_systolic = d.pop("pre_systolic")

        sedating_medications = SedatingMedications.from_dict(d.pop("sedating_medications"))

        _adverse_events = d.pop("adverse_events", UNSET)
        adverse_events: list[SessionAdverseEvent] | Unset = UNSET
        if _adverse_events is not UNSET:
            adverse_events = []
            for adverse_events_item_data in _adverse_events:
                adverse_events_item = SessionAdverseEvent.from_dict(adverse_events_item_data)

                adverse_events.append(adverse_events_item)

        def _parse_discharge_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        discharge_override_reason = _parse_discharge_override_reason(d.pop("discharge_override_reason", UNSET))

        _disposition = d.pop("disposition", UNSET)
        disposition: Disposition | Unset
        if isinstance(_disposition, Unset):
            disposition = UNSET
        else:
            disposition = Disposition(_disposition)

        def _parse_lot_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lot_number = _parse_lot_number(d.pop("lot_number", UNSET))

        def _parse_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        override_reason = _parse_override_reason(d.pop("override_reason", UNSET))

        post_diastolic = d.pop("post_diastolic", UNSET)

        post_systolic = d.pop("post_systolic", UNSET)

        _readings = d.pop("readings", UNSET)
        readings: list[Reading] | Unset = UNSET
        if _readings is not UNSET:
            readings = []
            for readings_item_data in _readings:
                readings_item = Reading.from_dict(readings_item_data)

                readings.append(readings_item)

        def _parse_ready_to_leave_minute(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ready_to_leave_minute = _parse_ready_to_leave_minute(d.pop("ready_to_leave_minute", UNSET))

        session_record_create = cls(
            administered_at=administered_at,
            dose_mg=dose_mg,
            escort_confirmed=escort_confirmed,
            observation_minutes=observation_minutes,
            pre_diastolic=pre_diastolic,
            pre_systolic=pre_systolic,
            sedating_medications=sedating_medications,
            adverse_events=adverse_events,
            discharge_override_reason=discharge_override_reason,
            disposition=disposition,
            lot_number=lot_number,
            override_reason=override_reason,
            post_diastolic=post_diastolic,
            post_systolic=post_systolic,
            readings=readings,
            ready_to_leave_minute=ready_to_leave_minute,
        )

        return session_record_create
