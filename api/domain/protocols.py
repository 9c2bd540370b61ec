"""Follow-up protocol templates: which tasks a plan gets, and on which dates (clinical-rules.md §4).

Pure: the caller passes every date in; nothing here reads the clock. Day offsets count from ``start_date``
(day 0). ``end_date`` is inclusive: a task is generated when it falls on or before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from api.domain.screening import Instrument
from api.errors import FieldError, ValidationFailed


class TreatmentProtocol(StrEnum):
    IV_INDUCTION = "iv_induction"
    IM_INDUCTION = "im_induction"
    INTRANASAL_ESKETAMINE = "intranasal_esketamine"
    ORAL_AT_HOME = "oral_at_home"
    CUSTOM = "custom"


class Route(StrEnum):
    ORAL = "oral"
    SUBLINGUAL = "sublingual"
    INTRANASAL = "intranasal"
    INTRAMUSCULAR = "intramuscular"
    INTRAVENOUS = "intravenous"


class TaskKind(StrEnum):
    SESSION = "session"
    CHECK_IN = "check_in"


class TaskStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


DEFAULT_PLAN_DAYS = 84  # 12 weeks, the contract's default when end_date is omitted.
# A bound on how many tasks one request can generate; a longer course is continued with a new plan.
MAX_PLAN_DAYS = 365
DEFAULT_CHECK_IN_INTERVAL_DAYS = 7

# Instruments worth re-screening during treatment; the intake is a one-off eligibility questionnaire.
CHECK_IN_INSTRUMENTS = frozenset({Instrument.PHQ9, Instrument.GAD7, Instrument.PCL5, Instrument.CSSRS})

ROUTES_BY_PROTOCOL: Mapping[TreatmentProtocol, frozenset[Route]] = {
    TreatmentProtocol.IV_INDUCTION: frozenset({Route.INTRAVENOUS}),
    TreatmentProtocol.IM_INDUCTION: frozenset({Route.INTRAMUSCULAR}),
    TreatmentProtocol.INTRANASAL_ESKETAMINE: frozenset({Route.INTRANASAL}),
    TreatmentProtocol.ORAL_AT_HOME: frozenset({Route.ORAL, Route.SUBLINGUAL}),
    TreatmentProtocol.CUSTOM: frozenset(Route),
}

_INDUCTION_DAYS = (0, 2, 4, 7, 9, 11)  # 6 sessions over 3 weeks.
# Spravato label: twice weekly in weeks 1-4, weekly in weeks 5-8, then every 1-2 weeks (here: every 2).
_ESKETAMINE_DAYS = (0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49)
_ESKETAMINE_MAINTENANCE_INTERVAL_DAYS = 14
_ORAL_AT_HOME_DAYS = tuple(range(0, 8 * 7, 7))  # weekly for 8 weeks.

_KIND_ORDER = {TaskKind.SESSION: 0, TaskKind.CHECK_IN: 1}

_FIXED_SESSION_DAYS: Mapping[TreatmentProtocol, tuple[int, ...]] = {
    TreatmentProtocol.IV_INDUCTION: _INDUCTION_DAYS,
    TreatmentProtocol.IM_INDUCTION: _INDUCTION_DAYS,
    TreatmentProtocol.INTRANASAL_ESKETAMINE: _ESKETAMINE_DAYS,
    TreatmentProtocol.ORAL_AT_HOME: _ORAL_AT_HOME_DAYS,
}

INTRANASAL_FASTING_INSTRUCTION = (
    "Do not eat for 2 hours and do not drink any liquids for 30 minutes before your session."
)
CLINIC_FASTING_INSTRUCTION = "Follow your clinic's instructions on eating and drinking before your session."
IV_INFUSION_INSTRUCTION = (
    "The infusion takes about 40 minutes; plan to stay at the clinic until you are cleared to leave."
)
ESCORT_INSTRUCTION = "Arrange for a responsible adult to take you home after the session."
NO_DRIVING_INSTRUCTION = (
    "Do not drive or operate machinery until the next day, after a restful night's sleep."
)
CHECK_IN_INSTRUCTION = "Answer the check-in questionnaires so your care team can follow your progress."


@dataclass(frozen=True, slots=True)
class PlanSchedule:
    """The parts of a plan that decide its tasks (POST /follow-up-plans minus bookkeeping)."""

    protocol: TreatmentProtocol
    route: Route
    start_date: date
    end_date: date | None = None
    check_in_instruments: tuple[str, ...] = ()
    check_in_interval_days: int = DEFAULT_CHECK_IN_INTERVAL_DAYS
    sessions: tuple[date, ...] = ()  # explicit session dates, custom protocol only

    @property
    def effective_end_date(self) -> date:
        """The end date to store: the given one, or 12 weeks after the start."""
        if self.end_date is not None:
            return self.end_date
        return self.start_date + timedelta(days=DEFAULT_PLAN_DAYS)


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A task to create; ``sequence`` (1-based position in the plan) orders same-day tasks stably."""

    kind: TaskKind
    due_on: date
    instructions: tuple[str, ...]
    instruments: tuple[str, ...]
    sequence: int


def validate_plan_schedule(schedule: PlanSchedule) -> None:
    """Refuse a schedule that cannot produce a sensible plan, reporting every problem at once."""
    errors = [
        *_date_errors(schedule),
        *_route_errors(schedule),
        *_check_in_errors(schedule),
        *_session_errors(schedule),
    ]
    if errors:
        raise ValidationFailed("The follow-up plan is invalid.", errors=errors)


def generate_tasks(schedule: PlanSchedule) -> list[TaskSpec]:
    """The plan's sessions and check-ins, ordered by due date with a day's session before its check-in."""
    validate_plan_schedule(schedule)
    session_instructions = session_instructions_for(schedule.protocol, schedule.route)
    sessions = [
        TaskSpec(TaskKind.SESSION, day, session_instructions, instruments=(), sequence=0)
        for day in _session_dates(schedule)
    ]
    check_ins = [
        TaskSpec(TaskKind.CHECK_IN, day, (CHECK_IN_INSTRUCTION,), schedule.check_in_instruments, sequence=0)
        for day in _check_in_dates(schedule)
    ]
    ordered = sorted(sessions + check_ins, key=lambda task: (task.due_on, _KIND_ORDER[task.kind]))
    return [replace(task, sequence=position) for position, task in enumerate(ordered, start=1)]


def session_instructions_for(protocol: TreatmentProtocol, route: Route) -> tuple[str, ...]:
    """What the patient must do around every session; fasting depends on the route (esketamine label)."""
    fasting = INTRANASAL_FASTING_INSTRUCTION if route == Route.INTRANASAL else CLINIC_FASTING_INSTRUCTION
    infusion = (IV_INFUSION_INSTRUCTION,) if protocol == TreatmentProtocol.IV_INDUCTION else ()
    return (fasting, *infusion, ESCORT_INSTRUCTION, NO_DRIVING_INSTRUCTION)


def _session_dates(schedule: PlanSchedule) -> list[date]:
    if schedule.protocol == TreatmentProtocol.CUSTOM:
        return sorted(schedule.sessions)
    start, end = schedule.start_date, schedule.effective_end_date
    fixed_days = _FIXED_SESSION_DAYS[schedule.protocol]
    dates = [start + timedelta(days=offset) for offset in fixed_days]
    if schedule.protocol == TreatmentProtocol.INTRANASAL_ESKETAMINE:
        # After week 8, esketamine continues every 14 days until the plan ends.
        last_fixed = dates[-1]
        dates += _every(_ESKETAMINE_MAINTENANCE_INTERVAL_DAYS, after=last_fixed, until=end)
    return [day for day in dates if day <= end]


def _check_in_dates(schedule: PlanSchedule) -> list[date]:
    """Every interval after the start, never on day 0: the consultation's screening is the baseline."""
    if not schedule.check_in_instruments:
        return []
    return _every(
        schedule.check_in_interval_days, after=schedule.start_date, until=schedule.effective_end_date
    )


def _every(interval_days: int, *, after: date, until: date) -> list[date]:
    """Dates ``interval_days`` apart, from one interval after ``after`` up to ``until`` inclusive."""
    step = timedelta(days=interval_days)
    dates = []
    day = after + step
    while day <= until:
        dates.append(day)
        day += step
    return dates


def _date_errors(schedule: PlanSchedule) -> list[FieldError]:
    if schedule.end_date is None:
        return []
    if schedule.end_date <= schedule.start_date:
        return [FieldError("/end_date", "end_date_not_after_start", "end_date must be after start_date.")]
    if schedule.end_date > schedule.start_date + timedelta(days=MAX_PLAN_DAYS):
        message = f"A plan may last at most {MAX_PLAN_DAYS} days; continue a longer course with a new plan."
        return [FieldError("/end_date", "plan_too_long", message)]
    return []


def _route_errors(schedule: PlanSchedule) -> list[FieldError]:
    allowed = ROUTES_BY_PROTOCOL[schedule.protocol]
    if schedule.route in allowed:
        return []
    names = ", ".join(sorted(allowed))
    message = f"The {schedule.protocol} protocol is given by {names}, not {schedule.route}."
    return [FieldError("/route", "route_not_allowed_for_protocol", message)]


def _check_in_errors(schedule: PlanSchedule) -> list[FieldError]:
    errors = []
    if schedule.check_in_interval_days < 1:
        errors.append(
            FieldError(
                "/check_in_interval_days", "out_of_range", "check_in_interval_days must be at least 1."
            )
        )
    seen: set[str] = set()
    for index, instrument in enumerate(schedule.check_in_instruments):
        pointer = f"/check_in_instruments/{index}"
        if instrument not in CHECK_IN_INSTRUMENTS:
            names = ", ".join(sorted(CHECK_IN_INSTRUMENTS))
            errors.append(FieldError(pointer, "unknown_instrument", f"Check-ins re-screen only {names}."))
        elif instrument in seen:
            errors.append(FieldError(pointer, "duplicate", f"{instrument} is listed more than once."))
        seen.add(instrument)
    return errors


def _session_errors(schedule: PlanSchedule) -> list[FieldError]:
    """Explicit dates belong to custom plans only, and must lie within the plan, once each."""
    if schedule.protocol != TreatmentProtocol.CUSTOM:
        if schedule.sessions:
            message = f"Session dates are generated by the {schedule.protocol} protocol; omit sessions."
            return [FieldError("/sessions", "sessions_not_allowed", message)]
        return []
    if not schedule.sessions:
        return [
            FieldError("/sessions", "sessions_required", "A custom plan needs at least one session date.")
        ]
    errors = []
    end = schedule.effective_end_date
    seen: set[date] = set()
    for index, day in enumerate(schedule.sessions):
        pointer = f"/sessions/{index}"
        if not schedule.start_date <= day <= end:
            message = f"{day} is outside the plan, {schedule.start_date} to {end}."
            errors.append(FieldError(pointer, "session_outside_plan", message))
        elif day in seen:
            errors.append(FieldError(pointer, "duplicate", f"{day} is listed more than once."))
        seen.add(day)
    return errors
