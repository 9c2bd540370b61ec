"""Safety checks on a recorded dosing session and its adverse events (clinical-rules.md §4).

A record is checked in two stages. Values that cannot be real (a blood pressure of 400, a time in the future)
are a 422 ``validation_failed``; the clinical rules are only applied to plausible data. Then every safety rule
is checked and all failures are reported together in one 422 whose ``code`` is the first failure's, so a
clinician fixes the record in one round trip:

- pre-dose blood pressure above 140/90 → ``blood_pressure_above_threshold`` (one error per offending value),
  unless a provider gives a non-blank ``override_reason``; a non-provider's override →
  ``override_requires_provider`` at ``/override_reason``;
- intranasal esketamine observed under 120 minutes → ``observation_too_short`` (Spravato REMS);
- escort home not confirmed, any route → ``escort_not_confirmed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from api.domain.protocols import Route
from api.domain.screening import DIASTOLIC_LIMIT_MMHG, SYSTOLIC_LIMIT_MMHG
from api.errors import FieldError, RuleViolation, ValidationFailed


class AdverseEventType(StrEnum):
    NAUSEA = "nausea"
    VOMITING = "vomiting"
    DIZZINESS = "dizziness"
    DISSOCIATION = "dissociation"
    HYPERTENSION = "hypertension"
    HEADACHE = "headache"
    SEDATION = "sedation"
    ANXIETY = "anxiety"
    RESPIRATORY_DEPRESSION = "respiratory_depression"
    OTHER = "other"


class AdverseEventSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    SERIOUS = "serious"


# Events this bad stop treatment until a clinician has reviewed them.
HOLD_SEVERITIES = frozenset({AdverseEventSeverity.SEVERE, AdverseEventSeverity.SERIOUS})

# Readings outside these ranges are typing errors, not patients (the same ranges as the intake).
PLAUSIBLE_SYSTOLIC_MMHG = (60, 260)
PLAUSIBLE_DIASTOLIC_MMHG = (30, 160)
MIN_INTRANASAL_OBSERVATION_MINUTES = 120
MAX_OBSERVATION_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    type: AdverseEventType
    severity: AdverseEventSeverity
    onset_at: datetime
    description: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """The body of POST /follow-up-plans/{id}/sessions/{task_id}/record."""

    administered_at: datetime
    pre_systolic: int
    pre_diastolic: int
    post_systolic: int
    post_diastolic: int
    observation_minutes: int
    escort_confirmed: bool
    adverse_events: tuple[AdverseEvent, ...] = ()
    override_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SessionAssessment:
    """What the service must act on once a record passed: keep the override for audit, hold the plan."""

    blood_pressure_overridden: bool
    requires_hold: bool


def assess_session_record(
    record: SessionRecord, *, route: Route, recorded_by_provider: bool, now: datetime
) -> SessionAssessment:
    """Accept a session record or refuse it with every problem found; ``now`` must be timezone-aware."""
    raise_field_errors(session_field_errors(record, now=now))
    raise_rule_failures(session_rule_failures(record, route=route, recorded_by_provider=recorded_by_provider))
    return SessionAssessment(
        blood_pressure_overridden=is_blood_pressure_elevated(record.pre_systolic, record.pre_diastolic),
        requires_hold=requires_hold(event.severity for event in record.adverse_events),
    )


def session_field_errors(record: SessionRecord, *, now: datetime) -> list[FieldError]:
    """Values that cannot be real: 422 ``validation_failed`` (before any clinical rule is applied)."""
    field_errors = [
        *_timestamp_errors(record.administered_at, "/administered_at", now),
        *blood_pressure_plausibility_errors(
            record.pre_systolic, record.pre_diastolic, pointer_prefix="/pre_"
        ),
        *blood_pressure_plausibility_errors(
            record.post_systolic, record.post_diastolic, pointer_prefix="/post_"
        ),
        *_observation_errors(record.observation_minutes),
    ]
    for index, event in enumerate(record.adverse_events):
        field_errors += adverse_event_errors(event, now=now, pointer_prefix=f"/adverse_events/{index}")
    return field_errors


def session_rule_failures(
    record: SessionRecord, *, route: Route, recorded_by_provider: bool
) -> list[FieldError]:
    return [
        *_blood_pressure_failures(record, recorded_by_provider),
        *_observation_failures(record.observation_minutes, route),
        *_escort_failures(record.escort_confirmed),
    ]


def raise_field_errors(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed("The session record is invalid.", errors=errors)


def raise_rule_failures(failures: list[FieldError]) -> None:
    """One 422 for every rule failed, its ``code`` the first failure's."""
    if failures:
        detail = " ".join(failure.message for failure in failures)
        raise RuleViolation(detail, code=failures[0].code, errors=failures)


def validate_adverse_event(event: AdverseEvent, *, now: datetime) -> None:
    """Check an adverse event reported on its own (POST /follow-up-plans/{id}/adverse-events)."""
    errors = adverse_event_errors(event, now=now)
    if errors:
        raise ValidationFailed("The adverse event is invalid.", errors=errors)


def adverse_event_errors(event: AdverseEvent, *, now: datetime, pointer_prefix: str = "") -> list[FieldError]:
    """An "other" event means nothing without a description; an onset cannot lie in the future."""
    errors = _timestamp_errors(event.onset_at, f"{pointer_prefix}/onset_at", now)
    if event.type == AdverseEventType.OTHER and not (event.description or "").strip():
        message = "Describe an adverse event of type other."
        errors.append(FieldError(f"{pointer_prefix}/description", "required", message))
    return errors


def requires_hold(severities: Iterable[AdverseEventSeverity]) -> bool:
    """A severe or serious adverse event puts the plan on hold until a clinician resumes it."""
    return any(severity in HOLD_SEVERITIES for severity in severities)


def is_blood_pressure_elevated(systolic: int, diastolic: int) -> bool:
    """Above 140/90 (the intake's limits): either value over; exactly 140/90 is not elevated.

    Ketamine raises blood pressure, so dosing above the limits needs a provider's explicit decision.
    """
    return systolic > SYSTOLIC_LIMIT_MMHG or diastolic > DIASTOLIC_LIMIT_MMHG


def blood_pressure_plausibility_errors(
    systolic: int, diastolic: int, *, pointer_prefix: str
) -> list[FieldError]:
    """Readings no living patient has; pointers are ``{prefix}systolic`` and ``{prefix}diastolic``."""
    readings = (
        ("systolic", systolic, PLAUSIBLE_SYSTOLIC_MMHG),
        ("diastolic", diastolic, PLAUSIBLE_DIASTOLIC_MMHG),
    )
    return [
        FieldError(
            f"{pointer_prefix}{name}",
            "out_of_range",
            f"{name.capitalize()} must be between {low} and {high} mmHg.",
        )
        for name, value, (low, high) in readings
        if not low <= value <= high
    ]


def _timestamp_errors(moment: datetime, pointer: str, now: datetime) -> list[FieldError]:
    if moment.tzinfo is None:
        return [FieldError(pointer, "timezone_required", "Give the time with a UTC offset.")]
    if moment > now:
        return [FieldError(pointer, "in_future", "The time cannot be in the future.")]
    return []


def _observation_errors(minutes: int) -> list[FieldError]:
    if 0 <= minutes <= MAX_OBSERVATION_MINUTES:
        return []
    message = f"observation_minutes must be between 0 and {MAX_OBSERVATION_MINUTES}."
    return [FieldError("/observation_minutes", "out_of_range", message)]


def _blood_pressure_failures(record: SessionRecord, recorded_by_provider: bool) -> list[FieldError]:
    if not is_blood_pressure_elevated(record.pre_systolic, record.pre_diastolic):
        return []
    has_override = bool((record.override_reason or "").strip())
    if has_override and recorded_by_provider:
        return []
    if has_override:
        message = "Only a provider may override the pre-dose blood pressure threshold."
        return [FieldError("/override_reason", "override_requires_provider", message)]
    code = "blood_pressure_above_threshold"
    hint = "a provider may proceed by giving override_reason."
    failures = []
    if record.pre_systolic > SYSTOLIC_LIMIT_MMHG:
        message = f"Pre-dose systolic {record.pre_systolic} mmHg is above {SYSTOLIC_LIMIT_MMHG}; {hint}"
        failures.append(FieldError("/pre_systolic", code, message))
    if record.pre_diastolic > DIASTOLIC_LIMIT_MMHG:
        message = f"Pre-dose diastolic {record.pre_diastolic} mmHg is above {DIASTOLIC_LIMIT_MMHG}; {hint}"
        failures.append(FieldError("/pre_diastolic", code, message))
    return failures


def _observation_failures(minutes: int, route: Route) -> list[FieldError]:
    if route != Route.INTRANASAL or minutes >= MIN_INTRANASAL_OBSERVATION_MINUTES:
        return []
    message = (
        f"Intranasal esketamine needs at least {MIN_INTRANASAL_OBSERVATION_MINUTES} minutes of observation"
        f" after the dose; {minutes} recorded."
    )
    return [FieldError("/observation_minutes", "observation_too_short", message)]


def _escort_failures(escort_confirmed: bool) -> list[FieldError]:
    if escort_confirmed:
        return []
    message = "Confirm that a responsible adult escorts the patient home."
    return [FieldError("/escort_confirmed", "escort_not_confirmed", message)]
