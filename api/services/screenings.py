"""Screenings: validated, scored by the server, stored once and never changed.

A screening linked to a consultation whose decision is still open re-decides its eligibility in the same
transaction; a C-SSRS ``high`` escalates at once and is flagged (``screening.risk_flagged``) whatever the
consultation's status. A screening for a follow-up plan's check-in (``plan_id``) answers to the plan's rules:
C-SSRS ``high`` holds an active plan for the patient's safety, and PHQ-9 item 9 above 0 is flagged without a
hold (clinical-rules.md §4 "Crisis at a check-in").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.plan_status import PlanStatus, check_in_crisis
from api.domain.screening import (
    SUICIDE_RISK_HIGH,
    RecallContext,
    check_recall,
    score_screening,
)
from api.domain.webhooks import EventType
from api.errors import FieldError, NotFound, ValidationFailed
from api.events.outbox import emit
from api.models import Consultation, FollowUpPlan, Screening
from api.services.access import require_kind, scope_screenings
from api.services.consultations import get_consultation, reevaluate_eligibility, respond_to_crisis
from api.services.inputs import ScreeningSubmission
from api.services.paging import Page, PageRequest, fetch_page
from api.services.patients import get_patient
from api.services.plans import (
    change_status,
    has_open_baseline_check_in,
    plan_for_screening,
    respond_to_check_in_crisis,
)

# Device clocks drift; a completion time a little ahead of ours is accepted, more is a mistake.
CLOCK_SKEW = timedelta(minutes=5)


class ScreeningNotFound(NotFound):
    title = "Screening not found"


def get_screening(session: Session, principal: Principal, screening_id: str) -> Screening:
    screening: Screening | None = session.scalar(
        scope_screenings(select(Screening), principal).where(Screening.id == screening_id)
    )
    if screening is None:
        raise ScreeningNotFound(f"No screening {screening_id}.")
    return screening


def _linked_consultation(
    session: Session, principal: Principal, patient_id: str, consultation_id: str | None
) -> Consultation | None:
    if consultation_id is None:
        return None
    # Locked: two screenings of one consultation arriving at once are decided one after the other.
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    if consultation.patient_id != patient_id:
        raise ValidationFailed(
            errors=[
                FieldError("/consultation_id", "patient_mismatch", "This consultation is another patient's.")
            ]
        )
    return consultation


def submit_screening(session: Session, principal: Principal, data: ScreeningSubmission) -> Screening:
    require_kind(principal, "partner_client", "patient", "provider", "admin", action="submit screenings")
    patient = get_patient(session, principal, data["patient_id"])
    if data["completed_at"] > utcnow() + CLOCK_SKEW:
        raise ValidationFailed(
            errors=[FieldError("/completed_at", "in_future", "Must not be in the future.")]
        )
    scored = score_screening(data["instrument"], data["answers"])  # 422 with a pointer per bad answer
    consultation = _linked_consultation(session, principal, patient.id, data.get("consultation_id"))
    plan_id = data.get("plan_id")
    plan = plan_for_screening(session, principal, plan_id, patient.id, for_update=True) if plan_id else None
    check_recall(scored, _recall_context(session, plan))  # 422 recall_mismatch
    screening = Screening(
        partner_id=patient.partner_id,
        patient_id=patient.id,
        consultation_id=consultation.id if consultation else None,
        plan_id=data.get("plan_id"),
        instrument=scored.instrument,
        answers=data["answers"],
        total=scored.total,
        severity=scored.severity,
        flags=list(scored.flags),
        loinc=scored.loinc.as_dict(),
        completed_at=data["completed_at"],
        submitted_by_client_id=principal.client_id,
        submitted_by_user_id=principal.user_id,
    )
    session.add(screening)
    session.flush()
    _emit(session, screening, EventType.SCREENING_COMPLETED)
    if plan is not None:
        _respond_to_check_in_risk(session, screening, plan)
    elif SUICIDE_RISK_HIGH in screening.flags:
        _emit(session, screening, EventType.SCREENING_RISK_FLAGGED, risk_level=scored.severity)
    if consultation is not None:
        reevaluate_eligibility(session, consultation, patient)
        if SUICIDE_RISK_HIGH in screening.flags:
            respond_to_crisis(session, consultation, screening)
    session.flush()
    return screening


def _recall_context(session: Session, plan: FollowUpPlan | None) -> RecallContext:
    """Where the screening is given, for the C-SSRS recall rule (api.domain.screening ``expected_recall``):
    for a plan a check-in (``since_last_contact``), otherwise an intake (``lifetime_recent``).

    While the plan has an open baseline check-in task, ``PLAN_BASELINE`` (``lifetime_recent`` again: the
    baseline stands for the intake; api.services.plans.has_open_baseline_check_in).
    """
    if plan is None:
        return RecallContext.INTAKE
    if has_open_baseline_check_in(session, plan.id):
        return RecallContext.PLAN_BASELINE
    return RecallContext.CHECK_IN


def _respond_to_check_in_risk(session: Session, screening: Screening, plan: FollowUpPlan) -> None:
    """A follow-up screening's risk findings: flag them, and hold the plan on a C-SSRS ``high``."""
    crisis = check_in_crisis(screening.flags, PlanStatus(plan.status))
    if crisis.risk_level is not None:
        _emit(
            session,
            screening,
            EventType.SCREENING_RISK_FLAGGED,
            risk_level=crisis.risk_level,
            plan_id=plan.id,
        )
    if crisis.hold:
        change_status(session, plan, PlanStatus.ON_HOLD, reason=f"Crisis at a check-in ({screening.id}).")
        plan.held_for_safety = True
    respond_to_check_in_crisis(session, plan, screening, crisis)  # [2e] escalation, risk review


def _emit(session: Session, screening: Screening, type: EventType, **facts: Any) -> None:
    emit(
        session,
        partner_id=screening.partner_id,
        type=type,
        object_type="screening",
        object_id=screening.id,
        instrument=screening.instrument,
        consultation_id=screening.consultation_id,
        **facts,
    )


def list_screenings(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[Screening]:
    stmt = scope_screenings(select(Screening), principal)
    for name in ("patient_id", "consultation_id", "plan_id", "instrument"):
        if filters.get(name):
            stmt = stmt.where(getattr(Screening, name) == filters[name])
    return fetch_page(session, stmt, Screening, page)
