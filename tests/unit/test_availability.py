"""Availability: validation of the body and DST-correct free slots.

Expected instants are worked out by hand from the offsets: America/New_York is UTC-5 (EST) / UTC-4 (EDT),
America/Los_Angeles UTC-8 (PST) / UTC-7 (PDT). In 2027 clocks spring forward on Sunday 2027-03-14 at 02:00;
in 2026 they fall back on Sunday 2026-11-01 at 02:00. 2026-12-07 is a Monday.
"""

import time as wall_clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.domain.availability import (
    WEEKDAYS,
    Availability,
    DateException,
    LocalWindow,
    Slot,
    WeeklyWindow,
    free_slots,
    validate_availability,
)
from api.errors import ValidationFailed

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
HOUR = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def hourly(*starts: datetime) -> list[Slot]:
    return [Slot(start, start + HOUR) for start in starts]


def parse(weekly: list[dict[str, str]], exceptions: list[dict[str, object]] | None = None) -> Availability:
    body: dict[str, object] = {"weekly": weekly}
    if exceptions is not None:
        body["exceptions"] = exceptions
    return validate_availability(body)


def slots_of(
    availability: Availability,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    duration: timedelta = HOUR,
    *,
    booked: list[tuple[datetime, datetime]] | None = None,
    step: timedelta | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    return free_slots(
        availability.weekly,
        availability.exceptions,
        tz,
        start,
        end,
        duration,
        booked or [],
        step=step,
        now=now,
    )


MONDAY_MORNING = parse([{"weekday": "monday", "start": "09:00", "end": "12:00"}])
# 2026-12-07 09:00-12:00 EST = 14:00-17:00Z.
MONDAY_DEC_7 = (utc(2026, 12, 7, 0), utc(2026, 12, 8, 0))


# --- free slots: plain weeks --------------------------------------------------------------------------------


def test_slots_follow_the_window_in_utc() -> None:
    slots = slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7)
    assert slots == hourly(utc(2026, 12, 7, 14), utc(2026, 12, 7, 15), utc(2026, 12, 7, 16))


def test_slots_are_utc_aware() -> None:
    for slot in slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7):
        assert slot.start.tzinfo is UTC
        assert slot.end.tzinfo is UTC


def test_slots_repeat_every_week_and_skip_other_days() -> None:
    slots = slots_of(MONDAY_MORNING, NEW_YORK, utc(2026, 12, 7, 0), utc(2026, 12, 15, 0))
    assert [slot.start for slot in slots] == [
        utc(2026, 12, 7, 14),
        utc(2026, 12, 7, 15),
        utc(2026, 12, 7, 16),
        utc(2026, 12, 14, 14),
        utc(2026, 12, 14, 15),
        utc(2026, 12, 14, 16),
    ]


def test_step_shorter_than_duration_gives_overlapping_starts() -> None:
    slots = slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7, step=timedelta(minutes=30))
    assert [slot.start for slot in slots] == [
        utc(2026, 12, 7, 14, 0),
        utc(2026, 12, 7, 14, 30),
        utc(2026, 12, 7, 15, 0),
        utc(2026, 12, 7, 15, 30),
        utc(2026, 12, 7, 16, 0),
    ]


def test_slot_longer_than_what_is_left_of_the_window_is_not_offered() -> None:
    ninety_minutes = timedelta(minutes=90)
    slots = slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7, duration=ninety_minutes)
    assert slots == [
        Slot(utc(2026, 12, 7, 14, 0), utc(2026, 12, 7, 15, 30)),
        Slot(utc(2026, 12, 7, 15, 30), utc(2026, 12, 7, 17, 0)),
    ]


def test_window_ending_at_24_00_ends_at_local_midnight() -> None:
    # Sunday 2026-12-06 22:00-24:00 EST = 2026-12-07 03:00-05:00Z.
    late = parse([{"weekday": "sunday", "start": "22:00", "end": "24:00"}])
    slots = slots_of(late, NEW_YORK, utc(2026, 12, 6, 0), utc(2026, 12, 8, 0))
    assert slots == hourly(utc(2026, 12, 7, 3), utc(2026, 12, 7, 4))


def test_local_evening_is_found_when_the_range_starts_on_the_next_utc_day() -> None:
    # Monday 2026-12-07 20:00-22:00 PST = 2026-12-08 04:00-06:00Z: local date is a day behind the range start.
    evening = parse([{"weekday": "monday", "start": "20:00", "end": "22:00"}])
    slots = slots_of(evening, LOS_ANGELES, utc(2026, 12, 8, 0), utc(2026, 12, 9, 0))
    assert slots == hourly(utc(2026, 12, 8, 4), utc(2026, 12, 8, 5))


def test_windows_given_out_of_order_still_yield_sorted_slots() -> None:
    split_day = parse(
        [
            {"weekday": "monday", "start": "14:00", "end": "15:00"},
            {"weekday": "monday", "start": "09:00", "end": "10:00"},
        ]
    )
    slots = slots_of(split_day, NEW_YORK, *MONDAY_DEC_7)
    assert slots == hourly(utc(2026, 12, 7, 14), utc(2026, 12, 7, 19))


def test_no_windows_no_slots() -> None:
    assert slots_of(parse([]), NEW_YORK, *MONDAY_DEC_7) == []


# --- free slots: daylight saving time -----------------------------------------------------------------------


SUNDAY_EARLY = parse([{"weekday": "sunday", "start": "01:00", "end": "04:00"}])


@pytest.mark.parametrize(
    ("sunday", "expected_starts"),
    [
        # Week before spring forward, EST: 01:00-04:00 = 06:00-09:00Z, three slots.
        (date(2027, 3, 7), [utc(2027, 3, 7, 6), utc(2027, 3, 7, 7), utc(2027, 3, 7, 8)]),
        # Spring forward: 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z, only two real hours.
        (date(2027, 3, 14), [utc(2027, 3, 14, 6), utc(2027, 3, 14, 7)]),
        # Week after, EDT: 01:00-04:00 = 05:00-08:00Z.
        (date(2027, 3, 21), [utc(2027, 3, 21, 5), utc(2027, 3, 21, 6), utc(2027, 3, 21, 7)]),
        # Week before fall back, EDT: 05:00-08:00Z.
        (date(2026, 10, 25), [utc(2026, 10, 25, 5), utc(2026, 10, 25, 6), utc(2026, 10, 25, 7)]),
        # Fall back: 01:00 is ambiguous, first occurrence EDT = 05:00Z; 04:00 EST = 09:00Z, four real hours.
        (
            date(2026, 11, 1),
            [utc(2026, 11, 1, 5), utc(2026, 11, 1, 6), utc(2026, 11, 1, 7), utc(2026, 11, 1, 8)],
        ),
        # Week after, EST: 06:00-09:00Z.
        (date(2026, 11, 8), [utc(2026, 11, 8, 6), utc(2026, 11, 8, 7), utc(2026, 11, 8, 8)]),
    ],
)
def test_new_york_early_sunday_window_around_dst(sunday: date, expected_starts: list[datetime]) -> None:
    day_start = datetime(sunday.year, sunday.month, sunday.day, tzinfo=UTC)
    slots = slots_of(SUNDAY_EARLY, NEW_YORK, day_start, day_start + timedelta(days=1))
    assert slots == hourly(*expected_starts)


def test_spring_forward_across_three_weeks_in_one_range() -> None:
    slots = slots_of(SUNDAY_EARLY, NEW_YORK, utc(2027, 3, 6, 0), utc(2027, 3, 22, 0))
    assert [slot.start for slot in slots] == [
        utc(2027, 3, 7, 6),
        utc(2027, 3, 7, 7),
        utc(2027, 3, 7, 8),
        utc(2027, 3, 14, 6),
        utc(2027, 3, 14, 7),
        utc(2027, 3, 21, 5),
        utc(2027, 3, 21, 6),
        utc(2027, 3, 21, 7),
    ]


def test_spring_forward_with_thirty_minute_step() -> None:
    slots = slots_of(
        SUNDAY_EARLY, NEW_YORK, utc(2027, 3, 14, 0), utc(2027, 3, 15, 0), step=timedelta(minutes=30)
    )
    assert [slot.start for slot in slots] == [
        utc(2027, 3, 14, 6, 0),
        utc(2027, 3, 14, 6, 30),
        utc(2027, 3, 14, 7),
    ]


def test_nonexistent_start_maps_forward() -> None:
    # 02:30 does not exist on 2027-03-14; read with EST it is 07:30Z (= 03:30 EDT). 05:00 EDT = 09:00Z.
    gap_start = parse([{"weekday": "sunday", "start": "02:30", "end": "05:00"}])
    slots = slots_of(
        gap_start, NEW_YORK, utc(2027, 3, 14, 0), utc(2027, 3, 15, 0), duration=timedelta(minutes=30)
    )
    assert [slot.start for slot in slots] == [
        utc(2027, 3, 14, 7, 30),
        utc(2027, 3, 14, 8, 0),
        utc(2027, 3, 14, 8, 30),
    ]


def test_window_swallowed_by_the_gap_yields_nothing() -> None:
    # 02:30 maps to 07:30Z but 03:00 EDT is 07:00Z: the window would end before it starts.
    swallowed = parse([{"weekday": "sunday", "start": "02:30", "end": "03:00"}])
    thirty_minutes = timedelta(minutes=30)
    assert (
        slots_of(swallowed, NEW_YORK, utc(2027, 3, 14, 0), utc(2027, 3, 15, 0), duration=thirty_minutes) == []
    )


def test_ambiguous_start_uses_first_occurrence() -> None:
    # 01:30 on 2026-11-01 happens twice; the first (EDT) is 05:30Z. 03:00 EST = 08:00Z.
    ambiguous = parse([{"weekday": "sunday", "start": "01:30", "end": "03:00"}])
    slots = slots_of(ambiguous, NEW_YORK, utc(2026, 11, 1, 0), utc(2026, 11, 2, 0))
    assert slots == hourly(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30))


def test_window_to_midnight_on_fall_back_day() -> None:
    # 2026-11-01 22:00 EST = 2026-11-02 03:00Z; 24:00 = 2026-11-02 00:00 EST = 05:00Z.
    late = parse([{"weekday": "sunday", "start": "22:00", "end": "24:00"}])
    slots = slots_of(late, NEW_YORK, utc(2026, 11, 1, 0), utc(2026, 11, 3, 0))
    assert slots == hourly(utc(2026, 11, 2, 3), utc(2026, 11, 2, 4))


@pytest.mark.parametrize(
    ("window", "range_start", "expected_starts"),
    [
        # Monday 09:00-11:00: 2027-03-08 is PST (17:00Z), 2027-03-15 is PDT (16:00Z).
        (("monday", "09:00", "11:00"), utc(2027, 3, 8, 0), [utc(2027, 3, 8, 17), utc(2027, 3, 8, 18)]),
        (("monday", "09:00", "11:00"), utc(2027, 3, 15, 0), [utc(2027, 3, 15, 16), utc(2027, 3, 15, 17)]),
        # Spring forward in Los Angeles: 01:00 PST = 09:00Z, 04:00 PDT = 11:00Z.
        (("sunday", "01:00", "04:00"), utc(2027, 3, 14, 0), [utc(2027, 3, 14, 9), utc(2027, 3, 14, 10)]),
        # Fall back: 00:00 PDT = 07:00Z, 03:00 PST = 11:00Z, four real hours.
        (
            ("sunday", "00:00", "03:00"),
            utc(2026, 11, 1, 0),
            [utc(2026, 11, 1, 7), utc(2026, 11, 1, 8), utc(2026, 11, 1, 9), utc(2026, 11, 1, 10)],
        ),
    ],
)
def test_los_angeles_around_dst(
    window: tuple[str, str, str], range_start: datetime, expected_starts: list[datetime]
) -> None:
    weekday, start, end = window
    availability = parse([{"weekday": weekday, "start": start, "end": end}])
    slots = slots_of(availability, LOS_ANGELES, range_start, range_start + timedelta(days=1))
    assert slots == hourly(*expected_starts)


# --- free slots: exceptions ---------------------------------------------------------------------------------


def test_exception_replaces_that_days_windows() -> None:
    availability = parse(
        [{"weekday": "monday", "start": "09:00", "end": "17:00"}],
        [{"date": "2026-12-07", "windows": [{"start": "13:00", "end": "15:00"}]}],
    )
    # 13:00-15:00 EST = 18:00-20:00Z.
    assert slots_of(availability, NEW_YORK, *MONDAY_DEC_7) == hourly(
        utc(2026, 12, 7, 18), utc(2026, 12, 7, 19)
    )


def test_empty_exception_blocks_the_day_only() -> None:
    availability = parse(
        [{"weekday": "monday", "start": "09:00", "end": "12:00"}],
        [{"date": "2026-12-07", "windows": []}],
    )
    slots = slots_of(availability, NEW_YORK, utc(2026, 12, 7, 0), utc(2026, 12, 15, 0))
    assert slots == hourly(utc(2026, 12, 14, 14), utc(2026, 12, 14, 15), utc(2026, 12, 14, 16))


def test_exception_opens_a_day_without_weekly_windows() -> None:
    # Saturday 2026-12-12 10:00-11:00 EST = 15:00-16:00Z.
    availability = parse(
        [{"weekday": "monday", "start": "09:00", "end": "12:00"}],
        [{"date": "2026-12-12", "windows": [{"start": "10:00", "end": "11:00"}]}],
    )
    assert slots_of(availability, NEW_YORK, utc(2026, 12, 12, 0), utc(2026, 12, 13, 0)) == hourly(
        utc(2026, 12, 12, 15)
    )


def test_exception_on_spring_forward_day_converts_per_date() -> None:
    availability = parse([], [{"date": "2027-03-14", "windows": [{"start": "01:00", "end": "04:00"}]}])
    slots = slots_of(availability, NEW_YORK, utc(2027, 3, 14, 0), utc(2027, 3, 15, 0))
    assert slots == hourly(utc(2027, 3, 14, 6), utc(2027, 3, 14, 7))


def test_dataclasses_can_be_built_directly() -> None:
    weekly = [WeeklyWindow(weekday=0, window=LocalWindow(9 * 60, 10 * 60))]
    blocked = [DateException(on=date(2026, 12, 14), windows=())]
    slots = free_slots(weekly, blocked, NEW_YORK, utc(2026, 12, 7, 0), utc(2026, 12, 15, 0), HOUR)
    assert slots == hourly(utc(2026, 12, 7, 14))


# --- free slots: booked intervals, range and now ------------------------------------------------------------


@pytest.mark.parametrize(
    ("booked", "expected_starts"),
    [
        ([], [utc(2026, 12, 7, 14), utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)]),
        ([(utc(2026, 12, 7, 15), utc(2026, 12, 7, 15, 30))], [utc(2026, 12, 7, 14), utc(2026, 12, 7, 16)]),
        # Half-open intervals: a booking 15:00-16:00 only touches the slots either side.
        ([(utc(2026, 12, 7, 15), utc(2026, 12, 7, 16))], [utc(2026, 12, 7, 14), utc(2026, 12, 7, 16)]),
        ([(utc(2026, 12, 7, 14, 30), utc(2026, 12, 7, 15, 30))], [utc(2026, 12, 7, 16)]),
        # Overlapping bookings, given out of order, merge into 14:10-15:10.
        (
            [
                (utc(2026, 12, 7, 14, 15), utc(2026, 12, 7, 15, 10)),
                (utc(2026, 12, 7, 14, 10), utc(2026, 12, 7, 14, 20)),
            ],
            [utc(2026, 12, 7, 16)],
        ),
        # A long booking covering the whole morning and bookings on other days.
        ([(utc(2026, 12, 7, 13), utc(2026, 12, 7, 18))], []),
        ([(utc(2026, 12, 6, 14), utc(2026, 12, 6, 17)), (utc(2026, 12, 8, 14), utc(2026, 12, 8, 17))], None),
    ],
)
def test_booked_intervals_are_removed(
    booked: list[tuple[datetime, datetime]], expected_starts: list[datetime] | None
) -> None:
    slots = slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7, booked=booked)
    expected = expected_starts if expected_starts is not None else [utc(2026, 12, 7, h) for h in (14, 15, 16)]
    assert slots == hourly(*expected)


def test_booking_blocks_every_overlapping_start_with_a_fine_step() -> None:
    # Window 09:00-11:00 EST = 14:00-16:00Z, 15-minute step: booked 14:30-14:45 blocks 14:00, 14:15, 14:30.
    availability = parse([{"weekday": "monday", "start": "09:00", "end": "11:00"}])
    booked = [(utc(2026, 12, 7, 14, 30), utc(2026, 12, 7, 14, 45))]
    slots = slots_of(availability, NEW_YORK, *MONDAY_DEC_7, booked=booked, step=timedelta(minutes=15))
    assert [slot.start for slot in slots] == [utc(2026, 12, 7, 14, 45), utc(2026, 12, 7, 15, 0)]


@pytest.mark.parametrize(
    ("range_start", "range_end", "step_minutes", "expected_starts"),
    [
        # Slots stay aligned to the window start, not to the range start.
        (utc(2026, 12, 7, 14, 20), utc(2026, 12, 8, 0), 60, [utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)]),
        # A slot must end within the range.
        (utc(2026, 12, 7, 0), utc(2026, 12, 7, 16, 30), 60, [utc(2026, 12, 7, 14), utc(2026, 12, 7, 15)]),
        (utc(2026, 12, 7, 15, 30), utc(2026, 12, 7, 16, 30), 60, []),
        (
            utc(2026, 12, 7, 15, 30),
            utc(2026, 12, 7, 17),
            30,
            [utc(2026, 12, 7, 15, 30), utc(2026, 12, 7, 16)],
        ),
        (utc(2026, 12, 7, 16), utc(2026, 12, 7, 17), 60, [utc(2026, 12, 7, 16)]),
        (utc(2026, 12, 7, 17), utc(2026, 12, 7, 16), 60, []),
    ],
)
def test_range_clips_slots(
    range_start: datetime, range_end: datetime, step_minutes: int, expected_starts: list[datetime]
) -> None:
    slots = slots_of(MONDAY_MORNING, NEW_YORK, range_start, range_end, step=timedelta(minutes=step_minutes))
    assert slots == hourly(*expected_starts)


@pytest.mark.parametrize(
    ("now", "expected_starts"),
    [
        (utc(2026, 12, 1, 0), [utc(2026, 12, 7, 14), utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)]),
        (utc(2026, 12, 7, 14, 5), [utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)]),
        # A slot starting exactly now is still offered.
        (utc(2026, 12, 7, 15), [utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)]),
        (utc(2026, 12, 7, 16, 1), []),
        (utc(2026, 12, 9, 0), []),
    ],
)
def test_now_cuts_off_earlier_slots(now: datetime, expected_starts: list[datetime]) -> None:
    assert slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7, now=now) == hourly(*expected_starts)


def test_now_in_another_offset_is_compared_as_an_instant() -> None:
    now_in_new_york = datetime(2026, 12, 7, 9, 5, tzinfo=NEW_YORK)  # = 14:05Z
    assert slots_of(MONDAY_MORNING, NEW_YORK, *MONDAY_DEC_7, now=now_in_new_york) == hourly(
        utc(2026, 12, 7, 15), utc(2026, 12, 7, 16)
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"range_start_utc": datetime(2026, 12, 7), "range_end_utc": utc(2026, 12, 8, 0)},
        {"now": datetime(2026, 12, 7)},
        {"duration": timedelta(0)},
        {"step": timedelta(minutes=-15)},
        {"step": timedelta(0)},
    ],
)
def test_programming_errors_raise_value_error(arguments: dict[str, object]) -> None:
    call: dict[str, object] = {
        "weekly": MONDAY_MORNING.weekly,
        "exceptions": (),
        "tz": NEW_YORK,
        "range_start_utc": utc(2026, 12, 7, 0),
        "range_end_utc": utc(2026, 12, 8, 0),
        "duration": HOUR,
    }
    with pytest.raises(ValueError):  # noqa: PT011 - any message; the type is the contract
        free_slots(**(call | arguments))  # type: ignore[arg-type]  # the wrong types are the point of the test


def test_thirty_days_for_a_busy_provider_is_fast() -> None:
    every_day = parse([{"weekday": weekday, "start": "08:00", "end": "20:00"} for weekday in WEEKDAYS])
    start = utc(2026, 12, 1, 0)
    booked = [
        (start + timedelta(hours=13 + 24 * day), start + timedelta(hours=14 + 24 * day)) for day in range(30)
    ]
    runs = 20
    began = wall_clock.perf_counter()
    for _ in range(runs):
        slots = slots_of(every_day, NEW_YORK, start, start + timedelta(days=30), booked=booked, now=start)
    per_run = (wall_clock.perf_counter() - began) / runs
    assert len(slots) == 30 * 12 - 30
    # Typically well under 1 ms; the bound is loose so a busy CI machine does not make it flaky.
    assert per_run < 0.02


# --- validation ---------------------------------------------------------------------------------------------


def test_valid_body_round_trips() -> None:
    body = {
        "weekly": [
            {"weekday": "monday", "start": "09:00", "end": "12:00"},
            {"weekday": "monday", "start": "12:00", "end": "17:00"},
            {"weekday": "friday", "start": "20:00", "end": "24:00"},
        ],
        "exceptions": [
            {"date": "2026-12-24", "windows": []},
            {"date": "2026-12-26", "windows": [{"start": "10:00", "end": "12:00"}]},
        ],
    }
    availability = validate_availability(body)
    assert availability.weekly == (
        WeeklyWindow(0, LocalWindow(540, 720)),
        WeeklyWindow(0, LocalWindow(720, 1020)),
        WeeklyWindow(4, LocalWindow(1200, 1440)),
    )
    assert availability.exceptions == (
        DateException(date(2026, 12, 24), ()),
        DateException(date(2026, 12, 26), (LocalWindow(600, 720),)),
    )
    assert availability.as_dict() == body


def test_exceptions_are_optional() -> None:
    assert validate_availability({"weekly": []}) == Availability(weekly=(), exceptions=())


def errors_of(body: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate_availability(body)
    return [(error.pointer, error.code) for error in caught.value.errors]


def monday(start: str, end: str) -> dict[str, str]:
    return {"weekday": "monday", "start": start, "end": end}


@pytest.mark.parametrize(
    ("weekly", "expected"),
    [
        ([monday("09:00", "12:00"), monday("11:00", "13:00")], [("/weekly/1", "overlapping_window")]),
        # The later-starting window is the one pointed at, whatever the order in the body.
        ([monday("11:00", "13:00"), monday("09:00", "12:00")], [("/weekly/0", "overlapping_window")]),
        (
            [
                monday("09:00", "12:00"),
                {"weekday": "tuesday", "start": "09:00", "end": "12:00"},
                monday("11:59", "13:00"),
            ],
            [("/weekly/2", "overlapping_window")],
        ),
        ([monday("09:00", "17:00"), monday("10:00", "11:00")], [("/weekly/1", "overlapping_window")]),
        (
            [monday("09:00", "17:00"), monday("10:00", "11:00"), monday("12:00", "13:00")],
            [("/weekly/1", "overlapping_window"), ("/weekly/2", "overlapping_window")],
        ),
        ([monday("09:00", "10:00"), monday("09:00", "10:00")], [("/weekly/1", "overlapping_window")]),
    ],
)
def test_overlapping_weekly_windows_are_refused_with_a_pointer(
    weekly: list[dict[str, str]], expected: list[tuple[str, str]]
) -> None:
    assert errors_of({"weekly": weekly}) == expected


def test_overlap_message_names_the_other_window() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_availability({"weekly": [monday("09:00", "12:00"), monday("11:00", "13:00")]})
    assert caught.value.errors[0].message == "Overlaps /weekly/0 (09:00-12:00)."
    assert caught.value.code == "validation_failed"
    assert caught.value.status == 422


@pytest.mark.parametrize(
    "weekly",
    [
        [monday("09:00", "12:00"), monday("12:00", "15:00")],
        [monday("09:00", "12:00"), {"weekday": "tuesday", "start": "09:00", "end": "12:00"}],
        [monday("00:00", "24:00"), {"weekday": "tuesday", "start": "00:00", "end": "24:00"}],
    ],
)
def test_touching_windows_and_other_weekdays_are_fine(weekly: list[dict[str, str]]) -> None:
    assert len(validate_availability({"weekly": weekly}).weekly) == len(weekly)


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (monday("12:00", "09:00"), [("/weekly/0/end", "end_not_after_start")]),
        (monday("09:00", "09:00"), [("/weekly/0/end", "end_not_after_start")]),
        (monday("09:00", "00:00"), [("/weekly/0/end", "end_not_after_start")]),
        (monday("9:00", "12:00"), [("/weekly/0/start", "invalid_time")]),
        (monday("09:60", "12:00"), [("/weekly/0/start", "invalid_time")]),
        (monday("24:00", "24:00"), [("/weekly/0/start", "invalid_time")]),
        (monday("09:00:00", "12:00"), [("/weekly/0/start", "invalid_time")]),
        (monday("09:00", "25:00"), [("/weekly/0/end", "invalid_time")]),
        (monday("09:00", "24:01"), [("/weekly/0/end", "invalid_time")]),
        (monday("nine", "noon"), [("/weekly/0/start", "invalid_time"), ("/weekly/0/end", "invalid_time")]),
        ({"weekday": "monday", "start": 900, "end": "12:00"}, [("/weekly/0/start", "invalid_time")]),
        ({"weekday": "Monday", "start": "09:00", "end": "12:00"}, [("/weekly/0/weekday", "invalid_weekday")]),
        ({"weekday": "mon", "start": "09:00", "end": "12:00"}, [("/weekly/0/weekday", "invalid_weekday")]),
        ({"weekday": 0, "start": "09:00", "end": "12:00"}, [("/weekly/0/weekday", "invalid_weekday")]),
        ({"weekday": "monday", "start": "09:00"}, [("/weekly/0/end", "required")]),
        ({**monday("09:00", "12:00"), "timezone": "UTC"}, [("/weekly/0/timezone", "unknown_field")]),
        ("monday 09:00-12:00", [("/weekly/0", "invalid_type")]),
    ],
)
def test_bad_weekly_window_is_pointed_at(window: object, expected: list[tuple[str, str]]) -> None:
    assert errors_of({"weekly": [window]}) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("", "invalid_type")]),
        ({}, [("/weekly", "required")]),
        ({"weekly": {}}, [("/weekly", "invalid_type")]),
        ({"weekly": [], "timezone": "UTC"}, [("/timezone", "unknown_field")]),
        ({"weekly": [], "exceptions": None}, [("/exceptions", "invalid_type")]),
    ],
)
def test_bad_body_shape_is_pointed_at(body: object, expected: list[tuple[str, str]]) -> None:
    assert errors_of(body) == expected


@pytest.mark.parametrize(
    ("exceptions", "expected"),
    [
        ([{"date": "2026-02-30", "windows": []}], [("/exceptions/0/date", "invalid_date")]),
        ([{"date": "20261224", "windows": []}], [("/exceptions/0/date", "invalid_date")]),
        ([{"date": "2026-12-24T00:00:00Z", "windows": []}], [("/exceptions/0/date", "invalid_date")]),
        ([{"date": None, "windows": []}], [("/exceptions/0/date", "invalid_date")]),
        (
            [{"date": "2026-12-24", "windows": []}, {"date": "2026-12-24", "windows": []}],
            [("/exceptions/1/date", "duplicate_date")],
        ),
        ([{"date": "2026-12-24"}], [("/exceptions/0/windows", "required")]),
        ([{"windows": []}], [("/exceptions/0/date", "required")]),
        (
            [
                {
                    "date": "2026-12-24",
                    "windows": [{"start": "09:00", "end": "12:00"}, {"start": "10:00", "end": "11:00"}],
                }
            ],
            [("/exceptions/0/windows/1", "overlapping_window")],
        ),
        (
            [{"date": "2026-12-24", "windows": [{"start": "12:00", "end": "11:00"}]}],
            [("/exceptions/0/windows/0/end", "end_not_after_start")],
        ),
        (
            [{"date": "2026-12-24", "windows": [{"weekday": "monday", "start": "09:00", "end": "11:00"}]}],
            [("/exceptions/0/windows/0/weekday", "unknown_field")],
        ),
        ([{"date": "2026-12-24", "windows": "none"}], [("/exceptions/0/windows", "invalid_type")]),
    ],
)
def test_bad_exception_is_pointed_at(exceptions: list[object], expected: list[tuple[str, str]]) -> None:
    assert errors_of({"weekly": [], "exceptions": exceptions}) == expected


def test_every_problem_is_reported_at_once() -> None:
    body = {
        "weekly": [
            monday("09:00", "12:00"),
            monday("10:00", "11:00"),
            {"weekday": "funday", "start": "09:00", "end": "10:00"},
        ],
        "exceptions": [{"date": "2026-13-01", "windows": []}],
    }
    assert errors_of(body) == [
        ("/weekly/2/weekday", "invalid_weekday"),
        ("/weekly/1", "overlapping_window"),
        ("/exceptions/0/date", "invalid_date"),
    ]


def test_windows_inside_the_gap_still_give_sorted_slots() -> None:
    # On 2027-03-14, 02:15-02:45 maps forward to 07:15-07:45Z and 03:00-04:00 EDT is 07:00-08:00Z: wall-clock
    # order is not real-time order here, yet the result comes back sorted by start.
    gap = parse(
        [
            {"weekday": "sunday", "start": "02:15", "end": "02:45"},
            {"weekday": "sunday", "start": "03:00", "end": "04:00"},
        ]
    )
    thirty_minutes = timedelta(minutes=30)
    slots = slots_of(gap, NEW_YORK, utc(2027, 3, 14, 0), utc(2027, 3, 15, 0), duration=thirty_minutes)
    assert [slot.start for slot in slots] == [
        utc(2027, 3, 14, 7, 0),
        utc(2027, 3, 14, 7, 15),
        utc(2027, 3, 14, 7, 30),
    ]
