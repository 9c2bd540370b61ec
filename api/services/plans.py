"""Follow-up plans: created from a completed consultation, scheduled by a protocol, run through a life cycle.

Who may do what (docs/follow-up-plans.md): the assigned provider (and a platform admin) creates, changes and
moves a plan through its life cycle; the patient and the partner read it. Another tenant's plan is not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal, PrincipalKind
from api.db import utcnow
from api.domain.consultation_status import ConsultationStatus, VisitOutcome
from api.domain.escalation import ContactOutcome
from api.domain.matching import is_psychiatrist
from api.domain.outcomes import (
    MEASURES,
    BaselineCandidate,
    InstrumentOutcome,
    ScorePoint,
    phq9_baseline,
    summarize_outcome,
)
from api.domain.plan_status import (
    CheckInCrisis,
    PlanAction,
    PlanStatus,
    check_activation_consents,
    check_escalated_reactivation,
    check_frequency_override,
    check_rems_enrollment,
    check_safety_resumption,
    transition,
)
from api.domain.protocols import (
    DEFAULT_CHECK_IN_INTERVAL_DAYS,
    KIND_ORDER,
    PlanSchedule,
    Route,
    TaskKind,
    TaskPurpose,
    TaskSpec,
    TaskStatus,
    TreatmentProtocol,
    baseline_check_in,
    generate_tasks,
    risk_review,
)
from api.domain.screening import Instrument
from api.domain.webhooks import EventType
from api.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from api.events.outbox import emit
from api.models import CheckInAnswer, Consultation, FollowUpPlan, Patient, PlanTask, Provider, Screening
from api.services.access import require_kind, scope_consultations, scope_plans
from api.services.escalations import acknowledge, open_escalation
from api.services.inputs import NewPlan, PlanChanges
from api.services.integrity import constraint_violations
from api.services.paging import Page, PageRequest, fetch_page
from api.services.patients import accepted_consent_types, lock_patient
from api.services.precondition import Precondition

# Who may write a plan itself (create, change, activate, hold, complete, revoke).
PLAN_WRITERS: tuple[PrincipalKind, ...] = ("provider", "admin")
# Fields a PATCH may change; start_date only while the plan is a draft (nothing has happened yet).
SCHEDULE_FIELDS = ("start_date", "end_date", "check_in_instruments", "check_in_interval_days", "sessions")
OPEN_TASK_STATUSES = (TaskStatus.PENDING, TaskStatus.OVERDUE)
# Tasks the schedule does not generate: a PATCH of the schedule leaves them as they are.
UNSCHEDULED_PURPOSES = (TaskPurpose.BASELINE, TaskPurpose.RISK_REVIEW)


class PlanNotFound(NotFound):
    title = "Follow-up plan not found"


def get_plan(
    session: Session, principal: Principal, plan_id: str, *, for_update: bool = False
) -> FollowUpPlan:
    stmt = scope_plans(select(FollowUpPlan), principal).where(FollowUpPlan.id == plan_id)
    if for_update:
        # Serialises writers of one plan (PostgreSQL); SQLite serialises every writer anyway. The row is read
        # afresh once the lock is held, even if this session loaded it before.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    plan: FollowUpPlan | None = session.scalar(stmt)
    if plan is None:
        raise PlanNotFound(f"No follow-up plan {plan_id}.")
    return plan


def plan_for_screening(
    session: Session, principal: Principal, plan_id: str, patient_id: str, *, for_update: bool = False
) -> FollowUpPlan:
    """The plan ``POST /v1/screenings`` names in ``plan_id``: visible to the caller, same patient. Locked with
    ``for_update``: a crisis at the check-in may put it on hold."""
    stmt = scope_plans(select(FollowUpPlan), principal).where(FollowUpPlan.id == plan_id)
    if for_update:
        stmt = stmt.with_for_update(of=FollowUpPlan)
    plan: FollowUpPlan | None = session.scalar(stmt)
    if plan is None or plan.patient_id != patient_id:
        message = "No follow-up plan of this patient with this id."
        raise ValidationFailed(message, errors=[FieldError("/plan_id", "not_found", message)])
    return plan


def list_plans(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[FollowUpPlan]:
    stmt = scope_plans(select(FollowUpPlan), principal)
    for name in ("patient_id", "provider_id", "status"):
        if filters.get(name):
            stmt = stmt.where(getattr(FollowUpPlan, name) == filters[name])
    return fetch_page(session, stmt, FollowUpPlan, page)


# --- creating and changing a plan ----------------------------------------------------------------


def create_plan(session: Session, principal: Principal, data: NewPlan) -> FollowUpPlan:
    require_kind(principal, *PLAN_WRITERS, action="create follow-up plans")
    consultation = _plan_consultation(session, principal, data["consultation_id"])
    schedule = PlanSchedule(
        protocol=TreatmentProtocol(data["protocol"]),
        route=Route(data["route"]),
        start_date=data["start_date"],
        end_date=data.get("end_date"),
        check_in_instruments=tuple(data["check_in_instruments"]),
        check_in_interval_days=data.get("check_in_interval_days", DEFAULT_CHECK_IN_INTERVAL_DAYS),
        sessions=tuple(data.get("sessions") or ()),
    )
    override_reason = _override_reason(data.get("frequency_override_reason"))
    if override_reason is not None:
        check_frequency_override(by_psychiatrist=principal_is_psychiatrist(session, principal))  # 403
    # 422 with a pointer per problem; check_in_instruments_required; session_frequency_exceeded.
    specs = generate_tasks(schedule, frequency_overridden=override_reason is not None)
    assert consultation.provider_id is not None  # checked by _plan_consultation
    plan = FollowUpPlan(
        partner_id=consultation.partner_id,
        patient_id=consultation.patient_id,
        consultation_id=consultation.id,
        provider_id=consultation.provider_id,
        status=PlanStatus.DRAFT,
        protocol=schedule.protocol,
        route=schedule.route,
        start_date=schedule.start_date,
        end_date=schedule.effective_end_date,
        dose_note=data.get("dose_note"),
        check_in_instruments=list(schedule.check_in_instruments),
        check_in_interval_days=schedule.check_in_interval_days,
        frequency_override_reason=override_reason,
        frequency_override_by=principal.actor_id if override_reason is not None else None,
        created_by=principal.actor_id,
    )
    session.add(plan)
    _flush_open_plan(session)
    session.add_all(_new_task(plan.id, spec) for spec in specs)
    emit(
        session,
        partner_id=plan.partner_id,
        type=EventType.FOLLOW_UP_PLAN_CREATED,
        object_type="follow_up_plan",
        object_id=plan.id,
        status=plan.status,
        consultation_id=plan.consultation_id,
    )
    session.flush()
    return plan


def _override_reason(reason: str | None) -> str | None:
    return (reason or "").strip() or None


def principal_is_psychiatrist(session: Session, principal: Principal) -> bool:
    """A provider principal whose provider is an MD or DO in psychiatry; nobody else (an admin included)."""
    if principal.kind != "provider" or principal.provider_id is None:
        return False
    provider = session.get(Provider, principal.provider_id)
    return provider is not None and is_psychiatrist(provider.credential, provider.specialties)


def _plan_consultation(session: Session, principal: Principal, consultation_id: str) -> Consultation:
    """The consultation a plan follows: the caller's to see, completed, with treatment recommended."""
    consultation: Consultation | None = session.scalar(
        scope_consultations(select(Consultation), principal).where(Consultation.id == consultation_id)
    )
    if consultation is None:
        raise ValidationFailed(
            f"No consultation {consultation_id}.",
            errors=[FieldError("/consultation_id", "not_found", "No such consultation.")],
        )
    if consultation.status != ConsultationStatus.COMPLETED:
        raise RuleViolation(
            f"The consultation is {consultation.status}; a plan follows a completed consultation.",
            code="consultation_not_completed",
            errors=[FieldError("/consultation_id", "consultation_not_completed", "Complete it first.")],
        )
    if consultation.outcome != VisitOutcome.TREATMENT_RECOMMENDED:
        raise RuleViolation(
            f"The consultation's outcome is {consultation.outcome}, not treatment_recommended.",
            code="treatment_not_recommended",
            errors=[
                FieldError("/consultation_id", "treatment_not_recommended", "Treatment was not recommended.")
            ],
        )
    if consultation.provider_id is None:
        raise RuleViolation(
            "The consultation has no assigned provider to own the plan.",
            code="provider_required",
            errors=[FieldError("/consultation_id", "provider_required", "Assign a provider first.")],
        )
    return consultation


# The partial unique index on open plans' consultation_id decides, also between concurrent requests.
OPEN_PLAN_CONSTRAINT = {
    "uq_follow_up_plans_open_consultation_id": lambda: Conflict(
        "This consultation already has an open follow-up plan; complete or revoke it first.",
        code="plan_exists",
    )
}


def _flush_open_plan(session: Session) -> None:
    with constraint_violations(OPEN_PLAN_CONSTRAINT):
        session.flush()


def update_plan(
    session: Session,
    principal: Principal,
    plan_id: str,
    changes: PlanChanges,
    *,
    precondition: Precondition[FollowUpPlan],
) -> FollowUpPlan:
    """Change the dose note or the schedule; tasks are regenerated, keeping what already happened."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *PLAN_WRITERS, action="change follow-up plans")
    precondition(plan)
    status = PlanStatus(plan.status)
    if status in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        raise Conflict(f"The plan is {status}; it can no longer change.", code="plan_closed")
    if "start_date" in changes and status != PlanStatus.DRAFT and changes["start_date"] != plan.start_date:
        raise Conflict(
            "start_date can change only while the plan is a draft.",
            code="plan_started",
            errors=[FieldError("/start_date", "plan_started", "The plan has started.")],
        )
    if "dose_note" in changes:
        plan.dose_note = changes["dose_note"]
    override_changed = "frequency_override_reason" in changes
    if override_changed:
        reason = _override_reason(changes["frequency_override_reason"])
        if reason is not None:  # lifting the limit is a psychiatrist's; restoring it anyone's who may write
            check_frequency_override(by_psychiatrist=principal_is_psychiatrist(session, principal))
        plan.frequency_override_reason = reason
        plan.frequency_override_by = principal.actor_id if reason is not None else None
    if override_changed or any(name in changes for name in SCHEDULE_FIELDS):
        tasks = _tasks(session, plan.id)
        schedule = _schedule(plan, tasks, changes)
        specs = generate_tasks(schedule, frequency_overridden=plan.frequency_override_reason is not None)
        _reconcile_tasks(session, plan, tasks, specs)
        plan.start_date = schedule.start_date
        plan.end_date = schedule.effective_end_date
        plan.check_in_instruments = list(schedule.check_in_instruments)
        plan.check_in_interval_days = schedule.check_in_interval_days
    plan.updated_at = utcnow()
    session.flush()
    return plan


def _schedule(plan: FollowUpPlan, tasks: Iterable[PlanTask], changes: PlanChanges) -> PlanSchedule:
    """The plan's schedule with ``changes`` applied; a custom plan's sessions are its session tasks."""
    current_sessions: tuple[date, ...] = ()
    if plan.protocol == TreatmentProtocol.CUSTOM:
        current_sessions = tuple(
            task.due_on
            for task in tasks
            if task.kind == TaskKind.SESSION and task.status != TaskStatus.CANCELLED
        )
    return PlanSchedule(
        protocol=plan.protocol,
        route=plan.route,
        start_date=changes.get("start_date", plan.start_date),
        end_date=changes.get("end_date", plan.end_date),
        check_in_instruments=tuple(changes.get("check_in_instruments", plan.check_in_instruments)),
        check_in_interval_days=changes.get("check_in_interval_days", plan.check_in_interval_days),
        sessions=tuple(changes["sessions"]) if "sessions" in changes else current_sessions,
    )


def _reconcile_tasks(
    session: Session, plan: FollowUpPlan, tasks: list[PlanTask], specs: list[TaskSpec]
) -> None:
    """Make the open tasks match the new schedule: done tasks stay as they happened.

    A task the new schedule still has keeps its id (and is reopened if an earlier change cancelled it);
    an open task it no longer has is cancelled; a new date gets a new task. Then the plan is renumbered.
    A baseline check-in and a risk review are not the schedule's: they stay, and keep their day.
    """
    wanted = {(spec.kind, spec.due_on): spec for spec in specs}
    unscheduled = {(task.kind, task.due_on) for task in tasks if task.purpose in UNSCHEDULED_PURPOSES}
    existing = {(task.kind, task.due_on): task for task in tasks if task.purpose not in UNSCHEDULED_PURPOSES}
    for key, task in existing.items():
        spec = wanted.get(key)
        if task.status == TaskStatus.DONE:
            continue
        if spec is None:
            if task.status in OPEN_TASK_STATUSES:
                task.status = TaskStatus.CANCELLED
            continue
        if task.status == TaskStatus.CANCELLED:
            task.status = TaskStatus.PENDING
        task.instructions = list(spec.instructions)
        task.instruments = list(spec.instruments)
    for key, spec in wanted.items():
        # A day holds one task of a kind: a risk review already on the day of the induction review does both.
        if key not in existing and key not in unscheduled:
            task = _new_task(plan.id, spec)
            tasks.append(task)
            session.add(task)
    renumber_tasks(tasks)


def renumber_tasks(tasks: Iterable[PlanTask]) -> None:
    """Number the plan's tasks from 1 in due order (a day's review, session, check-in)."""
    ordered = sorted(tasks, key=lambda t: (t.due_on, KIND_ORDER[TaskKind(t.kind)]))
    for position, task in enumerate(ordered, start=1):
        task.sequence = position


def add_task(session: Session, plan: FollowUpPlan, spec: TaskSpec) -> PlanTask:
    """Add a task the schedule does not generate (a baseline check-in, a risk review) and renumber."""
    tasks = _tasks(session, plan.id)
    task = _new_task(plan.id, spec)
    session.add(task)
    renumber_tasks([*tasks, task])
    session.flush()
    return task


def _new_task(plan_id: str, spec: TaskSpec) -> PlanTask:
    return PlanTask(
        plan_id=plan_id,
        kind=spec.kind,
        due_on=spec.due_on,
        sequence=spec.sequence,
        status=TaskStatus.PENDING,
        instructions=list(spec.instructions),
        instruments=list(spec.instruments),
        purpose=spec.purpose,
    )


def _tasks(session: Session, plan_id: str) -> list[PlanTask]:
    return list(session.scalars(select(PlanTask).where(PlanTask.plan_id == plan_id)))


# --- the life cycle ------------------------------------------------------------------------------


def act_on_plan(
    session: Session,
    principal: Principal,
    plan_id: str,
    action: PlanAction,
    reason: str | None,
    *,
    precondition: Precondition[FollowUpPlan],
    safety_plan_documented: bool | None = None,
) -> FollowUpPlan:
    """activate (also resumes a plan on hold), hold, complete, revoke."""
    # The patient first, then the plan: the order a consent withdrawal locks them in (lock_patient).
    lock_patient(session, get_plan(session, principal, plan_id).patient_id)
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *PLAN_WRITERS, action=f"{action} follow-up plans")
    precondition(plan)
    new_status = transition(PlanStatus(plan.status), action)  # 409 invalid_transition
    first_activation = action == PlanAction.ACTIVATE and plan.status == PlanStatus.DRAFT
    if action == PlanAction.ACTIVATE:
        if plan.held_for_escalation:  # [2e] 403 psychiatrist_required; 422s
            escalation = plan.escalation
            check_escalated_reactivation(
                by_psychiatrist=principal_is_psychiatrist(session, principal),
                reason=reason,
                safety_plan_documented=safety_plan_documented,
                acknowledged=escalation is None or escalation.acknowledged_at is not None,
            )
        if plan.held_for_safety:  # 422: a provider, with a reason
            check_safety_resumption(by_provider=principal.kind == "provider", reason=reason)
        check_activation_consents(accepted_consent_types(session, plan.patient_id))  # 422 consent_required
        patient = session.get(Patient, plan.patient_id)
        assert patient is not None
        check_rems_enrollment(plan.route, enrolled=patient.rems_enrollment is not None)  # 422
    change_status(session, plan, new_status, reason=reason)
    if first_activation and baseline_phq9(session, plan) is None:
        add_task(session, plan, baseline_check_in(plan.start_date))
    session.flush()
    return plan


def change_status(
    session: Session, plan: FollowUpPlan, new_status: PlanStatus, *, reason: str | None
) -> None:
    """Apply a transition already allowed by the domain, with its bookkeeping and event (caller commits)."""
    previous = plan.status
    now = utcnow()
    plan.status = new_status
    plan.status_reason = reason if new_status in (PlanStatus.ON_HOLD, PlanStatus.REVOKED) else None
    plan.updated_at = now
    if new_status == PlanStatus.ACTIVE:
        plan.held_for_safety = False
        plan.held_for_escalation = False
    if new_status == PlanStatus.ACTIVE and plan.activated_at is None:
        plan.activated_at = now
    elif new_status in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        if new_status == PlanStatus.COMPLETED:
            plan.completed_at = now
        else:
            plan.revoked_at = now
        for task in _tasks(session, plan.id):
            if task.status in OPEN_TASK_STATUSES:
                task.status = TaskStatus.CANCELLED
    emit(
        session,
        partner_id=plan.partner_id,
        type=EventType.FOLLOW_UP_PLAN_STATUS_CHANGED,
        object_type="follow_up_plan",
        object_id=plan.id,
        status=str(new_status),
        previous_status=previous,
    )


# --- a crisis at a check-in [2e] -----------------------------------------------------------------


def respond_to_check_in_crisis(
    session: Session, plan: FollowUpPlan, screening: Screening, crisis: CheckInCrisis
) -> None:
    """After the flag and the hold (api.services.screenings): a C-SSRS ``high`` opens an escalation on the
    plan (the same piece as a consultation's: acknowledgement, overdue event, psychiatrist's clearance); a
    ``moderate`` or active suicidal ideation adds a provider's risk review due today (clinical-rules.md
    §4)."""
    if crisis.escalate:
        open_escalation(session, screening=screening, plan=plan)
        plan.held_for_escalation = True
        session.expire(plan, ["escalations"])
    if crisis.risk_review:
        add_risk_review(session, plan, screening)


def add_risk_review(session: Session, plan: FollowUpPlan, screening: Screening) -> PlanTask:
    """A risk review due today (the patient's date), linked to the screening that raised it. One open risk
    review covers every finding until it is done; a day holds one review, so an open review already due
    today becomes the risk review too, and a day whose review is already done puts it on the next free day
    (it gates the next session all the same)."""
    tasks = _tasks(session, plan.id)
    reviews = [task for task in tasks if task.kind == TaskKind.REVIEW]
    open_risk = next(
        (t for t in reviews if t.purpose == TaskPurpose.RISK_REVIEW and t.status in OPEN_TASK_STATUSES), None
    )
    if open_risk is not None:
        _link(open_risk, screening)
        session.flush()
        return open_risk
    spec = risk_review(_patient_today(session, plan))
    by_day = {task.due_on: task for task in reviews}
    day = spec.due_on
    while day in by_day:
        existing = by_day[day]
        if existing.status in OPEN_TASK_STATUSES:
            existing.purpose = TaskPurpose.RISK_REVIEW
            existing.instructions = [*existing.instructions, *spec.instructions]
            _link(existing, screening)
            session.flush()
            return existing
        day += timedelta(days=1)
    task = add_task(session, plan, replace(spec, due_on=day))
    _link(task, screening)
    session.flush()
    return task


def _link(task: PlanTask, screening: Screening) -> None:
    if screening.id not in task.screening_ids:
        task.answers.append(CheckInAnswer(screening_id=screening.id, position=len(task.answers)))


def _patient_today(session: Session, plan: FollowUpPlan) -> date:
    patient = session.get(Patient, plan.patient_id)
    zone = patient.timezone if patient is not None and patient.timezone else "UTC"
    return utcnow().astimezone(ZoneInfo(zone)).date()


def acknowledge_plan_escalation(
    session: Session,
    principal: Principal,
    plan_id: str,
    *,
    note: str,
    contact_outcome: ContactOutcome,
    precondition: Precondition[FollowUpPlan],
) -> FollowUpPlan:
    """The plan's provider records the urgent contact after a check-in's crisis (403 for anyone but a
    provider, 409 ``already_acknowledged``, 409 ``not_escalated``): api.services.escalations.acknowledge."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    precondition(plan)
    acknowledge(session, principal, plan.escalation, note=note, contact_outcome=contact_outcome)
    plan.updated_at = utcnow()
    session.flush()
    return plan


# --- outcomes ------------------------------------------------------------------------------------


def has_open_baseline_check_in(session: Session, plan_id: str) -> bool:
    """Whether the plan's baseline check-in waits for its answers (its C-SSRS asks ``lifetime_recent``)."""
    return (
        session.scalar(
            select(PlanTask.id).where(
                PlanTask.plan_id == plan_id,
                PlanTask.purpose == TaskPurpose.BASELINE,
                PlanTask.status.in_(OPEN_TASK_STATUSES),
            )
        )
        is not None
    )


def baseline_task_screening_ids(session: Session, plan_id: str) -> set[str]:
    """The screenings that answered the plan's baseline check-in (not follow-ups: the starting point)."""
    return set(
        session.scalars(
            select(CheckInAnswer.screening_id)
            .join(PlanTask, PlanTask.id == CheckInAnswer.task_id)
            .where(PlanTask.plan_id == plan_id, PlanTask.purpose == TaskPurpose.BASELINE)
        )
    )


def baseline_phq9(session: Session, plan: FollowUpPlan) -> Screening | None:
    """[2e] The plan's PHQ-9 baseline: its baseline check-in's PHQ-9 once answered, else the patient's latest
    PHQ-9 in the window before the start (api.domain.outcomes.phq9_baseline)."""
    from_task = baseline_task_screening_ids(session, plan.id)
    if from_task:
        screening: Screening | None = session.scalar(
            select(Screening).where(Screening.id.in_(from_task), Screening.instrument == Instrument.PHQ9)
        )
        if screening is not None:
            return screening
    candidates = list(
        session.scalars(
            select(Screening).where(
                Screening.patient_id == plan.patient_id,
                Screening.instrument == Instrument.PHQ9,
                Screening.total.is_not(None),
            )
        )
    )
    by_id = {screening.id: screening for screening in candidates}
    chosen = phq9_baseline(
        (
            BaselineCandidate(
                completed_at=s.completed_at, total=s.total or 0, for_this_plan=s.plan_id == plan.id, key=s.id
            )
            for s in candidates
        ),
        plan.start_date,
    )
    return by_id[chosen.key] if chosen is not None else None


def plan_outcomes(session: Session, principal: Principal, plan_id: str) -> dict[str, InstrumentOutcome]:
    """Per scored instrument: the baseline (PHQ-9: ``baseline_phq9``; others: the consultation's latest
    screening), the plan's screenings after it."""
    plan = get_plan(session, principal, plan_id)
    scored = tuple(MEASURES)
    starting_point = baseline_task_screening_ids(session, plan.id)
    follow_ups = [
        screening
        for screening in session.scalars(
            select(Screening)
            .where(
                Screening.plan_id == plan.id, Screening.instrument.in_(scored), Screening.total.is_not(None)
            )
            .order_by(Screening.completed_at, Screening.id)
        )
        if screening.id not in starting_point
    ]
    baselines = list(
        session.scalars(
            select(Screening)
            .where(
                Screening.consultation_id == plan.consultation_id,
                Screening.plan_id.is_(None),
                Screening.instrument.in_(scored),
                Screening.total.is_not(None),
            )
            .order_by(Screening.completed_at, Screening.id)
        )
    )
    latest_baseline: dict[str, Screening | None] = {
        screening.instrument: screening for screening in baselines
    }  # the last one wins
    latest_baseline[Instrument.PHQ9] = baseline_phq9(session, plan)
    instruments = [
        instrument
        for instrument in scored
        if instrument in plan.check_in_instruments
        or latest_baseline.get(instrument) is not None
        or any(s.instrument == instrument for s in follow_ups)
    ]
    outcomes: dict[str, InstrumentOutcome] = {}
    for instrument in instruments:
        baseline = latest_baseline.get(instrument)
        outcomes[instrument] = summarize_outcome(
            instrument,
            _point(baseline) if baseline is not None else None,
            [_point(s) for s in follow_ups if s.instrument == instrument],
        )
    return outcomes


def _point(screening: Screening) -> ScorePoint:
    assert screening.total is not None  # the queries keep scored screenings only
    return ScorePoint(taken_at=screening.completed_at, total=screening.total)
