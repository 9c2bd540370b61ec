"""Safety checks on a recorded dosing session and its adverse events (clinical-rules.md §4, second edition).

A record is checked in two stages. Values that cannot be real (a blood pressure of 400, a time in the future,
a weight of 12 kg), and fields the route needs but the body lacks, are a 422 ``validation_failed``; the
clinical rules are only applied to plausible, complete data. Then every safety rule is checked and all
failures are reported together in one 422 whose ``code`` is the first failure's, so a clinician fixes the
record in one round trip. The rules of this module (the readings' rules are in session_monitoring.py):

- **Hard stop** — a pre-dose systolic >= 180 or diastolic >= 110 is never dosed: ``blood_pressure_hard_stop``,
  no override (re-measure after rest, or do not dose today). Spravato label §5.6 (do not administer when an
  increase in blood pressure poses a serious risk); 180/110 is the usual peri-procedural deferral threshold
  (AAGBI/BHS 2016, "The measurement of adult blood pressure and management of hypertension before elective
  surgery").
- **Threshold** — a pre-dose pressure above 140/90 (either value) → ``blood_pressure_above_threshold`` (one
  error per offending value), unless a provider gives a non-blank ``override_reason``; a non-provider's
  override → ``override_requires_provider`` at ``/override_reason``. Label §5.6 (assess blood pressure
  before dosing); 140/90 is the intake's limit (screening.py).
- **Dose by weight** — intravenous and intramuscular doses are judged per kilogram of the weight on the day
  (``weight_kg``, 30-300, required for them): ``dose_mg_per_kg`` = dose_mg / weight_kg rounded half-up to 2
  decimals. Above 1.0 mg/kg → ``dose_above_limit`` unless a provider gives ``dose_override_reason``; above
  2.0 mg/kg (the anaesthetic range) → ``dose_above_maximum``, no override. The standard antidepressant dose
  is 0.5 mg/kg over 40 minutes (Sanacora et al., APA consensus statement, JAMA Psychiatry 2017). An
  intravenous dose needs ``infusion_minutes`` 20-120 (below 20 is a bolus: refused, ``out_of_range``).
- **Observation minimum**, counted from the first administration: intranasal >= 120 minutes (Spravato REMS);
  intravenous >= ``infusion_minutes`` + 30; intramuscular >= 60 (APA consensus statement: monitor until
  the acute effects have resolved) → ``observation_too_short``.
- **Escort / sitter** — a supervised session (intranasal, intravenous, intramuscular) needs
  ``escort_confirmed`` (``escort_not_confirmed``); an at-home session (route oral or sublingual, whatever
  the protocol) needs ``sitter_present: true`` instead, an adult treatment monitor present throughout
  (``sitter_required``; FDA safety communication on compounded ketamine, October 2023).
- **Setting** — a supervised record names ``site_id``: a practice site (of any provider) in the patient's
  location state, REMS-certified for intranasal (``site_not_eligible``); ``monitored_by`` (defaults to the
  recording provider) holds an active licence in the site's state (``monitoring_provider_not_eligible``);
  intranasal needs ``onsite_prescriber_id``, a provider with a schedule III DEA registration in the site's
  state (the REMS asks certified settings to have a prescriber on site during administration and
  monitoring; ``onsite_prescriber_required``); intravenous and intramuscular records may name one too, and
  it is then checked the same way.

Decisions where the page leaves room (written down in docs/follow-up-plans.md too):

- Each pre-dose value is judged on its own: a value at the hard stop is a hard stop, the other one may still
  be a threshold failure; hard stops are listed first, so the problem's ``code`` is
  ``blood_pressure_hard_stop`` whenever there is one.
- The per-kilogram limits are compared on the rounded ``dose_mg_per_kg`` the record returns: what is shown is
  what was judged. They apply to intravenous and intramuscular only; any route may send ``weight_kg`` (it is
  stored and ``dose_mg_per_kg`` returned), but esketamine is dosed flat and oral doses differ by
  bioavailability, so no per-kilogram limit is applied to them.
- Licences and DEA registrations are judged on the UTC date of ``administered_at``, ``expires_on`` inclusive
  (as matching does).
- An at-home session's blood pressures are optional; when sent (both, or neither), the hard stop and the
  threshold apply as in the clinic — a patient cannot override, so the app tells them not to dose today.
  Site, monitoring provider and on-site prescriber are optional for it; any that is sent is checked.
- ``emergency_transfer`` is always accepted: the record of the most serious event must never be lost, so no
  clinical rule refuses it (the pre-dose ones included; the transfer is itself a serious adverse event and
  holds the plan for review). Only implausible values and ids that name nothing are refused.
  ``left_against_medical_advice`` lifts what a patient walking out makes impossible (observation minimum,
  escort, readings, readiness); the pre-dose, dose and setting rules still apply — the dose was given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from api.domain.matching import (
    KETAMINE_DEA_SCHEDULE,
    DeaRegistration,
    StateLicense,
    licensed_on,
    schedule_iii_on,
)
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


class Disposition(StrEnum):
    DISCHARGED = "discharged"
    EMERGENCY_TRANSFER = "emergency_transfer"
    LEFT_AGAINST_MEDICAL_ADVICE = "left_against_medical_advice"


# Events this bad stop treatment until a clinician has reviewed them.
HOLD_SEVERITIES = frozenset({AdverseEventSeverity.SEVERE, AdverseEventSeverity.SERIOUS})

# Given under supervision in a clinic, and monitored; oral and sublingual are taken at home (self-reported).
SUPERVISED_ROUTES: Final = frozenset({Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR})
AT_HOME_ROUTES: Final = frozenset({Route.ORAL, Route.SUBLINGUAL})
WEIGHT_BASED_ROUTES: Final = frozenset({Route.INTRAVENOUS, Route.INTRAMUSCULAR})

# Readings outside these ranges are typing errors, not patients (the same ranges as the intake).
PLAUSIBLE_SYSTOLIC_MMHG = (60, 260)
PLAUSIBLE_DIASTOLIC_MMHG = (30, 160)
MAX_OBSERVATION_MINUTES = 24 * 60
# The hard stop: at or above either value the patient is not dosed today (AAGBI/BHS 2016).
HARD_STOP_SYSTOLIC_MMHG: Final = 180
HARD_STOP_DIASTOLIC_MMHG: Final = 110
# Dose by weight (Sanacora 2017: 0.5 mg/kg over 40 minutes is the standard).
WEIGHT_KG_RANGE: Final = (30, 300)
INFUSION_MINUTES_RANGE: Final = (20, 120)  # below 20 is a bolus
DOSE_LIMIT_MG_PER_KG: Final = Decimal("1.00")  # above: a provider's override
DOSE_MAXIMUM_MG_PER_KG: Final = Decimal("2.00")  # above: anaesthetic range, never
INTRANASAL_DOSES_MG: Final = (28, 56, 84)
# Observation minimums, from the first administration.
MIN_INTRANASAL_OBSERVATION_MINUTES: Final = 120  # Spravato REMS
MIN_INTRAMUSCULAR_OBSERVATION_MINUTES: Final = 60
IV_OBSERVATION_AFTER_INFUSION_MINUTES: Final = 30


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    type: AdverseEventType
    severity: AdverseEventSeverity
    onset_at: datetime
    description: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """The dosing part of POST /follow-up-plans/{id}/sessions/{task_id}/record (readings: Monitoring)."""

    administered_at: datetime
    dose_mg: float
    pre_systolic: int | None = None
    pre_diastolic: int | None = None
    post_systolic: int | None = None
    post_diastolic: int | None = None
    observation_minutes: int | None = None
    escort_confirmed: bool | None = None
    sitter_present: bool | None = None
    weight_kg: float | None = None
    infusion_minutes: int | None = None
    disposition: Disposition = Disposition.DISCHARGED
    disposition_reason: str | None = None
    adverse_events: tuple[AdverseEvent, ...] = ()
    override_reason: str | None = None
    dose_override_reason: str | None = None


# --- the setting: where, who monitored, who prescribed on site -------------------------------------------


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    state: str
    rems_certified: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class Clinician:
    id: str
    licenses: tuple[StateLicense, ...] = ()
    dea_registrations: tuple[DeaRegistration, ...] = ()

    def licensed_in(self, state: str, on: date) -> bool:
        return licensed_on(self.licenses, state, on)

    def schedule_iii_in(self, state: str, on: date) -> bool:
        return schedule_iii_on(self.dea_registrations, state, on)


@dataclass(frozen=True, slots=True)
class Setting:
    """The ids the record names (``monitored_by`` already defaulted) and what they were found to be (None:
    no such site or provider)."""

    patient_state: str
    site_id: str | None = None
    site: Site | None = None
    monitored_by: str | None = None
    monitor: Clinician | None = None
    onsite_prescriber_id: str | None = None
    onsite_prescriber: Clinician | None = None


def default_monitored_by(sent: str | None, *, route: Route, recorder_provider_id: str | None) -> str | None:
    """``monitored_by`` as sent; for a supervised route, the recording provider when none is named (an admin
    entering a chart names the provider who monitored)."""
    if sent is not None or route not in SUPERVISED_ROUTES:
        return sent
    return recorder_provider_id


def unknown_setting_ids(setting: Setting) -> list[FieldError]:
    """Ids that name no site or provider: refused whatever the disposition (nothing to store them as)."""
    failures = []
    if setting.site_id is not None and setting.site is None:
        failures.append(FieldError("/site_id", "site_not_eligible", f"No practice site {setting.site_id}."))
    if setting.monitored_by is not None and setting.monitor is None:
        failures.append(
            FieldError(
                "/monitored_by", "monitoring_provider_not_eligible", f"No provider {setting.monitored_by}."
            )
        )
    if setting.onsite_prescriber_id is not None and setting.onsite_prescriber is None:
        failures.append(
            FieldError(
                "/onsite_prescriber_id",
                "onsite_prescriber_required",
                f"No provider {setting.onsite_prescriber_id}.",
            )
        )
    return failures


def setting_failures(setting: Setting, *, route: Route, on: date) -> list[FieldError]:
    """Where the session was given and who watched: the site, the monitoring provider, the on-site
    prescriber (module docstring, "Setting"); ``on`` is the UTC date of the administration."""
    supervised = route in SUPERVISED_ROUTES
    failures = unknown_setting_ids(setting)
    site = setting.site
    if site is None and setting.site_id is None and supervised:
        message = "Name the practice site where the session was given (site_id)."
        failures.append(FieldError("/site_id", "site_not_eligible", message))
    if site is not None:
        if site.state != setting.patient_state:
            message = f"Site {site.id} is in {site.state}; the patient is located in {setting.patient_state}."
            failures.append(FieldError("/site_id", "site_not_eligible", message))
        elif route == Route.INTRANASAL and not site.rems_certified:
            message = f"Site {site.id} is not certified in the Spravato REMS."
            failures.append(FieldError("/site_id", "site_not_eligible", message))
    monitor = setting.monitor
    if setting.monitored_by is None and supervised:
        message = "Name the provider who monitored the patient (monitored_by)."
        failures.append(FieldError("/monitored_by", "monitoring_provider_not_eligible", message))
    if monitor is not None and site is not None and not monitor.licensed_in(site.state, on):
        message = f"Provider {monitor.id} holds no active licence in {site.state}, where the site is."
        failures.append(FieldError("/monitored_by", "monitoring_provider_not_eligible", message))
    prescriber = setting.onsite_prescriber
    if setting.onsite_prescriber_id is None and route == Route.INTRANASAL:
        message = "Name the prescriber present at the site throughout (onsite_prescriber_id)."
        failures.append(FieldError("/onsite_prescriber_id", "onsite_prescriber_required", message))
    if prescriber is not None and site is not None and not prescriber.schedule_iii_in(site.state, on):
        message = (
            f"Provider {prescriber.id} holds no schedule {KETAMINE_DEA_SCHEDULE} DEA registration in"
            f" {site.state}, where the site is."
        )
        failures.append(FieldError("/onsite_prescriber_id", "onsite_prescriber_required", message))
    return failures


# --- the two stages --------------------------------------------------------------------------------------


def session_field_errors(record: SessionRecord, *, route: Route, now: datetime) -> list[FieldError]:
    """Values that cannot be real, and fields the route needs: 422 ``validation_failed`` (before any
    clinical rule is applied)."""
    supervised = route in SUPERVISED_ROUTES
    field_errors = [*_timestamp_errors(record.administered_at, "/administered_at", now)]
    field_errors += _pressure_presence_errors(record.pre_systolic, record.pre_diastolic, "/pre_", supervised)
    if record.pre_systolic is not None and record.pre_diastolic is not None:
        field_errors += blood_pressure_plausibility_errors(
            record.pre_systolic, record.pre_diastolic, pointer_prefix="/pre_"
        )
    if record.post_systolic is not None and record.post_diastolic is not None:
        field_errors += blood_pressure_plausibility_errors(
            record.post_systolic, record.post_diastolic, pointer_prefix="/post_"
        )
    field_errors += _observation_errors(record.observation_minutes, supervised)
    field_errors += dose_field_errors(record, route=route)
    field_errors += _disposition_errors(record)
    for index, event in enumerate(record.adverse_events):
        field_errors += adverse_event_errors(event, now=now, pointer_prefix=f"/adverse_events/{index}")
    return field_errors


def session_rule_failures(
    record: SessionRecord, *, route: Route, recorded_by_provider: bool
) -> list[FieldError]:
    """The clinical rules of this module, every failure (the setting's are ``setting_failures``)."""
    if record.disposition == Disposition.EMERGENCY_TRANSFER:
        return []
    left = record.disposition == Disposition.LEFT_AGAINST_MEDICAL_ADVICE
    failures = [
        *blood_pressure_failures(
            record.pre_systolic, record.pre_diastolic, record.override_reason, recorded_by_provider
        ),
        *dose_failures(record, route=route, recorded_by_provider=recorded_by_provider),
    ]
    if left and not recorded_by_provider:
        message = "Only a provider records that a patient left against medical advice."
        failures.append(FieldError("/disposition", "override_requires_provider", message))
    if not left:
        failures += observation_failures(route, record.observation_minutes, record.infusion_minutes)
        failures += _companion_failures(record, route)
    return failures


def raise_field_errors(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed("The session record is invalid.", errors=errors)


def raise_rule_failures(failures: list[FieldError]) -> None:
    """One 422 for every rule failed, its ``code`` the first failure's."""
    if failures:
        detail = " ".join(failure.message for failure in failures)
        raise RuleViolation(detail, code=failures[0].code, errors=failures)


# --- adverse events --------------------------------------------------------------------------------------


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


# --- blood pressure --------------------------------------------------------------------------------------


def is_blood_pressure_elevated(systolic: int | None, diastolic: int | None) -> bool:
    """Above 140/90 (the intake's limits): either value over; exactly 140/90 is not elevated.

    Ketamine raises blood pressure, so dosing above the limits needs a provider's explicit decision."""
    return (systolic or 0) > SYSTOLIC_LIMIT_MMHG or (diastolic or 0) > DIASTOLIC_LIMIT_MMHG


def is_hard_stop(systolic: int | None, diastolic: int | None) -> bool:
    """At or above 180 systolic or 110 diastolic: not dosed today, whoever asks."""
    return (systolic or 0) >= HARD_STOP_SYSTOLIC_MMHG or (diastolic or 0) >= HARD_STOP_DIASTOLIC_MMHG


def blood_pressure_failures(
    systolic: int | None, diastolic: int | None, override_reason: str | None, recorded_by_provider: bool
) -> list[FieldError]:
    """The hard stop (no override), then the 140/90 threshold (a provider's ``override_reason``)."""
    if systolic is None or diastolic is None:
        return []
    values = (
        ("systolic", systolic, HARD_STOP_SYSTOLIC_MMHG, SYSTOLIC_LIMIT_MMHG),
        ("diastolic", diastolic, HARD_STOP_DIASTOLIC_MMHG, DIASTOLIC_LIMIT_MMHG),
    )
    hard = [
        FieldError(
            f"/pre_{name}",
            "blood_pressure_hard_stop",
            f"Pre-dose {name} {value} mmHg is at or above {stop}: do not dose today (no override);"
            " re-measure after rest.",
        )
        for name, value, stop, _ in values
        if value >= stop
    ]
    over = [(name, value, limit) for name, value, stop, limit in values if limit < value < stop]
    if not over:
        return hard
    has_override = bool((override_reason or "").strip())
    if has_override and recorded_by_provider:
        return hard
    if has_override:
        message = "Only a provider may override the pre-dose blood pressure threshold."
        return [*hard, FieldError("/override_reason", "override_requires_provider", message)]
    hint = "a provider may proceed by giving override_reason."
    return [
        *hard,
        *(
            FieldError(
                f"/pre_{name}",
                "blood_pressure_above_threshold",
                f"Pre-dose {name} {value} mmHg is above {limit}; {hint}",
            )
            for name, value, limit in over
        ),
    ]


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


def _pressure_presence_errors(
    systolic: int | None, diastolic: int | None, prefix: str, required: bool
) -> list[FieldError]:
    """Both values or, where the route allows it, neither."""
    if (systolic is None) == (diastolic is None) and not (required and systolic is None):
        return []
    return [
        FieldError(f"{prefix}{name}", "required", f"Give the {name} pressure (with the {other}).")
        for name, other, value in (("systolic", "diastolic", systolic), ("diastolic", "systolic", diastolic))
        if value is None
    ]


# --- dose ------------------------------------------------------------------------------------------------


def dose_mg_per_kg(dose_mg: float, weight_kg: float | None) -> Decimal | None:
    """dose_mg / weight_kg, rounded half-up to 2 decimals; None without a weight."""
    if weight_kg is None or weight_kg <= 0:
        return None
    ratio = Decimal(str(dose_mg)) / Decimal(str(weight_kg))
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dose_field_errors(record: SessionRecord, *, route: Route) -> list[FieldError]:
    """The dose, weight and infusion time the route needs, within what can be real."""
    errors = []
    if record.dose_mg <= 0:
        errors.append(FieldError("/dose_mg", "out_of_range", "The dose must be a positive number of mg."))
    elif route == Route.INTRANASAL and record.dose_mg not in INTRANASAL_DOSES_MG:
        doses = ", ".join(str(d) for d in INTRANASAL_DOSES_MG)
        errors.append(
            FieldError("/dose_mg", "invalid_dose", f"Intranasal esketamine is given as {doses} mg.")
        )
    low, high = WEIGHT_KG_RANGE
    if record.weight_kg is None and route in WEIGHT_BASED_ROUTES:
        message = f"An {route} dose is judged by weight: give weight_kg, the weight on the day."
        errors.append(FieldError("/weight_kg", "required", message))
    elif record.weight_kg is not None and not low <= record.weight_kg <= high:
        errors.append(
            FieldError("/weight_kg", "out_of_range", f"weight_kg must be between {low} and {high}.")
        )
    low, high = INFUSION_MINUTES_RANGE
    minutes = record.infusion_minutes
    if route != Route.INTRAVENOUS:
        if minutes is not None:
            message = "Only an intravenous session has an infusion time."
            errors.append(FieldError("/infusion_minutes", "not_applicable", message))
    elif minutes is None:
        message = "Give infusion_minutes: how long the infusion ran (the standard is 40)."
        errors.append(FieldError("/infusion_minutes", "required", message))
    elif minutes < low:
        message = f"An infusion of under {low} minutes is a bolus, which is not given; {minutes} recorded."
        errors.append(FieldError("/infusion_minutes", "out_of_range", message))
    elif minutes > high:
        errors.append(
            FieldError("/infusion_minutes", "out_of_range", f"infusion_minutes is {low} to {high}.")
        )
    return errors


def dose_failures(record: SessionRecord, *, route: Route, recorded_by_provider: bool) -> list[FieldError]:
    """Above 2.0 mg/kg never; above 1.0 mg/kg on a provider's ``dose_override_reason`` (intravenous and
    intramuscular)."""
    per_kg = dose_mg_per_kg(record.dose_mg, record.weight_kg)
    if route not in WEIGHT_BASED_ROUTES or per_kg is None or per_kg <= DOSE_LIMIT_MG_PER_KG:
        return []
    if per_kg > DOSE_MAXIMUM_MG_PER_KG:
        message = (
            f"{record.dose_mg:g} mg for {record.weight_kg:g} kg is {per_kg} mg/kg, above"
            f" {DOSE_MAXIMUM_MG_PER_KG} mg/kg (the anaesthetic range): never given, no override."
        )
        return [FieldError("/dose_mg", "dose_above_maximum", message)]
    has_override = bool((record.dose_override_reason or "").strip())
    if has_override and recorded_by_provider:
        return []
    if has_override:
        message = "Only a provider may give a dose above 1.0 mg/kg."
        return [FieldError("/dose_override_reason", "override_requires_provider", message)]
    message = (
        f"{record.dose_mg:g} mg for {record.weight_kg:g} kg is {per_kg} mg/kg, above"
        f" {DOSE_LIMIT_MG_PER_KG} mg/kg; a provider may proceed by giving dose_override_reason."
    )
    return [FieldError("/dose_mg", "dose_above_limit", message)]


def is_dose_overridden(record: SessionRecord, *, route: Route) -> bool:
    """Given above 1.0 mg/kg on a provider's decision (kept for audit)."""
    per_kg = dose_mg_per_kg(record.dose_mg, record.weight_kg)
    return route in WEIGHT_BASED_ROUTES and per_kg is not None and per_kg > DOSE_LIMIT_MG_PER_KG


# --- observation and who goes home with the patient ---------------------------------------------------


def minimum_observation_minutes(route: Route, infusion_minutes: int | None) -> int | None:
    """The least observation the route needs, from the first administration (None: no minimum)."""
    if route == Route.INTRANASAL:
        return MIN_INTRANASAL_OBSERVATION_MINUTES
    if route == Route.INTRAMUSCULAR:
        return MIN_INTRAMUSCULAR_OBSERVATION_MINUTES
    if route == Route.INTRAVENOUS and infusion_minutes is not None:
        return infusion_minutes + IV_OBSERVATION_AFTER_INFUSION_MINUTES
    return None


def observation_failures(route: Route, minutes: int | None, infusion_minutes: int | None) -> list[FieldError]:
    least = minimum_observation_minutes(route, infusion_minutes)
    if least is None or minutes is None or minutes >= least:
        return []
    why = (
        f"the {infusion_minutes}-minute infusion plus {IV_OBSERVATION_AFTER_INFUSION_MINUTES}"
        if route == Route.INTRAVENOUS
        else f"{least}"
    )
    message = f"An {route} session needs at least {least} minutes of observation ({why}); {minutes} recorded."
    return [FieldError("/observation_minutes", "observation_too_short", message)]


def _companion_failures(record: SessionRecord, route: Route) -> list[FieldError]:
    if route in AT_HOME_ROUTES:
        if record.sitter_present:
            return []
        message = "An at-home session needs an adult sitter present throughout (sitter_present: true)."
        return [FieldError("/sitter_present", "sitter_required", message)]
    if record.escort_confirmed:
        return []
    message = "Confirm that a responsible adult escorts the patient home."
    return [FieldError("/escort_confirmed", "escort_not_confirmed", message)]


# --- plausibility helpers ----------------------------------------------------------------------------------


def _timestamp_errors(moment: datetime, pointer: str, now: datetime) -> list[FieldError]:
    if moment.tzinfo is None:
        return [FieldError(pointer, "timezone_required", "Give the time with a UTC offset.")]
    if moment > now:
        return [FieldError(pointer, "in_future", "The time cannot be in the future.")]
    return []


def _observation_errors(minutes: int | None, required: bool) -> list[FieldError]:
    if minutes is None:
        if not required:
            return []
        message = "Give observation_minutes: how long the patient was observed after the first dose."
        return [FieldError("/observation_minutes", "required", message)]
    if 0 <= minutes <= MAX_OBSERVATION_MINUTES:
        return []
    message = f"observation_minutes must be between 0 and {MAX_OBSERVATION_MINUTES}."
    return [FieldError("/observation_minutes", "out_of_range", message)]


def _disposition_errors(record: SessionRecord) -> list[FieldError]:
    if (
        record.disposition == Disposition.LEFT_AGAINST_MEDICAL_ADVICE
        and not (record.disposition_reason or "").strip()
    ):
        message = "Say why the patient left against medical advice (disposition_reason)."
        return [FieldError("/disposition_reason", "required", message)]
    return []
