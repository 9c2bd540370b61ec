"""Booking a provider for a ready consultation, and rescheduling it (clinical-rules.md §3, "Assignment").

Booking re-checks every hard filter for the chosen slot (the pure ``failing_filters_for_booking``) and
writes in one transaction; a database constraint (see api.models.provider) makes a double booking
impossible, and the loser gets 409 ``slot_unavailable``. The provider's active-patient count rises with a
booking (an atomic conditional UPDATE, so capacity cannot be overrun either) and falls when the visit is
completed (api.services.visits) or the consultation cancelled (api.services.appointments).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.availability import Slot, slots_clear_of
from api.domain.consultation_status import ConsultationAction, transition
from api.domain.matching import (
    CONSULTATION_LENGTH,
    FILTER_REFUSALS,
    HORIZON,
    HardFilter,
    MatchRequest,
    failing_filters_for_booking,
)
from api.errors import Conflict, FieldError, NotFound, RuleViolation
from api.ids import random_secret
from api.models import Appointment, Consultation, Provider
from api.models.provider import APPOINTMENT_OVERLAP
from api.services.access import require_kind
from api.services.consultations import change_status, get_consultation
from api.services.integrity import constraint_violations
from api.services.matching import match_request
from api.services.precondition import Precondition
from api.services.provider_facts import free_slots_ahead, full_candidate, refresh_free_slot_summary


class SlotUnavailable(Conflict):
    code, title = "slot_unavailable", "Slot unavailable"


class ProviderNotQualified(RuleViolation):
    code, title = "provider_not_qualified", "Provider not qualified"


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
    free = _recheck(session, request, provider, slot_start, appointment=None)

    took_a_place = session.execute(
        update(Provider)
        .where(
            Provider.id == provider.id,
            Provider.accepting_new_patients.is_(True),
            Provider.active_patients < Provider.max_active_patients,
        )
        .values(active_patients=Provider.active_patients + 1)
        .execution_options(synchronize_session=False)
    )
    if took_a_place.rowcount == 0:  # type: ignore[attr-defined]
        raise _not_qualified([HardFilter.CAPACITY])
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
    _write_booking(
        session, provider, request.now, slots_clear_of(free, appointment.starts_at, appointment.ends_at)
    )
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
    free = _recheck(session, request, provider, slot_start, appointment=appointment)
    appointment.starts_at = slot_start
    appointment.ends_at = slot_start + CONSULTATION_LENGTH
    change_status(session, consultation, ConsultationAction.RESCHEDULE)
    _write_booking(
        session, provider, request.now, slots_clear_of(free, appointment.starts_at, appointment.ends_at)
    )
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


def _recheck(
    session: Session,
    request: MatchRequest,
    provider: Provider,
    slot_start: datetime,
    *,
    appointment: Appointment | None,
) -> list[Slot]:
    """Every hard filter for ``provider`` at ``slot_start``: 409 when the slot is not free, 422 otherwise.
    Answers the provider's free slots it judged on (``free_slots_ahead``; the moved appointment's time
    counts as free), from which the booking then stores the provider's summary."""
    free = free_slots_ahead(
        session, provider, request.now, except_appointment_id=appointment.id if appointment else None
    )
    failures = failing_filters_for_booking(request, full_candidate(provider, free), slot_start)
    if appointment is not None:  # rescheduling: the patient already holds a place with this provider
        failures = [code for code in failures if code != HardFilter.CAPACITY]
    if HardFilter.NO_SLOT in failures and len(failures) == 1:
        raise SlotUnavailable(
            "This slot is not free: taken, outside the availability, in the past or beyond "
            f"{HORIZON.days} days.",
            errors=[FieldError("/slot_start", "slot_unavailable", "Pick one of the provider's free slots.")],
        )
    if failures:
        raise _not_qualified([code for code in failures if code != HardFilter.NO_SLOT])
    return free


def _not_qualified(failures: Sequence[HardFilter]) -> ProviderNotQualified:
    return ProviderNotQualified(
        "The provider does not qualify for this consultation: " + ", ".join(failures) + ".",
        errors=[FieldError("/provider_id", str(code), FILTER_REFUSALS[code]) for code in failures],
        extra={"failed_filters": [str(code) for code in failures]},
    )


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


def _write_booking(session: Session, provider: Provider, now: datetime, free: Sequence[Slot]) -> None:
    """Write the booking and, in the same transaction, the provider's free-slot summary it moved, from the
    slots left ``free`` (those the re-check computed, less the booked one)."""
    with constraint_violations(BOOKING_CONSTRAINTS):
        session.flush()  # the overlap guard speaks here
    refresh_free_slot_summary(session, provider, now, free=free)


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
