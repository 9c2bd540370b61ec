"""The provider facts matching reads, kept current: the one writer every provider, availability and
booking write calls.

Two stored summaries make matching fast (api.services.candidates reads them, never the raw rows):

- each provider's free-slot summary (``Provider.first_free_slot_at`` and its validity, ``slot_hours``), and
- ``ProviderStateFacts``: one row per provider and state where they hold an active licence, holding exactly
  the domain's ``ProviderFacts`` there (``api.domain.matching.provider_facts`` derives them; ``facts_row``
  and ``stored_facts`` are the codec), with a copy of the summary.

Every change to what they hold goes through ``refresh_free_slot_summary`` (a provider's profile, availability
or bookings changed) or ``sync_matching_facts`` (capacity only), in the transaction of the change; the worker
refreshes the summaries that time has outdated (``refresh_free_slot_summaries``). Also here: reading a
provider's stored availability and booked time, which the summaries and the slot searches share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from api.db import utcnow
from api.domain import matching
from api.domain.appointments import AppointmentStatus
from api.domain.availability import (
    WEEKDAYS,
    Availability,
    DateException,
    LocalWindow,
    Slot,
    WeeklyWindow,
    free_slots,
    slots_clear_of,
)
from api.domain.matching import (
    CONSULTATION_LENGTH,
    FACT_NAMES,
    HORIZON,
    SLOT_PROBE,
    ProviderCandidate,
    ProviderFacts,
    slot_hours,
)
from api.models import Appointment, Provider, ProviderStateFacts

# A summary without any free slot is computed this much further than the horizon, so it holds a day.
SUMMARY_SLACK = timedelta(days=1)
# "No free slot, ever" (no weekly windows, no exception to come) holds until the availability changes.
SUMMARY_FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
PROVIDER_RELATIONSHIPS = (
    Provider.license_rows,
    Provider.dea_rows,
    Provider.site_rows,
    Provider.route_rows,
    Provider.language_rows,
    Provider.specialty_rows,
)


def with_details(stmt: Any) -> Any:
    """Load every list of the representation with one query each, for a page of providers or one."""
    return stmt.options(*(selectinload(relationship) for relationship in PROVIDER_RELATIONSHIPS))


def parse_availability(stored: dict[str, Any]) -> Availability:
    """The stored availability as domain objects. It was validated when written (``set_availability``),
    so it is read without validating again: matching parses one per candidate."""
    return Availability(
        weekly=tuple(
            WeeklyWindow(WEEKDAYS.index(item["weekday"]), _stored_window(item))
            for item in stored.get("weekly", ())
        ),
        exceptions=tuple(
            DateException(date.fromisoformat(item["date"]), tuple(_stored_window(w) for w in item["windows"]))
            for item in stored.get("exceptions", ())
        ),
    )


def _stored_window(item: dict[str, str]) -> LocalWindow:
    return LocalWindow(_minutes(item["start"]), _minutes(item["end"]))


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def refresh_free_slot_summary(session: Session, provider: Provider, now: datetime | None = None) -> None:
    """Recompute the provider's free-slot summary (see ``Provider.first_free_slot_at``), in the transaction
    of the change that moved it. Pending changes (a new appointment) are flushed first."""
    now = now or utcnow()
    end = now + HORIZON + SUMMARY_SLACK
    booked = booked_intervals(session, [provider.id], now, end).get(provider.id, ())
    first, valid_until = free_slot_summary(provider.availability, provider.timezone, booked, now)
    _store_summary(session, provider, now, first, valid_until)


def store_free_slot_summary(
    session: Session, provider: Provider, now: datetime, free: Sequence[Slot], *, taking: Slot
) -> None:
    """The provider's free-slot summary, from their free slots from ``now`` as ``bookable_candidate`` found
    them, less the time this transaction books (``taking``): a booking computes the slots once."""
    parsed = parse_availability(provider.availability)
    first, valid_until = _summary(parsed, slots_clear_of(free, taking.start, taking.end), now)
    _store_summary(session, provider, now, first, valid_until)


def _store_summary(
    session: Session, provider: Provider, now: datetime, first: datetime | None, valid_until: datetime
) -> None:
    provider.first_free_slot_at = first
    provider.free_slots_computed_at = now
    provider.free_slots_valid_until = valid_until
    provider.slot_hours = stored_slot_hours(provider.availability)
    sync_matching_facts(session, [provider])


def refresh_free_slot_summaries(session: Session, now: datetime | None = None, *, batch: int = 500) -> int:
    """Recompute up to ``batch`` of the summaries never computed or no longer valid at ``now``; how many. The
    worker commits each batch and asks again until none is left (``telemedical worker``)."""
    now = now or utcnow()
    providers = session.scalars(
        with_details(select(Provider))
        .where(or_(Provider.free_slots_computed_at.is_(None), Provider.free_slots_valid_until < now))
        .order_by(Provider.id)
        .limit(batch)
    ).all()
    if not providers:
        return 0
    booked = booked_intervals(session, [p.id for p in providers], now, now + HORIZON + SUMMARY_SLACK)
    for provider in providers:
        first, valid_until = free_slot_summary(
            provider.availability, provider.timezone, booked.get(provider.id, ()), now
        )
        provider.first_free_slot_at = first
        provider.free_slots_computed_at = now
        provider.free_slots_valid_until = valid_until
        provider.slot_hours = stored_slot_hours(provider.availability)
    sync_matching_facts(session, providers)
    return len(providers)


def sync_matching_facts(session: Session, providers: Iterable[Provider]) -> None:
    """Rewrite the providers' ``ProviderStateFacts`` rows from the providers as they are in this session;
    the caller commits, in the transaction of the change. Every write to what the rows hold calls this."""
    providers = list(providers)
    if not providers:
        return
    session.flush()
    session.execute(
        delete(ProviderStateFacts)
        .where(ProviderStateFacts.provider_id.in_([provider.id for provider in providers]))
        .execution_options(synchronize_session=False)
    )
    rows = [row for provider in providers for row in matching_facts(provider)]
    if rows:
        session.execute(insert(ProviderStateFacts), rows)


def matching_facts(provider: Provider) -> list[dict[str, Any]]:
    """The provider's ``ProviderStateFacts`` rows: their ``matching.provider_facts`` in every state where they
    hold an active licence, with the free-slot summary and what the fast path needs besides."""
    candidate = full_candidate(provider)
    return [
        facts_row(
            state,
            matching.provider_facts(candidate, state, first_free_slot_at=provider.first_free_slot_at),
            provider,
        )
        for state in matching.licensed_states(candidate)
    ]


# The codec of the matching facts: ``ProviderFacts`` to a row and back, field for column (the column types,
# api.models.provider.RouteSet and WordSet, encode and decode the sets).
def facts_row(state: str, facts: ProviderFacts, provider: Provider) -> dict[str, Any]:
    """``facts`` as a ``ProviderStateFacts`` row of ``state``, with the provider's time zone, slot hours and
    the validity of their free-slot summary (``facts.first_free_slot_at``)."""
    return {
        "state": state,
        **{name: getattr(facts, name) for name in FACT_NAMES},
        "timezone": provider.timezone,
        "slot_hours": provider.slot_hours,
        "free_slots_computed_at": provider.free_slots_computed_at,
        "free_slots_valid_until": provider.free_slots_valid_until,
    }


def stored_facts(row: Any) -> ProviderFacts:
    """A row holding ``ProviderStateFacts``' fact columns, as the domain's ``ProviderFacts``."""
    return ProviderFacts(**{name: getattr(row, name) for name in FACT_NAMES})


def full_candidate(provider: Provider, slots: Sequence[Slot] = ()) -> ProviderCandidate:
    """A provider with all their records and ``slots`` free, as the pure matching module takes it."""
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
        free_slots=tuple(slots),
    )


def stored_slot_hours(availability: dict[str, Any]) -> str:
    """``Provider.slot_hours`` for this availability: ``matching.slot_hours`` in hex."""
    parsed = parse_availability(availability)
    return f"{slot_hours(parsed.weekly, parsed.exceptions, CONSULTATION_LENGTH):042x}"


def free_slot_summary(
    availability: dict[str, Any], timezone: str, booked: Sequence[tuple[datetime, datetime]], now: datetime
) -> tuple[datetime | None, datetime]:
    """The first free consultation-length slot from ``now`` within the horizon and ``SUMMARY_SLACK``, and
    until when that holds without any change: while ``now`` has not reached the slot; a day when there is
    none (a slot may appear at the far end as time passes); forever when nothing can ever yield one.

    Slots are aligned on availability windows, not on ``now``, so the first free slot at a later instant,
    still before this one, is this one.
    """
    parsed = parse_availability(availability)
    end = now + HORIZON + SUMMARY_SLACK
    tz = ZoneInfo(timezone)
    found: list[Slot] = []
    for until in (min(now + SLOT_PROBE, end), end):  # most calendars have a slot in the first days
        found = free_slots(
            parsed.weekly, parsed.exceptions, tz, now, until, CONSULTATION_LENGTH, booked=booked, now=now
        )
        if found:
            break
    return _summary(parsed, found, now)


def _summary(parsed: Availability, free: Sequence[Slot], now: datetime) -> tuple[datetime | None, datetime]:
    """``free_slot_summary`` from the free slots, sorted, from ``now`` to the summary's reach."""
    if free:
        return free[0].start, free[0].start
    yesterday = (now - timedelta(days=1)).date()  # no local date is more than a day behind UTC
    if not parsed.weekly and not any(e.windows and e.on >= yesterday for e in parsed.exceptions):
        return None, SUMMARY_FOREVER
    return None, now + SUMMARY_SLACK


def bookable_candidate(
    session: Session, provider: Provider, now: datetime, *, except_appointment_id: str | None = None
) -> ProviderCandidate:
    """The provider as matching judges a booking, with their free consultation-length slots from ``now`` to
    the summary's reach (the horizon and ``SUMMARY_SLACK``), ``except_appointment_id``'s time counted free:
    computed once, for the re-check and then the stored summary (``store_free_slot_summary``)."""
    end = now + HORIZON + SUMMARY_SLACK
    booked = booked_intervals(session, [provider.id], now, end, except_appointment_id=except_appointment_id)
    parsed = parse_availability(provider.availability)
    free = free_slots(
        parsed.weekly,
        parsed.exceptions,
        ZoneInfo(provider.timezone),
        now,
        end,
        CONSULTATION_LENGTH,
        booked=booked.get(provider.id, ()),
        now=now,
    )
    return full_candidate(provider, free)


def booked_intervals(
    session: Session,
    provider_ids: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    except_appointment_id: str | None = None,
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each provider's appointments that hold time in [start, end) (every status but cancelled)."""
    stmt = select(Appointment.provider_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.provider_id.in_(provider_ids),
        Appointment.status != AppointmentStatus.CANCELLED,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if except_appointment_id is not None:
        stmt = stmt.where(Appointment.id != except_appointment_id)
    by_provider: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for provider_id, starts_at, ends_at in session.execute(stmt):
        by_provider[provider_id].append((starts_at, ends_at))
    return by_provider
