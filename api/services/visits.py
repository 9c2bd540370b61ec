"""The visit itself: the assigned clinician (or an admin) starts and completes a scheduled consultation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.consultation_status import ConsultationAction, VisitOutcome
from api.errors import NotFound
from api.models import Consultation
from api.services.access import require_kind
from api.services.appointments import release_place
from api.services.booking import booked_appointment
from api.services.consultations import change_status, get_consultation
from api.services.precondition import Precondition


def start_visit(
    session: Session,
    principal: Principal,
    consultation_id: str,
    *,
    precondition: Precondition[Consultation],
) -> Consultation:
    """The assigned clinician (or an admin) starts the video visit: ``scheduled`` -> ``in_progress``."""
    consultation = _clinician_consultation(session, principal, consultation_id, action="start visits")
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.START)
    consultation.started_at = utcnow()
    session.flush()
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
    """``in_progress`` -> ``completed`` with the clinician's outcome; frees the provider's place."""
    consultation = _clinician_consultation(session, principal, consultation_id, action="complete visits")
    precondition(consultation)
    change_status(session, consultation, ConsultationAction.COMPLETE, outcome=outcome)
    consultation.outcome = outcome
    consultation.summary = summary
    consultation.completed_at = utcnow()
    appointment = booked_appointment(session, consultation)
    appointment.status = AppointmentStatus.COMPLETED
    release_place(session, appointment.provider_id)
    session.flush()
    return consultation


def _clinician_consultation(
    session: Session, principal: Principal, consultation_id: str, *, action: str
) -> Consultation:
    # Looked up before the role check: another tenant's case is 404 (never 403) to every caller.
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    require_kind(principal, "provider", "admin", action=action)
    if principal.kind == "provider" and consultation.provider_id != principal.provider_id:
        # A reviewer may see a case in the review queue; only the assigned clinician runs the visit.
        raise NotFound(f"No consultation {consultation_id} assigned to you.")
    return consultation
