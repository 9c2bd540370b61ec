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
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain import matching
from api.domain.appointments import AppointmentStatus
from api.domain.availability import Slot, free_slots
from api.domain.consultation_status import ConsultationAction, transition
from api.domain.matching import (
    CONSULTATION_LENGTH,
    HORIZON,
    HardFilter,
    MatchRequest,
    ProviderCandidate,
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
from api.services.provider_facts import booked_intervals, parse_availability, refresh_free_slot_summary


class SlotUnavailable(Conflict):
    code, title = "slot_unavailable", "Slot unavailable"


class ProviderNotQualified(RuleViolation):
    code, title = "provider_not_qualified", "Provider not qualified"


class AppointmentNotFound(NotFound):
    title = "Appointment not found"


FILTER_MESSAGES: dict[HardFilter, str] = {
    HardFilter.LICENSE: "No active licence in the patient's state covering the slot's date.",
    HardFilter.DEA: "No DEA registration in the patient's state covering schedule III on the slot's date.",
    HardFilter.ROUTE: "No accepted route deliverable in the patient's state (a site; REMS for intranasal).",
    HardFilter.CAPACITY: "Not accepting new patients, or at the active-patient limit.",
    HardFilter.CREDENTIAL: "This case needs an MD or DO in psychiatry.",
}


# Long on purpose: one transaction, in order: lock, precondition, re-check, take a place, book, commit.
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
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise ProviderNotQualified(
            f"No provider {provider_id}.",
            errors=[FieldError("/provider_id", "not_found", "No such provider in the directory.")],
        )
    request = match_request(session, consultation, now or utcnow())
    _recheck(session, request, provider, slot_start, appointment=None)

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
        session.rollback()
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
    _commit_booking(session, provider)
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
    provider = session.get(Provider, appointment.provider_id)
    assert provider is not None  # a foreign key
    request = match_request(session, consultation, now or utcnow())
    _recheck(session, request, provider, slot_start, appointment=appointment)
    appointment.starts_at = slot_start
    appointment.ends_at = slot_start + CONSULTATION_LENGTH
    change_status(session, consultation, ConsultationAction.RESCHEDULE)
    _commit_booking(session, provider)
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
) -> None:
    """Every hard filter for ``provider`` at ``slot_start``: 409 when the slot is not free, 422 otherwise."""
    slot_end = slot_start + request.consultation_length
    booked = booked_intervals(
        session,
        [provider.id],
        slot_start,
        slot_end,
        except_appointment_id=appointment.id if appointment is not None else None,
    )
    availability = parse_availability(provider.availability)
    slots = free_slots(
        availability.weekly,
        availability.exceptions,
        ZoneInfo(provider.timezone),
        slot_start,
        slot_end,
        request.consultation_length,
        booked=booked.get(provider.id, ()),
        now=request.now,
    )
    failures = failing_filters_for_booking(request, full_candidate(provider, tuple(slots)), slot_start)
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


def full_candidate(provider: Provider, slots: tuple[Slot, ...]) -> ProviderCandidate:
    """A provider with all their records, as the pure matching module takes it."""
    return ProviderCandidate(
        id=provider.id,
        credential=provider.credential,
        specialties=frozenset(provider.specialties),
        languages=tuple(provider.languages),
        routes_offered=frozenset(provider.routes_offered),
        sites=tuple(matching.PracticeSite(site.state, site.rems_certified) for site in provider.site_rows),
        licenses=tuple(
            matching.StateLicense(row.state, row.status, row.expires_on) for row in provider.license_rows
        ),
        dea_registrations=tuple(
            matching.DeaRegistration(row.state, frozenset(row.schedules), row.expires_on)
            for row in provider.dea_rows
        ),
        accepting_new_patients=provider.accepting_new_patients,
        max_active_patients=provider.max_active_patients,
        active_patients=provider.active_patients,
        free_slots=slots,
    )


def _not_qualified(failures: Sequence[HardFilter]) -> ProviderNotQualified:
    return ProviderNotQualified(
        "The provider does not qualify for this consultation: " + ", ".join(failures) + ".",
        errors=[FieldError("/provider_id", str(code), FILTER_MESSAGES[code]) for code in failures],
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


def _commit_booking(session: Session, provider: Provider) -> None:
    """Write the booking and, in the same transaction, the provider's free-slot summary it moved."""
    with constraint_violations(session, BOOKING_CONSTRAINTS):
        session.flush()  # the overlap guard speaks here, before the summary reads the appointments
    refresh_free_slot_summary(session, provider)
    session.commit()


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
