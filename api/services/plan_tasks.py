"""A plan's tasks: listing them in due order, check-ins, session records, adverse events, overdue marking.

Who may do what (docs/follow-up-plans.md): the assigned provider records sessions (an admin may too, but only
a provider can override the blood-pressure threshold); the patient, the partner acting for its patient, the
provider and an admin complete check-ins and report adverse events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, or_, select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal, PrincipalKind
from api.db import utcnow
from api.domain.outcomes import is_overdue
from api.domain.plan_status import PlanStatus
from api.domain.protocols import Route, TaskKind, TaskStatus
from api.domain.reference import is_valid_timezone
from api.domain.session_safety import AdverseEvent as AdverseEventReport
from api.domain.session_safety import (
    AdverseEventSeverity,
    AdverseEventType,
    assess_session_record,
    requires_hold,
    validate_adverse_event,
)
from api.domain.session_safety import SessionRecord as SessionRecordInput
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.events.outbox import emit
from api.models import AdverseEvent, FollowUpPlan, Patient, PlanTask, Screening, SessionRecord
from api.services.access import require_kind, scope_screenings
from api.services.inputs import AdverseEventBody, SessionRecordBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.plans import change_status, get_plan

SESSION_RECORDERS: tuple[PrincipalKind, ...] = ("provider", "admin")
CHECK_IN_COMPLETERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")
ADVERSE_EVENT_REPORTERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")

# Check-ins continue while treatment is on hold: the care team still wants to know how the patient is.
_CHECK_IN_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.ON_HOLD)
_KIND_RANK = case((PlanTask.kind == TaskKind.SESSION.value, 0), else_=1)


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
    session.commit()
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
    record = SessionRecordInput(
        administered_at=data["administered_at"],
        pre_systolic=data["pre_systolic"],
        pre_diastolic=data["pre_diastolic"],
        post_systolic=data["post_systolic"],
        post_diastolic=data["post_diastolic"],
        observation_minutes=data["observation_minutes"],
        escort_confirmed=data["escort_confirmed"],
        adverse_events=reports,
        override_reason=data.get("override_reason"),
    )
    assessment = assess_session_record(
        record, route=Route(plan.route), recorded_by_provider=principal.kind == "provider", now=now
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
            blood_pressure_overridden=assessment.blood_pressure_overridden,
            recorded_by=principal.actor_id,
            recorded_by_type=principal.kind,
        )
    )
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = principal.actor_id
    _store_adverse_events(session, principal, plan, reports, task_id=task.id)
    session.commit()
    session.refresh(task)
    return task


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
    session.commit()
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
        if hold:
            change_status(
                session, plan, PlanStatus.ON_HOLD, reason=f"A {report.severity} adverse event ({event.id})."
            )
        emit(
            session,
            partner_id=plan.partner_id,
            type="adverse_event.reported",
            object_type="adverse_event",
            object_id=event.id,
            plan_id=plan.id,
            severity=str(report.severity),
            plan_status=plan.status,
        )
        stored.append(event)
    return stored


# --- overdue tasks (run by `telemedical worker`) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _OpenTask:
    id: str
    due_on: date
    plan_id: str
    partner_id: str
    kind: str
    timezone: str | None


def _open_tasks(session: Session, *conditions: ColumnElement[bool]) -> list[_OpenTask]:
    """Pending tasks of active plans (drafts have not started, plans on hold are paused), by due date."""
    rows = session.execute(
        select(
            PlanTask.id,
            PlanTask.due_on,
            PlanTask.plan_id,
            FollowUpPlan.partner_id,
            PlanTask.kind,
            Patient.timezone,
        )
        .join(FollowUpPlan, FollowUpPlan.id == PlanTask.plan_id)
        .join(Patient, Patient.id == FollowUpPlan.patient_id)
        .where(
            PlanTask.status == TaskStatus.PENDING.value,
            FollowUpPlan.status == PlanStatus.ACTIVE.value,
            *conditions,
        )
        .order_by(PlanTask.due_on, PlanTask.id)
    ).all()
    return [_OpenTask(*row) for row in rows]


def _claim(session: Session, task: _OpenTask, unclaimed: ColumnElement[bool], **values: Any) -> bool:
    """Set ``values`` on the task only while ``unclaimed`` holds: True for the one worker that did."""
    changed = session.execute(
        update(PlanTask)
        .where(PlanTask.id == task.id, unclaimed)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _emit_task_event(session: Session, task: _OpenTask, type: str) -> None:
    emit(
        session,
        partner_id=task.partner_id,
        type=type,
        object_type="follow_up_task",
        object_id=task.id,
        plan_id=task.plan_id,
        kind=task.kind,
        due_on=task.due_on.isoformat(),
    )


def mark_overdue_tasks(session: Session, now: datetime | None = None) -> int:
    """Mark every open task of a running plan that is past its day as overdue; emit the event once each.

    "Past its day" is judged in the patient's time zone (UTC when unknown), so a task due on Monday is on
    time until Monday ends where the patient is. The conditional UPDATE makes each task change, and so emit,
    exactly once, however many workers run this concurrently.
    """
    now = now or utcnow()
    # No time zone is more than a day ahead of UTC, so nothing due after UTC's tomorrow can be late anywhere.
    horizon = now.astimezone(UTC).date() + timedelta(days=1)
    marked = 0
    for task in _open_tasks(session, PlanTask.due_on < horizon):
        if not is_overdue(task.due_on, TaskStatus.PENDING, _local_today(now, task.timezone)):
            continue
        pending = PlanTask.status == TaskStatus.PENDING.value
        if _claim(session, task, pending, status=TaskStatus.OVERDUE.value, overdue_at=now, updated_at=now):
            _emit_task_event(session, task, "follow_up_task.overdue")
            marked += 1
    session.commit()
    return marked


def announce_due_tasks(session: Session, now: datetime | None = None) -> int:
    """Emit ``follow_up_task.due`` once for every open task of a running plan due today where the patient is.

    A task whose day has passed without a run of this job is not announced late (``follow_up_task.overdue``
    says what matters then). The conditional UPDATE on ``due_notified_at`` makes each announcement happen
    once, however many workers run this concurrently.
    """
    now = now or utcnow()
    utc_today = now.astimezone(UTC).date()
    # Local dates are within a day of UTC's.
    near = PlanTask.due_on.between(utc_today - timedelta(days=1), utc_today + timedelta(days=1))
    announced = 0
    for task in _open_tasks(session, PlanTask.due_notified_at.is_(None), near):
        if task.due_on != _local_today(now, task.timezone):
            continue
        if _claim(session, task, PlanTask.due_notified_at.is_(None), due_notified_at=now):
            _emit_task_event(session, task, "follow_up_task.due")
            announced += 1
    session.commit()
    return announced


def _local_today(now: datetime, timezone: str | None) -> date:
    zone = ZoneInfo(timezone) if timezone and is_valid_timezone(timezone) else UTC
    return now.astimezone(zone).date()
