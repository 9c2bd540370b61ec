from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.rems_blood_pressure_increase import RemsBloodPressureIncrease
    from ..models.rems_blood_pressures import RemsBloodPressures
    from ..models.rems_dissociation import RemsDissociation
    from ..models.rems_patient import RemsPatient
    from ..models.rems_provider import RemsProvider
    from ..models.rems_respiratory import RemsRespiratory
    from ..models.rems_sedation import RemsSedation
    from ..models.rems_setting import RemsSetting
    from ..models.sedating_medications import SedatingMedications


T = TypeVar("T", bound="RemsForm")


@_attrs_define
class RemsForm:
    """
    Attributes:
        administered_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        blood_pressure (RemsBloodPressures):
        blood_pressure_increase (RemsBloodPressureIncrease):
        concomitant_medications (None | SedatingMedications):
        disposition (str):
        dissociation (RemsDissociation):
        dose_mg (float | None):
        due_by (datetime.date): The session date plus 7 days Must be between 1900-01-01 and 2999-12-31.
        lot_number (None | str):
        monitoring_provider (None | RemsProvider): The session's monitored_by; null on records made before it was
            recorded
        patient (RemsPatient):
        plan_id (str):
        ready_to_leave_minute (int | None):
        respiratory_depression (RemsRespiratory):
        sedation (RemsSedation):
        session_date (datetime.date): In the provider's time zone Must be between 1900-01-01 and 2999-12-31.
        setting (None | RemsSetting):
        submitted_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        task_id (str):
        total_monitoring_minutes (int):
        vital_signs_acceptable_at_completion (bool):
        vital_signs_acceptable_before (bool):
    """

    administered_at: datetime.datetime
    blood_pressure: RemsBloodPressures
    blood_pressure_increase: RemsBloodPressureIncrease
    concomitant_medications: None | SedatingMedications
    disposition: str
    dissociation: RemsDissociation
    dose_mg: float | None
    due_by: datetime.date
    lot_number: None | str
    monitoring_provider: None | RemsProvider
    patient: RemsPatient
    plan_id: str
    ready_to_leave_minute: int | None
    respiratory_depression: RemsRespiratory
    sedation: RemsSedation
    session_date: datetime.date
    setting: None | RemsSetting
    submitted_at: datetime.datetime | None
    task_id: str
    total_monitoring_minutes: int
    vital_signs_acceptable_at_completion: bool
    vital_signs_acceptable_before: bool

    def to_dict(self) -> dict[str, Any]:
        from ..models.rems_provider import RemsProvider  # noqa: PLC0415
        from ..models.rems_setting import RemsSetting  # noqa: PLC0415
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415

        administered_at = self.administered_at.isoformat()

        blood_pressure = self.blood_pressure.to_dict()

        blood_pressure_increase = self.blood_pressure_increase.to_dict()

        concomitant_medications: dict[str, Any] | None
        if isinstance(self.concomitant_medications, SedatingMedications):
            concomitant_medications = self.concomitant_medications.to_dict()
        else:
            concomitant_medications = self.concomitant_medications

        disposition = self.disposition

        dissociation = self.dissociation.to_dict()

        dose_mg: float | None
        dose_mg = self.dose_mg

        due_by = self.due_by.isoformat()

        lot_number: None | str
        lot_number = self.lot_number

        monitoring_provider: dict[str, Any] | None
        if isinstance(self.monitoring_provider, RemsProvider):
            monitoring_provider = self.monitoring_provider.to_dict()
        else:
            monitoring_provider = self.monitoring_provider

        patient = self.patient.to_dict()

        plan_id = self.plan_id

        ready_to_leave_minute: int | None
        ready_to_leave_minute = self.ready_to_leave_minute

        respiratory_depression = self.respiratory_depression.to_dict()

        sedation = self.sedation.to_dict()

        session_date = self.session_date.isoformat()

        setting: dict[str, Any] | None
        if isinstance(self.setting, RemsSetting):
            setting = self.setting.to_dict()
        else:
            setting = self.setting

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        task_id = self.task_id

        total_monitoring_minutes = self.total_monitoring_minutes

        vital_signs_acceptable_at_completion = self.vital_signs_acceptable_at_completion

        vital_signs_acceptable_before = self.vital_signs_acceptable_before

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "administered_at": administered_at,
                "blood_pressure": blood_pressure,
                "blood_pressure_increase": blood_pressure_increase,
                "concomitant_medications": concomitant_medications,
                "disposition": disposition,
                "dissociation": dissociation,
                "dose_mg": dose_mg,
                "due_by": due_by,
                "lot_number": lot_number,
                "monitoring_provider": monitoring_provider,
                "patient": patient,
                "plan_id": plan_id,
                "ready_to_leave_minute": ready_to_leave_minute,
                "respiratory_depression": respiratory_depression,
                "sedation": sedation,
                "session_date": session_date,
                "setting": setting,
                "submitted_at": submitted_at,
                "task_id": task_id,
                "total_monitoring_minutes": total_monitoring_minutes,
                "vital_signs_acceptable_at_completion": vital_signs_acceptable_at_completion,
                "vital_signs_acceptable_before": vital_signs_acceptable_before,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rems_blood_pressure_increase import RemsBloodPressureIncrease  # noqa: PLC0415
        from ..models.rems_blood_pressures import RemsBloodPressures  # noqa: PLC0415
        from ..models.rems_dissociation import RemsDissociation  # noqa: PLC0415
        from ..models.rems_patient import RemsPatient  # noqa: PLC0415
        from ..models.rems_provider import RemsProvider  # noqa: PLC0415
        from ..models.rems_respiratory import RemsRespiratory  # noqa: PLC0415
        from ..models.rems_sedation import RemsSedation  # noqa: PLC0415
        from ..models.rems_setting import RemsSetting  # noqa: PLC0415
        from ..models.sedating_medications import SedatingMedications  # noqa: PLC0415

        d = dict(src_dict)
        administered_at = datetime.datetime.fromisoformat(d.pop("administered_at"))

        blood_pressure = RemsBloodPressures.from_dict(d.pop("blood_pressure"))

        blood_pressure_increase = RemsBloodPressureIncrease.from_dict(d.pop("blood_pressure_increase"))

        def _parse_concomitant_medications(data: object) -> None | SedatingMedications:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                concomitant_medications_type_0 = SedatingMedications.from_dict(data)

                return concomitant_medications_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SedatingMedications, data)

        concomitant_medications = _parse_concomitant_medications(d.pop("concomitant_medications"))

        disposition = d.pop("disposition")

        dissociation = RemsDissociation.from_dict(d.pop("dissociation"))

        def _parse_dose_mg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        dose_mg = _parse_dose_mg(d.pop("dose_mg"))

        due_by = datetime.date.fromisoformat(d.pop("due_by"))

        def _parse_lot_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lot_number = _parse_lot_number(d.pop("lot_number"))

        def _parse_monitoring_provider(data: object) -> None | RemsProvider:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                monitoring_provider_type_0 = RemsProvider.from_dict(data)

                return monitoring_provider_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemsProvider, data)

        monitoring_provider = _parse_monitoring_provider(d.pop("monitoring_provider"))

        patient = RemsPatient.from_dict(d.pop("patient"))

        plan_id = d.pop("plan_id")

        def _parse_ready_to_leave_minute(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        ready_to_leave_minute = _parse_ready_to_leave_minute(d.pop("ready_to_leave_minute"))

        respiratory_depression = RemsRespiratory.from_dict(d.pop("respiratory_depression"))

        sedation = RemsSedation.from_dict(d.pop("sedation"))

        session_date = datetime.date.fromisoformat(d.pop("session_date"))

        def _parse_setting(data: object) -> None | RemsSetting:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                setting_type_0 = RemsSetting.from_dict(data)

                return setting_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemsSetting, data)

        setting = _parse_setting(d.pop("setting"))

        def _parse_submitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))

        task_id = d.pop("task_id")

        total_monitoring_minutes = d.pop("total_monitoring_minutes")

        vital_signs_acceptable_at_completion = d.pop("vital_signs_acceptable_at_completion")

        vital_signs_acceptable_before = d.pop("vital_signs_acceptable_before")

        rems_form = cls(
            administered_at=administered_at,
            blood_pressure=blood_pressure,
            blood_pressure_increase=blood_pressure_increase,
            concomitant_medications=concomitant_medications,
            disposition=disposition,
            dissociation=dissociation,
            dose_mg=dose_mg,
            due_by=due_by,
            lot_number=lot_number,
            monitoring_provider=monitoring_provider,
            patient=patient,
            plan_id=plan_id,
            ready_to_leave_minute=ready_to_leave_minute,
            respiratory_depression=respiratory_depression,
            sedation=sedation,
            session_date=session_date,
            setting=setting,
            submitted_at=submitted_at,
            task_id=task_id,
            total_monitoring_minutes=total_monitoring_minutes,
            vital_signs_acceptable_at_completion=vital_signs_acceptable_at_completion,
            vital_signs_acceptable_before=vital_signs_acceptable_before,
        )

        return rems_form
