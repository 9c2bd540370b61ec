"""Safety checks on a recorded session: blood pressure gate, observation time, escort, adverse events."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from api.domain.protocols import Route
from api.domain.session_safety import (
    AdverseEvent,
    AdverseEventSeverity,
    AdverseEventType,
    SessionAssessment,
    SessionRecord,
    assess_session_record,
    is_blood_pressure_elevated,
    requires_hold,
    validate_adverse_event,
)
from api.errors import RuleViolation, ValidationFailed

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ADMINISTERED_AT = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)

VALID_RECORD = SessionRecord(
    administered_at=ADMINISTERED_AT,
    pre_systolic=128,
    pre_diastolic=82,
    post_systolic=146,
    post_diastolic=92,
    observation_minutes=120,
    escort_confirmed=True,
)


def record(**overrides: Any) -> SessionRecord:
    return dataclasses.replace(VALID_RECORD, **overrides)


def event(**overrides: Any) -> AdverseEvent:
    base = AdverseEvent(
        type=AdverseEventType.NAUSEA,
        severity=AdverseEventSeverity.MILD,
        onset_at=datetime(2026, 3, 2, 12, 50, tzinfo=UTC),
    )
    return dataclasses.replace(base, **overrides)


def assess(
    session: SessionRecord, route: Route = Route.INTRANASAL, *, by_provider: bool = True
) -> SessionAssessment:
    return assess_session_record(session, route=route, recorded_by_provider=by_provider, now=NOW)


def refusal(
    session: SessionRecord, route: Route = Route.INTRANASAL, *, by_provider: bool = True
) -> RuleViolation:
    with pytest.raises(RuleViolation) as excinfo:
        assess(session, route, by_provider=by_provider)
    return excinfo.value


def locations(error: RuleViolation) -> list[tuple[str, str]]:
    return [(field_error.pointer, field_error.code) for field_error in error.errors]


def test_a_safe_session_passes() -> None:
    assert assess(VALID_RECORD) == SessionAssessment(blood_pressure_overridden=False, requires_hold=False)


# --- pre-dose blood pressure ------------------------------------------------------------------------------


@pytest.mark.parametrize(("systolic", "diastolic"), [(140, 90), (139, 89), (140, 60), (100, 90)])
def test_pre_dose_blood_pressure_up_to_140_over_90_passes(systolic: int, diastolic: int) -> None:
    assess(record(pre_systolic=systolic, pre_diastolic=diastolic))


@pytest.mark.parametrize(
    ("systolic", "diastolic", "pointers"),
    [
        (141, 90, ["/pre_systolic"]),
        (140, 91, ["/pre_diastolic"]),
        (165, 100, ["/pre_systolic", "/pre_diastolic"]),
    ],
)
def test_pre_dose_blood_pressure_above_140_over_90_is_refused(
    systolic: int, diastolic: int, pointers: list[str]
) -> None:
    error = refusal(record(pre_systolic=systolic, pre_diastolic=diastolic))

    assert not isinstance(error, ValidationFailed)
    assert error.status == 422
    assert error.code == "blood_pressure_above_threshold"
    assert locations(error) == [(pointer, "blood_pressure_above_threshold") for pointer in pointers]
    assert "override_reason" in error.detail


def test_post_dose_blood_pressure_is_recorded_not_gated() -> None:
    assess(record(post_systolic=180, post_diastolic=110))


def test_provider_overrides_the_threshold_with_a_reason() -> None:
    elevated = record(
        pre_systolic=152, pre_diastolic=94, override_reason="Stable on review; white-coat pattern."
    )

    assert assess(elevated, by_provider=True) == SessionAssessment(
        blood_pressure_overridden=True, requires_hold=False
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_provider_override_without_a_reason_is_refused(reason: str | None) -> None:
    error = refusal(record(pre_systolic=152, override_reason=reason), by_provider=True)

    assert locations(error) == [("/pre_systolic", "blood_pressure_above_threshold")]


def test_non_provider_cannot_override_even_with_a_reason() -> None:
    error = refusal(
        record(pre_systolic=152, pre_diastolic=94, override_reason="Patient insists."), by_provider=False
    )

    assert error.code == "override_requires_provider"
    assert locations(error) == [("/override_reason", "override_requires_provider")]


def test_non_provider_without_a_reason_gets_the_threshold_error() -> None:
    error = refusal(record(pre_diastolic=95), by_provider=False)

    assert locations(error) == [("/pre_diastolic", "blood_pressure_above_threshold")]


@pytest.mark.parametrize("by_provider", [True, False])
def test_a_reason_given_for_normal_blood_pressure_overrides_nothing(by_provider: bool) -> None:
    assessment = assess(record(override_reason="Just in case."), by_provider=by_provider)

    assert assessment.blood_pressure_overridden is False


@pytest.mark.parametrize(
    ("systolic", "diastolic", "elevated"),
    [(140, 90, False), (141, 90, True), (140, 91, True), (120, 80, False)],
)
def test_is_blood_pressure_elevated(systolic: int, diastolic: int, elevated: bool) -> None:
    assert is_blood_pressure_elevated(systolic, diastolic) is elevated


# --- observation and escort -------------------------------------------------------------------------------


def test_intranasal_observation_of_120_minutes_passes() -> None:
    assess(record(observation_minutes=120), Route.INTRANASAL)


def test_intranasal_observation_of_119_minutes_is_refused() -> None:
    error = refusal(record(observation_minutes=119), Route.INTRANASAL)

    assert error.code == "observation_too_short"
    assert locations(error) == [("/observation_minutes", "observation_too_short")]


@pytest.mark.parametrize("route", [Route.INTRAVENOUS, Route.INTRAMUSCULAR, Route.ORAL, Route.SUBLINGUAL])
@pytest.mark.parametrize("minutes", [0, 45, 119])
def test_other_routes_have_no_minimum_observation(route: Route, minutes: int) -> None:
    assess(record(observation_minutes=minutes), route)


@pytest.mark.parametrize("route", list(Route))
def test_every_route_needs_a_confirmed_escort(route: Route) -> None:
    error = refusal(record(escort_confirmed=False), route)

    assert error.code == "escort_not_confirmed"
    assert locations(error) == [("/escort_confirmed", "escort_not_confirmed")]


def test_every_failed_check_is_reported_together_with_the_first_code_on_top() -> None:
    unsafe = record(pre_systolic=150, observation_minutes=60, escort_confirmed=False)

    error = refusal(unsafe, Route.INTRANASAL)

    assert error.code == "blood_pressure_above_threshold"
    assert locations(error) == [
        ("/pre_systolic", "blood_pressure_above_threshold"),
        ("/observation_minutes", "observation_too_short"),
        ("/escort_confirmed", "escort_not_confirmed"),
    ]


def test_an_override_does_not_waive_the_other_checks() -> None:
    error = refusal(record(pre_systolic=150, override_reason="Reviewed.", escort_confirmed=False))

    assert locations(error) == [("/escort_confirmed", "escort_not_confirmed")]


# --- plausibility -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected_errors"),
    [
        ({"post_systolic": 59}, [("/post_systolic", "out_of_range")]),
        ({"post_systolic": 261}, [("/post_systolic", "out_of_range")]),
        ({"post_diastolic": 29}, [("/post_diastolic", "out_of_range")]),
        ({"post_diastolic": 161}, [("/post_diastolic", "out_of_range")]),
        (
            {"pre_systolic": 300, "pre_diastolic": 10},
            [("/pre_systolic", "out_of_range"), ("/pre_diastolic", "out_of_range")],
        ),
        ({"observation_minutes": -1}, [("/observation_minutes", "out_of_range")]),
        ({"observation_minutes": 1441}, [("/observation_minutes", "out_of_range")]),
        ({"administered_at": datetime(2026, 3, 2, 15, 1, tzinfo=UTC)}, [("/administered_at", "in_future")]),
        ({"administered_at": datetime(2026, 3, 2, 12, 30)}, [("/administered_at", "timezone_required")]),
    ],
)
def test_implausible_values_are_a_validation_error_before_any_safety_rule(
    overrides: dict[str, Any], expected_errors: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        assess(record(**overrides, escort_confirmed=False))  # the escort failure is not reached

    assert excinfo.value.code == "validation_failed"
    assert locations(excinfo.value) == expected_errors


@pytest.mark.parametrize(("systolic", "diastolic"), [(60, 30), (260, 160)])
def test_plausible_range_limits_are_inclusive(systolic: int, diastolic: int) -> None:
    assess(record(post_systolic=systolic, post_diastolic=diastolic))


# --- adverse events ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "hold"),
    [
        ([], False),
        ([AdverseEventSeverity.MILD], False),
        ([AdverseEventSeverity.MODERATE], False),
        ([AdverseEventSeverity.MILD, AdverseEventSeverity.MODERATE], False),
        ([AdverseEventSeverity.SEVERE], True),
        ([AdverseEventSeverity.SERIOUS], True),
        ([AdverseEventSeverity.MILD, AdverseEventSeverity.SERIOUS], True),
    ],
)
def test_severe_or_serious_events_put_the_plan_on_hold(
    severities: list[AdverseEventSeverity], hold: bool
) -> None:
    assert requires_hold(severities) is hold


@pytest.mark.parametrize(
    ("severity", "hold"),
    [
        (AdverseEventSeverity.MILD, False),
        (AdverseEventSeverity.MODERATE, False),
        (AdverseEventSeverity.SEVERE, True),
        (AdverseEventSeverity.SERIOUS, True),
    ],
)
def test_session_assessment_reports_whether_its_events_require_a_hold(
    severity: AdverseEventSeverity, hold: bool
) -> None:
    events = (event(), event(type=AdverseEventType.DISSOCIATION, severity=severity))

    assert assess(record(adverse_events=events)).requires_hold is hold


@pytest.mark.parametrize("description", [None, "", "  "])
def test_an_other_event_needs_a_description(description: str | None) -> None:
    events = (event(), event(type=AdverseEventType.OTHER, description=description))

    with pytest.raises(ValidationFailed) as excinfo:
        assess(record(adverse_events=events))

    assert locations(excinfo.value) == [("/adverse_events/1/description", "required")]


def test_a_described_other_event_and_undescribed_typed_events_pass() -> None:
    events = (
        event(type=AdverseEventType.OTHER, description="Tingling in both hands."),
        event(description=None),
    )

    assess(record(adverse_events=events))


def test_an_event_reported_on_its_own_uses_top_level_pointers() -> None:
    future = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)

    with pytest.raises(ValidationFailed) as excinfo:
        validate_adverse_event(event(type=AdverseEventType.OTHER, onset_at=future), now=NOW)

    assert locations(excinfo.value) == [("/onset_at", "in_future"), ("/description", "required")]


def test_a_valid_event_reported_on_its_own_passes() -> None:
    validate_adverse_event(event(severity=AdverseEventSeverity.SERIOUS), now=NOW)
