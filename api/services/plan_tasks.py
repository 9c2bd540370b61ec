"""A plan's tasks: listing them in due order, check-ins, session records, adverse events (the worker's
due and overdue jobs are api.services.task_reminders).

Who may do what (docs/follow-up-plans.md): the assigned provider records sessions (an admin may too, but only
a provider can override the blood-pressure threshold); the patient, the partner acting for its patient, the
provider and an admin complete check-ins and report adverse events.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from api.auth.principal import Principal, PrincipalKind
from api.db import utcnow
from api.domain.plan_status import PlanStatus
from api.domain.protocols import TaskKind, TaskStatus
from api.domain.session_monitoring import (
    Disposition,
    Monitoring,
    assess_session,
    completion_pressure,
    readings_from,
)
from api.domain.session_safety import AdverseEvent as AdverseEventReport
from api.domain.session_safety import (
    AdverseEventSeverity,
    AdverseEventType,
    requires_hold,
    validate_adverse_event,
)
from api.domain.session_safety import SessionRecord as SessionRecordInput
from api.domain.webhooks import EventType
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.events.outbox import emit
from api.models import AdverseEvent, FollowUpPlan, PlanTask, Screening, SessionRecord
from api.services.access import require_kind, scope_screenings
from api.services.inputs import AdverseEventBody, SessionRecordBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.plans import change_status, get_plan

SESSION_RECORDERS: tuple[PrincipalKind, ...] = ("provider", "admin")
CHECK_IN_COMPLETERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")
ADVERSE_EVENT_REPORTERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")

# Check-ins continue while treatment is on hold: the care team still wants to know how the patient is.
_CHECK_IN_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.ON_HOLD)
_KIND_RANK = case((PlanTask.kind == TaskKind.SESSION, 0), else_=1)


class TaskNotFound(NotFound):
    title = "Task not found"


# --- reading -------------------------------------------------------------------------------------


def list_tasks(
    session: Session, principal: Principal, plan_id: str, filters: dict[str, Any], page: PageRequest
) -> Page[PlanTask]:
    """In due order (a day's session before its check-in); the cursor is the last (due_on, kind) served."""
    plan = get_plan(session, principal, plan_id)
    stmt = select(PlanTask).where(PlanTask.plan_id == plan.id)
    if filters.get("status"):
        stmt = stmt.where(PlanTask.status == filters["status"])
    if filters.get("kind"):
        stmt = stmt.where(PlanTask.kind == filters["kind"])
    if filters.get("due_from"):
        stmt = stmt.where(PlanTask.due_on >= filters["due_from"])
    if filters.get("due_to"):
        stmt = stmt.where(PlanTask.due_on <= filters["due_to"])
    if page.after is not None:
        after_day, after_kind = page.after[0].date(), page.after[1]
        after_rank = 0 if after_kind == TaskKind.SESSION else 1
        stmt = stmt.where(
            or_(PlanTask.due_on > after_day, and_(PlanTask.due_on == after_day, after_rank < _KIND_RANK))
        )
    stmt = stmt.order_by(PlanTask.due_on, _KIND_RANK).limit(page.limit + 1)
    rows = list(session.scalars(stmt))
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    last = rows[-1] if rows else None
    last_key = (datetime.combine(last.due_on, time.min, tzinfo=UTC), last.kind) if last else None
    return Page(items=rows, has_more=has_more, last_key=last_key)


def get_task(session: Session, principal: Principal, plan_id: str, task_id: str) -> PlanTask:
    plan = get_plan(session, principal, plan_id)
    return _task_of(session, plan, task_id)


def _task_of(session: Session, plan: FollowUpPlan, task_id: str) -> PlanTask:
    task: PlanTask | None = session.scalar(
        select(PlanTask).where(PlanTask.id == task_id, PlanTask.plan_id == plan.id)
    )
    if task is None:
        raise TaskNotFound(f"No task {task_id} in plan {plan.id}.")
    return task


def _require_open_task(task: PlanTask, kind: TaskKind) -> None:
    if task.kind != kind:
        action = "record it as a session" if task.kind == TaskKind.SESSION else "complete it as a check-in"
        raise Conflict(f"Task {task.id} is a {task.kind}; {action}.", code="task_kind_mismatch")
    if task.status == TaskStatus.DONE:
        raise Conflict(f"Task {task.id} is already done.", code="task_already_done")
    if task.status == TaskStatus.CANCELLED:
        raise Conflict(f"Task {task.id} was cancelled.", code="task_cancelled")


def _require_plan_status(plan: FollowUpPlan, allowed: tuple[PlanStatus, ...], what: str) -> None:
    if plan.status not in allowed:
        names = " or ".join(allowed)
        raise Conflict(f"The plan is {plan.status}; {what} needs it {names}.", code="plan_not_active")


# --- check-ins -----------------------------------------------------------------------------------


def complete_check_in(
    session: Session, principal: Principal, plan_id: str, task_id: str, screening_id: str
) -> PlanTask:
    """Link the screening that answered a check-in; a screening not yet on a plan joins this one."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *CHECK_IN_COMPLETERS, action="complete check-ins")
    task = _task_of(session, plan, task_id)
    _require_open_task(task, TaskKind.CHECK_IN)
    _require_plan_status(plan, _CHECK_IN_PLAN_STATUSES, "completing a check-in")
    screening = _check_in_screening(session, principal, plan, task, screening_id)
    screening.plan_id = plan.id
    task.screening_id = screening.id
    task.status = TaskStatus.DONE
    task.completed_at = utcnow()
    task.completed_by = principal.actor_id
    session.flush()
    return task


def _check_in_screening(
    session: Session, principal: Principal, plan: FollowUpPlan, task: PlanTask, screening_id: str
) -> Screening:
    screening: Screening | None = session.scalar(
        scope_screenings(select(Screening), principal).where(Screening.id == screening_id)
    )

    def refuse(code: str, message: str) -> ValidationFailed:
        return ValidationFailed(message, errors=[FieldError("/screening_id", code, message)])

    if screening is None or screening.patient_id != plan.patient_id:
        raise refuse("not_found", f"No screening {screening_id} of this plan's patient.")
    if screening.instrument not in task.instruments:
        raise refuse(
            "instrument_not_requested",
            f"This check-in asks for {', '.join(task.instruments)}, not {screening.instrument}.",
        )
    if screening.plan_id not in (None, plan.id) or screening.consultation_id is not None:
        raise refuse("screening_not_for_plan", "This screening belongs to a consultation or another plan.")
    if screening.completed_at.date() < plan.start_date:
        raise refuse("screening_before_plan", "The screening was completed before the plan started.")
    answered = session.scalar(select(PlanTask.id).where(PlanTask.screening_id == screening.id))
    if answered is not None:
        raise Conflict(
            f"Screening {screening.id} already answers task {answered}.",
            code="screening_already_linked",
            errors=[FieldError("/screening_id", "screening_already_linked", "Already used.")],
        )
    return screening


# --- sessions ------------------------------------------------------------------------------------


# Long on purpose: one transaction, in order: lock, checks, the record, its adverse events, the hold.
def record_session(
    session: Session, principal: Principal, plan_id: str, task_id: str, data: SessionRecordBody
) -> PlanTask:
    """Check the session's safety rules, store the record and its adverse events, finish the task."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *SESSION_RECORDERS, action="record treatment sessions")
    task = _task_of(session, plan, task_id)
    _require_open_task(task, TaskKind.SESSION)
    _require_plan_status(plan, (PlanStatus.ACTIVE,), "recording a session")
    now = utcnow()
    reports = tuple(_adverse_event_report(event) for event in data.get("adverse_events", ()))
    monitoring = _monitoring(data)
    post, completion_errors = completion_pressure(
        monitoring.readings, data.get("post_systolic"), data.get("post_diastolic")
    )
    record = SessionRecordInput(
        administered_at=data["administered_at"],
        pre_systolic=data["pre_systolic"],
        pre_diastolic=data["pre_diastolic"],
        # Placeholders when missing: completion_errors refuses the record before they are read.
        post_systolic=post[0] if post else data["pre_systolic"],
        post_diastolic=post[1] if post else data["pre_diastolic"],
        observation_minutes=data["observation_minutes"],
        escort_confirmed=data["escort_confirmed"],
        adverse_events=reports,
        override_reason=data.get("override_reason"),
    )
    outcome = assess_session(
        record,
        monitoring,
        route=plan.route,
        recorded_by_provider=principal.kind == "provider",
        now=now,
        completion_errors=completion_errors,
    )
    if record.administered_at.date() < plan.start_date:
        message = "The session cannot be before the plan's start_date."
        raise ValidationFailed(message, errors=[FieldError("/administered_at", "before_plan", message)])
    session.add(
        SessionRecord(
            task_id=task.id,
            plan_id=plan.id,
            administered_at=record.administered_at,
            pre_systolic=record.pre_systolic,
            pre_diastolic=record.pre_diastolic,
            post_systolic=record.post_systolic,
            post_diastolic=record.post_diastolic,
            observation_minutes=record.observation_minutes,
            escort_confirmed=record.escort_confirmed,
            override_reason=(record.override_reason or "").strip() or None,
            blood_pressure_overridden=outcome.blood_pressure_overridden,
            dose_mg=monitoring.dose_mg,
            lot_number=(monitoring.lot_number or "").strip() or None,
            sedating_medications=dict(data["sedating_medications"]),
            readings=[dict(r) for r in data.get("readings", ())],
            ready_to_leave_minute=monitoring.ready_to_leave_minute,
            disposition=monitoring.disposition,
            discharge_override_reason=(monitoring.discharge_override_reason or "").strip() or None,
            discharge_overridden=outcome.discharge_overridden,
            recorded_by=principal.actor_id,
            recorded_by_type=principal.kind,
        )
    )
    reports = (*reports, *outcome.automatic_events)
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = principal.actor_id
    _store_adverse_events(session, principal, plan, reports, task_id=task.id)
    session.flush()
    session.refresh(task)
    return task


def _monitoring(data: SessionRecordBody) -> Monitoring:
    return Monitoring(
        dose_mg=data["dose_mg"],
        lot_number=data.get("lot_number"),
        readings=readings_from([dict(r) for r in data.get("readings", ())]),
        ready_to_leave_minute=data.get("ready_to_leave_minute"),
        disposition=Disposition(data.get("disposition", Disposition.DISCHARGED)),
        discharge_override_reason=data.get("discharge_override_reason"),
    )


# --- adverse events ------------------------------------------------------------------------------


def report_adverse_event(
    session: Session, principal: Principal, plan_id: str, data: AdverseEventBody
) -> AdverseEvent:
    """An adverse event on its own (between sessions, or noticed later); severe or serious holds the plan."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *ADVERSE_EVENT_REPORTERS, action="report adverse events")
    if plan.status == PlanStatus.DRAFT:
        raise Conflict(
            "The plan has not started; there is no treatment to report on.", code="plan_not_active"
        )
    report = _adverse_event_report(data)
    validate_adverse_event(report, now=utcnow())
    task_id = data.get("task_id")
    if task_id is not None:
        task = _task_of_or_field_error(session, plan, task_id)
        task_id = task.id
    [event] = _store_adverse_events(session, principal, plan, (report,), task_id=task_id)
    session.flush()
    return event


def _task_of_or_field_error(session: Session, plan: FollowUpPlan, task_id: str) -> PlanTask:
    try:
        task = _task_of(session, plan, task_id)
    except TaskNotFound:
        task = None
    if task is None or task.kind != TaskKind.SESSION:
        message = "Name a session task of this plan."
        raise ValidationFailed(message, errors=[FieldError("/task_id", "not_found", message)])
    return task


def list_adverse_events(
    session: Session, principal: Principal, plan_id: str, page: PageRequest
) -> Page[AdverseEvent]:
    plan = get_plan(session, principal, plan_id)
    return fetch_page(
        session, select(AdverseEvent).where(AdverseEvent.plan_id == plan.id), AdverseEvent, page
    )


def _adverse_event_report(data: AdverseEventBody) -> AdverseEventReport:
    return AdverseEventReport(
        type=AdverseEventType(data["type"]),
        severity=AdverseEventSeverity(data["severity"]),
        onset_at=data["onset_at"],
        description=data.get("description"),
    )


def _store_adverse_events(
    session: Session,
    principal: Principal,
    plan: FollowUpPlan,
    reports: tuple[AdverseEventReport, ...],
    *,
    task_id: str | None,
) -> list[AdverseEvent]:
    """Store and announce each event; the first severe or serious one puts a running plan on hold."""
    stored = []
    for report in reports:
        hold = requires_hold([report.severity]) and plan.status == PlanStatus.ACTIVE
        event = AdverseEvent(
            plan_id=plan.id,
            partner_id=plan.partner_id,
            patient_id=plan.patient_id,
            task_id=task_id,
            type=report.type,
            severity=report.severity,
            onset_at=report.onset_at,
            description=report.description,
            reported_by=principal.actor_id,
            reported_by_type=principal.kind,
            put_plan_on_hold=hold,
        )
        session.add(event)
        session.flush()
        if requires_hold([report.severity]) and plan.status in (PlanStatus.ACTIVE, PlanStatus.ON_HOLD):
            plan.held_for_safety = True  # only a provider resumes it, with a reason
        if hold:
            change_status(
                session, plan, PlanStatus.ON_HOLD, reason=f"A {report.severity} adverse event ({event.id})."
            )
        emit(
            session,
            partner_id=plan.partner_id,
            type=EventType.ADVERSE_EVENT_REPORTED,
            object_type="adverse_event",
            object_id=event.id,
            plan_id=plan.id,
            task_id=task_id,
            severity=str(report.severity),
            plan_status=plan.status,
        )
        stored.append(event)
    return stored
