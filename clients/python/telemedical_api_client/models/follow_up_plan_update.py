from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FollowUpPlanUpdate")


@_attrs_define
class FollowUpPlanUpdate:
    """
    Attributes:
        check_in_instruments (list[str] | Unset): Re-screened at every check-in; phq9 and cssrs required; any of cssrs,
            gad7, pcl5, phq9
        check_in_interval_days (int | Unset):
        dose_note (None | str | Unset):
        end_date (datetime.date | Unset): Must be between 1900-01-01 and 2999-12-31.
        frequency_override_reason (None | str | Unset): A psychiatrist's (MD/DO, psychiatry) reason to lift the weekly
            session limit for this plan (2 intranasal, 3 other routes in any 7 days); never more than one session a day.
            null in a PATCH restores the limit.
        sessions (list[datetime.date] | Unset): Session dates, for the custom protocol only
        start_date (datetime.date | Unset): Only while the plan is a draft Must be between 1900-01-01 and 2999-12-31.
    """

    check_in_instruments: list[str] | Unset = UNSET
    check_in_interval_days: int | Unset = UNSET
    dose_note: None | str | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    frequency_override_reason: None | str | Unset = UNSET
    sessions: list[datetime.date] | Unset = UNSET
    start_date: datetime.date | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        check_in_instruments: list[str] | Unset = UNSET
        if not isinstance(self.check_in_instruments, Unset):
            check_in_instruments = self.check_in_instruments

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

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if check_in_instruments is not UNSET:
            field_dict["check_in_instruments"] = check_in_instruments
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
        if start_date is not UNSET:
            field_dict["start_date"] = start_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        check_in_instruments = cast(list[str], d.pop("check_in_instruments", UNSET))

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

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.date | Unset
        if isinstance(_start_date, Unset):
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        follow_up_plan_update = cls(
            check_in_instruments=check_in_instruments,
            check_in_interval_days=check_in_interval_days,
            dose_note=dose_note,
            end_date=end_date,
            frequency_override_reason=frequency_override_reason,
            sessions=sessions,
            start_date=start_date,
        )

        return follow_up_plan_update
