from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disposition import Disposition

if TYPE_CHECKING:
    from ..models.adverse_event import AdverseEvent
    from ..models.reading import Reading
    from ..models.rems_setting import RemsSetting
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
        disposition_reason (None | str):
        dose_mg (float | None): Null on records made before v1.1
        dose_mg_per_kg (float | None): dose_mg / weight_kg, 2 decimals; null without a weight
        dose_overridden (bool): An intravenous or intramuscular dose above 1.0 mg/kg, on a provider's decision
        dose_override_reason (None | str):
        escort_confirmed (bool | None):
        infusion_minutes (int | None): Intravenous
        lot_number (None | str):
        monitored_by (None | str): The provider who monitored the patient
        observation_minutes (int | None):
        onsite_prescriber_id (None | str): The prescriber attested present at the site throughout
        override_reason (None | str):
        post_diastolic (int | None):
        post_systolic (int | None): The last reading's; null with no reading (at home, an early transfer)
        pre_diastolic (int | None):
        pre_systolic (int | None): Null only for an at-home session
        readings (list[Reading]):
        ready_to_leave_minute (int | None):
        recorded_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        recorded_by (Reporter):
        sedating_medications (None | SedatingMedications):
        site (None | RemsSetting): The practice site as it was on the day; null at home and on older records
        sitter_present (bool | None): At-home sessions: an adult present throughout
        weight_kg (float | None): The weight on the day (kg)
    """

    administered_at: datetime.datetime
    adverse_events: list[AdverseEvent]
    blood_pressure_overridden: bool
    discharge_overridden: bool
    discharge_override_reason: None | str
    disposition: Disposition
    disposition_reason: None | str
    dose_mg: float | None
    dose_mg_per_kg: float | None
    dose_overridden: bool
    dose_override_reason: None | str
    escort_confirmed: bool | None
    infusion_minutes: int | None
    lot_number: None | str
    monitored_by: None | str
    observation_minutes: int | None
    onsite_prescriber_id: None | str
    override_reason: None | str
    post_diastolic: int | None
    post_systolic: int | None
    pre_diastolic: int | None
    pre_systolic: int | None
    readings: list[Reading]
    ready_to_leave_minute: int | None
    recorded_at: datetime.datetime
    recorded_by: Reporter
    sedating_medications: None | SedatingMedications
    site: None | RemsSetting
    sitter_present: bool | None
    weight_kg: float | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.rems_setting import RemsSetting  # noqa: PLC0415
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

        disposition_reason: None | str
        disposition_reason = self.disposition_reason

        dose_mg: float | None
        dose_mg = self.dose_mg

        dose_mg_per_kg: float | None
        dose_mg_per_kg = self.dose_mg_per_kg

        dose_overridden = self.dose_overridden

        dose_override_reason: None | str
        dose_override_reason = self.dose_override_reason

        escort_confirmed: bool | None
        escort_confirmed = self.escort_confirmed

        infusion_minutes: int | None
        infusion_minutes = self.infusion_minutes

        lot_number: None | str
        lot_number = self.lot_number

        monitored_by: None | str
        monitored_by = self.monitored_by

        observation_minutes: int | None
        observation_minutes = self.observation_minutes

        onsite_prescriber_id: None | str
        onsite_prescriber_id = self.onsite_prescriber_id

        override_reason: None | str
        override_reason = self.override_reason

        post_diastolic: int | None
        post_diastolic = self.post_diastolic

        post_systolic: int | None
        post_systolic = self.post_systolic

        pre_diastolic: int | None
        pre_diastolic = self.pre_diastolic

        pre_systolic: int | None
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

        site: dict[str, Any] | None
        if isinstance(self.site, RemsSetting):
            site = self.site.to_dict()
        else:
            site = self.site

        sitter_present: bool | None
        sitter_present = self.sitter_present

        weight_kg: float | None
        weight_kg = self.weight_kg

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "adverse_events": adverse_events,
                "blood_pressure_overridden": blood_pressure_overridden,
                "discharge_overridden": discharge_overridden,
                "discharge_override_reason": discharge_override_reason,
                "disposition": disposition,
                "disposition_reason": disposition_reason,
                "dose_mg": dose_mg,
                "dose_mg_per_kg": dose_mg_per_kg,
                "dose_overridden": dose_overridden,
                "dose_override_reason": dose_override_reason,
                "escort_confirmed": escort_confirmed,
                "infusion_minutes": infusion_minutes,
                "lot_number": lot_number,
                "monitored_by": monitored_by,
                "observation_minutes": observation_minutes,
                "onsite_prescriber_id": onsite_prescriber_id,
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
                "site": site,
                "sitter_present": sitter_present,
                "weight_kg": weight_kg,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.adverse_event import AdverseEvent  # noqa: PLC0415
        from ..models.reading import Reading  # noqa: PLC0415
        from ..models.rems_setting import RemsSetting  # noqa: PLC0415
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

        def _parse_disposition_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disposition_reason = _parse_disposition_reason(d.pop("disposition_reason"))

        def _parse_dose_mg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        dose_mg = _parse_dose_mg(d.pop("dose_mg"))

        def _parse_dose_mg_per_kg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        dose_mg_per_kg = _parse_dose_mg_per_kg(d.pop("dose_mg_per_kg"))

        dose_overridden = d.pop("dose_overridden")

        def _parse_dose_override_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dose_override_reason = _parse_dose_override_reason(d.pop("dose_override_reason"))

        def _parse_escort_confirmed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        escort_confirmed = _parse_escort_confirmed(d.pop("escort_confirmed"))

        def _parse_infusion_minutes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        infusion_minutes = _parse_infusion_minutes(d.pop("infusion_minutes"))

        def _parse_lot_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lot_number = _parse_lot_number(d.pop("lot_number"))

        def _parse_monitored_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        monitored_by = _parse_monitored_by(d.pop("monitored_by"))

        def _parse_observation_minutes(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        observation_minutes = _parse_observation_minutes(d.pop("observation_minutes"))

        def _parse_onsite_prescriber_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        onsite_prescriber_id = _parse_onsite_prescriber_id(d.pop("onsite_prescriber_id"))

        def _parse_override_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        override_reason = _parse_override_reason(d.pop("override_reason"))

        def _parse_post_diastolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        post_diastolic = _parse_post_diastolic(d.pop("post_diastolic"))

        def _parse_post_systolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        post_systolic = _parse_post_systolic(d.pop("post_systolic"))

        def _parse_pre_diastolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pre_diastolic = _parse_pre_diastolic(d.pop("pre_diastolic"))

        def _parse_pre_systolic(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        pre_systolic = _parse_pre_systolic(d.pop("pre_systolic"))

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

        def _parse_site(data: object) -> None | RemsSetting:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                site_type_0 = RemsSetting.from_dict(data)

                return site_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemsSetting, data)

        site = _parse_site(d.pop("site"))

        def _parse_sitter_present(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        sitter_present = _parse_sitter_present(d.pop("sitter_present"))

        def _parse_weight_kg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        weight_kg = _parse_weight_kg(d.pop("weight_kg"))

        session_record = cls(
            administered_at=administered_at,
            adverse_events=adverse_events,
            blood_pressure_overridden=blood_pressure_overridden,
            discharge_overridden=discharge_overridden,
            discharge_override_reason=discharge_override_reason,
            disposition=disposition,
            disposition_reason=disposition_reason,
            dose_mg=dose_mg,
            dose_mg_per_kg=dose_mg_per_kg,
            dose_overridden=dose_overridden,
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
            recorded_at=recorded_at,
            recorded_by=recorded_by,
            sedating_medications=sedating_medications,
            site=site,
            sitter_present=sitter_present,
            weight_kg=weight_kg,
        )

        return session_record
