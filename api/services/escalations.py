"""Escalations of a suicide-risk crisis, of a consultation or a plan (clinical-rules.md §2, §4 [2e]).

Open one when a C-SSRS ``high`` escalates its subject, show the latest on the subject (``escalation {...}``),
record a provider's acknowledgement of the urgent contact, and, from the worker, announce the ones left
unacknowledged (``consultation.escalation_unacknowledged``, ``follow_up_plan.escalation_unacknowledged``) at
each multiple of ``ESCALATION_ACK_MINUTES``. The rules are api.domain.escalation's; the row is
api.models.Escalation (its docstring says how a plan uses these functions). Services flush, never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.consultation_status import ConsultationStatus
from api.domain.escalation import (
    ContactOutcome,
    EscalationSubject,
    announcement_due,
    check_acknowledgement,
)
from api.domain.plan_status import PlanStatus
from api.domain.webhooks import EventType
from api.errors import Conflict
from api.events.outbox import emit
from api.models import Consultation, Escalation, FollowUpPlan, Screening

# The overdue announcement of each subject.
UNACKNOWLEDGED_EVENTS: dict[EscalationSubject, EventType] = {
    EscalationSubject.CONSULTATION: EventType.CONSULTATION_ESCALATION_UNACKNOWLEDGED,
    EscalationSubject.FOLLOW_UP_PLAN: EventType.FOLLOW_UP_PLAN_ESCALATION_UNACKNOWLEDGED,
}
# A subject in one of these no longer has anyone to announce its escalation to: a cancelled or declined
# consultation leaves every provider's queue, a completed or revoked plan its provider's care.
_CLOSED_CONSULTATIONS = (ConsultationStatus.CANCELLED, ConsultationStatus.DECLINED)
_CLOSED_PLANS = (PlanStatus.COMPLETED, PlanStatus.REVOKED)


def open_escalation(
    session: Session,
    *,
    screening: Screening,
    consultation: Consultation | None = None,
    plan: FollowUpPlan | None = None,
) -> Escalation:
    """A new escalation of ``consultation`` or ``plan`` (exactly one), raised by ``screening`` — unless the
    subject's latest one is still unacknowledged, which is returned instead: one crisis, one urgent contact
    (a second C-SSRS ``high`` before anyone called is the same crisis)."""
    if (consultation is None) == (plan is None):
        raise ValueError("an escalation is of a consultation or of a plan")
    current = latest_escalation(session, consultation=consultation, plan=plan)
    if current is not None and current.acknowledged_at is None:
        return current
    escalation = Escalation(
        partner_id=screening.partner_id,
        patient_id=screening.patient_id,
        consultation_id=consultation.id if consultation else None,
        plan_id=plan.id if plan else None,
        screening_id=screening.id,
        escalated_at=utcnow(),
        announced_intervals=0,
    )
    session.add(escalation)
    session.flush()
    return escalation


def latest_escalation(
    session: Session, *, consultation: Consultation | None = None, plan: FollowUpPlan | None = None
) -> Escalation | None:
    """The subject's latest escalation (by time, then id), or None when it was never escalated."""
    stmt = select(Escalation).order_by(Escalation.escalated_at.desc(), Escalation.id.desc()).limit(1)
    if consultation is not None:
        stmt = stmt.where(Escalation.consultation_id == consultation.id)
    elif plan is not None:
        stmt = stmt.where(Escalation.plan_id == plan.id)
    else:
        raise ValueError("name the consultation or the plan")
    return session.scalar(stmt)


def acknowledge(
    session: Session,
    principal: Principal,
    escalation: Escalation | None,
    *,
    note: str,
    contact_outcome: ContactOutcome,
) -> Escalation:
    """Record a provider's acknowledgement: who, when, and the outcome of the contact (403 for anyone but a
    provider, 409 ``already_acknowledged`` the second time, 409 ``not_escalated`` when there is none)."""
    check_acknowledgement(
        acknowledged_at=escalation.acknowledged_at if escalation else None, principal_kind=principal.kind
    )
    if escalation is None:
        raise Conflict("There is no escalation to acknowledge.", code="not_escalated")
    escalation.acknowledged_at = utcnow()
    escalation.acknowledged_by = principal.provider_id
    escalation.contact_outcome = contact_outcome
    escalation.note = note
    session.flush()
    return escalation


def announce_unacknowledged_escalations(
    session: Session, *, interval: timedelta, now: datetime | None = None
) -> int:
    """The worker's pass: for every unacknowledged escalation a whole ``interval`` (or a further multiple of
    it) past ``escalated_at``, emit its subject's ``…escalation_unacknowledged`` event once for that multiple.

    The conditional UPDATE on ``announced_intervals`` makes each announcement happen once, however many
    workers run this at the same time; the event names the subject (its id and object) and carries
    ``escalated_at`` and ``minutes_unacknowledged`` (the multiple reached, in minutes).
    """
    now = now or utcnow()
    rows = session.execute(
        select(Escalation, Consultation.status, FollowUpPlan.status)
        .outerjoin(Consultation, Consultation.id == Escalation.consultation_id)
        .outerjoin(FollowUpPlan, FollowUpPlan.id == Escalation.plan_id)
        .where(Escalation.acknowledged_at.is_(None), Escalation.escalated_at <= now - interval)
        .order_by(Escalation.escalated_at, Escalation.id)
    ).all()
    announced = 0
    for escalation, consultation_status, plan_status in rows:
        if consultation_status in _CLOSED_CONSULTATIONS or plan_status in _CLOSED_PLANS:
            continue
        due = announcement_due(
            escalated_at=escalation.escalated_at,
            acknowledged_at=escalation.acknowledged_at,
            announced_intervals=escalation.announced_intervals,
            now=now,
            interval=interval,
        )
        if due is None:
            continue
        claimed = session.execute(
            update(Escalation)
            .where(
                Escalation.id == escalation.id,
                Escalation.acknowledged_at.is_(None),
                Escalation.announced_intervals < due,
            )
            .values(announced_intervals=due)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        subject = escalation.subject
        emit(
            session,
            partner_id=escalation.partner_id,
            type=UNACKNOWLEDGED_EVENTS[subject],
            object_type=subject.value,
            object_id=escalation.consultation_id or escalation.plan_id or "",
            escalated_at=escalation.escalated_at.isoformat().replace("+00:00", "Z"),
            minutes_unacknowledged=int(due * interval / timedelta(minutes=1)),
        )
        announced += 1
    return announced
