"""[2e] Plan guards (clinical-rules.md §4): check-in instruments, session frequency, the induction review day,
the psychiatrist's frequency override and REMS enrolment — each at its boundaries."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest

from api.domain.plan_status import (
    PlanStatus,
    check_escalated_reactivation,
    check_frequency_override,
    check_in_crisis,
    check_rems_enrollment,
)
from api.domain.protocols import (
    PlanSchedule,
    Route,
    TaskKind,
    TaskPurpose,
    TreatmentProtocol,
    baseline_check_in,
    check_check_in_instruments,
    first_session_over_limit,
    generate_tasks,
    induction_review_day,
    risk_review,
    session_fits,
)
from api.errors import Forbidden, RuleViolation

START = date(2026, 1, 5)


def day(offset: int) -> date:
    return START + timedelta(days=offset)


BASE = PlanSchedule(
    protocol=TreatmentProtocol.CUSTOM,
    route=Route.INTRANASAL,
    start_date=START,
    check_in_instruments=("phq9", "cssrs"),
    sessions=(day(0), day(3)),
)


# --- check-in instruments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instruments", "missing"),
    [
        pytest.param(("phq9", "cssrs"), None, id="both"),
        pytest.param(("cssrs", "phq9", "gad7", "pcl5"), None, id="both-and-more"),
        pytest.param(("phq9", "gad7"), ["cssrs"], id="no-cssrs"),
        pytest.param(("cssrs",), ["phq9"], id="no-phq9"),
        pytest.param((), ["phq9", "cssrs"], id="none"),
    ],
)
def test_check_ins_must_re_screen_phq9_and_cssrs(
    instruments: tuple[str, ...], missing: list[str] | None
) -> None:
    if missing is None:
        check_check_in_instruments(instruments)
        generate_tasks(dataclasses.replace(BASE, check_in_instruments=instruments))
        return
    with pytest.raises(RuleViolation) as excinfo:
        generate_tasks(dataclasses.replace(BASE, check_in_instruments=instruments))
    assert excinfo.value.code == "check_in_instruments_required"
    assert excinfo.value.extra["missing_instruments"] == missing
    assert [e.pointer for e in excinfo.value.errors] == ["/check_in_instruments"]


# --- session frequency ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "offsets", "overridden", "over"),
    [
        pytest.param(Route.INTRANASAL, (0, 3), False, None, id="intranasal-2-in-a-week"),
        pytest.param(Route.INTRANASAL, (0, 3, 6), False, 2, id="intranasal-3rd-on-day-6-over"),
        pytest.param(Route.INTRANASAL, (0, 3, 7), False, None, id="intranasal-3rd-on-day-7-fits"),
        pytest.param(Route.INTRANASAL, (6, 0, 3), False, 0, id="pointer-is-the-given-index"),
        pytest.param(Route.INTRAVENOUS, (0, 2, 4), False, None, id="iv-3-in-a-week"),
        pytest.param(Route.INTRAVENOUS, (0, 2, 4, 6), False, 3, id="iv-4th-on-day-6-over"),
        pytest.param(Route.INTRAVENOUS, (0, 2, 4, 7), False, None, id="iv-4th-on-day-7-fits"),
        pytest.param(Route.INTRAMUSCULAR, (0, 1, 2, 3), False, 3, id="im-4-in-a-week"),
        pytest.param(Route.ORAL, (0, 1, 2, 3), False, 3, id="oral-4-in-a-week"),
        pytest.param(Route.SUBLINGUAL, (0, 1, 2), False, None, id="sublingual-3-in-a-week"),
        pytest.param(Route.INTRANASAL, tuple(range(7)), True, None, id="override-daily-fits"),
        pytest.param(Route.INTRANASAL, (0, 0), True, 1, id="override-never-twice-a-day"),
        pytest.param(Route.INTRAVENOUS, (0, 0), False, 1, id="twice-a-day"),
    ],
)
def test_at_most_2_intranasal_or_3_other_sessions_in_any_7_days(
    route: Route, offsets: tuple[int, ...], overridden: bool, over: int | None
) -> None:
    days = [day(offset) for offset in offsets]
    assert first_session_over_limit(days, route, frequency_overridden=overridden) == over


def test_a_custom_plan_over_the_limit_is_refused_with_a_pointer_to_the_first_session_over() -> None:
    schedule = dataclasses.replace(BASE, sessions=(day(0), day(10), day(3), day(5)))
    with pytest.raises(RuleViolation) as excinfo:
        generate_tasks(schedule)
    assert excinfo.value.code == "session_frequency_exceeded"
    assert [(e.pointer, e.code) for e in excinfo.value.errors] == [
        ("/sessions/3", "session_frequency_exceeded")
    ]
    generate_tasks(schedule, frequency_overridden=True)  # a psychiatrist's override lifts the weekly limit


def test_thirty_daily_sessions_need_the_override_and_then_fit() -> None:
    daily = dataclasses.replace(BASE, route=Route.INTRAVENOUS, sessions=tuple(day(n) for n in range(30)))
    with pytest.raises(RuleViolation):
        generate_tasks(daily)
    assert (
        len([t for t in generate_tasks(daily, frequency_overridden=True) if t.kind == TaskKind.SESSION]) == 30
    )


@pytest.mark.parametrize(
    ("protocol", "route"),
    [
        (TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS),
        (TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR),
        (TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL),
        (TreatmentProtocol.ORAL_AT_HOME, Route.ORAL),
    ],
)
def test_every_protocol_template_keeps_within_the_limit(protocol: TreatmentProtocol, route: Route) -> None:
    generate_tasks(
        PlanSchedule(protocol=protocol, route=route, start_date=START, check_in_instruments=("phq9", "cssrs"))
    )


@pytest.mark.parametrize(
    ("recorded", "new", "route", "overridden", "fits"),
    [
        pytest.param((0,), 3, Route.INTRANASAL, False, True, id="second-in-week"),
        pytest.param((0, 3), 6, Route.INTRANASAL, False, False, id="third-in-week"),
        pytest.param((0, 3), 7, Route.INTRANASAL, False, True, id="day-7-starts-a-new-window"),
        pytest.param((3, 7), 1, Route.INTRANASAL, False, False, id="a-late-record-before-others"),
        pytest.param((0, 2), 4, Route.INTRAVENOUS, False, True, id="iv-third-fits"),
        pytest.param((0, 2), 5, Route.INTRAVENOUS, True, True, id="iv-third-with-override"),
        pytest.param((0, 2, 4), 6, Route.INTRAVENOUS, False, False, id="iv-fourth"),
        pytest.param((0, 1, 2), 3, Route.INTRANASAL, True, True, id="override-daily"),
        pytest.param((3,), 3, Route.INTRANASAL, True, False, id="override-same-day"),
    ],
)
def test_a_recorded_session_must_fit_among_those_already_recorded(
    recorded: tuple[int, ...], new: int, route: Route, overridden: bool, fits: bool
) -> None:
    assert session_fits([day(n) for n in recorded], day(new), route, frequency_overridden=overridden) is fits


# --- review and baseline tasks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "route", "end_offset", "review_offset"),
    [
        pytest.param(
            TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL, None, 28, id="esketamine-day-28"
        ),
        pytest.param(TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL, 28, 28, id="ends-on-day-28"),
        pytest.param(TreatmentProtocol.INTRANASAL_ESKETAMINE, Route.INTRANASAL, 27, None, id="ends-before"),
        pytest.param(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, None, 12, id="iv-day-after-6th"),
        pytest.param(TreatmentProtocol.IM_INDUCTION, Route.INTRAMUSCULAR, None, 12, id="im-day-after-6th"),
        pytest.param(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, 11, None, id="iv-ends-on-6th"),
        pytest.param(TreatmentProtocol.IV_INDUCTION, Route.INTRAVENOUS, 9, None, id="iv-fewer-than-6"),
        pytest.param(TreatmentProtocol.ORAL_AT_HOME, Route.ORAL, None, None, id="oral-none"),
    ],
)
def test_the_induction_review_is_due_day_28_or_the_day_after_the_6th_session(
    protocol: TreatmentProtocol, route: Route, end_offset: int | None, review_offset: int | None
) -> None:
    schedule = PlanSchedule(
        protocol=protocol,
        route=route,
        start_date=START,
        end_date=day(end_offset) if end_offset is not None else None,
        check_in_instruments=("phq9", "cssrs"),
    )
    reviews = [t for t in generate_tasks(schedule) if t.kind == TaskKind.REVIEW]
    assert [t.due_on for t in reviews] == ([day(review_offset)] if review_offset is not None else [])
    assert all(t.purpose == TaskPurpose.INDUCTION_REVIEW for t in reviews)


def test_a_days_review_comes_before_its_session() -> None:
    schedule = PlanSchedule(
        protocol=TreatmentProtocol.INTRANASAL_ESKETAMINE,
        route=Route.INTRANASAL,
        start_date=START,
        check_in_instruments=("phq9", "cssrs"),
    )
    on_day_28 = [(t.kind, t.sequence) for t in generate_tasks(schedule) if t.due_on == day(28)]
    assert [kind for kind, _ in on_day_28] == [TaskKind.REVIEW, TaskKind.SESSION, TaskKind.CHECK_IN]
    assert [seq for _, seq in on_day_28] == sorted(seq for _, seq in on_day_28)


def test_induction_review_day_for_custom_plans_is_none() -> None:
    assert induction_review_day(TreatmentProtocol.CUSTOM, START, [day(n) for n in range(6)]) is None


def test_baseline_check_in_and_risk_review_specs() -> None:
    baseline = baseline_check_in(START)
    assert (baseline.kind, baseline.due_on, baseline.instruments, baseline.purpose) == (
        TaskKind.CHECK_IN,
        START,
        ("phq9", "cssrs"),
        TaskPurpose.BASELINE,
    )
    review = risk_review(day(9))
    assert (review.kind, review.due_on, review.purpose) == (TaskKind.REVIEW, day(9), TaskPurpose.RISK_REVIEW)


# --- who may override; REMS ----------------------------------------------------------------------


def test_only_a_psychiatrist_lifts_the_weekly_limit() -> None:
    check_frequency_override(by_psychiatrist=True)
    with pytest.raises(Forbidden) as excinfo:
        check_frequency_override(by_psychiatrist=False)
    assert excinfo.value.code == "psychiatrist_required"


@pytest.mark.parametrize(
    ("route", "enrolled", "refused"),
    [
        pytest.param("intranasal", False, True, id="intranasal-not-enrolled"),
        pytest.param("intranasal", True, False, id="intranasal-enrolled"),
        pytest.param("intravenous", False, False, id="ketamine-needs-no-rems"),
    ],
)
def test_an_intranasal_plan_needs_a_rems_enrolment(route: str, enrolled: bool, refused: bool) -> None:
    if not refused:
        check_rems_enrollment(route, enrolled=enrolled)
        return
    with pytest.raises(RuleViolation) as excinfo:
        check_rems_enrollment(route, enrolled=enrolled)
    assert excinfo.value.code == "rems_enrollment_required"


# --- a crisis at a check-in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "status", "expected"),
    [
        pytest.param({"suicide_risk_high"}, PlanStatus.ACTIVE, (True, "high", True, False), id="high-active"),
        pytest.param(
            {"suicide_risk_high"}, PlanStatus.ON_HOLD, (False, "high", True, False), id="high-on-hold"
        ),
        pytest.param({"suicide_risk_high"}, PlanStatus.DRAFT, (False, "high", False, False), id="high-draft"),
        pytest.param(
            {"suicide_risk_moderate", "active_suicidal_ideation"},
            PlanStatus.ACTIVE,
            (False, "moderate", False, True),
            id="moderate",
        ),
        pytest.param(
            {"active_suicidal_ideation"},
            PlanStatus.ON_HOLD,
            (False, "active_suicidal_ideation", False, True),
            id="active-ideation",
        ),
        pytest.param(
            {"suicidal_ideation"}, PlanStatus.ACTIVE, (False, "ideation", False, False), id="phq9-item-9"
        ),
        pytest.param(set(), PlanStatus.ACTIVE, (False, None, False, False), id="none"),
    ],
)
def test_what_a_check_ins_finding_calls_for(
    flags: set[str], status: PlanStatus, expected: tuple[bool, str | None, bool, bool]
) -> None:
    crisis = check_in_crisis(flags, status)
    assert (crisis.hold, crisis.risk_level, crisis.escalate, crisis.risk_review) == expected


GOOD = {
    "by_psychiatrist": True,
    "reason": "Seen today.",
    "safety_plan_documented": True,
    "acknowledged": True,
}


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        pytest.param({}, [], id="cleared"),
        pytest.param({"acknowledged": False}, ["escalation_not_acknowledged"], id="not-acknowledged"),
        pytest.param({"safety_plan_documented": False}, ["safety_plan_required"], id="safety-plan-false"),
        pytest.param({"safety_plan_documented": None}, ["safety_plan_required"], id="safety-plan-missing"),
        pytest.param({"reason": "  "}, ["reason_required"], id="no-reason"),
        pytest.param(
            {"acknowledged": False, "safety_plan_documented": None, "reason": None},
            ["escalation_not_acknowledged", "safety_plan_required", "reason_required"],
            id="every-failure-at-once",
        ),
    ],
)
def test_a_psychiatrist_resumes_an_escalated_plan(changes: dict[str, object], codes: list[str]) -> None:
    arguments: dict[str, Any] = {**GOOD, **changes}
    if not codes:
        check_escalated_reactivation(**arguments)
        return
    with pytest.raises(RuleViolation) as excinfo:
        check_escalated_reactivation(**arguments)
    assert [e.code for e in excinfo.value.errors] == codes and excinfo.value.code == codes[0]


def test_only_a_psychiatrist_resumes_an_escalated_plan() -> None:
    with pytest.raises(Forbidden) as excinfo:
        check_escalated_reactivation(**{**GOOD, "by_psychiatrist": False})
    assert excinfo.value.code == "psychiatrist_required"
