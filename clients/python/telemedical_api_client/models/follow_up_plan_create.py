from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.route import Route
from ..models.treatment_protocol import TreatmentProtocol
from ..types import UNSET, Unset

T = TypeVar("T", bound="FollowUpPlanCreate")


@_attrs_define
class FollowUpPlanCreate:
    """
    Attributes:
        check_in_instruments (list[str]): Re-screened at every check-in; phq9 and cssrs required; any of cssrs, gad7,
            pcl5, phq9 Example: ['phq9', 'cssrs', 'gad7'].
        consultation_id (str):
        protocol (TreatmentProtocol): Follow-up treatment protocol
        route (Route): Route of ketamine administration
        start_date (datetime.date): Day 0: the first session Must be between 1900-01-01 and 2999-12-31.
        check_in_interval_days (int | Unset): Days between check-ins; the first is one interval after start_date
            Default: 7.
        dose_note (None | str | Unset):
        end_date (datetime.date | Unset): Inclusive; defaults to 12 weeks after start_date Must be between 1900-01-01
            and 2999-12-31.
        frequency_override_reason (None | str | Unset): A psychiatrist's (MD/DO, psychiatry) reason to lift the weekly
            session limit for this plan (2 intranasal, 3 other routes in any 7 days); never more than one session a day.
            null in a PATCH restores the limit.
        sessions (list[datetime.date] | Unset): Session dates, for the custom protocol only
    """

    check_in_instruments: list[str]
    consultation_id: str
    protocol: TreatmentProtocol
    route: Route
    start_date: datetime.date
    check_in_interval_days: int | Unset = 7
    dose_note: None | str | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    frequency_override_reason: None | str | Unset = UNSET
    sessions: list[datetime.date] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        check_in_instruments = self.check_in_instruments

        consultation_id = self.consultation_id

        protocol = self.protocol.value

        route = self.route.value

        start_date = self.start_date.isoformat()

        check_in_interval_days = self.check_in_interval_days

        dose_note: None | str | Unset
        if isinstance(self.dose_note, Unset):
            dose_note = UNSET
        else:
            dose_note = self.dose_note

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        frequency_override_reason: None | str | Unset
        if isinstance(self.frequency_override_reason, Unset):
            frequency_override_reason = UNSET
        else:
            frequency_override_reason = self.frequency_override_reason

        sessions: list[str] | Unset = UNSET
        if not isinstance(self.sessions, Unset):
            sessions = []
            for sessions_item_data in self.sessions:
                sessions_item = sessions_item_data.isoformat()
                sessions.append(sessions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "check_in_instruments": check_in_instruments,
                "consultation_id": consultation_id,
                "protocol": protocol,
                "route": route,
                "start_date": start_date,
            }
        )
        if check_in_interval_days is not UNSET:
            field_dict["check_in_interval_days"] = check_in_interval_days
        if dose_note is not UNSET:
            field_dict["dose_note"] = dose_note
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if frequency_override_reason is not UNSET:
            field_dict["frequency_override_reason"] = frequency_override_reason
        if sessions is not UNSET:
            field_dict["sessions"] = sessions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        check_in_instruments = cast(list[str], d.pop("check_in_instruments"))

        consultation_id = d.pop("consultation_id")

        protocol = TreatmentProtocol(d.pop("protocol"))

        route = Route(d.pop("route"))

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        check_in_interval_days = d.pop("check_in_interval_days", UNSET)

        def _parse_dose_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dose_note = _parse_dose_note(d.pop("dose_note", UNSET))

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.date | Unset
        if isinstance(_end_date, Unset):
            end_date = UNSET
        else:
            end_date = datetime.date.fromisoformat(_end_date)

        def _parse_frequency_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        frequency_override_reason = _parse_frequency_override_reason(d.pop("frequency_override_reason", UNSET))

        _sessions = d.pop("sessions", UNSET)
        sessions: list[datetime.date] | Unset = UNSET
        if _sessions is not UNSET:
            sessions = []
            for sessions_item_data in _sessions:
                sessions_item = datetime.date.fromisoformat(sessions_item_data)

                sessions.append(sessions_item)

        follow_up_plan_create = cls(
            check_in_instruments=check_in_instruments,
            consultation_id=consultation_id,
            protocol=protocol,
            route=route,
            start_date=start_date,
            check_in_interval_days=check_in_interval_days,
            dose_note=dose_note,
            end_date=end_date,
            frequency_override_reason=frequency_override_reason,
            sessions=sessions,
        )

        return follow_up_plan_create
