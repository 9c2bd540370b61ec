"""A patient withdraws a consent: it no longer counts, and treatment that needs it stops at once.

Consents are append-only records; withdrawing sets ``withdrawn_at`` on the named record and on any other
record of the same type still in force, since the patient withdraws the consent, not one version of its
text. Without ``telehealth`` no new consultation is requested (``check_consultation_request``); without
``ketamine_treatment`` the patient's active plans are put on hold in the same transaction, their pending
sessions kept until a provider decides, and no plan is (re)activated until the consent is given again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.plan_status import HOLDS_ACTIVE_PLANS_WHEN_WITHDRAWN, PlanStatus
from api.errors import Conflict, NotFound
from api.models import Consent, FollowUpPlan
from api.services.access import require_kind
from api.services.patients import get_patient
from api.services.plans import change_status


class ConsentNotFound(NotFound):
    title = "Consent not found"


class ConsentAlreadyWithdrawn(Conflict):
    code, title = "consent_withdrawn", "Consent already withdrawn"


def withdraw_consent(session: Session, principal: Principal, patient_id: str, consent_id: str) -> Consent:
    require_kind(principal, "patient", "partner_client", "admin", action="withdraw consents")
    # 404 across tenants, or another patient's. The patient's row is locked first, as plan activation locks
    # it (api.services.patients.lock_patient): a resume racing this withdrawal waits, then sees it.
    patient = get_patient(session, principal, patient_id, for_update=True)
    # Locked (PostgreSQL; SQLite writers hold the write lock from BEGIN): two withdrawals at once, one wins.
    consent = session.scalar(
        select(Consent).where(Consent.id == consent_id, Consent.patient_id == patient.id).with_for_update()
    )
    if consent is None:
        raise ConsentNotFound(f"No consent {consent_id} for this patient.")
    if consent.withdrawn_at is not None:
        raise ConsentAlreadyWithdrawn(
            f"This consent was withdrawn at {consent.withdrawn_at.isoformat()}.",
            extra={"withdrawn_at": consent.withdrawn_at.isoformat().replace("+00:00", "Z")},
        )
    now = utcnow()
    in_force = session.scalars(
        select(Consent)
        .where(Consent.patient_id == patient.id, Consent.type == consent.type, Consent.withdrawn_at.is_(None))
        .with_for_update()
    )
    for record in in_force:
        record.withdrawn_at = now
    if consent.type in HOLDS_ACTIVE_PLANS_WHEN_WITHDRAWN:
        active = session.scalars(
            select(FollowUpPlan)
            .where(FollowUpPlan.patient_id == patient.id, FollowUpPlan.status == PlanStatus.ACTIVE)
            .with_for_update()
        )
        for plan in active:
            change_status(
                session, plan, PlanStatus.ON_HOLD, reason=f"The patient withdrew the {consent.type} consent."
            )
    session.flush()
    return consent
