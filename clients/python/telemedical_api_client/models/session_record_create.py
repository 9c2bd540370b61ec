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
        sedating_medications (SedatingMedications):
        adverse_events (list[SessionAdverseEvent] | Unset):
        discharge_override_reason (None | str | Unset): A provider's reason to discharge a patient not yet meeting the
            criteria
        disposition (Disposition | Unset): How the patient left a session
        disposition_reason (None | str | Unset): Required for left_against_medical_advice
        dose_override_reason (None | str | Unset): A provider's reason to give more than 1.0 mg/kg (never more than 2.0)
        escort_confirmed (bool | Unset): Must be true for a supervised session
        infusion_minutes (int | None | Unset): Intravenous only, required: 20-120 (no bolus)
        lot_number (None | str | Unset): Required for intranasal
        monitored_by (None | str | Unset): Licensed in the site's state; defaults to the recording provider
        observation_minutes (int | Unset): From the first administration: intranasal 120+, intravenous infusion + 30,
            intramuscular 60+ (optional at home)
        onsite_prescriber_id (None | str | Unset): Intranasal: required, schedule III DEA in the site's state, present
            throughout
        override_reason (None | str | Unset): A provider's reason to dose above 140/90 (never at 180/110 or above)
        post_diastolic (int | Unset): mmHg at completion: the last reading's
        post_systolic (int | Unset): mmHg at completion: the last reading's (send neither, or the same)
        pre_diastolic (int | Unset): mmHg, before the dose; 110 or more is a hard stop (optional at home)
        pre_systolic (int | Unset): mmHg, before the dose; 180 or more is a hard stop (optional at home)
        readings (list[Reading] | Unset): Supervised routes: one at minute 30-60 with SpO2; the last with SpO2, in the
            last 15 minutes of observation
        ready_to_leave_minute (int | None | Unset): When the patient was ready, had there been no minimum; after every
            unstable reading
        site_id (None | str | Unset): The practice site, in the patient's state (REMS-certified for intranasal)
        sitter_present (bool | Unset): Must be true for an at-home session
        weight_kg (float | None | Unset): 30-300, the weight on the day; required for intravenous and intramuscular
    """

    administered_at: datetime.datetime
    dose_mg: float
    sedating_medications: SedatingMedications
    adverse_events: list[SessionAdverseEvent] | Unset = UNSET
    discharge_override_reason: None | str | Unset = UNSET
    disposition: Disposition | Unset = UNSET
    disposition_reason: None | str | Unset = UNSET
    dose_override_reason: None | str | Unset = UNSET
    escort_confirmed: bool | Unset = UNSET
    infusion_minutes: int | None | Unset = UNSET
    lot_number: None | str | Unset = UNSET
    monitored_by: None | str | Unset = UNSET
    observation_minutes: int | Unset = UNSET
    onsite_prescriber_id: None | str | Unset = UNSET
    override_reason: None | str | Unset = UNSET
    post_diastolic: int | Unset = UNSET
    post_systolic: int | Unset = UNSET
    pre_diastolic: int | Unset = UNSET
    pre_systolic: int | Unset = UNSET
    readings: list[Reading] | Unset = UNSET
    ready_to_leave_minute: int | None | Unset = UNSET
    site_id: None | str | Unset = UNSET
    sitter_present: bool | Unset = UNSET
    weight_kg: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        administered_at = self.administered_at.isoformat()

        dose_mg = self.dose_mg

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

        disposition_reason: None | str | Unset
        if isinstance(self.disposition_reason, Unset):
            disposition_reason = UNSET
        else:
            disposition_reason = self.disposition_reason

        dose_override_reason: None | str | Unset
        if isinstance(self.dose_override_reason, Unset):
            dose_override_reason = UNSET
        else:
            dose_override_reason = self.dose_override_reason

        escort_confirmed = self.escort_confirmed

        infusion_minutes: int | None | Unset
        if isinstance(self.infusion_minutes, Unset):
            infusion_minutes = UNSET
        else:
            infusion_minutes = self.infusion_minutes

        lot_number: None | str | Unset
        if isinstance(self.lot_number, Unset):
            lot_number = UNSET
        else:
            lot_number = self.lot_number

        monitored_by: None | str | Unset
        if isinstance(self.monitored_by, Unset):
            monitored_by = UNSET
        else:
            monitored_by = self.monitored_by

        observation_minutes = self.observation_minutes

        onsite_prescriber_id: None | str | Unset
        if isinstance(self.onsite_prescriber_id, Unset):
            onsite_prescriber_id = UNSET
        else:
            onsite_prescriber_id = self.onsite_prescriber_id

        override_reason: None | str | Unset
        if isinstance(self.override_reason, Unset):
            override_reason = UNSET
        else:
            override_reason = self.override_reason

        post_diastolic = self.post_diastolic

        post_systolic = self.post_systolic

        pre_diastolic = self.pre_diastolic

        pre_systolic = self.pre_systolic

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

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        else:
            site_id = self.site_id

        sitter_present = self.sitter_present

        weight_kg: float | None | Unset
        if isinstance(self.weight_kg, Unset):
            weight_kg = UNSET
        else:
            weight_kg = self.weight_kg

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "dose_mg": dose_mg,
                "sedating_medications": sedating_medications,
            }
        )
        if adverse_events is not UNSET:
            field_dict["adverse_events"] = adverse_events
        if discharge_override_reason is not UNSET:
            field_dict["discharge_override_reason"] = discharge_override_reason
        if disposition is not UNSET:
            field_dict["disposition"] = disposition
        if disposition_reason is not UNSET:
            field_dict["disposition_reason"] = disposition_reason
        if dose_override_reason is not UNSET:
            field_dict["dose_override_reason"] = dose_override_reason
        if escort_confirmed is not UNSET:
            field_dict["escort_confirmed"] = escort_confirmed
        if infusion_minutes is not UNSET:
            field_dict["infusion_minutes"] = infusion_minutes
        if lot_number is not UNSET:
            field_dict["lot_number"] = lot_number
        if monitored_by is not UNSET:
            field_dict["monitored_by"] = monitored_by
        if observation_minutes is not UNSET:
            field_dict["observation_minutes"] = observation_minutes
        if onsite_prescriber_id is not UNSET:
            field_dict["onsite_prescriber_id"] = onsite_prescriber_id
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason
        if post_diastolic is not UNSET:
            field_dict["post_diastolic"] = post_diastolic
        if post_systolic is not UNSET:
            field_dict["post_systolic"] = post_systolic
        if pre_diastolic is not UNSET:
            field_dict["pre_diastolic"] = pre_diastolic
        if pre_systolic is not UNSET:
            field_dict["pre_systolic"] = pre_systolic
        if readings is not UNSET:
            field_dict["readings"] = readings
        if ready_to_leave_minute is not UNSET:
            field_dict["ready_to_leave_minute"] = ready_to_leave_minute
        if site_id is not UNSET:
            field_dict["site_id"] = site_id
        if sitter_present is not UNSET:
            field_dict["sitter_present"] = sitter_present
        if weight_kg is not UNSET:
            field_dict["weight_kg"] = weight_kg

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reading import Reading  # noqa: PLC0415
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415
        from ..models.session_adverse_event import SessionAdverseEvent  # noqa: PLC0415

        d = dict(src_dict)
        administered_at = datetime.datetime.fromisoformat(d.pop("administered_at"))

        dose_mg = d.pop("dose_mg")

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

        def _parse_disposition_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disposition_reason = _parse_disposition_reason(d.pop("disposition_reason", UNSET))

        def _parse_dose_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dose_override_reason = _parse_dose_override_reason(d.pop("dose_override_reason", UNSET))

        escort_confirmed = d.pop("escort_confirmed", UNSET)

        def _parse_infusion_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        infusion_minutes = _parse_infusion_minutes(d.pop("infusion_minutes", UNSET))

        def _parse_lot_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lot_number = _parse_lot_number(d.pop("lot_number", UNSET))

        def _parse_monitored_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        monitored_by = _parse_monitored_by(d.pop("monitored_by", UNSET))

        observation_minutes = d.pop("observation_minutes", UNSET)

        def _parse_onsite_prescriber_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        onsite_prescriber_id = _parse_onsite_prescriber_id(d.pop("onsite_prescriber_id", UNSET))

        def _parse_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        override_reason = _parse_override_reason(d.pop("override_reason", UNSET))

        post_diastolic = d.pop("post_diastolic", UNSET)

        post_systolic = d.pop("post_systolic", UNSET)

        pre_diastolic = d.pop("pre_diastolic", UNSET)

        pre_systolic = d.pop("pre_systolic", UNSET)

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

        def _parse_site_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

        sitter_present = d.pop("sitter_present", UNSET)

        def _parse_weight_kg(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        weight_kg = _parse_weight_kg(d.pop("weight_kg", UNSET))

        session_record_create = cls(
            administered_at=administered_at,
            dose_mg=dose_mg,
            sedating_medications=sedating_medications,
            adverse_events=adverse_events,
            discharge_override_reason=discharge_override_reason,
            disposition=disposition,
            disposition_reason=disposition_reason,
            dose_override_reason=dose_override_reason,
            escort_confirmed=escort_confirmed,
            infusion_minutes=infusion_minutes,
            lot_number=lot_number,
            monitored_by=monitored_by,
            observation_minutes=observation_minutes,
            onsite_prescriber_id=onsite_prescriber_id,
            override_reason=override_reason,
            post_diastolic=post_diastolic,
            post_systolic=post_systolic,
            pre_diastolic=pre_diastolic,
            pre_systolic=pre_systolic,
            readings=readings,
            ready_to_leave_minute=ready_to_leave_minute,
            site_id=site_id,
            sitter_present=sitter_present,
            weight_kg=weight_kg,
        )

        return session_record_create
