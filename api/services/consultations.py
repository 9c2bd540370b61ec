"""Consultations: request, eligibility, clinician review, cancellation.

The status only ever changes through ``change_status``, which applies the pure state machine
(api.domain.consultation_status) and writes ``consultation.status_changed`` to the outbox in the same
transaction. Eligibility is decided by api.domain.eligibility from the latest screening per instrument.

[2e] An escalated case is acknowledged by a provider (``acknowledge_escalation``) and cleared or declined by
a psychiatrist (``review_consultation``); a new C-SSRS ``high`` on an approved case escalates it again
(``respond_to_crisis``). The escalation rules are api.domain.escalation's.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from api.auth.principal import Principal
from api.auth.store import confirm_token_live, where_token_live
from api.db import utcnow
from api.domain.consultation_status import ConsultationAction, ConsultationStatus, ReviewDecision, transition
from api.domain.eligibility import (
    ACTION_BY_OUTCOME,
    EligibilityResult,
    LatestScreening,
    check_consultation_request,
    evaluate_eligibility,
)
from api.domain.escalation import ContactOutcome, check_clearance, require_psychiatrist
from api.domain.reference import age_on
from api.domain.webhooks import EventType
from api.errors import Forbidden, NotFound
from api.events.outbox import emit
from api.models import Consultation, FollowUpPlan, Patient, Provider, Screening
from api.models.resources import new_id_for
from api.services.access import prepared, require_kind, scope_consultations, scope_parameters
from api.services.appointments import release_booking
from api.services.escalations import acknowledge, open_escalation
from api.services.inputs import ConsultationRequest
from api.services.paging import Page, PageRequest, fetch_page
from api.services.patients import accepted_consent_types, get_patient
from api.services.precondition import Precondition

# Statuses in which a newer screening still changes the decision (clinical-rules.md §2).
REEVALUATED_STATUSES = frozenset({ConsultationStatus.SUBMITTED, ConsultationStatus.AWAITING_REVIEW})


class ConsultationNotFound(NotFound):
    title = "Consultation not found"


def get_consultation(
    session: Session, principal: Principal, consultation_id: str, *, for_update: bool = False
) -> Consultation:
    """The consultation, if ``principal`` may see it (404 otherwise).

    ``for_update`` locks its row until the transaction ends (PostgreSQL; SQLite serialises writers anyway),
    so that concurrent changes to one consultation (two last screenings, a cancel racing a review) apply
    one after the other, each on the other's result, instead of one silently undoing the other.
    """
    stmt = prepared("consultation_by_id", principal, _consultation_by_id)
    if for_update:
        stmt = stmt.with_for_update(of=Consultation)
    consultation: Consultation | None = session.scalar(
        stmt, {"consultation_id": consultation_id, **scope_parameters(principal)}
    )
    if consultation is None:
        raise ConsultationNotFound(f"No consultation {consultation_id}.")
    confirm_token_live(session, principal.token_id)  # the statement found the row only if the token is live
    return consultation


def read_consultation(session: Session, principal: Principal, consultation_id: str) -> Consultation:
    """The consultation as ``GET /v1/consultations/{id}`` shows it, if ``principal`` may see it (404
    otherwise): with its escalations and its visit, in one statement (loaded on their own, they are two
    more round trips), built once per kind of principal (``prepared``)."""
    stmt = prepared("consultation_shown", principal, _consultation_shown)
    parameters = {"consultation_id": consultation_id, **scope_parameters(principal)}
    consultation: Consultation | None = session.execute(stmt, parameters).unique().scalar_one_or_none()
    if consultation is None:
        raise ConsultationNotFound(f"No consultation {consultation_id}.")
    confirm_token_live(session, principal.token_id)  # the statement found the row only if the token is live
    return consultation


def _consultation_by_id(principal: Principal) -> Select[Any]:
    stmt = scope_consultations(select(Consultation), principal).where(
        Consultation.id == bindparam("consultation_id")
    )
    # The request's token checked in the same statement (its operation's boundary then reads it no more).
    return where_token_live(stmt, principal.token_id)


def _consultation_shown(principal: Principal) -> Select[Any]:
    return _consultation_by_id(principal).options(
        joinedload(Consultation.escalations), joinedload(Consultation.visit)
    )


def change_status(
    session: Session, consultation: Consultation, action: ConsultationAction, **facts: Any
) -> None:
    """Apply ``action`` through the state machine (409 ``invalid_transition`` when refused).

    A self-transition (``reschedule``, a repeated ``require_review``) changes nothing and emits nothing.
    """
    previous = consultation.status
    consultation.status = transition(previous, action)
    if consultation.status != previous:
        emit(
            session,
            partner_id=consultation.partner_id,
            type=EventType.CONSULTATION_STATUS_CHANGED,
            object_type="consultation",
            object_id=consultation.id,
            previous_status=previous,
            status=consultation.status,
            **facts,
        )


def _today_utc() -> date:
    return utcnow().date()


def create_consultation(session: Session, principal: Principal, data: ConsultationRequest) -> Consultation:
    require_kind(principal, "partner_client", "patient", "admin", action="request consultations")
    patient = get_patient(session, principal, data["patient_id"])
    check_consultation_request(  # 422 patient_underage, consent_required
        age_on(patient.birth_date, _today_utc()), accepted_consent_types(session, patient.id)
    )
    consultation = Consultation(
        id=new_id_for(Consultation),  # known before the INSERT: the event names it, and one flush writes all
        partner_id=patient.partner_id,
        patient_id=patient.id,
        status=ConsultationStatus.SUBMITTED,
        conditions=list(dict.fromkeys(data["conditions"])),
        patient_location_state=data["patient_location_state"],
        preferred_language=data.get("preferred_language") or patient.preferred_language,
        preferred_routes=list(dict.fromkeys(data.get("preferred_routes") or [])),
        preferred_times=[
            {"start": _iso(window["start"]), "end": _iso(window["end"])}
            for window in data.get("preferred_times") or []
        ],
        notes=data.get("notes"),
        created_by_client_id=principal.client_id,
    )
    # A consultation just created has no screenings yet: decided on none (it waits for them), without
    # asking the database.
    _store_eligibility(consultation, _decide(consultation, patient, latest_screenings={}))
    # Nor escalations or a visit: known empty, so the 201's body does not ask the database for them (two
    # SELECTs a request otherwise, lazily, from inside the dump).
    set_committed_value(consultation, "escalations", [])
    set_committed_value(consultation, "visit", None)
    session.add(consultation)
    emit(
        session,
        partner_id=consultation.partner_id,
        type=EventType.CONSULTATION_CREATED,
        object_type="consultation",
        object_id=consultation.id,
        status=consultation.status,
    )
    session.flush()
    return consultation


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def list_consultations(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[Consultation]:
    stmt = scope_consultations(select(Consultation), principal)
    if filters.get("patient_id"):
        stmt = stmt.where(Consultation.patient_id == filters["patient_id"])
    if filters.get("provider_id"):
        stmt = stmt.where(Consultation.provider_id == filters["provider_id"])
    if filters.get("status"):
        stmt = stmt.where(Consultation.status.in_(filters["status"]))
    if filters.get("created_after"):
        stmt = stmt.where(Consultation.created_at > filters["created_after"])
    return fetch_page(session, stmt, Consultation, page)


def cancel_consultation(
    session: Session,
    principal: Principal,
    consultation_id: str,
    reason: str | None,
    *,
    precondition: Precondition[Consultation],
) -> Consultation:
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    if principal.kind == "provider" and consultation.provider_id != principal.provider_id:
        raise Forbidden("A provider may cancel only consultations assigned to them.")
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.CANCEL)
    release_booking(session, consultation)
    consultation.cancellation_reason = reason
    consultation.cancelled_at = utcnow()
    session.flush()
    return consultation


def review_consultation(
    session: Session,
    principal: Principal,
    consultation_id: str,
    decision: ReviewDecision,
    note: str,
    *,
    safety_plan_documented: bool | None = None,
    precondition: Precondition[Consultation],
) -> Consultation:
    """A clinician's decision on a case eligibility flagged for review (approve -> ready, decline).

    [2e] An ``escalated`` case is decided by a psychiatrist only (``_clear_escalated``)."""
    # Looked up before the role check: another tenant's case is 404 (never 403) to every caller.
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    require_kind(principal, "provider", "admin", action="review consultations")
    precondition(consultation)
    if consultation.status == ConsultationStatus.ESCALATED:
        _clear_escalated(session, principal, consultation, decision, safety_plan_documented)
    action = ConsultationAction.APPROVE if decision == ReviewDecision.APPROVE else ConsultationAction.DECLINE
    change_status(session, consultation, action, review_decision=decision)
    consultation.review_decision = decision
    consultation.review_note = note
    consultation.reviewed_by = principal.provider_id or principal.actor_id
    consultation.reviewed_at = utcnow()
    session.flush()
    return consultation


def _clear_escalated(
    session: Session,
    principal: Principal,
    consultation: Consultation,
    decision: ReviewDecision,
    safety_plan_documented: bool | None,
) -> None:
    """A psychiatrist's decision on an escalated case (clinical-rules.md §2 [2e]): anyone else, an admin
    included, 403 ``psychiatrist_required``. Approving needs the escalation acknowledged, a safety plan and
    every screening, and no absolute contraindication once the crisis is cleared; the eligibility so computed
    (the relative reasons, the C-SSRS ``high`` among them) is stored on the case for the note to address."""
    provider = session.get(Provider, principal.provider_id) if principal.provider_id else None
    require_psychiatrist(
        principal_kind=principal.kind,
        credential=provider.credential if provider else None,
        specialties=provider.specialties if provider else (),
    )
    if decision != ReviewDecision.APPROVE:
        return
    result = _decide(
        consultation,
        _patient_of(session, consultation),
        _latest_screenings(session, consultation.id),
        crisis_cleared=True,
    )
    escalation = consultation.escalation
    check_clearance(
        safety_plan_documented=safety_plan_documented,
        escalation_acknowledged=escalation is not None and escalation.acknowledged_at is not None,
        eligibility=result,
    )
    _store_eligibility(consultation, result)
    consultation.safety_plan_documented = True


def acknowledge_escalation(
    session: Session,
    principal: Principal,
    consultation_id: str,
    *,
    note: str,
    contact_outcome: ContactOutcome,
    precondition: Precondition[Consultation],
) -> Consultation:
    """A provider records the urgent contact with an escalated patient (clinical-rules.md §2 [2e]): 403 for
    a partner or an admin, 409 ``already_acknowledged`` the second time, 409 ``not_escalated`` for a case
    never escalated."""
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    precondition(consultation)
    acknowledge(session, principal, consultation.escalation, note=note, contact_outcome=contact_outcome)
    # The case changed (its ``escalation`` says so): the audit trail and ``updated_at`` name it.
    consultation.updated_at = utcnow()
    session.flush()
    return consultation


# Where a new crisis on an approved case escalates it again; later, the clinician is with the patient.
RE_ESCALATED_STATUSES = frozenset({ConsultationStatus.READY, ConsultationStatus.SCHEDULED})


def respond_to_crisis(session: Session, consultation: Consultation, screening: Screening) -> None:
    """A C-SSRS ``high`` for the consultation, once its eligibility was decided again (clinical-rules.md §2).

    An escalated case gets its escalation (a new one if the last was acknowledged: a new crisis needs a new
    contact). An approved case with no plan yet is escalated again: from ``ready`` or ``scheduled`` its
    status goes back to ``escalated`` (the booking released) for a psychiatrist to clear again; from
    ``in_progress`` or ``completed`` the status stays and a new escalation is opened, to acknowledge. Any
    other case keeps its status (the caller flags the screening)."""
    status = consultation.status
    if status != ConsultationStatus.ESCALATED:
        approved = consultation.review_decision == ReviewDecision.APPROVE
        if not approved or _has_plan(session, consultation):
            return
        if status in RE_ESCALATED_STATUSES:
            change_status(session, consultation, ConsultationAction.ESCALATE, eligibility_outcome="escalate")
            release_booking(session, consultation)
            _store_eligibility(
                consultation, _evaluate(session, consultation, _patient_of(session, consultation))
            )
        elif status not in (ConsultationStatus.IN_PROGRESS, ConsultationStatus.COMPLETED):
            return
    open_escalation(session, screening=screening, consultation=consultation)
    session.expire(consultation, ["escalations"])


def _has_plan(session: Session, consultation: Consultation) -> bool:
    return (
        session.scalar(select(FollowUpPlan.id).where(FollowUpPlan.consultation_id == consultation.id))
        is not None
    )


def _patient_of(session: Session, consultation: Consultation) -> Patient:
    patient = session.get(Patient, consultation.patient_id)
    assert patient is not None  # a consultation's patient is a foreign key
    return patient


def get_eligibility(session: Session, principal: Principal, consultation_id: str) -> dict[str, Any]:
    consultation = get_consultation(session, principal, consultation_id)
    return eligibility_view(consultation)


def eligibility_view(consultation: Consultation) -> dict[str, Any]:
    stored = consultation.eligibility or {}
    return {
        "consultation_id": consultation.id,
        "consultation_status": consultation.status,
        "outcome": consultation.eligibility_outcome,
        "reasons": stored.get("reasons", []),
        "missing_screenings": stored.get("missing_screenings", []),
        "crisis_resources": stored.get("crisis_resources", []),
        "considerations": stored.get("considerations", []),
        "evaluated_at": consultation.eligibility_evaluated_at,
    }


def _latest_screenings(session: Session, consultation_id: str) -> dict[str, LatestScreening]:
    """The latest answer per instrument (by completion time, then by arrival) for the consultation."""
    rows = session.execute(
        select(Screening.instrument, Screening.id, Screening.answers)
        .where(Screening.consultation_id == consultation_id)
        .order_by(Screening.completed_at, Screening.created_at, Screening.id)
    )
    latest: dict[str, LatestScreening] = {}
    for instrument, screening_id, answers in rows:
        latest[instrument] = LatestScreening(id=screening_id, answers=answers)
    return latest


def _evaluate(session: Session, consultation: Consultation, patient: Patient) -> EligibilityResult:
    return _decide(consultation, patient, _latest_screenings(session, consultation.id))


def _decide(
    consultation: Consultation,
    patient: Patient,
    latest_screenings: dict[str, LatestScreening],
    *,
    crisis_cleared: bool = False,
) -> EligibilityResult:
    return evaluate_eligibility(
        conditions=consultation.conditions,
        age_years=age_on(patient.birth_date, _today_utc()),
        latest_screenings=latest_screenings,
        crisis_cleared=crisis_cleared,
    )


def _store_eligibility(consultation: Consultation, result: EligibilityResult) -> None:
    consultation.eligibility_outcome = result.outcome
    consultation.eligibility = {
        "reasons": [asdict(reason) for reason in result.reasons],
        "missing_screenings": [str(instrument) for instrument in result.missing_screenings],
        "crisis_resources": [asdict(resource) for resource in result.crisis_resources],
        "considerations": [asdict(consideration) for consideration in result.considerations],
    }
    consultation.eligibility_evaluated_at = utcnow()


def reevaluate_eligibility(session: Session, consultation: Consultation, patient: Patient) -> bool:
    """Decide again after a new screening, while the decision is still open; True when it was.

    From ``ready`` on, the stored decision and the status stay as they were (the caller still flags a
    crisis). The caller commits.
    """
    if consultation.status not in REEVALUATED_STATUSES:
        return False
    result = _evaluate(session, consultation, patient)
    _store_eligibility(consultation, result)
    action = ACTION_BY_OUTCOME[result.outcome]
    if action is not None:
        change_status(session, consultation, action, eligibility_outcome=str(result.outcome))
    return True
