"""Session monitoring, after the Spravato REMS Patient Monitoring Form (clinical-rules.md §4).

Pure rules on a session's observation readings, applied with today's session checks (session_safety.py):

- the readings themselves: minutes within the observation and strictly ascending, values a living patient can
  have (422 ``validation_failed`` with a pointer into ``/readings``);
- for the supervised routes (intranasal, intravenous, intramuscular; an ``oral_at_home`` session is
  self-reported and none of this applies): a reading at minute 30-60 with SpO2 (the label's "40-minute" blood
  pressure) and SpO2 on the last reading (``monitoring_reading_missing``);
- discharge readiness from the last reading (``not_stable_for_discharge``, each failed item at its pointer),
  overridable by a provider only (``discharge_override_reason``; anyone else gets
  ``override_requires_provider``); an ``emergency_transfer`` is always accepted and is itself a serious
  adverse event;
- automatic adverse events from the readings, at most one per type per session.

Decisions the rules left open:
- "Lower than the 30-60 min reading" (discharge after an overridden high pre-dose pressure) means a falling
  pressure: systolic below that reading's and diastolic not above it. The reading compared is the last one
  in the 30-60 window.
- An automatic event's onset is the administration time plus the minute of the first reading that showed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from api.domain.protocols import Route
from api.domain.screening import DIASTOLIC_LIMIT_MMHG, SYSTOLIC_LIMIT_MMHG
from api.domain.session_safety import (
    PLAUSIBLE_DIASTOLIC_MMHG,
    PLAUSIBLE_SYSTOLIC_MMHG,
    AdverseEvent,
    AdverseEventSeverity,
    AdverseEventType,
    SessionRecord,
    is_blood_pressure_elevated,
    raise_field_errors,
    raise_rule_failures,
    requires_hold,
    session_field_errors,
    session_rule_failures,
)
from api.errors import FieldError


class Dissociation(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


DISSOCIATION_ORDER: Final = (Dissociation.NONE, Dissociation.MILD, Dissociation.MODERATE, Dissociation.SEVERE)


class Disposition(StrEnum):
    DISCHARGED = "discharged"
    EMERGENCY_TRANSFER = "emergency_transfer"


# The routes given under supervision in a clinic: monitored. (oral_at_home is self-reported.)
MONITORED_ROUTES: Final = frozenset({Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR})
INTRANASAL_DOSES_MG: Final = (28, 56, 84)
# The label's "40-minute" reading may be taken anywhere in this window (minutes after the first dose).
MID_WINDOW: Final = (30, 60)
# Discharge readiness, from the last reading.
READY_MOAAS: Final = 5  # responds readily to its name spoken in a normal tone
READY_SPO2: Final = 94
# Automatic adverse events.
RESPIRATORY_DEPRESSION_SPO2: Final = 90  # below
SEDATION_MOAAS: Final = 1  # at or below
HYPERTENSION_SYSTOLIC: Final = 180  # at or above
HYPERTENSION_DIASTOLIC: Final = 110  # at or above
# Values no living patient has: a typing error, not a finding.
PLAUSIBLE_HEART_RATE: Final = (20, 250)
PLAUSIBLE_SPO2: Final = (50, 100)
MOAAS_RANGE: Final = (0, 5)


@dataclass(frozen=True, slots=True)
class Reading:
    minute: int
    systolic: int
    diastolic: int
    sedation_moaas: int
    dissociation: Dissociation
    heart_rate: int | None = None
    spo2: int | None = None


@dataclass(frozen=True, slots=True)
class Monitoring:
    """What the form asks for beyond today's session record."""

    dose_mg: float
    lot_number: str | None
    readings: tuple[Reading, ...]
    ready_to_leave_minute: int | None
    disposition: Disposition = Disposition.DISCHARGED
    discharge_override_reason: str | None = None


@dataclass(frozen=True, slots=True)
class MonitoringAssessment:
    automatic_events: tuple[AdverseEvent, ...]
    discharge_overridden: bool


def plausibility_errors(
    monitoring: Monitoring, *, route: Route, observation_minutes: int
) -> list[FieldError]:
    """Values that cannot be real or do not fit the record: 422 ``validation_failed``."""
    errors: list[FieldError] = []
    if monitoring.dose_mg <= 0:
        errors.append(FieldError("/dose_mg", "out_of_range", "The dose must be a positive number of mg."))
    elif route == Route.INTRANASAL and monitoring.dose_mg not in INTRANASAL_DOSES_MG:
        doses = ", ".join(str(d) for d in INTRANASAL_DOSES_MG)
        errors.append(
            FieldError("/dose_mg", "invalid_dose", f"Intranasal esketamine is given as {doses} mg.")
        )
    if route == Route.INTRANASAL and not (monitoring.lot_number or "").strip():
        errors.append(FieldError("/lot_number", "required", "The REMS form needs the lot number."))
    previous: int | None = None
    for index, reading in enumerate(monitoring.readings):
        errors += _reading_errors(reading, f"/readings/{index}", observation_minutes, previous)
        previous = reading.minute
    ready = monitoring.ready_to_leave_minute
    if ready is not None and not 0 <= ready <= observation_minutes:
        message = f"ready_to_leave_minute must be between 0 and observation_minutes ({observation_minutes})."
        errors.append(FieldError("/ready_to_leave_minute", "out_of_range", message))
    return errors


def _reading_errors(
    reading: Reading, at: str, observation_minutes: int, previous: int | None
) -> list[FieldError]:
    errors = []
    if not 0 <= reading.minute <= observation_minutes:
        message = f"minute must be between 0 and observation_minutes ({observation_minutes})."
        errors.append(FieldError(f"{at}/minute", "out_of_range", message))
    elif previous is not None and reading.minute <= previous:
        errors.append(
            FieldError(f"{at}/minute", "not_ascending", "Readings must be in strictly ascending minutes.")
        )
    ranges: list[tuple[str, int | None, tuple[int, int], str]] = [
        ("systolic", reading.systolic, PLAUSIBLE_SYSTOLIC_MMHG, "mmHg"),
        ("diastolic", reading.diastolic, PLAUSIBLE_DIASTOLIC_MMHG, "mmHg"),
        ("heart_rate", reading.heart_rate, PLAUSIBLE_HEART_RATE, "beats per minute"),
        ("spo2", reading.spo2, PLAUSIBLE_SPO2, "%"),
        ("sedation_moaas", reading.sedation_moaas, MOAAS_RANGE, "(MOAA/S)"),
    ]
    for name, value, (low, high), unit in ranges:
        if value is not None and not low <= value <= high:
            errors.append(
                FieldError(f"{at}/{name}", "out_of_range", f"{name} must be between {low} and {high} {unit}.")
            )
    return errors


def _mid_reading(readings: tuple[Reading, ...]) -> tuple[int, Reading] | None:
    """The last reading in the 30-60 minute window that has SpO2, with its index."""
    low, high = MID_WINDOW
    found = None
    for index, reading in enumerate(readings):
        if low <= reading.minute <= high and reading.spo2 is not None:
            found = (index, reading)
    return found


def missing_readings(readings: tuple[Reading, ...]) -> list[FieldError]:
    """``monitoring_reading_missing``: the 30-60 min reading with SpO2; SpO2 on the last reading."""
    failures = []
    if _mid_reading(readings) is None:
        message = (
            "Record a reading at minute 30 to 60 after the dose (the 40-minute blood pressure), with SpO2."
        )
        failures.append(FieldError("/readings", "monitoring_reading_missing", message))
    if not readings:
        message = "Record the readings taken at completion, with SpO2."
        failures.append(FieldError("/readings", "monitoring_reading_missing", message))
    elif readings[-1].spo2 is None:
        message = "The last reading (at completion) needs SpO2."
        failures.append(
            FieldError(f"/readings/{len(readings) - 1}/spo2", "monitoring_reading_missing", message)
        )
    return failures


def readiness_failures(
    readings: tuple[Reading, ...], *, pre_systolic: int, pre_diastolic: int, pressure_overridden: bool
) -> list[FieldError]:
    """Why the patient is not yet ready to leave, judged on the last reading (each at its pointer)."""
    if not readings:
        return []
    index, last = len(readings) - 1, readings[-1]
    at = f"/readings/{index}"
    code = "not_stable_for_discharge"
    failures = []
    if last.sedation_moaas != READY_MOAAS:
        message = (
            f"Sedation: MOAA/S {last.sedation_moaas}; ready to leave at {READY_MOAAS} (responds to name)."
        )
        failures.append(FieldError(f"{at}/sedation_moaas", code, message))
    if last.dissociation != Dissociation.NONE:
        failures.append(
            FieldError(f"{at}/dissociation", code, f"Dissociation is {last.dissociation}; wait until none.")
        )
    if last.spo2 is not None and last.spo2 < READY_SPO2:
        failures.append(
            FieldError(f"{at}/spo2", code, f"SpO2 {last.spo2} %; ready to leave at {READY_SPO2} % or more.")
        )
    failures += _pressure_failures(readings, last, at, pre_systolic, pre_diastolic, pressure_overridden)
    return failures


def _pressure_failures(
    readings: tuple[Reading, ...],
    last: Reading,
    at: str,
    pre_systolic: int,
    pre_diastolic: int,
    pressure_overridden: bool,
) -> list[FieldError]:
    code = "not_stable_for_discharge"
    if last.systolic <= SYSTOLIC_LIMIT_MMHG and last.diastolic <= DIASTOLIC_LIMIT_MMHG:
        return []
    if pressure_overridden:
        mid = _mid_reading(readings)
        at_or_below_pre = last.systolic <= pre_systolic and last.diastolic <= pre_diastolic
        falling = mid is not None and last.systolic < mid[1].systolic and last.diastolic <= mid[1].diastolic
        if at_or_below_pre and falling:
            return []
        message = (
            f"Blood pressure {last.systolic}/{last.diastolic} mmHg: after a high pre-dose pressure"
            f" ({pre_systolic}/{pre_diastolic}), it must be at or below it and falling from the"
            " 30-60 min reading."
        )
        return [FieldError(f"{at}/systolic", code, message)]
    message = (
        f"Blood pressure {last.systolic}/{last.diastolic} mmHg; ready to leave at"
        f" {SYSTOLIC_LIMIT_MMHG}/{DIASTOLIC_LIMIT_MMHG} or below."
    )
    return [FieldError(f"{at}/systolic", code, message)]


def automatic_events(readings: tuple[Reading, ...], *, administered_at: datetime) -> tuple[AdverseEvent, ...]:
    """The adverse events the readings show, at most one per type, at the first reading that showed each."""
    found: dict[AdverseEventType, AdverseEvent] = {}

    def add(
        kind: AdverseEventType, severity: AdverseEventSeverity, reading: Reading, description: str
    ) -> None:
        if kind not in found:
            onset = administered_at + timedelta(minutes=reading.minute)
            found[kind] = AdverseEvent(kind, severity, onset, f"{description} at minute {reading.minute}.")

    for reading in readings:
        if reading.spo2 is not None and reading.spo2 < RESPIRATORY_DEPRESSION_SPO2:
            add(
                AdverseEventType.RESPIRATORY_DEPRESSION,
                AdverseEventSeverity.SERIOUS,
                reading,
                f"SpO2 {reading.spo2} %",
            )
        if reading.sedation_moaas <= SEDATION_MOAAS:
            add(
                AdverseEventType.SEDATION,
                AdverseEventSeverity.SEVERE,
                reading,
                f"MOAA/S {reading.sedation_moaas}",
            )
        if reading.systolic >= HYPERTENSION_SYSTOLIC or reading.diastolic >= HYPERTENSION_DIASTOLIC:
            pressure = f"Blood pressure {reading.systolic}/{reading.diastolic} mmHg"
            add(AdverseEventType.HYPERTENSION, AdverseEventSeverity.SEVERE, reading, pressure)
    return tuple(found.values())


def emergency_transfer_event(administered_at: datetime, minute: int) -> AdverseEvent:
    return AdverseEvent(
        AdverseEventType.OTHER,
        AdverseEventSeverity.SERIOUS,
        administered_at + timedelta(minutes=minute),
        "Emergency transfer from the treatment session.",
    )


def assess_monitoring(
    monitoring: Monitoring,
    *,
    route: Route,
    administered_at: datetime,
    observation_minutes: int,
    pre_systolic: int,
    pre_diastolic: int,
    pressure_overridden: bool,
    recorded_by_provider: bool,
) -> tuple[list[FieldError], MonitoringAssessment]:
    """The rule failures (empty: accepted) and, when accepted, what follows from the readings.

    Plausibility is checked first by ``plausibility_errors``; this assumes plausible readings."""
    readings = monitoring.readings
    events = list(automatic_events(readings, administered_at=administered_at))
    if route not in MONITORED_ROUTES:
        return [], MonitoringAssessment(tuple(events), discharge_overridden=False)
    failures = missing_readings(readings)
    overridden = False
    if monitoring.disposition == Disposition.EMERGENCY_TRANSFER:
        minute = readings[-1].minute if readings else observation_minutes
        events.append(emergency_transfer_event(administered_at, minute))
    else:
        not_ready = readiness_failures(
            readings,
            pre_systolic=pre_systolic,
            pre_diastolic=pre_diastolic,
            pressure_overridden=pressure_overridden,
        )
        reason = (monitoring.discharge_override_reason or "").strip()
        if not_ready and reason and not recorded_by_provider:
            message = "Only a provider may discharge a patient who is not yet stable."
            failures.append(FieldError("/discharge_override_reason", "override_requires_provider", message))
        elif not_ready and reason:
            overridden = True
        else:
            failures += not_ready
    return failures, MonitoringAssessment(tuple(events), discharge_overridden=overridden)


def last_pressure(readings: tuple[Reading, ...]) -> tuple[int, int] | None:
    return (readings[-1].systolic, readings[-1].diastolic) if readings else None


def peak_dissociation(readings: tuple[Reading, ...]) -> Dissociation | None:
    if not readings:
        return None
    return max((r.dissociation for r in readings), key=DISSOCIATION_ORDER.index)


def completion_pressure(
    readings: tuple[Reading, ...], systolic: int | None, diastolic: int | None
) -> tuple[tuple[int, int] | None, list[FieldError]]:
    """``post_*``: the last reading's pressure. Sent as well, they must agree; with no reading, required."""
    last = last_pressure(readings)
    if last is None:
        missing = [
            FieldError(f"/post_{name}", "required", "Give the pressure at completion, or the readings.")
            for name, value in (("systolic", systolic), ("diastolic", diastolic))
            if value is None
        ]
        if missing or systolic is None or diastolic is None:
            return None, missing
        return (systolic, diastolic), []
    errors = [
        FieldError(f"/post_{name}", "mismatch", f"post_{name} is the last reading's: {value} mmHg.")
        for name, sent, value in (("systolic", systolic, last[0]), ("diastolic", diastolic, last[1]))
        if sent is not None and sent != value
    ]
    return last, errors


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """What the service must act on once a record passed."""

    blood_pressure_overridden: bool
    discharge_overridden: bool
    automatic_events: tuple[AdverseEvent, ...]
    requires_hold: bool


def assess_session(
    record: SessionRecord,
    monitoring: Monitoring,
    *,
    route: Route,
    recorded_by_provider: bool,
    now: datetime,
    completion_errors: Sequence[FieldError] = (),
) -> SessionOutcome:
    """Every check of a session record, in two stages (implausible values, then the clinical rules), each
    stage's failures together in one 422."""
    raise_field_errors(
        [
            *session_field_errors(record, now=now),
            *completion_errors,
            *plausibility_errors(monitoring, route=route, observation_minutes=record.observation_minutes),
        ]
    )
    overridden = is_blood_pressure_elevated(record.pre_systolic, record.pre_diastolic)
    failures, assessment = assess_monitoring(
        monitoring,
        route=route,
        administered_at=record.administered_at,
        observation_minutes=record.observation_minutes,
        pre_systolic=record.pre_systolic,
        pre_diastolic=record.pre_diastolic,
        pressure_overridden=overridden,
        recorded_by_provider=recorded_by_provider,
    )
    raise_rule_failures(
        [*session_rule_failures(record, route=route, recorded_by_provider=recorded_by_provider), *failures]
    )
    events = (*record.adverse_events, *assessment.automatic_events)
    return SessionOutcome(
        blood_pressure_overridden=overridden,
        discharge_overridden=assessment.discharge_overridden,
        automatic_events=assessment.automatic_events,
        requires_hold=requires_hold(e.severity for e in events),
    )


# --- the REMS Patient Monitoring Form, and the trend across sessions ----------------------------------------

REMS_FORM_DAYS: Final = 7  # the form is due within 7 days of the session
REMS_REMINDER_DAYS_BEFORE: Final = 1  # rems_form.due goes out from the day before


def rems_due_by(session_day: date) -> date:
    return session_day + timedelta(days=REMS_FORM_DAYS)


def rems_reminder_due(session_day: date, today: date) -> bool:
    """Whether an unsubmitted form's reminder is due today (from the day before ``due_by`` on: a form
    recorded late is reminded of at once)."""
    return today >= rems_due_by(session_day) - timedelta(days=REMS_REMINDER_DAYS_BEFORE)


def _pressure(reading: Reading | None) -> dict[str, int] | None:
    return {"systolic": reading.systolic, "diastolic": reading.diastolic} if reading else None


def rems_observations(
    readings: tuple[Reading, ...], *, pre_systolic: int, pre_diastolic: int, discharge_overridden: bool
) -> dict[str, Any]:
    """The form's clinical part, from the readings: the three blood pressures, and each adverse effect the
    form asks about as yes/no with the values behind it."""
    mid = _mid_reading(readings)
    last = readings[-1] if readings else None
    lowest_moaas = min((r.sedation_moaas for r in readings), default=None)
    spo2s = [r.spo2 for r in readings if r.spo2 is not None]
    highest = max(readings, key=lambda r: (r.systolic, r.diastolic), default=None)
    peak = peak_dissociation(readings)
    return {
        "vital_signs_acceptable_before": not is_blood_pressure_elevated(pre_systolic, pre_diastolic),
        "vital_signs_acceptable_at_completion": bool(readings) and not discharge_overridden,
        "blood_pressure": {
            "before": {"systolic": pre_systolic, "diastolic": pre_diastolic},
            "at_40_minutes": {**(_pressure(mid[1]) or {}), "minute": mid[1].minute} if mid else None,
            "at_completion": _pressure(last),
        },
        "sedation": {
            "occurred": lowest_moaas is not None and lowest_moaas < READY_MOAAS,
            "lowest_moaas": lowest_moaas,
        },
        "dissociation": {"occurred": peak not in (None, Dissociation.NONE), "peak": peak},
        "respiratory_depression": {
            "occurred": any(s < RESPIRATORY_DEPRESSION_SPO2 for s in spo2s),
            "lowest_spo2": min(spo2s, default=None),
        },
        "blood_pressure_increase": {
            "occurred": highest is not None
            and (highest.systolic > SYSTOLIC_LIMIT_MMHG or highest.diastolic > DIASTOLIC_LIMIT_MMHG),
            "highest": _pressure(highest),
        },
    }


def session_summary(readings: tuple[Reading, ...]) -> dict[str, Any]:
    """One session's line in the trend a clinician reads to adjust the dose."""
    spo2s = [r.spo2 for r in readings if r.spo2 is not None]
    highest = max(readings, key=lambda r: (r.systolic, r.diastolic), default=None)
    return {
        "peak_dissociation": peak_dissociation(readings),
        "lowest_moaas": min((r.sedation_moaas for r in readings), default=None),
        "lowest_spo2": min(spo2s, default=None),
        "highest_blood_pressure": _pressure(highest),
    }


def readings_from(stored: list[dict[str, Any]]) -> tuple[Reading, ...]:
    """Readings as stored on a session record (JSON) back into the domain's shape."""
    return tuple(
        Reading(
            minute=r["minute"],
            systolic=r["systolic"],
            diastolic=r["diastolic"],
            sedation_moaas=r["sedation_moaas"],
            dissociation=Dissociation(r["dissociation"]),
            heart_rate=r.get("heart_rate"),
            spo2=r.get("spo2"),
        )
        for r in stored
    )
