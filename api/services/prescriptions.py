"""Prescriptions of a plan (clinical-rules.md §5): issued by the plan's provider after every check of
``api.domain.telemedicine.check_prescription``, immutable, cancellable; and the at-home session gate.

``prescription.created`` and ``prescription.cancelled`` carry what an EPCS integration needs to transmit or
cancel it (ids, the dispensing and the pharmacy's NCPDP id), never PHI: it fetches the prescription.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.config import Settings
from api.db import utcnow
from api.domain.plan_status import TERMINAL_STATUSES
from api.domain.protocols import Route
from api.domain.telemedicine import (
    Dispensing,
    HeldPdmpCheck,
    HeldPrescription,
    HeldVisit,
    IssueContext,
    Medication,
    PrescriptionRequest,
    PrescriptionStatus,
    at_home_failures,
    check_prescription,
    raise_failures,
    visit_settings,
)
from api.domain.webhooks import EventType
from api.errors import Conflict, Forbidden, InvalidTransition, NotFound
from api.events.outbox import emit
from api.models import FollowUpPlan, PdmpCheck, Prescription, Provider, Visit
from api.models.resources import new_id_for
from api.services.evaluations import acting_provider, credentials_of, evaluated_in_person, existing_site
from api.services.inputs import PrescriptionBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.plans import get_plan
from api.services.precondition import Precondition
from api.services.visits import visit_of_plan


class PrescriptionNotFound(NotFound):
    title = "Prescription not found"


def issue_prescription(
    session: Session, principal: Principal, plan_id: str, data: PrescriptionBody, *, settings: Settings
) -> Prescription:
    """Issue a prescription on the plan: by the plan's provider (anyone else 403), on an open plan (409
    ``plan_closed``), every check at the server's clock, every failure at once."""
    plan = get_plan(session, principal, plan_id, for_update=True)
    prescriber = acting_provider(session, principal, action="issue prescriptions")
    if plan.provider_id != prescriber.id:
        raise Forbidden("Only the plan's provider issues its prescriptions.")
    if plan.status in TERMINAL_STATUSES:
        raise Conflict(f"The plan is {plan.status}: it takes no new prescription.", code="plan_closed")
    now = utcnow()
    site = existing_site(session, data.get("site_id"), "/site_id")
    visit = visit_of_plan(session, plan, data["visit_id"])
    pdmp = session.get(PdmpCheck, data["pdmp_check_id"])
    if pdmp is not None and pdmp.patient_id != plan.patient_id:
        pdmp = None
    request = PrescriptionRequest(
        medication=Medication(data["medication"]),
        route=Route(data["route"]),
        dose_mg=data["dose_mg"],
        days_supply=data["days_supply"],
        refills=data["refills"],
        dispensing=Dispensing(data["dispensing"]),
        pharmacy_ncpdp_id=data.get("pharmacy_ncpdp_id"),
        site_id=site.id if site else None,
        site_rems_certified=bool(site and site.rems_certified),
    )
    context = IssueContext(
        now=now,
        prescriber=credentials_of(prescriber),
        visit=_held_visit(session, visit, prescriber) if visit else None,
        pdmp_check=_held_pdmp_check(pdmp, prescriber) if pdmp else None,
        in_person_evaluation_on_record=evaluated_in_person(session, prescriber.id, plan.patient_id),
        rules=settings.telemedicine_rules,
        visit_max_age=timedelta(days=settings.prescription_visit_max_age_days),
        pdmp_max_age=timedelta(hours=settings.pdmp_check_max_age_hours),
    )
    decision = check_prescription(request, context)
    # Checked: the visit and the PDMP check are the prescriber's own, of this patient.
    assert visit is not None
    assert pdmp is not None
    prescription = Prescription(
        id=new_id_for(Prescription),
        partner_id=plan.partner_id,
        patient_id=plan.patient_id,
        plan_id=plan.id,
        prescriber_id=prescriber.id,
        visit_id=visit.id,
        medication=request.medication,
        route=request.route,
        dose_mg=request.dose_mg,
        quantity=data["quantity"],
        days_supply=request.days_supply,
        refills=request.refills,
        dispensing=request.dispensing,
        site_id=request.site_id,
        pharmacy_ncpdp_id=request.pharmacy_ncpdp_id,
        pdmp_check_id=pdmp.id,
        pdmp_unverified=decision.pdmp_unverified,
        legal_basis_code=decision.legal_basis.code,
        legal_basis_source=decision.legal_basis.source,
        visit_modality=visit.modality,
        patient_location_state=visit.patient_location_state,
        issued_at=now,
        active_until=decision.active_until,
    )
    session.add(prescription)
    _emit(session, prescription, EventType.PRESCRIPTION_CREATED)
    session.flush()
    return prescription


def _held_visit(session: Session, visit: Visit, prescriber: Provider) -> HeldVisit:
    present = session.get(Provider, visit.present_practitioner_id) if visit.present_practitioner_id else None
    held_on = visit.started_at.date()
    return HeldVisit(
        by_prescriber=visit.provider_id == prescriber.id,
        held_at=visit.started_at,
        modality=visit.modality,
        patient_location_state=visit.patient_location_state,
        settings=visit_settings(
            on=held_on,
            patient_location_state=visit.patient_location_state,
            site_state=visit.patient_site_state,
            prescriber=credentials_of(prescriber),
            present_practitioner=credentials_of(present) if present else None,
        ),
    )


def _held_pdmp_check(check: PdmpCheck, prescriber: Provider) -> HeldPdmpCheck:
    return HeldPdmpCheck(
        by_prescriber=check.provider_id == prescriber.id,
        state=check.state,
        checked_at=check.checked_at,
        result=check.result,
    )


def _emit(session: Session, prescription: Prescription, type: EventType) -> None:
    emit(
        session,
        partner_id=prescription.partner_id,
        type=type,
        object_type="prescription",
        object_id=prescription.id,
        plan_id=prescription.plan_id,
        patient_id=prescription.patient_id,
        prescriber_id=prescription.prescriber_id,
        dispensing=str(prescription.dispensing),
        pharmacy_ncpdp_id=prescription.pharmacy_ncpdp_id,
        status=str(prescription.status),
    )


def list_prescriptions(
    session: Session, principal: Principal, plan_id: str, page: PageRequest
) -> Page[Prescription]:
    plan = get_plan(session, principal, plan_id)
    return fetch_page(
        session, select(Prescription).where(Prescription.plan_id == plan.id), Prescription, page
    )


def get_prescription(
    session: Session, principal: Principal, plan_id: str, prescription_id: str, *, for_update: bool = False
) -> Prescription:
    plan = get_plan(session, principal, plan_id, for_update=for_update)
    prescription = session.get(Prescription, prescription_id)
    if prescription is None or prescription.plan_id != plan.id:
        raise PrescriptionNotFound(f"No prescription {prescription_id} on this plan.")
    return prescription


def cancel_prescription(
    session: Session,
    principal: Principal,
    plan_id: str,
    prescription_id: str,
    reason: str,
    *,
    precondition: Precondition[Prescription],
) -> Prescription:
    """The plan's provider cancels an active prescription, with a reason (anyone else 403; a cancelled or
    expired one: 409 ``invalid_transition``)."""
    prescription = get_prescription(session, principal, plan_id, prescription_id, for_update=True)
    provider = acting_provider(session, principal, action="cancel prescriptions")
    plan = session.get(FollowUpPlan, prescription.plan_id)
    assert plan is not None
    if provider.id != plan.provider_id:
        raise Forbidden("Only the plan's provider cancels its prescriptions.")
    precondition(prescription)
    if prescription.status != PrescriptionStatus.ACTIVE:
        raise InvalidTransition(
            f"The prescription is {prescription.status}: only an active one is cancelled.",
            extra={"current_status": str(prescription.status)},
        )
    prescription.cancelled_at = utcnow()
    prescription.cancelled_by = principal.actor_id
    prescription.cancel_reason = reason.strip()
    _emit(session, prescription, EventType.PRESCRIPTION_CANCELLED)
    session.flush()
    return prescription


# --- the at-home session gate ------------------------------------------------------------------------


def require_at_home_prescription(session: Session, plan: FollowUpPlan, dose_mg: float, now: datetime) -> None:
    """An at-home session (a plan of route oral or sublingual) needs an active oral or sublingual ketamine
    prescription of the plan from a pharmacy, and a dose within it (422 ``prescription_required``,
    ``dose_exceeds_prescription``). Plans of other routes pass."""
    if plan.route not in (Route.ORAL, Route.SUBLINGUAL):
        return
    rows = session.scalars(select(Prescription).where(Prescription.plan_id == plan.id))
    held = [
        HeldPrescription(
            medication=rx.medication,
            route=rx.route,
            dispensing=rx.dispensing,
            dose_mg=rx.dose_mg,
            issued_at=rx.issued_at,
            active_until=rx.active_until,
            cancelled=rx.cancelled_at is not None,
        )
        for rx in rows
    ]
    raise_failures(at_home_failures(held, dose_mg, now), "The at-home session cannot be recorded.")
