"""Session monitoring, after the Spravato REMS Patient Monitoring Form (clinical-rules.md §4, second edition).

Pure rules on a session's observation readings, applied with the dosing checks of session_safety.py:

- the readings themselves: minutes within the observation and strictly ascending, values a living patient can
  have (422 ``validation_failed`` with a pointer into ``/readings``);
- for the supervised routes (intranasal, intravenous, intramuscular; an at-home oral or sublingual session is
  self-reported and none of this applies), with ``disposition`` ``discharged``: a reading at minute 30-60
  with SpO2 (the label's "40-minute" blood pressure) and a completion reading — the last one, with SpO2,
  taken in the last 15 minutes of observation (minute >= observation_minutes - 15) —
  (``monitoring_reading_missing``, naming which);
- discharge readiness from the last reading (``not_stable_for_discharge``, each failed item at its pointer):
  MOAA/S 5, no dissociation, SpO2 >= 94, and a blood pressure that is (a) <= 140/90, or (b) at or below the
  pre-dose value (both numbers), or (c) declining: below 160/100 (both numbers) with a systolic at least
  10 mmHg below the highest systolic of the earlier readings (label §2.3/§5.6: re-measure "until values
  decline"; 10 mmHg so that measurement noise is not a decline). A provider may discharge anyway with
  ``discharge_override_reason``; anyone else gets ``override_requires_provider``;
- ``ready_before_stable``: ``ready_to_leave_minute`` may not come before (or at) the minute of a reading with
  MOAA/S below 5, any dissociation, or SpO2 below 94 (blood pressure is not part of it); no override lifts it
  — the form must not say "ready" at minute 30 and "MOAA/S 3" at 40;
- dispositions: ``emergency_transfer`` is always accepted (no observation minimum, no reading beyond the
  pre-dose pressure, no readiness) and ``left_against_medical_advice`` (a provider, with
  ``disposition_reason``) at any observation length; each is a serious adverse event ``other``, and for each
  ``ready_to_leave_minute`` must be null;
- automatic adverse events from the readings, at most one per type per session: SpO2 < 90 →
  ``respiratory_depression`` (serious); MOAA/S <= 2 (deep sedation) → ``sedation`` (severe); systolic >= 180
  or diastolic >= 110 → ``hypertension`` (severe); dissociation ``severe`` → ``dissociation`` (severe: the
  provider reviews the dose before the next session).

Decisions the rules left open:
- "Earlier readings" for the declining pressure are the readings before the last one (the pre-dose pressure
  is not a reading); with no earlier reading, (c) cannot hold.
- A "ready" judgement at the very minute of an unstable reading contradicts it as much as one before it, so
  ``ready_before_stable`` refuses ``ready_to_leave_minute`` <= that reading's minute.
- An automatic event's onset is the administration time plus the minute of the first reading that showed it;
  a disposition's, the administration time plus ``observation_minutes`` (when the patient left).
- Automatic events are drawn from readings of any route: an at-home patient's SpO2 of 85 is not ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from api.domain.protocols import Route
from api.domain.screening import DIASTOLIC_LIMIT_MMHG, SYSTOLIC_LIMIT_MMHG
from api.domain.session_safety import (
    MAX_OBSERVATION_MINUTES,
    PLAUSIBLE_DIASTOLIC_MMHG,
    PLAUSIBLE_SYSTOLIC_MMHG,
    SUPERVISED_ROUTES,
    AdverseEvent,
    AdverseEventSeverity,
    AdverseEventType,
    Disposition,
    SessionRecord,
    Setting,
    dose_mg_per_kg,
    is_blood_pressure_elevated,
    is_dose_overridden,
    raise_field_errors,
    raise_rule_failures,
    requires_hold,
    session_field_errors,
    session_rule_failures,
    setting_failures,
    unknown_setting_ids,
)
from api.errors import FieldError


class Dissociation(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


DISSOCIATION_ORDER: Final = (Dissociation.NONE, Dissociation.MILD, Dissociation.MODERATE, Dissociation.SEVERE)

# The routes given under supervision in a clinic: monitored. (Oral and sublingual are self-reported.)
MONITORED_ROUTES: Final = SUPERVISED_ROUTES
# The label's "40-minute" reading may be taken anywhere in this window (minutes after the first dose).
MID_WINDOW: Final = (30, 60)
# The completion reading is taken in the last this-many minutes of the observation.
COMPLETION_WINDOW_MINUTES: Final = 15
# Discharge readiness, from the last reading.
READY_MOAAS: Final = 5  # responds readily to its name spoken in a normal tone
READY_SPO2: Final = 94
DECLINING_BELOW: Final = (160, 100)  # systolic, diastolic: both below
DECLINE_SYSTOLIC_MMHG: Final = 10  # below the highest earlier systolic by at least this
# Automatic adverse events.
RESPIRATORY_DEPRESSION_SPO2: Final = 90  # below
SEDATION_MOAAS: Final = 2  # at or below: deep sedation
HYPERTENSION_SYSTOLIC: Final = 180  # at or above
HYPERTENSION_DIASTOLIC: Final = 110  # at or above
# Values no living patient has: a typing error, not a finding.
PLAUSIBLE_HEART_RATE: Final = (20, 250)
PLAUSIBLE_SPO2: Final = (50, 100)
MOAAS_RANGE: Final = (0, 5)
ENDED_EARLY: Final = frozenset({Disposition.EMERGENCY_TRANSFER, Disposition.LEFT_AGAINST_MEDICAL_ADVICE})


@dataclass(frozen=True, slots=True)
class Reading:
    minute: int
    systolic: int
    diastolic: int
    sedation_moaas: int
    dissociation: Dissociation
    heart_rate: int | None = None
    spo2: int | None = None

    @property
    def stable(self) -> bool:
        """Awake, present and oxygenated (blood pressure aside): what "ready" may not precede."""
        return (
            self.sedation_moaas >= READY_MOAAS
            and self.dissociation == Dissociation.NONE
            and (self.spo2 is None or self.spo2 >= READY_SPO2)
        )


@dataclass(frozen=True, slots=True)
class Monitoring:
    """What the form asks for beyond the dosing record."""

    lot_number: str | None = None
    readings: tuple[Reading, ...] = ()
    ready_to_leave_minute: int | None = None
    discharge_override_reason: str | None = None


@dataclass(frozen=True, slots=True)
class MonitoringAssessment:
    automatic_events: tuple[AdverseEvent, ...]
    discharge_overridden: bool


def plausibility_errors(
    monitoring: Monitoring,
    *,
    route: Route,
    observation_minutes: int | None,
    disposition: Disposition = Disposition.DISCHARGED,
) -> list[FieldError]:
    """Values that cannot be real or do not fit the record: 422 ``validation_failed``."""
    errors: list[FieldError] = []
    if route == Route.INTRANASAL and not (monitoring.lot_number or "").strip():
        errors.append(FieldError("/lot_number", "required", "The REMS form needs the lot number."))
    limit = MAX_OBSERVATION_MINUTES if observation_minutes is None else observation_minutes
    previous: int | None = None
    for index, reading in enumerate(monitoring.readings):
        errors += _reading_errors(reading, f"/readings/{index}", limit, previous)
        previous = reading.minute
    ready = monitoring.ready_to_leave_minute
    if ready is not None and disposition in ENDED_EARLY:
        message = f"A patient who did not leave discharged ({disposition}) has no ready_to_leave_minute."
        errors.append(FieldError("/ready_to_leave_minute", "not_applicable", message))
    elif ready is not None and not 0 <= ready <= limit:
        message = f"ready_to_leave_minute must be between 0 and observation_minutes ({limit})."
        errors.append(FieldError("/ready_to_leave_minute", "out_of_range", message))
    if monitoring.discharge_override_reason is not None and disposition in ENDED_EARLY:
        message = f"A discharge override does not apply to {disposition}."
        errors.append(FieldError("/discharge_override_reason", "not_applicable", message))
    return errors


def _reading_errors(reading: Reading, at: str, limit: int, previous: int | None) -> list[FieldError]:
    errors = []
    if not 0 <= reading.minute <= limit:
        message = f"minute must be between 0 and observation_minutes ({limit})."
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


def missing_readings(readings: tuple[Reading, ...], *, observation_minutes: int) -> list[FieldError]:
    """``monitoring_reading_missing``: the 30-60 min reading with SpO2; the completion reading (the last,
    with SpO2, at minute >= observation_minutes - 15)."""
    code = "monitoring_reading_missing"
    failures = []
    if _mid_reading(readings) is None:
        message = (
            "Record a reading at minute 30 to 60 after the dose (the 40-minute blood pressure), with SpO2."
        )
        failures.append(FieldError("/readings", code, message))
    earliest = observation_minutes - COMPLETION_WINDOW_MINUTES
    if not readings:
        message = f"Record the completion reading, with SpO2, at minute {max(earliest, 0)} or later."
        failures.append(FieldError("/readings", code, message))
        return failures
    last_index, last = len(readings) - 1, readings[-1]
    if last.minute < earliest:
        message = (
            f"The completion reading is taken in the last {COMPLETION_WINDOW_MINUTES} minutes of observation"
            f" (minute {earliest} or later); the last reading is at minute {last.minute}."
        )
        failures.append(FieldError(f"/readings/{last_index}/minute", code, message))
    if last.spo2 is None:
        message = "The last reading (at completion) needs SpO2."
        failures.append(FieldError(f"/readings/{last_index}/spo2", code, message))
    return failures


def pressure_ready(
    readings: tuple[Reading, ...], *, pre_systolic: int | None, pre_diastolic: int | None
) -> bool:
    """The last reading's blood pressure allows discharge: (a) <= 140/90, (b) at or below the pre-dose
    value, or (c) declining — below 160/100 and a systolic >= 10 mmHg under the highest earlier one."""
    if not readings:
        return False
    *earlier, last = readings
    if last.systolic <= SYSTOLIC_LIMIT_MMHG and last.diastolic <= DIASTOLIC_LIMIT_MMHG:
        return True
    if (
        pre_systolic is not None
        and pre_diastolic is not None
        and last.systolic <= pre_systolic
        and last.diastolic <= pre_diastolic
    ):
        return True
    below_systolic, below_diastolic = DECLINING_BELOW
    highest = max((r.systolic for r in earlier), default=None)
    return (
        last.systolic < below_systolic
        and last.diastolic < below_diastolic
        and highest is not None
        and last.systolic <= highest - DECLINE_SYSTOLIC_MMHG
    )


def readiness_failures(
    readings: tuple[Reading, ...], *, pre_systolic: int | None, pre_diastolic: int | None
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
    if not pressure_ready(readings, pre_systolic=pre_systolic, pre_diastolic=pre_diastolic):
        below_systolic, below_diastolic = DECLINING_BELOW
        message = (
            f"Blood pressure {last.systolic}/{last.diastolic} mmHg: ready to leave at"
            f" {SYSTOLIC_LIMIT_MMHG}/{DIASTOLIC_LIMIT_MMHG} or below, at or below the pre-dose"
            f" {pre_systolic}/{pre_diastolic}, or declining (below {below_systolic}/{below_diastolic} and"
            f" {DECLINE_SYSTOLIC_MMHG} mmHg systolic under the highest earlier reading)."
        )
        failures.append(FieldError(f"{at}/systolic", code, message))
    return failures


def ready_before_stable_failures(readings: tuple[Reading, ...], ready_minute: int | None) -> list[FieldError]:
    """``ready_before_stable``: "ready" at or before the minute of a reading that was not stable."""
    if ready_minute is None:
        return []
    unstable = [r for r in readings if not r.stable and ready_minute <= r.minute]
    if not unstable:
        return []
    last = unstable[-1]
    message = (
        f"ready_to_leave_minute {ready_minute} is not after minute {last.minute}, when the patient was not"
        f" yet stable (MOAA/S {last.sedation_moaas}, dissociation {last.dissociation}, SpO2 {last.spo2})."
    )
    return [FieldError("/ready_to_leave_minute", "ready_before_stable", message)]


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
        if reading.dissociation == Dissociation.SEVERE:
            add(AdverseEventType.DISSOCIATION, AdverseEventSeverity.SEVERE, reading, "Severe dissociation")
    return tuple(found.values())


def disposition_event(record: SessionRecord, readings: tuple[Reading, ...]) -> AdverseEvent | None:
    """An emergency transfer or a patient leaving against advice: a serious adverse event ``other``."""
    if record.disposition not in ENDED_EARLY:
        return None
    if record.observation_minutes is not None:
        minute = record.observation_minutes
    else:
        minute = readings[-1].minute if readings else 0
    what = (
        "Emergency transfer from the treatment session"
        if record.disposition == Disposition.EMERGENCY_TRANSFER
        else "Left the treatment session against medical advice"
    )
    reason = (record.disposition_reason or "").strip().rstrip(".")
    return AdverseEvent(
        AdverseEventType.OTHER,
        AdverseEventSeverity.SERIOUS,
        record.administered_at + timedelta(minutes=minute),
        f"{what} at minute {minute}{': ' + reason if reason else ''}.",
    )


def assess_monitoring(
    monitoring: Monitoring,
    *,
    route: Route,
    record: SessionRecord,
    recorded_by_provider: bool,
) -> tuple[list[FieldError], MonitoringAssessment]:
    """The readings' rule failures (empty: accepted) and, when accepted, what follows from them.

    Plausibility is checked first by ``plausibility_errors``; this assumes plausible readings."""
    readings = monitoring.readings
    events = list(automatic_events(readings, administered_at=record.administered_at))
    ended = disposition_event(record, readings)
    if ended is not None:
        events.append(ended)
    assessment = MonitoringAssessment(tuple(events), discharge_overridden=False)
    if route not in MONITORED_ROUTES or record.disposition != Disposition.DISCHARGED:
        return [], assessment
    failures = missing_readings(readings, observation_minutes=record.observation_minutes or 0)
    failures += ready_before_stable_failures(readings, monitoring.ready_to_leave_minute)
    not_ready = readiness_failures(
        readings, pre_systolic=record.pre_systolic, pre_diastolic=record.pre_diastolic
    )
    reason = (monitoring.discharge_override_reason or "").strip()
    overridden = False
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
    """``post_*``: the last reading's pressure (sent as well, they must agree). With no reading, as sent —
    both or neither (an emergency transfer at minute 3, or an at-home session, may have none)."""
    last = last_pressure(readings)
    if last is None:
        if (systolic is None) != (diastolic is None):
            missing = "post_systolic" if systolic is None else "post_diastolic"
            return None, [
                FieldError(f"/{missing}", "required", "Give both completion pressures, or neither.")
            ]
        if systolic is None or diastolic is None:
            return None, []
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
    dose_overridden: bool
    dose_mg_per_kg: Decimal | None
    discharge_overridden: bool
    automatic_events: tuple[AdverseEvent, ...]
    requires_hold: bool


def assess_session(
    record: SessionRecord,
    monitoring: Monitoring,
    setting: Setting,
    *,
    route: Route,
    recorded_by_provider: bool,
    now: datetime,
    completion_errors: Sequence[FieldError] = (),
) -> SessionOutcome:
    """Every check of a session record, in two stages (implausible or missing values, then the clinical
    rules), each stage's failures together in one 422. An emergency transfer skips the clinical rules: its
    record is always kept (only ids that name nothing are refused)."""
    raise_field_errors(
        [
            *session_field_errors(record, route=route, now=now),
            *completion_errors,
            *plausibility_errors(
                monitoring,
                route=route,
                observation_minutes=record.observation_minutes,
                disposition=record.disposition,
            ),
        ]
    )
    failures, assessment = assess_monitoring(
        monitoring, route=route, record=record, recorded_by_provider=recorded_by_provider
    )
    if record.disposition == Disposition.EMERGENCY_TRANSFER:
        raise_rule_failures(unknown_setting_ids(setting))
    else:
        on = record.administered_at.astimezone(UTC).date()
        raise_rule_failures(
            [
                *session_rule_failures(record, route=route, recorded_by_provider=recorded_by_provider),
                *setting_failures(setting, route=route, on=on),
                *failures,
            ]
        )
    events = (*record.adverse_events, *assessment.automatic_events)
    return SessionOutcome(
        blood_pressure_overridden=is_blood_pressure_elevated(record.pre_systolic, record.pre_diastolic),
        dose_overridden=is_dose_overridden(record, route=route),
        dose_mg_per_kg=dose_mg_per_kg(record.dose_mg, record.weight_kg),
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
    readings: tuple[Reading, ...],
    *,
    pre_systolic: int | None,
    pre_diastolic: int | None,
    discharge_overridden: bool,
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
            "before": {"systolic": pre_systolic, "diastolic": pre_diastolic}
            if pre_systolic is not None and pre_diastolic is not None
            else None,
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
