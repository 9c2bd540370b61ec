"""Protocol templates: generated session and check-in dates, instructions, and plan validation.

Expected dates are written out by hand from the day offsets in clinical-rules.md §4. The plans start on
Monday 2026-01-05, so the default end (84 days later) is 2026-03-30.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from api.domain.protocols import (
    PlanSchedule,
    Route,
    TaskKind,
    TaskSpec,
    TreatmentProtocol,
    generate_tasks,
    validate_plan_schedule,
)
from api.errors import RuleViolation, ValidationFailed

START = date(2026, 1, 5)
DEFAULT_END = date(2026, 3, 30)

INDUCTION_DATES = [
    date(2026, 1, 5),
    date(2026, 1, 7),
    date(2026, 1, 9),
    date(2026, 1, 12),
    date(2026, 1, 14),
    date(2026, 1, 16),
]
ESKETAMINE_FIXED_DATES = [
    date(2026, 1, 5),  # weeks 1-4: twice weekly
    date(2026, 1, 8),
    date(2026, 1, 12),
    date(2026, 1, 15),
    date(2026, 1, 19),
    date(2026, 1, 22),
    date(2026, 1, 26),
    date(2026, 1, 29),
    date(2026, 2, 2),  # weeks 5-8: weekly
    date(2026, 2, 9),
    date(2026, 2, 16),
    date(2026, 2, 23),
]
ORAL_AT_HOME_DATES = [
    date(2026, 1, 5),
    date(2026, 1, 12),
    date(2026, 1, 19),
    date(2026, 1, 26),
    date(2026, 2, 2),
    date(2026, 2, 9),
    date(2026, 2, 16),
    date(2026, 2, 23),
]


def schedule(protocol: TreatmentProtocol, route: Route, **overrides: Any) -> PlanSchedule:
    base = PlanSchedule(
        protocol=protocol, route=route, start_date=START, check_in_instruments=("phq9", "cssrs")
    )
    return dataclasses.replace(base, **overrides)


def session_dates(tasks: list[TaskSpec]) -> list[date]:
    return [task.due_on for task in tasks if task.kind == TaskKind.SESSION]


def check_in_dates(tasks: list[TaskSpec]) -> list[date]:
    return [task.due_on for task in tasks if task.kind == TaskKind.CHECK_IN]


def error_locations(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(error.pointer, error.code) for error in excinfo.value.errors]


# --- session dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "route", "expected"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, INDUCTION_DATES),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR, INDUCTION_DATES),
        (
            TreatmentProtocol.INTRANASAL_ESKETAMINE,
            Route.INTRANASAL,
            [
                *ESKETAMINE_FIXED_DATES,
                date(2026, 3, 9),
                date(2026, 3, 23),
            ],  # days 63 and 77; 91 is past the end
        ),
        (TreatmentProtocol.ORAL_AT_HOME, Route.ORAL, ORAL_AT_HOME_DATES),
    ],
)
def test_protocol_generates_its_session_dates_within_the_default_12_weeks(
    protocol: TreatmentProtocol, route: Route, expected: list[date]
) -> None:
    assert session_dates(generate_tasks(schedule(protocol, route))) == expected


def test_default_end_date_is_12_weeks_after_start() -> None:
    plan = schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS)

    assert plan.effective_end_date == DEFAULT_END
    assert dataclasses.replace(plan, end_date=date(2026, 2, 1)).effective_end_date == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("end_date", "expected_tail"),
    [
        (date(2026, 2, 23), []),  # ends on the last weekly session (day 49)
        (date(2026, 3, 8), []),  # day 62: the first maintenance session (day 63) is past the end
        (date(2026, 3, 9), [date(2026, 3, 9)]),  # day 63, end date inclusive
        (
            date(2026, 4, 20),  # day 105
            [date(2026, 3, 9), date(2026, 3, 23), date(2026, 4, 6), date(2026, 4, 20)],
        ),
        (
            date(2026, 5, 3),  # day 118: day 119 is not generated
            [date(2026, 3, 9), date(2026, 3, 23), date(2026, 4, 6), date(2026, 4, 20)],
        ),
        (
            date(2026, 5, 4),  # day 119
            [date(2026, 3, 9), date(2026, 3, 23), date(2026, 4, 6), date(2026, 4, 20), date(2026, 5, 4)],
        ),
    ],
)
def test_intranasal_esketamine_continues_every_14_days_up_to_the_end_date(
    end_date: date, expected_tail: list[date]
) -> None:
    plan = schedule(TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL, end_date=end_date)

    assert session_dates(generate_tasks(plan)) == ESKETAMINE_FIXED_DATES + expected_tail


@pytest.mark.parametrize(
    ("protocol", "route", "end_date", "expected"),
    [
        (
            TreatmentProtocol.IV_INDUCTION,
            Route.INTRAVENOUS,
            date(2026, 1, 12),  # day 7, inclusive
            [date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 9), date(2026, 1, 12)],
        ),
        (
            TreatmentProtocol.IM_INDUCTION,
            Route.INTRAMUSCULAR,
            date(2026, 1, 11),  # day 6
            [date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 9)],
        ),
        (
            TreatmentProtocol.INTRANASAL_ESKETAMINE,
            Route.INTRANASAL,
            date(2026, 2, 20),  # day 46: the day-49 session is dropped
            ESKETAMINE_FIXED_DATES[:-1],
        ),
        (
            TreatmentProtocol.ORAL_AT_HOME,
            Route.SUBLINGUAL,
            date(2026, 1, 25),  # day 20
            [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)],
        ),
    ],
)
def test_sessions_past_the_end_date_are_not_generated(
    protocol: TreatmentProtocol, route: Route, end_date: date, expected: list[date]
) -> None:
    assert session_dates(generate_tasks(schedule(protocol, route, end_date=end_date))) == expected


def test_custom_plan_uses_its_explicit_session_dates_in_date_order() -> None:
    plan = schedule(
        TreatmentProtocol.CUSTOM,
        Route.INTRAMUSCULAR,
        end_date=date(2026, 2, 5),
        sessions=(date(2026, 1, 20), date(2026, 1, 5), date(2026, 2, 5)),
    )

    assert session_dates(generate_tasks(plan)) == [date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 5)]


# --- check-ins --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval_days", "end_date", "expected"),
    [
        (
            7,
            None,  # default end 2026-03-30 (day 84) is itself a check-in day
            [
                date(2026, 1, 12),
                date(2026, 1, 19),
                date(2026, 1, 26),
                date(2026, 2, 2),
                date(2026, 2, 9),
                date(2026, 2, 16),
                date(2026, 2, 23),
                date(2026, 3, 2),
                date(2026, 3, 9),
                date(2026, 3, 16),
                date(2026, 3, 23),
                date(2026, 3, 30),
            ],
        ),
        (
            14,
            date(2026, 3, 29),  # day 83: the day-84 check-in is past the end
            [date(2026, 1, 19), date(2026, 2, 2), date(2026, 2, 16), date(2026, 3, 2), date(2026, 3, 16)],
        ),
        (10, date(2026, 2, 4), [date(2026, 1, 15), date(2026, 1, 25), date(2026, 2, 4)]),
        (30, date(2026, 2, 3), []),  # day 29: not even one interval fits
    ],
)
def test_check_ins_start_one_interval_after_start_and_end_on_or_before_end_date(
    interval_days: int, end_date: date | None, expected: list[date]
) -> None:
    plan = schedule(
        TreatmentProtocol.IV_INDUCTION,
        Route.INTRAVENOUS,
        end_date=end_date,
        check_in_instruments=("phq9", "gad7", "cssrs"),
        check_in_interval_days=interval_days,
    )

    assert check_in_dates(generate_tasks(plan)) == expected


def test_check_in_tasks_carry_the_plan_instruments_and_sessions_none() -> None:
    plan = schedule(
        TreatmentProtocol.ORAL_AT_HOME, Route.ORAL, check_in_instruments=("phq9", "pcl5", "cssrs")
    )

    tasks = generate_tasks(plan)

    assert {task.instruments for task in tasks if task.kind == TaskKind.CHECK_IN} == {
        ("phq9", "pcl5", "cssrs")
    }
    assert {task.instruments for task in tasks if task.kind == TaskKind.SESSION} == {()}


def test_a_plan_without_check_ins_is_refused_2e() -> None:
    """[2e] Check-ins always re-screen PHQ-9 and C-SSRS (boundaries: tests/unit/test_plan_guards.py)."""
    with pytest.raises(RuleViolation) as excinfo:
        generate_tasks(schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, check_in_instruments=()))

    assert excinfo.value.code == "check_in_instruments_required"


# --- ordering ---------------------------------------------------------------------------------------------


def test_tasks_are_ordered_by_date_with_the_session_first_and_numbered_from_one() -> None:
    plan = schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS)

    tasks = generate_tasks(plan)

    session, check_in, review = TaskKind.SESSION, TaskKind.CHECK_IN, TaskKind.REVIEW
    assert [(task.sequence, task.kind, task.due_on) for task in tasks[:9]] == [
        (1, session, date(2026, 1, 5)),
        (2, session, date(2026, 1, 7)),
        (3, session, date(2026, 1, 9)),
        (4, session, date(2026, 1, 12)),
        (5, check_in, date(2026, 1, 12)),
        (6, session, date(2026, 1, 14)),
        (7, session, date(2026, 1, 16)),
        (8, review, date(2026, 1, 17)),  # [2e] the day after the 6th session
        (9, check_in, date(2026, 1, 19)),
    ]
    assert len(tasks) == 6 + 12 + 1
    assert [task.sequence for task in tasks] == list(range(1, 20))


def test_task_spec_is_frozen() -> None:
    task = generate_tasks(schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS))[0]

    with pytest.raises(dataclasses.FrozenInstanceError):
        task.due_on = date(2026, 1, 6)  # type: ignore[misc]  # assigning to a frozen field is the point


# --- instructions -----------------------------------------------------------------------------------------


def session_instructions(protocol: TreatmentProtocol, route: Route) -> str:
    tasks = generate_tasks(schedule(protocol, route, sessions=(START,) if protocol == "custom" else ()))
    return " ".join(tasks[0].instructions)


@pytest.mark.parametrize(
    ("protocol", "route"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR),
        (TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.ORAL),
        (TreatmentProtocol.CUSTOM, Route.SUBLINGUAL),
    ],
)
def test_every_session_asks_for_an_escort_home_and_no_driving_until_the_next_day(
    protocol: TreatmentProtocol, route: Route
) -> None:
    text = session_instructions(protocol, route)

    assert "responsible adult to take you home" in text
    assert "Do not drive" in text
    assert "until the next day, after a restful night's sleep" in text


def test_intranasal_sessions_give_the_esketamine_fasting_times() -> None:
    text = session_instructions(TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL)

    assert "Do not eat for 2 hours and do not drink any liquids for 30 minutes before" in text
    assert "clinic's instructions" not in text


@pytest.mark.parametrize(
    ("protocol", "route"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR),
        (TreatmentProtocol.ORAL_AT_HOME, Route.SUBLINGUAL),
    ],
)
def test_other_routes_defer_fasting_to_the_clinic(protocol: TreatmentProtocol, route: Route) -> None:
    text = session_instructions(protocol, route)

    assert "Follow your clinic's instructions on eating and drinking" in text
    assert "2 hours" not in text


@pytest.mark.parametrize(
    ("protocol", "route", "mentions_infusion"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, True),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR, False),
        (TreatmentProtocol.CUSTOM, Route.INTRAVENOUS, False),  # a custom infusion's length is the clinician's
    ],
)
def test_only_the_iv_induction_protocol_mentions_the_40_minute_infusion(
    protocol: TreatmentProtocol, route: Route, mentions_infusion: bool
) -> None:
    assert ("40 minutes" in session_instructions(protocol, route)) is mentions_infusion


# --- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "route"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR),
        (TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.ORAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.SUBLINGUAL),
        *[(TreatmentProtocol.CUSTOM, route) for route in Route],
    ],
)
def test_protocol_accepts_its_routes(protocol: TreatmentProtocol, route: Route) -> None:
    sessions = (START,) if protocol == TreatmentProtocol.CUSTOM else ()

    validate_plan_schedule(schedule(protocol, route, sessions=sessions))


@pytest.mark.parametrize(
    ("protocol", "route"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAMUSCULAR),
        (TreatmentProtocol.IV_INDUCTION, Route.ORAL),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAVENOUS),
        (TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.SUBLINGUAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.INTRANASAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.INTRAVENOUS),
    ],
)
def test_protocol_refuses_other_routes(protocol: TreatmentProtocol, route: Route) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        generate_tasks(schedule(protocol, route))

    assert error_locations(excinfo) == [("/route", "route_not_allowed_for_protocol")]
    assert excinfo.value.status == 422


@pytest.mark.parametrize(
    ("end_date", "code"),
    [
        (date(2026, 1, 4), "end_date_not_after_start"),
        (date(2026, 1, 5), "end_date_not_after_start"),
        (date(2027, 1, 6), "plan_too_long"),  # 366 days
    ],
)
def test_end_date_must_be_after_start_and_within_a_year(end_date: date, code: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        validate_plan_schedule(schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, end_date=end_date))

    assert error_locations(excinfo) == [("/end_date", code)]


@pytest.mark.parametrize("end_date", [date(2026, 1, 6), date(2027, 1, 5)])  # 1 day and 365 days
def test_end_date_limits_are_inclusive(end_date: date) -> None:
    validate_plan_schedule(schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, end_date=end_date))


@pytest.mark.parametrize(
    ("sessions", "expected_errors"),
    [
        ((), [("/sessions", "sessions_required")]),
        (
            (date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 5)),
            [("/sessions/2", "duplicate")],
        ),
        (
            (date(2026, 1, 4), date(2026, 1, 12), date(2026, 2, 2)),  # a day before start, a day after end
            [("/sessions/0", "session_outside_plan"), ("/sessions/2", "session_outside_plan")],
        ),
    ],
)
def test_custom_sessions_must_be_within_the_plan_once_each_and_at_least_one(
    sessions: tuple[date, ...], expected_errors: list[tuple[str, str]]
) -> None:
    plan = schedule(TreatmentProtocol.CUSTOM, Route.INTRAVENOUS, end_date=date(2026, 2, 1), sessions=sessions)

    with pytest.raises(ValidationFailed) as excinfo:
        generate_tasks(plan)

    assert error_locations(excinfo) == expected_errors


def test_custom_sessions_may_fall_on_the_start_and_end_dates() -> None:
    plan = schedule(
        TreatmentProtocol.CUSTOM,
        Route.ORAL,
        end_date=date(2026, 2, 1),
        sessions=(date(2026, 1, 5), date(2026, 2, 1)),
    )

    assert session_dates(generate_tasks(plan)) == [date(2026, 1, 5), date(2026, 2, 1)]


def test_custom_sessions_are_checked_against_the_default_end_date() -> None:
    plan = schedule(TreatmentProtocol.CUSTOM, Route.ORAL, sessions=(date(2026, 3, 30), date(2026, 3, 31)))

    with pytest.raises(ValidationFailed) as excinfo:
        generate_tasks(plan)

    assert error_locations(excinfo) == [("/sessions/1", "session_outside_plan")]


def test_template_protocols_refuse_explicit_sessions() -> None:
    plan = schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, sessions=(START,))

    with pytest.raises(ValidationFailed) as excinfo:
        generate_tasks(plan)

    assert error_locations(excinfo) == [("/sessions", "sessions_not_allowed")]


@pytest.mark.parametrize(
    ("overrides", "expected_errors"),
    [
        ({"check_in_interval_days": 0}, [("/check_in_interval_days", "out_of_range")]),
        ({"check_in_interval_days": -7}, [("/check_in_interval_days", "out_of_range")]),
        (
            {"check_in_instruments": ("phq9", "ketamine_intake")},
            [("/check_in_instruments/1", "unknown_instrument")],
        ),
        ({"check_in_instruments": ("gad7", "phq9", "gad7")}, [("/check_in_instruments/2", "duplicate")]),
    ],
)
def test_check_in_settings_are_validated(
    overrides: dict[str, Any], expected_errors: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        generate_tasks(schedule(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, **overrides))

    assert error_locations(excinfo) == expected_errors


def test_every_problem_is_reported_at_once() -> None:
    plan = schedule(
        TreatmentProtocol.ORAL_AT_HOME,
        Route.INTRAVENOUS,
        end_date=date(2026, 1, 1),
        check_in_interval_days=0,
        sessions=(START,),
    )

    with pytest.raises(ValidationFailed) as excinfo:
        validate_plan_schedule(plan)

    assert error_locations(excinfo) == [
        ("/end_date", "end_date_not_after_start"),
        ("/route", "route_not_allowed_for_protocol"),
        ("/check_in_interval_days", "out_of_range"),
        ("/sessions", "sessions_not_allowed"),
    ]
    assert excinfo.value.code == "validation_failed"
