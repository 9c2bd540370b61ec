"""Booking a provider for a ready consultation, and rescheduling it (clinical-rules.md §3, "Assignment").

Booking re-checks every hard filter for the chosen slot (the pure ``check_booking``, over the provider's
free slots computed once, which then give the stored free-slot summary) and writes in one transaction; a
database constraint (see api.models.provider) makes a double booking impossible, and the loser gets 409
``slot_unavailable``. The provider's active-patient count rises with a booking (an atomic conditional
UPDATE, so capacity cannot be overrun either) and falls when the visit is completed (api.services.visits)
or the consultation cancelled (api.services.appointments).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import rows_changed, utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.availability import Slot
from api.domain.consultation_status import ConsultationAction, transition
from api.domain.matching import (
    CONSULTATION_LENGTH,
    HardFilter,
    ProviderNotQualified,
    SlotUnavailable,
    check_booking,
    not_qualified,
)
from api.errors import Conflict, FieldError, NotFound
from api.ids import random_secret
from api.models import Appointment, Consultation, Provider
from api.models.provider import APPOINTMENT_OVERLAP
from api.services.access import require_kind
from api.services.consultations import change_status, get_consultation
from api.services.integrity import constraint_violations
from api.services.matching import match_request
from api.services.precondition import Precondition
from api.services.provider_facts import bookable_candidate, store_free_slot_summary


class AppointmentNotFound(NotFound):
    title = "Appointment not found"


# Long on purpose: one transaction, in order: lock, precondition, re-check, take a place, book; the
# operation's boundary commits.
def assign_provider(
    session: Session,
    principal: Principal,
    consultation_id: str,
    provider_id: str,
    slot_start: datetime,
    *,
    video_base_url: str,
    precondition: Precondition[Consultation],
    now: datetime | None = None,
) -> Appointment:
    """Book ``provider_id`` at ``slot_start`` for a ready consultation, which becomes ``scheduled``."""
    require_kind(principal, "partner_client", "patient", "admin", action="book consultations")
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    precondition(consultation)
    transition(consultation.status, ConsultationAction.SCHEDULE)  # 409 before any work when not ready
    # Locked (PostgreSQL) before its free slots are read: they are computed once, for the re-check and the
    # stored summary, and no other booking of this provider may change them before this one commits.
    provider = session.get(Provider, provider_id, with_for_update=True)
    if provider is None:
        raise ProviderNotQualified(
            f"No provider {provider_id}.",
            errors=[FieldError("/provider_id", "not_found", "No such provider in the directory.")],
        )
    request = match_request(session, consultation, now or utcnow())
    candidate = bookable_candidate(session, provider, request.now)
    check_booking(request, candidate, slot_start)

    took_a_place = rows_changed(
        session,
        update(Provider)
        .where(
            Provider.id == provider.id,
            Provider.accepting_new_patients.is_(True),
            Provider.active_patients < Provider.max_active_patients,
        )
        .values(active_patients=Provider.active_patients + 1)
        .execution_options(synchronize_session=False),
    )
    if took_a_place == 0:
        raise not_qualified([HardFilter.CAPACITY])
    session.expire(provider, ["active_patients"])
    appointment = Appointment(
        partner_id=consultation.partner_id,
        consultation_id=consultation.id,
        provider_id=provider.id,
        starts_at=slot_start,
        ends_at=slot_start + CONSULTATION_LENGTH,
        status=AppointmentStatus.BOOKED,
        video_url=f"{video_base_url.rstrip('/')}/{random_secret(24)}",
    )
    session.add(appointment)
    consultation.provider_id = provider.id
    change_status(session, consultation, ConsultationAction.SCHEDULE, provider_id=provider.id)
    with constraint_violations(BOOKING_CONSTRAINTS):
        session.flush()  # the overlap guard speaks here
    booked = Slot(appointment.starts_at, appointment.ends_at)
    store_free_slot_summary(session, provider, request.now, candidate.free_slots, taking=booked)
    return appointment


def reschedule(
    session: Session,
    principal: Principal,
    consultation_id: str,
    slot_start: datetime,
    *,
    precondition: Precondition[Consultation],
    now: datetime | None = None,
) -> Appointment:
    """Move the booked appointment to another free slot of the same provider.

    Every hard filter is re-checked for the new slot except capacity: the patient already holds a place.
    """
    require_kind(
        principal, "partner_client", "patient", "provider", "admin", action="reschedule consultations"
    )
    consultation = get_consultation(session, principal, consultation_id, for_update=True)
    precondition(consultation)
    transition(consultation.status, ConsultationAction.RESCHEDULE)
    appointment = booked_appointment(session, consultation)
    provider = session.get(Provider, appointment.provider_id, with_for_update=True)  # as in assign_provider
    assert provider is not None  # a foreign key
    request = match_request(session, consultation, now or utcnow())
    candidate = bookable_candidate(session, provider, request.now, except_appointment_id=appointment.id)
    check_booking(request, candidate, slot_start, holds_place=True)
    appointment.starts_at = slot_start
    appointment.ends_at = slot_start + CONSULTATION_LENGTH
    change_status(session, consultation, ConsultationAction.RESCHEDULE)
    with constraint_violations(BOOKING_CONSTRAINTS):
        session.flush()  # the overlap guard speaks here
    booked = Slot(appointment.starts_at, appointment.ends_at)
    store_free_slot_summary(session, provider, request.now, candidate.free_slots, taking=booked)
    return appointment


def get_appointment(session: Session, principal: Principal, consultation_id: str) -> Appointment:
    """The consultation's latest appointment, whatever its status."""
    consultation = get_consultation(session, principal, consultation_id)
    appointment: Appointment | None = session.scalar(
        select(Appointment)
        .where(Appointment.consultation_id == consultation.id)
        .order_by(Appointment.created_at.desc(), Appointment.id.desc())
        .limit(1)
    )
    if appointment is None:
        raise AppointmentNotFound(f"Consultation {consultation_id} has no appointment.")
    return appointment


# The constraints a booking may hit, and what each means to the client.
BOOKING_CONSTRAINTS = {
    APPOINTMENT_OVERLAP: lambda: SlotUnavailable(
        "Another booking took this provider's time first. Pick another slot.",
        errors=[FieldError("/slot_start", "slot_unavailable", "Taken by a concurrent booking.")],
    ),
    "uq_appointments_consultation_id_booked": lambda: Conflict(
        "The consultation was booked by a concurrent request.", code="invalid_transition"
    ),
}


def booked_appointment(session: Session, consultation: Consultation) -> Appointment:
    appointment: Appointment | None = session.scalar(
        select(Appointment).where(
            Appointment.consultation_id == consultation.id,
            Appointment.status == AppointmentStatus.BOOKED,
        )
    )
    if appointment is None:  # a scheduled consultation always has one; guard against hand-edited data
        raise AppointmentNotFound(f"Consultation {consultation.id} has no booked appointment.")
    return appointment
