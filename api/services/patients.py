"""Patients, their consents and invitations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal, PrincipalKind
from api.auth.secrets import digest
from api.auth.store import confirm_token_live, where_token_live
from api.db import utcnow
from api.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from api.ids import random_secret
from api.models import Consent, Invitation, Patient, User
from api.services.access import (
    owning_partner,
    prepared,
    prepared_direct,
    require_kind,
    scope_parameters,
    scope_patients,
)
from api.services.inputs import NewConsent, NewPatient, PatientChanges
from api.services.integrity import constraint_violations
from api.services.paging import Page, PageRequest, fetch_page
from api.services.precondition import Precondition

_ADDRESS_COLUMNS = {
    "line1": "address_line1",
    "city": "address_city",
    "state": "address_state",
    "postal_code": "address_postal_code",
}
# What a patient may change on their own record; the partner owns identity and demographics.
PATIENT_SELF_EDITABLE = frozenset({"email", "phone", "preferred_language", "address", "timezone"})


class PatientNotFound(NotFound):
    title = "Patient not found"


def _apply(patient: Patient, changes: PatientChanges) -> None:
    for name, value in changes.items():
        if name == "address":
            address = changes["address"]
            for key, column in _ADDRESS_COLUMNS.items():
                setattr(patient, column, address.get(key) if address else None)
        elif name == "email":
            patient.email = changes["email"].lower() if changes["email"] else None
        else:
            setattr(patient, name, value)


# The unique constraint a patient write may hit, and what it means to the client (409).
UNIQUE_PATIENT_FIELDS = {
    "uq_patients_partner_id_external_id": lambda: Conflict(
        "Another patient of this partner already has this external_id.",
        code="external_id_taken",
        errors=[FieldError("/external_id", "external_id_taken", "Already used by another patient.")],
    )
}


def _flush_unique(session: Session) -> None:
    with constraint_violations(UNIQUE_PATIENT_FIELDS):
        session.flush()


def get_patient(
    session: Session, principal: Principal, patient_id: str, *, for_update: bool = False
) -> Patient:
    """The patient, if ``principal`` may see them (404 otherwise). ``for_update`` locks the row until the
    transaction ends (PostgreSQL; SQLite writers hold the database's write lock from BEGIN IMMEDIATE), so an
    If-Match checked after it holds until the write: of N concurrent PATCHes with one ETag, one wins. The lock
    is ``FOR NO KEY UPDATE``, as ``lock_patient``'s (which says why). The statement is built once per kind of
    principal (``prepared``): this is the read partners make most."""
    stmt = prepared("patient_by_id", principal, _patient_by_id)
    if for_update:
        stmt = stmt.with_for_update(of=Patient, key_share=True)
    patient: Patient | None = session.scalar(stmt, {"patient_id": patient_id, **scope_parameters(principal)})
    if patient is None:
        raise PatientNotFound(f"No patient {patient_id}.")
    confirm_token_live(session, principal.token_id)  # the statement found the row only if the token is live
    return patient


def read_patient(session: Session, principal: Principal, patient_id: str) -> Patient:
    """``get_patient`` for ``GET /v1/patients/{id}``, the read partners make most: the same statement, read
    past the ORM (``DirectRead``, api/db.py). The patient returned is for representing: it is not attached
    to ``session``; a write reads it through ``get_patient``."""
    read = prepared_direct("patient_by_id", principal, _patient_by_id, Patient, session)
    patient = read.one_or_none(session, {"patient_id": patient_id, **scope_parameters(principal)})
    if patient is None:
        raise PatientNotFound(f"No patient {patient_id}.")
    confirm_token_live(session, principal.token_id)  # the statement found the row only if the token is live
    return patient


def _patient_by_id(principal: Principal) -> Select[Any]:
    stmt = scope_patients(select(Patient), principal).where(Patient.id == bindparam("patient_id"))
    # The request's token checked in the same statement (its operation's boundary then reads it no more).
    return where_token_live(stmt, principal.token_id)


def create_patient(session: Session, principal: Principal, data: NewPatient) -> Patient:
    require_kind(principal, "partner_client", "admin", action="create patients")
    data = data.copy()
    partner_id = owning_partner(session, principal, data.pop("partner_id", None), what="patient")
    patient = Patient(partner_id=partner_id)
    _apply(patient, data)
    session.add(patient)
    _flush_unique(session)
    return patient


def list_patients(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[Patient]:
    stmt = scope_patients(select(Patient), principal)
    if filters.get("external_id"):
        stmt = stmt.where(Patient.external_id == filters["external_id"])
    if filters.get("email"):
        stmt = stmt.where(Patient.email == filters["email"].lower())
    return fetch_page(session, stmt, Patient, page)


def update_patient(
    session: Session,
    principal: Principal,
    patient_id: str,
    changes: PatientChanges,
    *,
    precondition: Precondition[Patient],
) -> Patient:
    """``precondition`` checks the caller's If-Match against the current representation, locked."""
    patient = get_patient(session, principal, patient_id, for_update=True)
    precondition(patient)
    if principal.kind == "patient":
        refused = sorted(set(changes) - PATIENT_SELF_EDITABLE)
        if refused:
            raise ValidationFailed(
                "A patient may change only their contact details.",
                errors=[
                    FieldError(f"/{f}", "read_only", "Only your care partner can change this.")
                    for f in refused
                ],
            )
    elif principal.kind not in ("partner_client", "admin"):
        raise PatientNotFound(f"No patient {patient_id}.")
    _apply(patient, changes)
    _flush_unique(session)
    return patient


# [2e] Who records a Spravato REMS enrolment: the partner (its enrolment workflow), a provider, an admin.
REMS_ENROLLMENT_RECORDERS: tuple[PrincipalKind, ...] = ("partner_client", "provider", "admin")


def record_rems_enrollment(
    session: Session, principal: Principal, patient_id: str, data: dict[str, Any]
) -> Patient:
    """``PUT /v1/patients/{id}/rems-enrollment``: the patient's Spravato REMS enrolment, replaced as a whole.
    An intranasal plan is activated only with one on record (clinical-rules.md §4 [2e])."""
    patient = get_patient(session, principal, patient_id, for_update=True)
    require_kind(principal, *REMS_ENROLLMENT_RECORDERS, action="record REMS enrolments")
    if data["enrolled_on"] > utcnow().date():
        message = "enrolled_on must not be in the future."
        raise ValidationFailed(message, errors=[FieldError("/enrolled_on", "in_future", message)])
    enrollment_id = data["enrollment_id"].strip()
    if not enrollment_id:
        message = "enrollment_id must not be blank."
        raise ValidationFailed(message, errors=[FieldError("/enrollment_id", "required", message)])
    patient.rems_enrolled_on = data["enrolled_on"]
    patient.rems_enrollment_id = enrollment_id
    patient.updated_at = utcnow()
    session.flush()
    return patient


def record_consent(session: Session, principal: Principal, patient_id: str, data: NewConsent) -> Consent:
    patient = get_patient(session, principal, patient_id)
    if data["accepted_at"] > utcnow() + timedelta(minutes=5):
        raise ValidationFailed(errors=[FieldError("/accepted_at", "in_future", "Must not be in the future.")])
    consent = Consent(patient_id=patient.id, recorded_by_client_id=principal.client_id, **data)
    session.add(consent)
    session.flush()
    return consent


def lock_patient(session: Session, patient_id: str) -> None:
    """Lock the patient's row until the transaction ends: the one lock, taken first, of every change whose
    outcome depends on the patient's consents and plans together (withdrawing a consent holds the active
    plans; activating a plan checks the consents). Taken in that order, patient then plan, by both, they run
    one after the other and each sees what the other committed (issue 22: a withdrawal racing a resume left an
    esketamine plan active with no consent). SQLite writers are serialised from BEGIN anyway.

    ``FOR NO KEY UPDATE`` (PostgreSQL), not ``FOR UPDATE``: it excludes every other such lock of the patient
    and every change to their row, but not the foreign-key checks (``FOR KEY SHARE``) of rows written about
    the patient. A check-in locks its plan and then inserts the patient's screening; under ``FOR UPDATE`` a
    withdrawal or a resume holding the patient and waiting for that plan deadlocked with it (a 503)."""
    session.execute(select(Patient.id).where(Patient.id == patient_id).with_for_update(key_share=True))


def accepted_consent_types(session: Session, patient_id: str) -> set[str]:
    """The consent types the patient has accepted and not withdrawn (consents are append-only: a consent
    given again after a withdrawal is a new record, and counts)."""
    return set(
        session.scalars(
            select(Consent.type).where(Consent.patient_id == patient_id, Consent.withdrawn_at.is_(None))
        )
    )


def list_consents(
    session: Session, principal: Principal, patient_id: str, page: PageRequest
) -> Page[Consent]:
    patient = get_patient(session, principal, patient_id)
    return fetch_page(session, select(Consent).where(Consent.patient_id == patient.id), Consent, page)


class PatientAlreadyActive(Conflict):
    code, title = "patient_already_active", "Patient already active"


def create_invitation(
    session: Session, principal: Principal, patient_id: str, ttl_seconds: int
) -> tuple[Invitation, str]:
    """A one-time activation token for the patient; only its digest is stored. It supersedes every earlier
    invitation of the patient (their links stop working). A patient who already has a sign-in account is not
    invited again (409): an invitation creates the account, it never resets a password, since whoever holds
    the link (the partner's backend, anyone it is forwarded to) would take the account over."""
    require_kind(principal, "partner_client", "admin", action="invite patients")
    # Locked: invitations of one patient are created and spent one at a time (api.services.accounts).
    patient = get_patient(session, principal, patient_id, for_update=True)
    if not patient.email:
        raise RuleViolation(
            "The patient needs an email address to sign in; add one first.", code="email_required"
        )
    if has_sign_in_account(session, patient.id):
        raise PatientAlreadyActive(
            "This patient already has a sign-in account; they sign in with their password.",
        )
    spend_invitations(session, patient.id)
    token = random_secret(32)
    invitation = Invitation(
        patient_id=patient.id,
        token_digest=digest(token),
        expires_at=utcnow() + timedelta(seconds=ttl_seconds),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def has_sign_in_account(session: Session, patient_id: str) -> bool:
    return session.scalar(select(User.id).where(User.patient_id == patient_id)) is not None


def spend_invitations(session: Session, patient_id: str) -> None:
    """Every unused invitation of the patient stops working (marked used: superseded or spent)."""
    session.execute(
        update(Invitation)
        .where(Invitation.patient_id == patient_id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    )
