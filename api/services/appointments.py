"""A booked appointment's place in the provider's capacity, shared by booking and cancelling.

Kept apart from api.services.booking so that cancelling a consultation (api.services.consultations) can free
the booking without the two modules importing each other.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.domain.appointments import AppointmentStatus
from api.models import Appointment, Consultation, Provider
from api.services.provider_facts import refresh_free_slot_summary, sync_matching_facts


def release_place(session: Session, provider_id: str) -> None:
    """One fewer active patient for the provider (an atomic decrement, never below zero)."""
    session.execute(
        update(Provider)
        .where(Provider.id == provider_id, Provider.active_patients > 0)
        .values(active_patients=Provider.active_patients - 1)
        .execution_options(synchronize_session=False)
    )
    provider = session.get(Provider, provider_id)
    if provider is not None:
        session.expire(provider, ["active_patients"])
        sync_matching_facts(session, [provider])


def release_booking(session: Session, consultation: Consultation) -> None:
    """Cancel the consultation's booked appointment, if any, and free the provider's place (the caller,
    cancelling the consultation, commits)."""
    appointment = session.scalar(
        select(Appointment).where(
            Appointment.consultation_id == consultation.id,
            Appointment.status == AppointmentStatus.BOOKED,
        )
    )
    if appointment is None:
        return
    appointment.status = AppointmentStatus.CANCELLED
    release_place(session, appointment.provider_id)
    provider = session.get(Provider, appointment.provider_id)
    if provider is not None:  # the freed time may be the provider's first free slot again
        refresh_free_slot_summary(session, provider)
