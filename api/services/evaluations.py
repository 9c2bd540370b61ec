"""In-person evaluations and PDMP checks of a patient (clinical-rules.md §5): a provider's own records.

Both are written by a provider only (a partner's systems and an admin: 403), about a patient the provider
sees (another's: 404), and read by whoever may read the patient.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain import matching
from api.domain.telemedicine import Credentials, PdmpResult, evaluation_failures, pdmp_check_failures
from api.errors import FieldError, Forbidden, ValidationFailed
from api.models import InPersonEvaluation, PdmpCheck, PracticeSite, Provider, Visit
from api.services.access import require_kind
from api.services.inputs import InPersonEvaluationBody, PdmpCheckBody
from api.services.paging import Page, PageRequest, fetch_page
from api.services.patients import get_patient


def credentials_of(provider: Provider) -> Credentials:
    """A provider's licences and DEA registrations as the telemedicine rules read them."""
    return Credentials(
        licenses=tuple(
            matching.StateLicense(row.state, row.status, row.expires_on) for row in provider.license_rows
        ),
        dea_registrations=tuple(
            matching.DeaRegistration(row.state, frozenset(row.schedules), row.expires_on)
            for row in provider.dea_rows
        ),
    )


def acting_provider(session: Session, principal: Principal, *, action: str) -> Provider:
    """The provider a principal is, for a provider's act (anyone else: 403)."""
    require_kind(principal, "provider", action=action)
    provider = session.get(Provider, principal.provider_id) if principal.provider_id else None
    if provider is None:
        raise Forbidden(f"Only a provider may {action}.")
    return provider


def existing_site(session: Session, site_id: str | None, pointer: str) -> PracticeSite | None:
    """The practice site an id names (any provider's), None for no id; 422 for an id naming none."""
    if site_id is None:
        return None
    site = session.get(PracticeSite, site_id)
    if site is None:
        message = f"No practice site {site_id}."
        raise ValidationFailed(message, errors=[FieldError(pointer, "not_found", message)])
    return site


# --- in-person evaluations ----------------------------------------------------------------------------


def record_evaluation(
    session: Session, principal: Principal, patient_id: str, data: InPersonEvaluationBody
) -> InPersonEvaluation:
    """The examining provider records their own in-person evaluation (829(e)(2)(B): "in the physical
    presence of the practitioner"): naming another provider is 403, whoever asks."""
    patient = get_patient(session, principal, patient_id)
    provider = acting_provider(session, principal, action="record in-person evaluations")
    if data.get("provider_id", provider.id) != provider.id:
        raise Forbidden(
            "An in-person evaluation is recorded by the provider who examined the patient, for themself."
        )
    errors = evaluation_failures(evaluated_on=data["evaluated_on"], today=utcnow().date())
    if errors:
        raise ValidationFailed("The evaluation is invalid.", errors=errors)
    site = existing_site(session, data.get("site_id"), "/site_id")
    evaluation = InPersonEvaluation(
        partner_id=patient.partner_id,
        patient_id=patient.id,
        provider_id=provider.id,
        evaluated_on=data["evaluated_on"],
        site_id=site.id if site else None,
        note=data["note"].strip() or None,
    )
    session.add(evaluation)
    session.flush()
    return evaluation


def record_visit_evaluation(session: Session, visit: Visit, on: date) -> InPersonEvaluation:
    """A completed in-person visit is an in-person evaluation by its provider (clinical-rules.md §5)."""
    evaluation = InPersonEvaluation(
        partner_id=visit.partner_id,
        patient_id=visit.patient_id,
        provider_id=visit.provider_id,
        evaluated_on=on,
        site_id=visit.patient_site_id,
        visit_id=visit.id,
        note=None,
    )
    session.add(evaluation)
    return evaluation


def list_evaluations(
    session: Session, principal: Principal, patient_id: str, page: PageRequest
) -> Page[InPersonEvaluation]:
    patient = get_patient(session, principal, patient_id)
    stmt = select(InPersonEvaluation).where(InPersonEvaluation.patient_id == patient.id)
    return fetch_page(session, stmt, InPersonEvaluation, page)


def evaluated_in_person(session: Session, provider_id: str, patient_id: str) -> bool:
    """Whether ``provider_id`` has an in-person evaluation of the patient on record (any date)."""
    stmt = select(InPersonEvaluation.id).where(
        InPersonEvaluation.provider_id == provider_id, InPersonEvaluation.patient_id == patient_id
    )
    return session.scalar(stmt.limit(1)) is not None


# --- PDMP checks ----------------------------------------------------------------------------------------


def record_pdmp_check(
    session: Session, principal: Principal, patient_id: str, data: PdmpCheckBody
) -> PdmpCheck:
    patient = get_patient(session, principal, patient_id)
    provider = acting_provider(session, principal, action="record PDMP checks")
    result = PdmpResult(data["result"])
    note = (data.get("note") or "").strip() or None
    errors = pdmp_check_failures(result=result, note=note, checked_at=data["checked_at"], now=utcnow())
    if errors:
        raise ValidationFailed("The PDMP check is invalid.", errors=errors)
    check = PdmpCheck(
        partner_id=patient.partner_id,
        patient_id=patient.id,
        provider_id=provider.id,
        state=data["state"],
        checked_at=data["checked_at"],
        result=result,
        note=note,
    )
    session.add(check)
    session.flush()
    return check


def list_pdmp_checks(
    session: Session, principal: Principal, patient_id: str, page: PageRequest
) -> Page[PdmpCheck]:
    patient = get_patient(session, principal, patient_id)
    return fetch_page(session, select(PdmpCheck).where(PdmpCheck.patient_id == patient.id), PdmpCheck, page)
