"""Provider availability: weekly windows, dated exceptions and the free slots they yield.

Windows are local wall-clock times in the provider's IANA time zone; slots are computed on demand, never
stored, and returned as UTC instants. Each local time is converted per date with ``zoneinfo`` and ``fold=0``:

* a nonexistent local time (spring forward, e.g. 02:30 on 2027-03-14 in America/New_York) is read with the
  offset in force before the gap, which lands it after the gap (02:30 EST = 03:30 EDT): it maps forward;
* an ambiguous local time (fall back, e.g. 01:30 on 2026-11-01 in America/New_York) is its first
  occurrence (EDT), so a window never starts in the repeated hour's second pass.

So a 01:00-04:00 window is 2 real hours on spring-forward day and 4 on fall-back day. A window inside the
gap keeps what maps forward (02:15-02:45 becomes 03:15-03:45 EDT) or nothing (02:30-03:00 would end before it
starts).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from api.errors import FieldError, ValidationFailed

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60

_CLOCK_PATTERN = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_END_OF_DAY = "24:00"
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WINDOW_FIELDS = frozenset({"start", "end"})
_WEEKLY_FIELDS = frozenset({"weekday", "start", "end"})
_EXCEPTION_FIELDS = frozenset({"date", "windows"})


class Slot(NamedTuple):
    """A half-open interval [start, end) of UTC-aware instants; a tuple, so it equals its ``(start, end)``."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class LocalWindow:
    """A span of one local day in minutes after midnight; ``end_minute`` may be 1440 ("24:00")."""

    start_minute: int
    end_minute: int

    def as_dict(self) -> dict[str, str]:
        return {"start": _format_clock(self.start_minute), "end": _format_clock(self.end_minute)}


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A window repeated every week; ``weekday`` counts like ``date.weekday()`` (0 = monday)."""

    weekday: int
    window: LocalWindow

    def as_dict(self) -> dict[str, str]:
        return {"weekday": WEEKDAYS[self.weekday], **self.window.as_dict()}


@dataclass(frozen=True, slots=True)
class DateException:
    """The windows of one local date, replacing that weekday's windows; none means unavailable all day."""

    on: date
    windows: tuple[LocalWindow, ...]

    def as_dict(self) -> dict[str, object]:
        return {"date": self.on.isoformat(), "windows": [window.as_dict() for window in self.windows]}


@dataclass(frozen=True, slots=True)
class Availability:
    """A validated availability body, ready for :func:`free_slots`."""

    weekly: tuple[WeeklyWindow, ...]
    exceptions: tuple[DateException, ...]

    def as_dict(self) -> dict[str, object]:
        """The body in the API's shape, so a PUT can be echoed back."""
        return {
            "weekly": [window.as_dict() for window in self.weekly],
            "exceptions": [exception.as_dict() for exception in self.exceptions],
        }


# Long on purpose: one pass over the local days of the range, DST handled where the windows are cut.
def free_slots(
    weekly: Iterable[WeeklyWindow],
    exceptions: Iterable[DateException],
    tz: ZoneInfo,
    range_start_utc: datetime,
    range_end_utc: datetime,
    duration: timedelta,
    booked: Iterable[tuple[datetime, datetime]] = (),
    step: timedelta | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Bookable slots of ``duration`` in [range_start_utc, range_end_utc), sorted by start.

    A slot starts at its window's start plus a whole number of ``step`` (default: ``duration``), lies entirely
    inside the window and the range, starts no earlier than ``now`` and overlaps no booked interval. Cost
    grows with the number of dates and slots in the range, not with its length in minutes.
    """
    step = duration if step is None else step
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    for instant in (range_start_utc, range_end_utc, now):
        if instant is not None and instant.utcoffset() is None:
            raise ValueError("range bounds and now must be timezone-aware")

    earliest_start = max(range_start_utc, now) if now is not None else range_start_utc
    if earliest_start >= range_end_utc:
        return []
    busy = _BusyTimeline(booked)
    windows_by_weekday = _windows_by_weekday(weekly)
    windows_by_date = {exception.on: _in_wall_clock_order(exception.windows) for exception in exceptions}

    slots: list[Slot] = []
    in_order = True
    last_day = range_end_utc.astimezone(tz).date()
    day = earliest_start.astimezone(tz).date()
    while day <= last_day:
        day_windows: Sequence[LocalWindow] = windows_by_date.get(day, windows_by_weekday[day.weekday()])
        for window in day_windows:
            window_start = _local_minute_to_utc(day, window.start_minute, tz)
            window_end = _local_minute_to_utc(day, window.end_minute, tz)
            latest_end = min(window_end, range_end_utc)
            # Jump straight to the first step on or after the earliest allowed start (ceiling division).
            steps_to_skip = max(0, -((window_start - earliest_start) // step))
            slot_start = window_start + steps_to_skip * step
            # Wall-clock order can disagree with real time inside a DST gap; sort only then.
            in_order = in_order and (not slots or slot_start > slots[-1].start)
            while slot_start + duration <= latest_end:
                if not busy.overlaps(slot_start, slot_start + duration):
                    slots.append(Slot(slot_start, slot_start + duration))
                slot_start += step
        day += timedelta(days=1)
    return slots if in_order else sorted(set(slots))


def slots_clear_of(slots: Iterable[Slot], start: datetime, end: datetime) -> list[Slot]:
    """The slots that do not overlap [start, end): what ``free_slots`` gives once that time is booked."""
    return [slot for slot in slots if slot.end <= start or slot.start >= end]


def validate_availability(body: object) -> Availability:
    """Parse an availability body, collecting every problem with a JSON pointer before refusing it.

    Refused: unknown or missing fields, a weekday not in monday..sunday, times not "HH:MM" (``end`` may be
    "24:00"), an ``end`` not after its ``start``, two windows of one weekday (or of one exception date) that
    overlap, a date not "YYYY-MM-DD" or in two exceptions. Touching windows (one ends 12:00, one starts 12:00)
    are fine; a window never crosses midnight (split it in two).
    """
    errors: list[FieldError] = []
    fields = _require_object(body, "", {"weekly"}, errors, optional={"exceptions"})
    weekly: list[WeeklyWindow] = []
    exceptions: list[DateException] = []
    if fields is not None:
        if "weekly" in fields:
            weekly = _parse_weekly(fields["weekly"], errors)
        if "exceptions" in fields:
            exceptions = _parse_exceptions(fields["exceptions"], errors)
    if errors:
        raise ValidationFailed("The availability is invalid.", errors=errors)
    return Availability(weekly=tuple(weekly), exceptions=tuple(exceptions))


class _BusyTimeline:
    """Booked intervals merged into disjoint sorted spans, so each overlap test is one binary search."""

    def __init__(self, booked: Iterable[tuple[datetime, datetime]]) -> None:
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        for start, end in sorted(booked):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The only span that can overlap [start, end) is the last one starting before ``end``.
        index = bisect.bisect_left(self._starts, end) - 1
        return index >= 0 and self._ends[index] > start


def _windows_by_weekday(weekly: Iterable[WeeklyWindow]) -> list[list[LocalWindow]]:
    by_weekday: list[list[LocalWindow]] = [[] for _ in WEEKDAYS]
    for entry in weekly:
        by_weekday[entry.weekday].append(entry.window)
    return [_in_wall_clock_order(windows) for windows in by_weekday]


def _in_wall_clock_order(windows: Iterable[LocalWindow]) -> list[LocalWindow]:
    return sorted(windows, key=lambda window: (window.start_minute, window.end_minute))


def _local_minute_to_utc(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``minute`` after local midnight of ``day``; fold=0 (see module docstring)."""
    days, minute_of_day = divmod(minute, MINUTES_PER_DAY)
    local = datetime.combine(day + timedelta(days=days), time(*divmod(minute_of_day, 60)), tzinfo=tz)
    return local.astimezone(UTC)


def _format_clock(minute: int) -> str:
    hours, minutes = divmod(minute, 60)
    return f"{hours:02d}:{minutes:02d}"


def _parse_clock(value: object, *, allow_end_of_day: bool) -> int | None:
    """Minutes after midnight for "HH:MM", or None when malformed."""
    if not isinstance(value, str):
        return None
    if allow_end_of_day and value == _END_OF_DAY:
        return MINUTES_PER_DAY
    match = _CLOCK_PATTERN.fullmatch(value)
    if match is None:
        return None
    return int(match[1]) * 60 + int(match[2])


def _require_object(
    value: object,
    pointer: str,
    required: frozenset[str] | set[str],
    errors: list[FieldError],
    optional: frozenset[str] | set[str] = frozenset(),
) -> Mapping[str, object] | None:
    """The value as a mapping when it is a JSON object; records unknown and missing fields either way."""
    if not isinstance(value, Mapping):
        errors.append(FieldError(pointer, "invalid_type", "Must be an object."))
        return None
    for key in sorted(set(value) - required - optional, key=str):
        errors.append(FieldError(f"{pointer}/{key}", "unknown_field", "Unknown field."))
    for key in sorted(required - set(value)):
        errors.append(FieldError(f"{pointer}/{key}", "required", "Missing required field."))
    return value


def _require_list(value: object, pointer: str, errors: list[FieldError]) -> Sequence[object]:
    if isinstance(value, list | tuple):
        return value
    errors.append(FieldError(pointer, "invalid_type", "Must be an array."))
    return ()


def _parse_window(fields: Mapping[str, object], pointer: str, errors: list[FieldError]) -> LocalWindow | None:
    start = _parse_clock(fields.get("start"), allow_end_of_day=False)
    end = _parse_clock(fields.get("end"), allow_end_of_day=True)
    if start is None and "start" in fields:
        errors.append(FieldError(f"{pointer}/start", "invalid_time", 'Must be a local time "HH:MM".'))
    if end is None and "end" in fields:
        message = 'Must be a local time "HH:MM" or "24:00".'
        errors.append(FieldError(f"{pointer}/end", "invalid_time", message))
    if start is None or end is None:
        return None
    if end <= start:
        errors.append(FieldError(f"{pointer}/end", "end_not_after_start", "Must be later than start."))
        return None
    return LocalWindow(start, end)


def _reject_overlaps(windows: list[tuple[str, LocalWindow]], errors: list[FieldError]) -> None:
    """Flags each window that starts before an earlier-starting window of the same day has ended."""
    ordered = sorted(windows, key=lambda item: (item[1].start_minute, item[1].end_minute))
    if not ordered:
        return
    reaching_pointer, reaching = ordered[0]
    for pointer, window in ordered[1:]:
        if window.start_minute < reaching.end_minute:
            errors.append(
                FieldError(
                    pointer,
                    "overlapping_window",
                    f"Overlaps {reaching_pointer} ({_format_clock(reaching.start_minute)}-"
                    f"{_format_clock(reaching.end_minute)}).",
                )
            )
        if window.end_minute > reaching.end_minute:
            reaching_pointer, reaching = pointer, window


def _parse_weekly(value: object, errors: list[FieldError]) -> list[WeeklyWindow]:
    weekly: list[WeeklyWindow] = []
    pointers_by_weekday: list[list[tuple[str, LocalWindow]]] = [[] for _ in WEEKDAYS]
    for index, item in enumerate(_require_list(value, "/weekly", errors)):
        pointer = f"/weekly/{index}"
        fields = _require_object(item, pointer, _WEEKLY_FIELDS, errors)
        if fields is None:
            continue
        weekday_name = fields.get("weekday")
        weekday = WEEKDAYS.index(weekday_name) if weekday_name in WEEKDAYS else None
        if weekday is None and "weekday" in fields:
            errors.append(
                FieldError(f"{pointer}/weekday", "invalid_weekday", f"Must be one of: {', '.join(WEEKDAYS)}.")
            )
        window = _parse_window(fields, pointer, errors)
        if weekday is not None and window is not None:
            weekly.append(WeeklyWindow(weekday, window))
            pointers_by_weekday[weekday].append((pointer, window))
    for day_windows in pointers_by_weekday:
        _reject_overlaps(day_windows, errors)
    return weekly


def _parse_exceptions(value: object, errors: list[FieldError]) -> list[DateException]:
    exceptions: list[DateException] = []
    pointer_by_date: dict[date, str] = {}
    for index, item in enumerate(_require_list(value, "/exceptions", errors)):
        pointer = f"/exceptions/{index}"
        fields = _require_object(item, pointer, _EXCEPTION_FIELDS, errors)
        if fields is None:
            continue
        on = _parse_date(fields.get("date"))
        if on is None and "date" in fields:
            errors.append(FieldError(f"{pointer}/date", "invalid_date", 'Must be a date "YYYY-MM-DD".'))
        elif on is not None and on in pointer_by_date:
            errors.append(
                FieldError(f"{pointer}/date", "duplicate_date", f"Same date as {pointer_by_date[on]}/date.")
            )
            on = None
        windows: list[tuple[str, LocalWindow]] = []
        window_items = _require_list(fields.get("windows", []), f"{pointer}/windows", errors)
        for window_index, window_item in enumerate(window_items):
            window_pointer = f"{pointer}/windows/{window_index}"
            window_fields = _require_object(window_item, window_pointer, _WINDOW_FIELDS, errors)
            window = None if window_fields is None else _parse_window(window_fields, window_pointer, errors)
            if window is not None:
                windows.append((window_pointer, window))
        _reject_overlaps(windows, errors)
        if on is not None:
            pointer_by_date[on] = pointer
            exceptions.append(DateException(on, tuple(window for _, window in windows)))
    return exceptions


def _parse_date(value: object) -> date | None:
    # The pattern first: date.fromisoformat also takes "20261224" and week dates, which the contract does not.
    if not isinstance(value, str) or not _DATE_PATTERN.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
