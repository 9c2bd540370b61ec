"""A plan's tasks: listing them in due order, check-ins, session records, adverse events (the worker's
due and overdue jobs are api.services.task_reminders).

Who may do what (docs/follow-up-plans.md): the assigned provider records sessions (an admin may too, but only
a provider can override the blood-pressure threshold; the plan's own patient records an at-home oral or
sublingual session); the patient, the partner acting for its patient, the
provider and an admin complete check-ins and report adverse events.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from api.auth.principal import Principal, PrincipalKind
from api.db import utcnow
from api.domain.matching import DeaRegistration, StateLicense
from api.domain.plan_status import PlanStatus
from api.domain.protocols import KIND_ORDER, ReviewDecision, Route, TaskKind, TaskPurpose, TaskStatus
from api.domain.screening import (
    CssrsRecall,
    Instrument,
    RecallContext,
    cssrs_recall,
    expected_recall,
)
from api.domain.session_monitoring import (
    Monitoring,
    assess_session,
    completion_pressure,
    readings_from,
)
from api.domain.session_safety import (
    AT_HOME_ROUTES,
    AdverseEventSeverity,
    AdverseEventType,
    Clinician,
    Disposition,
    Setting,
    Site,
    default_monitored_by,
    requires_hold,
    validate_adverse_event,
)
from api.domain.session_safety import AdverseEvent as AdverseEventReport
from api.domain.session_safety import SessionRecord as SessionRecordInput
from api.domain.webhooks import EventType
from api.errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation, ValidationFailed
from api.events.outbox import emit
from api.models import (
    AdverseEvent,
    CheckInAnswer,
    Consultation,
    FollowUpPlan,
    PlanTask,
    PracticeSite,
    Provider,
    Screening,
    SessionRecord,
)
from api.services.access import require_kind, scope_screenings
from api.services.inputs import AdverseEventBody, SessionRecordBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.plans import change_status, get_plan
from api.services.prescriptions import require_at_home_prescription
from api.services.session_gate import check_session_gate

SESSION_RECORDERS: tuple[PrincipalKind, ...] = ("provider", "admin")
CHECK_IN_COMPLETERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")
ADVERSE_EVENT_REPORTERS: tuple[PrincipalKind, ...] = ("patient", "partner_client", "provider", "admin")
# [2e] A review is a clinician's decision: a provider's, not an admin's.
REVIEWERS: tuple[PrincipalKind, ...] = ("provider",)

# Check-ins continue while treatment is on hold: the care team still wants to know how the patient is.
_CHECK_IN_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.ON_HOLD)
# In SQL, the order of api.domain.protocols.KIND_ORDER: a day's review, its session, its check-in.
_KIND_RANK = case(
    (PlanTask.kind == TaskKind.REVIEW, KIND_ORDER[TaskKind.REVIEW]),
    (PlanTask.kind == TaskKind.SESSION, KIND_ORDER[TaskKind.SESSION]),
    else_=KIND_ORDER[TaskKind.CHECK_IN],
)


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
        after_rank = KIND_ORDER[TaskKind(after_kind)]
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


_HOW_TO_FINISH = {
    TaskKind.SESSION: "record it as a session",
    TaskKind.CHECK_IN: "complete it with screening_ids",
    TaskKind.REVIEW: "complete it with a decision",
}


def _require_open_task(task: PlanTask, kind: TaskKind) -> None:
    if task.kind != kind:
        action = _HOW_TO_FINISH[TaskKind(task.kind)]
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


def complete_task(
    session: Session, principal: Principal, plan_id: str, task_id: str, data: dict[str, Any]
) -> PlanTask:
    """``POST …/tasks/{task_id}/complete``: a check-in with its screenings, a review with its decision."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    task = _task_of(session, plan, task_id)
    if task.kind == TaskKind.REVIEW:
        return complete_review(session, principal, plan, task, data)
    if "decision" in data or "note" in data:
        _require_open_task(task, TaskKind.REVIEW)  # 409 task_kind_mismatch
    return complete_check_in(session, principal, plan, task, _screening_ids(data))


def _screening_ids(data: dict[str, Any]) -> list[str]:
    if data.get("screening_ids") is not None:
        return list(data["screening_ids"])
    if data.get("screening_id") is not None:
        return [data["screening_id"]]
    message = "Name the check-in's screenings in screening_ids."
    raise ValidationFailed(message, errors=[FieldError("/screening_ids", "required", message)])


def complete_check_in(
    session: Session, principal: Principal, plan: FollowUpPlan, task: PlanTask, screening_ids: list[str]
) -> PlanTask:
    """Link the screenings that answered a check-in: one per instrument of the task, every one of them,
    each submitted for this plan (clinical-rules.md §4 [2e])."""
    require_kind(principal, *CHECK_IN_COMPLETERS, action="complete check-ins")
    _require_open_task(task, TaskKind.CHECK_IN)
    _require_plan_status(plan, _CHECK_IN_PLAN_STATUSES, "completing a check-in")
    screenings = _check_in_screenings(session, principal, plan, task, screening_ids)
    given = {screening.instrument for screening in screenings}
    missing = [instrument for instrument in task.instruments if instrument not in given]
    if missing:
        raise RuleViolation(
            f"The check-in needs every one of its instruments; missing: {', '.join(missing)}.",
            code="check_in_incomplete",
            errors=[
                FieldError("/screening_ids", "check_in_incomplete", f"No {instrument} screening given.")
                for instrument in missing
            ],
            extra={"missing_instruments": missing},
        )
    for position, screening in enumerate(screenings):
        task.answers.append(CheckInAnswer(screening_id=screening.id, position=position))
    task.status = TaskStatus.DONE
    task.completed_at = utcnow()
    task.completed_by = principal.actor_id
    session.flush()
    return task


def check_in_recall(task: PlanTask) -> CssrsRecall:
    """The C-SSRS recall a check-in asks: ``lifetime_recent`` for the baseline one, else since the last
    contact."""
    context = RecallContext.PLAN_BASELINE if task.purpose == TaskPurpose.BASELINE else RecallContext.CHECK_IN
    return expected_recall(context)


def _check_in_screenings(
    session: Session, principal: Principal, plan: FollowUpPlan, task: PlanTask, screening_ids: list[str]
) -> list[Screening]:
    """The screenings named, each checked; every problem with a pointer, at once."""
    errors: list[FieldError] = []
    found: list[Screening] = []
    seen_instruments: set[str] = set()
    for index, screening_id in enumerate(screening_ids):
        pointer = f"/screening_ids/{index}"
        screening: Screening | None = session.scalar(
            scope_screenings(select(Screening), principal).where(Screening.id == screening_id)
        )
        if screening is None or screening.patient_id != plan.patient_id:
            errors.append(FieldError(pointer, "not_found", f"No screening {screening_id} of this patient."))
            continue
        problem = _check_in_screening_problem(session, plan, task, screening)
        if problem is None and screening.instrument in seen_instruments:
            problem = ("duplicate", f"Two {screening.instrument} screenings; give one per instrument.")
        if problem is not None:
            errors.append(FieldError(pointer, *problem))
            continue
        seen_instruments.add(screening.instrument)
        found.append(screening)
    if errors:
        conflict = [e for e in errors if e.code == "screening_already_linked"]
        if conflict and len(conflict) == len(errors):
            raise Conflict(
                "A screening already answers another check-in.",
                code="screening_already_linked",
                errors=conflict,
            )
        raise ValidationFailed("Some screenings cannot answer this check-in.", errors=errors)
    return found


def _check_in_screening_problem(
    session: Session, plan: FollowUpPlan, task: PlanTask, screening: Screening
) -> tuple[str, str] | None:
    if screening.instrument not in task.instruments:
        return (
            "instrument_not_requested",
            f"This check-in asks for {', '.join(task.instruments)}, not {screening.instrument}.",
        )
    if screening.plan_id != plan.id:
        return ("screening_not_for_plan", "Submit the check-in's screenings with this plan_id.")
    if task.purpose != TaskPurpose.BASELINE and screening.completed_at.date() < plan.start_date:
        return ("screening_before_plan", "The screening was completed before the plan started.")
    if screening.instrument == Instrument.CSSRS:
        expected = check_in_recall(task)
        if cssrs_recall(screening.answers) is not expected:
            return ("recall_mismatch", f"This check-in's C-SSRS asks recall {expected}.")
    answered = session.scalar(
        select(PlanTask.id)
        .join(CheckInAnswer, CheckInAnswer.task_id == PlanTask.id)
        .where(CheckInAnswer.screening_id == screening.id, PlanTask.kind == TaskKind.CHECK_IN)
    )
    if answered is not None:
        return ("screening_already_linked", f"Screening {screening.id} already answers task {answered}.")
    return None


# --- reviews -------------------------------------------------------------------------------------


def complete_review(
    session: Session, principal: Principal, plan: FollowUpPlan, task: PlanTask, data: dict[str, Any]
) -> PlanTask:
    """[2e] A provider's decision on a review task: ``continue``, or ``stop``, which completes the plan
    (its open tasks are cancelled). Needs a note: the review's substance is what the clinician writes."""
    if principal.kind not in REVIEWERS:
        raise Forbidden("Only a provider completes a review: it is a clinical decision.")
    _require_open_task(task, TaskKind.REVIEW)
    _require_plan_status(plan, _CHECK_IN_PLAN_STATUSES, "completing a review")
    errors = []
    decision = str(data.get("decision") or "")
    if decision not in set(ReviewDecision):
        errors.append(FieldError("/decision", "required", "decision is continue or stop."))
    note = (data.get("note") or "").strip()
    if not note:
        errors.append(FieldError("/note", "required", "Write what the review found and decided."))
    if "screening_ids" in data or "screening_id" in data:
        message = "A review takes a decision, not screenings."
        errors.append(FieldError("/screening_ids", "unknown_field", message))
    if errors:
        raise ValidationFailed("The review needs a decision and a note.", errors=errors)
    now = utcnow()
    task.review_decision = ReviewDecision(decision)
    task.review_note = note
    task.reviewed_by = principal.actor_id
    task.reviewed_at = now
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = principal.actor_id
    session.flush()
    if task.review_decision == ReviewDecision.STOP:
        change_status(session, plan, PlanStatus.COMPLETED, reason=None)
    session.flush()
    return task


# --- sessions ------------------------------------------------------------------------------------


# Long on purpose: one transaction, in order: lock, checks, the record, its adverse events, the hold.
def record_session(
    session: Session, principal: Principal, plan_id: str, task_id: str, data: SessionRecordBody
) -> PlanTask:
    """Check the session's safety rules, store the record and its adverse events, finish the task."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, *session_recorders(plan.route), action=f"record {plan.route} treatment sessions")
    task = _task_of(session, plan, task_id)
    _require_open_task(task, TaskKind.SESSION)
    _require_plan_status(plan, (PlanStatus.ACTIVE,), "recording a session")
    check_session_gate(session, plan, task, data["administered_at"])  # 422: frequency, open reviews
    now = utcnow()
    require_at_home_prescription(session, plan, data["dose_mg"], now)  # oral, sublingual: §5
    reports = tuple(_adverse_event_report(event) for event in data.get("adverse_events", ()))
    monitoring = _monitoring(data)
    post, completion_errors = completion_pressure(
        monitoring.readings, data.get("post_systolic"), data.get("post_diastolic")
    )
    record = SessionRecordInput(
        administered_at=data["administered_at"],
        dose_mg=data["dose_mg"],
        pre_systolic=data.get("pre_systolic"),
        pre_diastolic=data.get("pre_diastolic"),
        post_systolic=post[0] if post else None,
        post_diastolic=post[1] if post else None,
        observation_minutes=data.get("observation_minutes"),
        escort_confirmed=data.get("escort_confirmed"),
        sitter_present=data.get("sitter_present"),
        weight_kg=data.get("weight_kg"),
        infusion_minutes=data.get("infusion_minutes"),
        disposition=Disposition(data.get("disposition", Disposition.DISCHARGED)),
        disposition_reason=data.get("disposition_reason"),
        adverse_events=reports,
        override_reason=data.get("override_reason"),
        dose_override_reason=data.get("dose_override_reason"),
    )
    setting = _setting(session, plan, principal, data)
    outcome = assess_session(
        record,
        monitoring,
        setting,
        route=plan.route,
        recorded_by_provider=principal.kind == "provider",
        now=now,
        completion_errors=completion_errors,
    )
    if record.administered_at.date() < plan.start_date:
        message = "The session cannot be before the plan's start_date."
        raise ValidationFailed(message, errors=[FieldError("/administered_at", "before_plan", message)])
    site = setting.site
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
            sitter_present=record.sitter_present,
            override_reason=_text(record.override_reason),
            blood_pressure_overridden=outcome.blood_pressure_overridden,
            dose_mg=record.dose_mg,
            weight_kg=record.weight_kg,
            infusion_minutes=record.infusion_minutes,
            dose_override_reason=_text(record.dose_override_reason),
            dose_overridden=outcome.dose_overridden,
            site_id=site.id if site else None,
            site_name=site.name if site else None,
            site_state=site.state if site else None,
            monitored_by=setting.monitored_by,
            onsite_prescriber_id=setting.onsite_prescriber_id,
            lot_number=_text(monitoring.lot_number),
            sedating_medications=dict(data["sedating_medications"]),
            readings=[dict(r) for r in data.get("readings", ())],
            ready_to_leave_minute=monitoring.ready_to_leave_minute,
            disposition=record.disposition,
            disposition_reason=_text(record.disposition_reason),
            discharge_override_reason=_text(monitoring.discharge_override_reason),
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


def session_recorders(route: Route) -> tuple[PrincipalKind, ...]:
    """The assigned provider or an admin; an at-home session (oral, sublingual) also the plan's own patient,
    through the patient app."""
    return (*SESSION_RECORDERS, "patient") if route in AT_HOME_ROUTES else SESSION_RECORDERS


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _monitoring(data: SessionRecordBody) -> Monitoring:
    return Monitoring(
        lot_number=data.get("lot_number"),
        readings=readings_from([dict(r) for r in data.get("readings", ())]),
        ready_to_leave_minute=data.get("ready_to_leave_minute"),
        discharge_override_reason=data.get("discharge_override_reason"),
    )


def _setting(session: Session, plan: FollowUpPlan, principal: Principal, data: SessionRecordBody) -> Setting:
    """The site, monitoring provider and on-site prescriber the record names, as the rules read them."""
    consultation = session.get(Consultation, plan.consultation_id)
    assert consultation is not None  # a plan keeps its consultation (foreign key)
    site_id = data.get("site_id")
    site_row = session.get(PracticeSite, site_id) if site_id else None
    monitored_by = default_monitored_by(
        data.get("monitored_by"),
        route=plan.route,
        recorder_provider_id=principal.provider_id if principal.kind == "provider" else None,
    )
    onsite_prescriber_id = data.get("onsite_prescriber_id")
    return Setting(
        patient_state=consultation.patient_location_state,
        site_id=site_id,
        site=Site(site_row.id, site_row.state, site_row.rems_certified, site_row.name) if site_row else None,
        monitored_by=monitored_by,
        monitor=_clinician(session, monitored_by),
        onsite_prescriber_id=onsite_prescriber_id,
        onsite_prescriber=_clinician(session, onsite_prescriber_id),
    )


def _clinician(session: Session, provider_id: str | None) -> Clinician | None:
    provider = session.get(Provider, provider_id) if provider_id else None
    if provider is None:
        return None
    return Clinician(
        id=provider.id,
        licenses=tuple(StateLicense(r.state, r.status, r.expires_on) for r in provider.license_rows),
        dea_registrations=tuple(
            DeaRegistration(r.state, frozenset(r.schedules), r.expires_on) for r in provider.dea_rows
        ),
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
