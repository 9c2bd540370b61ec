"""Tenancy: what each Principal may see, expressed once as query filters.

Every service builds its queries through these functions, so a partner only ever reaches its own
patients, a patient only themselves, and a provider the patients of consultations assigned to them or
awaiting review in a state where they are licensed.
Another tenant's object is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.auth.principal import Principal, PrincipalKind
from api.db import utcnow
from api.domain.consultation_status import ConsultationStatus
from api.domain.matching import LicenseStatus
from api.errors import FieldError, Forbidden, ValidationFailed
from api.models import Consultation, FollowUpPlan, Partner, Patient, ProviderLicense, Screening


def _provider_patient_ids(principal: Principal) -> Select[Any]:
    """The patients of the consultations a provider sees: assigned to them, or in their review queue
    (a reviewer needs the patient's record and screenings to decide)."""
    return scope_consultations(select(Consultation.patient_id), principal)


def _patient_rows(
    principal: Principal, partner_id: InstrumentedAttribute[str], patient_id: InstrumentedAttribute[str]
) -> ColumnElement[bool] | None:
    """The condition that limits rows carrying ``partner_id`` and ``patient_id`` to ``principal``.

    None means no limit (an admin).
    """
    if principal.is_admin:
        return None
    if principal.kind == "partner_client":
        return partner_id == principal.partner_id
    if principal.kind == "patient":
        return patient_id == principal.patient_id
    if principal.kind == "provider" and principal.provider_id:
        return patient_id.in_(_provider_patient_ids(principal))
    return false()


def scope_patients(stmt: Select[Any], principal: Principal) -> Select[Any]:
    condition = _patient_rows(principal, Patient.partner_id, Patient.id)
    return stmt if condition is None else stmt.where(condition)


def _review_states(principal: Principal) -> Select[Any]:
    """The states where the provider holds an active licence not yet expired (today, UTC)."""
    return select(ProviderLicense.state).where(
        ProviderLicense.provider_id == principal.provider_id,
        ProviderLicense.status == LicenseStatus.ACTIVE,
        ProviderLicense.expires_on >= utcnow().date(),
    )


# The consultations every provider licensed where the patient is sees (the review queue).
REVIEW_QUEUE_STATUSES = (ConsultationStatus.AWAITING_REVIEW, ConsultationStatus.ESCALATED)


def scope_consultations(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A provider sees the consultations assigned to them, not every consultation of their patients,
    and the review queue: cases ``awaiting_review`` or ``escalated`` (clinical-rules.md §2 [2e]: any provider
    may acknowledge the crisis) located where they hold an active, unexpired licence."""
    if principal.kind == "provider":
        if not principal.provider_id:
            return stmt.where(false())
        return stmt.where(
            or_(
                Consultation.provider_id == principal.provider_id,
                and_(
                    Consultation.status.in_(REVIEW_QUEUE_STATUSES),
                    Consultation.patient_location_state.in_(_review_states(principal)),
                ),
            )
        )
    condition = _patient_rows(principal, Consultation.partner_id, Consultation.patient_id)
    return stmt if condition is None else stmt.where(condition)


def scope_screenings(stmt: Select[Any], principal: Principal) -> Select[Any]:
    condition = _patient_rows(principal, Screening.partner_id, Screening.patient_id)
    return stmt if condition is None else stmt.where(condition)


def scope_plans(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A provider sees the plans they own (the assigned provider), as with consultations."""
    if principal.kind == "provider":
        if not principal.provider_id:
            return stmt.where(false())
        return stmt.where(FollowUpPlan.provider_id == principal.provider_id)
    condition = _patient_rows(principal, FollowUpPlan.partner_id, FollowUpPlan.patient_id)
    return stmt if condition is None else stmt.where(condition)


def require_kind(principal: Principal, *kinds: PrincipalKind, action: str) -> None:
    if principal.kind not in kinds:
        raise Forbidden(f"A {principal.kind.replace('_', ' ')} may not {action}.")


def scope_partner_rows(stmt: Select[Any], principal: Principal, partner_id: Any) -> Select[Any]:
    """Rows that belong to a partner as a whole (events, webhook endpoints): a partner's systems see their
    own, an admin all, and nobody else any."""
    if principal.is_admin:
        return stmt
    if principal.kind == "partner_client" and principal.partner_id:
        return stmt.where(partner_id == principal.partner_id)
    return stmt.where(false())


def owning_partner(session: Session, principal: Principal, requested: str | None, *, what: str) -> str:
    """The partner a new partner-owned row belongs to: a partner's own (naming another is 422), or the one
    a platform admin names (required, and it must exist)."""
    if principal.is_admin:
        if not requested or session.get(Partner, requested) is None:
            raise ValidationFailed(
                "A platform admin must name an existing partner.",
                errors=[FieldError("/partner_id", "required", f"Name the partner that owns this {what}.")],
            )
        return requested
    if requested not in (None, principal.partner_id) or principal.partner_id is None:
        raise ValidationFailed(
            errors=[FieldError("/partner_id", "invalid", f"A partner creates {what}s for itself only.")]
        )
    return principal.partner_id
