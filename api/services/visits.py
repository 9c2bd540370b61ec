"""Visits: the consultation's (started and completed by its assigned clinician) and follow-up visits on a
plan. Each records how it was held, where the patient was, who was with them and that their identity was
verified (clinical-rules.md §5), checked by ``api.domain.telemedicine.check_visit``."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.consultation_status import ConsultationAction, VisitOutcome
from api.domain.telemedicine import IdentityMethod, Modality, VisitFacts, check_visit
from api.errors import FieldError, NotFound, ValidationFailed
from api.models import Consultation, FollowUpPlan, Provider, Visit
from api.services.access import require_kind
from api.services.appointments import release_place
from api.services.booking import booked_appointment
from api.services.consultations import change_status, get_consultation
from api.services.evaluations import acting_provider, credentials_of, existing_site, record_visit_evaluation
from api.services.inputs import VisitBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.plans import get_plan
from api.services.precondition import Precondition


def start_visit(
    session: Session,
    principal: Principal,
    consultation_id: str,
    data: VisitBody,
    *,
    precondition: Precondition[Consultation],
) -> Consultation:
    """The assigned clinician starts the visit: ``scheduled`` -> ``in_progress``, its visit recorded.
    Starting a visit is a provider's act (an admin: 403): the clinician confirms where the patient is and
    who they are."""
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    provider = acting_provider(session, principal, action="start visits")
    _require_assigned(consultation, principal, consultation_id)
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.START)
    now = utcnow()
    visit = _new_visit(session, provider, data, consultation_state=consultation.patient_location_state)
    visit.partner_id, visit.patient_id = consultation.partner_id, consultation.patient_id
    visit.consultation_id = consultation.id
    visit.started_at = now
    session.add(visit)
    consultation.started_at = now
    session.flush()
    session.refresh(consultation, ["visit"])
    return consultation


def complete_visit(
    session: Session,
    principal: Principal,
    consultation_id: str,
    outcome: VisitOutcome,
    summary: str,
    *,
    precondition: Precondition[Consultation],
) -> Consultation:
    """``in_progress`` -> ``completed`` with the clinician's outcome; frees the provider's place. A
    completed in-person visit records an in-person evaluation by its provider."""
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    require_kind(principal, "provider", "admin", action="complete visits")
    _require_assigned(consultation, principal, consultation_id)
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.COMPLETE, outcome=outcome)
    now = utcnow()
    consultation.outcome = outcome
    consultation.summary = summary
    consultation.completed_at = now
    visit = consultation.visit  # None for a visit started before visits were recorded
    if visit is not None:
        visit.completed_at = now
        if visit.modality == Modality.IN_PERSON:
            record_visit_evaluation(session, visit, now.date())
    appointment = booked_appointment(session, consultation)
    appointment.status = AppointmentStatus.COMPLETED
    release_place(session, appointment.provider_id)
    session.flush()
    return consultation


def _require_assigned(consultation: Consultation, principal: Principal, consultation_id: str) -> None:
    # Looked up before the role check: another tenant's case is 404 (never 403) to every caller.
    if principal.kind == "provider" and consultation.provider_id != principal.provider_id:
        # A reviewer may see a case in the review queue; only the assigned clinician runs the visit.
        raise NotFound(f"No consultation {consultation_id} assigned to you.")


# --- follow-up visits on a plan -----------------------------------------------------------------------


def record_plan_visit(session: Session, principal: Principal, plan_id: str, data: VisitBody) -> Visit:
    """A follow-up visit held now by the plan's provider, with the checks of a consultation's visit; an
    in-person one records an in-person evaluation."""
    plan = get_plan(session, principal, plan_id)
    provider = acting_provider(session, principal, action="record visits")
    consultation = session.get(Consultation, plan.consultation_id)
    assert consultation is not None  # a plan's consultation is never deleted
    visit = _new_visit(session, provider, data, consultation_state=consultation.patient_location_state)
    now = utcnow()
    visit.partner_id, visit.patient_id, visit.plan_id = plan.partner_id, plan.patient_id, plan.id
    visit.note = data["note"].strip() or None
    visit.started_at = visit.completed_at = now
    session.add(visit)
    session.flush()
    if visit.modality == Modality.IN_PERSON:
        record_visit_evaluation(session, visit, now.date())
        session.flush()
    return visit


def list_plan_visits(session: Session, principal: Principal, plan_id: str, page: PageRequest) -> Page[Visit]:
    """The plan's follow-up visits and its consultation's visit: the visits a prescription may follow."""
    plan = get_plan(session, principal, plan_id)
    stmt = select(Visit).where(or_(Visit.plan_id == plan.id, Visit.consultation_id == plan.consultation_id))
    return fetch_page(session, stmt, Visit, page)


def visit_of_plan(session: Session, plan: FollowUpPlan, visit_id: str) -> Visit | None:
    """The visit ``visit_id`` if it is one of the plan's patient's (a consultation's or a plan's), else
    None."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.patient_id != plan.patient_id:
        return None
    return visit


def _new_visit(session: Session, provider: Provider, data: VisitBody, *, consultation_state: str) -> Visit:
    """A visit by ``provider`` as ``data`` describes it, every rule checked (all failures at once)."""
    site = existing_site(session, data.get("patient_site_id"), "/patient_site_id")
    present = _present_practitioner(session, data.get("present_practitioner_id"))
    now = utcnow()
    facts = VisitFacts(
        modality=Modality(data["modality"]),
        patient_location_state=data["patient_location_state"],
        consultation_state=consultation_state,
        identity_verified=data["identity_verified"],
        provider=credentials_of(provider),
        on=now.date(),
        site_state=site.state if site else None,
        present_practitioner=credentials_of(present) if present else None,
    )
    check_visit(facts)
    return Visit(
        provider_id=provider.id,
        modality=facts.modality,
        patient_location_state=facts.patient_location_state,
        patient_site_id=site.id if site else None,
        patient_site_state=site.state if site else None,
        present_practitioner_id=present.id if present else None,
        identity_verified=True,
        identity_method=IdentityMethod(data["identity_method"]),
    )


def _present_practitioner(session: Session, provider_id: str | None) -> Provider | None:
    if provider_id is None:
        return None
    provider = session.get(Provider, provider_id)
    if provider is None:
        message = f"No provider {provider_id}."
        raise ValidationFailed(message, errors=[FieldError("/present_practitioner_id", "not_found", message)])
    return provider
