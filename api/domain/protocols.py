"""Follow-up protocol templates: which tasks a plan gets, and on which dates (clinical-rules.md §4).

Pure: the caller passes every date in; nothing here reads the clock. Day offsets count from ``start_date``
(day 0). ``end_date`` is inclusive: a task is generated when it falls on or before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from api.domain.screening import Instrument
from api.errors import FieldError, RuleViolation, ValidationFailed


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
    REVIEW = "review"  # [2e] a provider's decision: continue or stop


class TaskPurpose(StrEnum):
    """Why a task exists. Sessions are ``treatment``; a check-in is ``routine`` (the schedule's) or
    ``baseline`` (the pre-treatment PHQ-9 when none was in the window); a review is ``induction_review``
    (end of induction, from the schedule) or ``risk_review`` (a C-SSRS finding at a check-in)."""

    TREATMENT = "treatment"
    ROUTINE = "routine"
    BASELINE = "baseline"
    INDUCTION_REVIEW = "induction_review"
    RISK_REVIEW = "risk_review"


class ReviewDecision(StrEnum):
    CONTINUE = "continue"
    STOP = "stop"


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

# A day's review comes first (it gates that day's session), then the session, then the check-in.
KIND_ORDER: Mapping[TaskKind, int] = {TaskKind.REVIEW: 0, TaskKind.SESSION: 1, TaskKind.CHECK_IN: 2}

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
BASELINE_CHECK_IN_INSTRUCTION = (
    "Answer these questionnaires before your first session: they are the starting point your progress is "
    "measured from."
)
INDUCTION_REVIEW_INSTRUCTION = (
    "Assess benefit at the end of induction: decide whether treatment continues or stops."
)
RISK_REVIEW_INSTRUCTION = (
    "Review the suicide-risk finding of a check-in with the patient before the next session."
)

# [2e] Check-ins always re-screen depression and suicidality: the Spravato boxed warning asks that patients be
# monitored for suicidal thoughts and behaviours throughout treatment (label, boxed warning and §5.3).
REQUIRED_CHECK_IN_INSTRUMENTS: tuple[str, ...] = (Instrument.PHQ9, Instrument.CSSRS)
# The baseline check-in: a PHQ-9, and a C-SSRS asking "lifetime / past 3 months" (it is the first one).
BASELINE_CHECK_IN_INSTRUMENTS: tuple[str, ...] = (Instrument.PHQ9, Instrument.CSSRS)

# [2e] Session frequency: at most this many sessions in any 7 consecutive days. Intranasal esketamine is given
# at most twice a week (Spravato label §2.2, induction "twice per week"); the ketamine routes at most three
# times a week (the most intensive published IV series, thrice weekly: Singh et al., Am J Psychiatry 2016).
FREQUENCY_WINDOW_DAYS = 7
SESSIONS_PER_WINDOW: Mapping[Route, int] = {
    Route.INTRANASAL: 2,
    Route.INTRAVENOUS: 3,
    Route.INTRAMUSCULAR: 3,
    Route.ORAL: 3,
    Route.SUBLINGUAL: 3,
}
# Never two sessions on one day, whatever the route and even with a psychiatrist's override.
SESSIONS_PER_DAY = 1
# [2e] End-of-induction review: esketamine's label asks to assess benefit after the 4-week induction (day 28,
# label §2.2, "evaluate therapeutic benefit at the end of the induction phase"); an IV or IM series of 6
# is judged the day after its 6th session (APA consensus, Sanacora 2017: assess response after the series).
ESKETAMINE_REVIEW_DAY = 28
INDUCTION_SERIES_LENGTH = 6


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
    purpose: TaskPurpose = TaskPurpose.TREATMENT


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


def generate_tasks(schedule: PlanSchedule, *, frequency_overridden: bool = False) -> list[TaskSpec]:
    """The plan's sessions, check-ins and induction review, ordered by due date (a day's review, then its
    session, then its check-in). Refuses, in this order: an invalid schedule (422 ``validation_failed``,
    every problem at once), check-ins without PHQ-9 and C-SSRS, sessions too close together."""
    validate_plan_schedule(schedule)
    check_check_in_instruments(schedule.check_in_instruments)
    session_days = _session_dates(schedule)
    check_session_frequency(
        _given_or_generated(schedule), schedule.route, frequency_overridden=frequency_overridden
    )
    session_instructions = session_instructions_for(schedule.protocol, schedule.route)
    sessions = [
        TaskSpec(TaskKind.SESSION, day, session_instructions, instruments=(), sequence=0)
        for day in session_days
    ]
    check_ins = [
        TaskSpec(
            TaskKind.CHECK_IN,
            day,
            (CHECK_IN_INSTRUCTION,),
            schedule.check_in_instruments,
            sequence=0,
            purpose=TaskPurpose.ROUTINE,
        )
        for day in _check_in_dates(schedule)
    ]
    review_day = induction_review_day(schedule.protocol, schedule.start_date, session_days)
    reviews = []
    if review_day is not None and review_day <= schedule.effective_end_date:
        reviews.append(
            TaskSpec(
                TaskKind.REVIEW,
                review_day,
                (INDUCTION_REVIEW_INSTRUCTION,),
                instruments=(),
                sequence=0,
                purpose=TaskPurpose.INDUCTION_REVIEW,
            )
        )
    ordered = sorted(sessions + check_ins + reviews, key=task_order)
    return [replace(task, sequence=position) for position, task in enumerate(ordered, start=1)]


def task_order(task: TaskSpec) -> tuple[date, int]:
    return (task.due_on, KIND_ORDER[task.kind])


def baseline_check_in(start_date: date) -> TaskSpec:
    """[2e] The check-in that measures where treatment starts, due on day 0, when the patient has no PHQ-9
    in the baseline window (api.domain.outcomes.BASELINE_WINDOW_DAYS) when the plan is activated."""
    return TaskSpec(
        TaskKind.CHECK_IN,
        start_date,
        (BASELINE_CHECK_IN_INSTRUCTION,),
        BASELINE_CHECK_IN_INSTRUMENTS,
        sequence=0,
        purpose=TaskPurpose.BASELINE,
    )


def risk_review(today: date) -> TaskSpec:
    """[2e] A provider's review due the same day, after a C-SSRS ``moderate`` or active suicidal ideation at
    a check-in (clinical-rules.md §4 "Crisis at a check-in")."""
    return TaskSpec(
        TaskKind.REVIEW, today, (RISK_REVIEW_INSTRUCTION,), (), sequence=0, purpose=TaskPurpose.RISK_REVIEW
    )


def induction_review_day(
    protocol: TreatmentProtocol, start_date: date, session_days: Sequence[date]
) -> date | None:
    """[2e] When the end-of-induction review is due: day 28 for intranasal esketamine; the day after the 6th
    session for an IV or IM induction (none when the plan ends first); custom and oral plans have none (the
    provider schedules their reviews)."""
    if protocol == TreatmentProtocol.INTRANASAL_ESKETAMINE:
        return start_date + timedelta(days=ESKETAMINE_REVIEW_DAY)
    if protocol in (TreatmentProtocol.IV_INDUCTION, TreatmentProtocol.IM_INDUCTION):
        ordered = sorted(session_days)
        if len(ordered) < INDUCTION_SERIES_LENGTH:
            return None
        return ordered[INDUCTION_SERIES_LENGTH - 1] + timedelta(days=1)
    return None


def check_check_in_instruments(instruments: Iterable[str]) -> None:
    """[2e] Every plan re-screens PHQ-9 and C-SSRS at its check-ins (GAD-7 and PCL-5 may be added):
    422 ``check_in_instruments_required`` naming the missing ones."""
    given = set(instruments)
    missing = [name for name in REQUIRED_CHECK_IN_INSTRUMENTS if name not in given]
    if missing:
        required = " and ".join(REQUIRED_CHECK_IN_INSTRUMENTS)
        message = f"Check-ins must re-screen {required}; add {', '.join(missing)}."
        raise RuleViolation(
            message,
            code="check_in_instruments_required",
            errors=[FieldError("/check_in_instruments", "check_in_instruments_required", message)],
            extra={"missing_instruments": missing},
        )


def sessions_per_window(route: Route, *, frequency_overridden: bool) -> int:
    """How many sessions any 7 consecutive days may hold: the route's limit, or one a day when a psychiatrist
    has lifted the weekly limit for the plan."""
    if frequency_overridden:
        return FREQUENCY_WINDOW_DAYS * SESSIONS_PER_DAY
    return SESSIONS_PER_WINDOW[route]


def first_session_over_limit(days: Sequence[date], route: Route, *, frequency_overridden: bool) -> int | None:
    """[2e] The index (into ``days``) of the first session, in date order, that puts more sessions than the
    limit into some 7 consecutive days, or a second session on one day; None when every session fits.

    A session is "over" when the 7 days ending on its date (it included) hold more than the limit: the first
    such session in date order is the one to move. Same-day sessions keep their given order.
    """
    limit = sessions_per_window(route, frequency_overridden=frequency_overridden)
    order = sorted(range(len(days)), key=lambda index: days[index])
    for position, index in enumerate(order):
        day = days[index]
        earlier = [days[other] for other in order[:position]]
        same_day = sum(1 for other in earlier if other == day) + 1
        in_window = sum(1 for other in earlier if (day - other).days < FREQUENCY_WINDOW_DAYS) + 1
        if same_day > SESSIONS_PER_DAY or in_window > limit:
            return index
    return None


def session_fits(recorded: Sequence[date], day: date, route: Route, *, frequency_overridden: bool) -> bool:
    """[2e] Whether one more session on ``day`` keeps every 7 consecutive days around it within the limit, and
    one session a day, given the days of the sessions already recorded (checked when a session is recorded,
    on ``administered_at``: a late record may fall before sessions already given)."""
    limit = sessions_per_window(route, frequency_overridden=frequency_overridden)
    if sum(1 for other in recorded if other == day) + 1 > SESSIONS_PER_DAY:
        return False
    for offset in range(FREQUENCY_WINDOW_DAYS):
        window_start = day - timedelta(days=offset)
        window_end = window_start + timedelta(days=FREQUENCY_WINDOW_DAYS - 1)
        if sum(1 for other in recorded if window_start <= other <= window_end) + 1 > limit:
            return False
    return True


def frequency_message(route: Route, *, frequency_overridden: bool) -> str:
    if frequency_overridden:
        return "Never more than one session a day, even with the weekly limit lifted."
    limit = SESSIONS_PER_WINDOW[route]
    return (
        f"At most {limit} {route} sessions in any 7 consecutive days, and one a day; a psychiatrist may lift "
        "the weekly limit with frequency_override_reason."
    )


def check_session_frequency(
    days: Sequence[date], route: Route, *, frequency_overridden: bool, pointer: str = "/sessions"
) -> None:
    """422 ``session_frequency_exceeded`` pointing at the first session over the limit (``pointer``/index)."""
    index = first_session_over_limit(days, route, frequency_overridden=frequency_overridden)
    if index is None:
        return
    message = frequency_message(route, frequency_overridden=frequency_overridden)
    raise RuleViolation(
        f"The session on {days[index]} is over the limit. {message}",
        code="session_frequency_exceeded",
        errors=[FieldError(f"{pointer}/{index}", "session_frequency_exceeded", message)],
    )


def _given_or_generated(schedule: PlanSchedule) -> list[date]:
    """A custom plan's dates as given (the pointer names the client's index); else the generated ones."""
    if schedule.protocol == TreatmentProtocol.CUSTOM:
        return list(schedule.sessions)
    return _session_dates(schedule)


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
