"""After a session: its REMS Patient Monitoring Form, the form's reminder, and the sessions' trend.

The form (intranasal sessions only) is the session record laid out as the Spravato REMS asks, with ``due_by``
(the session's date, in the provider's time zone, plus 7 days) and ``submitted_at``; the assigned provider
or an admin marks it sent. The worker announces ``rems_form.due`` once per unsent form, from the day before
``due_by`` on (clinical-rules.md §4).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.protocols import Route
from api.domain.session_monitoring import (
    readings_from,
    rems_due_by,
    rems_observations,
    rems_reminder_due,
    session_summary,
)
from api.domain.webhooks import EventType
from api.errors import Forbidden, NotFound
from api.events.outbox import emit
from api.models import FollowUpPlan, Patient, Provider, SessionRecord
from api.services.access import require_kind
from api.services.plans import get_plan, plan_outcomes


class RemsFormNotFound(NotFound):
    title = "REMS form not found"


def _session_day(record: SessionRecord, provider: Provider) -> date:
    return record.administered_at.astimezone(ZoneInfo(provider.timezone)).date()


def _record_of(
    session: Session, plan: FollowUpPlan, task_id: str, *, for_update: bool = False
) -> SessionRecord:
    stmt = select(SessionRecord).where(SessionRecord.task_id == task_id, SessionRecord.plan_id == plan.id)
    if for_update:
        stmt = stmt.with_for_update()
    record: SessionRecord | None = session.scalar(stmt)
    if record is None or plan.route != Route.INTRANASAL:
        raise RemsFormNotFound(
            "Only a recorded intranasal esketamine session has a REMS monitoring form.",
        )
    return record


def rems_form(session: Session, principal: Principal, plan_id: str, task_id: str) -> dict[str, Any]:
    plan = get_plan(session, principal, plan_id)
    return _form(session, plan, _record_of(session, plan, task_id))


def mark_rems_form_submitted(
    session: Session, principal: Principal, plan_id: str, task_id: str
) -> dict[str, Any]:
    """The clinic sent the form to the REMS: kept once (a repeat changes nothing); no more reminders."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    require_kind(principal, "provider", "admin", action="submit REMS forms")
    if principal.kind == "provider" and principal.provider_id != plan.provider_id:
        raise Forbidden("Only the plan's assigned provider (or an admin) submits its REMS forms.")
    record = _record_of(session, plan, task_id, for_update=True)
    if record.rems_submitted_at is None:
        record.rems_submitted_at = utcnow()
        record.rems_submitted_by = principal.actor_id
    session.flush()
    return _form(session, plan, record)


def _form(session: Session, plan: FollowUpPlan, record: SessionRecord) -> dict[str, Any]:
    """The form's monitoring provider is the session's ``monitored_by`` and its setting the session's site
    (clinical-rules.md §4, second edition); both are null on a record made before they were recorded."""
    patient = session.get(Patient, plan.patient_id)
    provider = session.get(Provider, plan.provider_id)
    assert patient is not None  # a plan keeps its patient and provider (foreign keys)
    assert provider is not None
    monitor = session.get(Provider, record.monitored_by) if record.monitored_by else None
    day = _session_day(record, provider)
    return {
        "plan_id": plan.id,
        "task_id": record.task_id,
        "patient": {
            "id": patient.id,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "birth_date": patient.birth_date,
        },
        "concomitant_medications": record.sedating_medications,
        "monitoring_provider": {
            "id": monitor.id,
            "name": f"{monitor.given_name} {monitor.family_name}, {monitor.credential}",
            "npi": monitor.npi,
        }
        if monitor
        else None,
        "setting": record.site,
        "session_date": day,
        "administered_at": record.administered_at,
        "dose_mg": record.dose_mg,
        "lot_number": record.lot_number,
        "total_monitoring_minutes": record.observation_minutes,
        "ready_to_leave_minute": record.ready_to_leave_minute,
        "disposition": record.disposition,
        **rems_observations(
            readings_from(record.readings or []),
            pre_systolic=record.pre_systolic,
            pre_diastolic=record.pre_diastolic,
            discharge_overridden=record.discharge_overridden,
        ),
        "due_by": rems_due_by(day),
        "submitted_at": record.rems_submitted_at,
    }


def announce_rems_forms_due(session: Session, *, now: datetime | None = None) -> int:
    """``rems_form.due`` once for each unsent intranasal form whose reminder day has come (the worker)."""
    now = now or utcnow()
    rows = session.execute(
        select(SessionRecord, FollowUpPlan, Provider)
        .join(FollowUpPlan, FollowUpPlan.id == SessionRecord.plan_id)
        .join(Provider, Provider.id == FollowUpPlan.provider_id)
        .where(
            FollowUpPlan.route == Route.INTRANASAL,
            SessionRecord.rems_submitted_at.is_(None),
            SessionRecord.rems_reminded_at.is_(None),
        )
        .with_for_update(of=SessionRecord)
    ).all()
    announced = 0
    for record, plan, provider in rows:
        today = now.astimezone(ZoneInfo(provider.timezone)).date()
        day = _session_day(record, provider)
        if not rems_reminder_due(day, today):
            continue
        record.rems_reminded_at = now
        emit(
            session,
            partner_id=plan.partner_id,
            type=EventType.REMS_FORM_DUE,
            object_type="rems_form",
            object_id=record.task_id,
            plan_id=plan.id,
            task_id=record.task_id,
            due_by=rems_due_by(day).isoformat(),
        )
        announced += 1
    session.flush()
    return announced


def outcomes(session: Session, principal: Principal, plan_id: str) -> dict[str, Any]:
    """The plan's outcomes: per instrument (api.services.plans), and the sessions' trend."""
    plan = get_plan(session, principal, plan_id)
    return {
        "plan_id": plan.id,
        "instruments": plan_outcomes(session, principal, plan_id),
        "sessions": session_trend(session, plan),
    }


def session_trend(session: Session, plan: FollowUpPlan) -> list[dict[str, Any]]:
    """Per recorded session, oldest first: the readings' extremes and when the patient was ready to leave."""
    records = session.scalars(
        select(SessionRecord)
        .where(SessionRecord.plan_id == plan.id)
        .order_by(SessionRecord.administered_at, SessionRecord.task_id)
    )
    return [
        {
            "task_id": record.task_id,
            "administered_at": record.administered_at,
            "dose_mg": record.dose_mg,
            **session_summary(readings_from(record.readings or [])),
            "ready_to_leave_minute": record.ready_to_leave_minute,
        }
        for record in records
    ]
