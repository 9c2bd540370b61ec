"""The provider directory: create, list, read, update, availability and free slots.

Everyone with ``providers:read`` reads the directory. An admin writes all of it; a provider (a user with
role provider) may change only their own availability and the profile fields in ``PROVIDER_SELF_EDITABLE``:
name, credential, specialties, NPI, licences, DEA registrations, sites and routes are verified facts that
matching relies on, so they are kept for an admin to change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.availability import (
    WEEKDAYS,
    Availability,
    DateException,
    LocalWindow,
    Slot,
    WeeklyWindow,
    free_slots,
    validate_availability,
)
from api.domain.matching import (
    KETAMINE_DEA_SCHEDULE,
    PHYSICIAN_CREDENTIALS,
    PSYCHIATRY_SPECIALTY,
    slot_hours,
)
from api.domain.protocols import Route
from api.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from api.models import (
    Appointment,
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
    ProviderStateFacts,
)
from api.models.provider import CANCELLED
from api.services.access import require_kind
from api.services.integrity import unique_violations
from api.services.paging import Page, PageRequest, fetch_page

# Matching's consultation length and horizon (clinical-rules.md §3), and the free-slot summary's margin.
CONSULTATION_LENGTH = timedelta(minutes=60)
HORIZON = timedelta(days=30)
# A summary without any free slot is computed this much further than the horizon, so it holds a day.
SUMMARY_SLACK = timedelta(days=1)
# Look this far ahead first for a provider's first free slot; most providers have one in it.
SUMMARY_PROBE = timedelta(days=4)
# "No free slot, ever" (no weekly windows, no exception to come) holds until the availability changes.
SUMMARY_FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
PROVIDER_SELF_EDITABLE = frozenset({"languages", "accepting_new_patients", "max_active_patients", "timezone"})
ACTIVE_LICENSE = "active"
PROVIDER_RELATIONSHIPS = (
    Provider.license_rows,
    Provider.dea_rows,
    Provider.site_rows,
    Provider.route_rows,
    Provider.language_rows,
    Provider.specialty_rows,
)


# The unique constraint a provider write may hit, and what it means to the client (409).
UNIQUE_PROVIDER_FIELDS = {
    "uq_providers_npi": lambda: Conflict(
        "Another provider already has this NPI.",
        code="npi_taken",
        errors=[FieldError("/npi", "npi_taken", "Another provider already has this NPI.")],
    )
}


class ProviderNotFound(NotFound):
    title = "Provider not found"


def canonical_language(tag: str) -> str:
    """BCP 47 tags are case-insensitive; store and compare them in their canonical case (``es-MX``)."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def with_details(stmt: Any) -> Any:
    """Load every list of the representation with one query each, for a page of providers or one."""
    return stmt.options(*(selectinload(relationship) for relationship in PROVIDER_RELATIONSHIPS))


def get_provider(
    session: Session, _principal: Principal, provider_id: str, *, for_update: bool = False
) -> Provider:
    """The directory is readable by every principal (``providers:read``). ``for_update`` locks the row
    (PostgreSQL; SQLite writers hold the write lock from BEGIN IMMEDIATE) so that an If-Match checked after
    it still holds at the write."""
    stmt = with_details(select(Provider)).where(Provider.id == provider_id)
    if for_update:
        stmt = stmt.with_for_update(of=Provider)
    provider: Provider | None = session.scalar(stmt)
    if provider is None:
        raise ProviderNotFound(f"No provider {provider_id}.")
    return provider


def create_provider(session: Session, principal: Principal, data: dict[str, Any]) -> Provider:
    require_kind(principal, "admin", action="add providers to the directory")
    provider = Provider(availability={"weekly": [], "exceptions": []})
    apply_provider_fields(provider, data)
    session.add(provider)
    with unique_violations(session, UNIQUE_PROVIDER_FIELDS):
        session.flush()
    refresh_free_slot_summary(session, provider)
    session.commit()
    return provider


def list_providers(
    session: Session, _principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[Provider]:
    stmt = with_details(select(Provider))
    if filters.get("state"):
        stmt = stmt.where(
            exists().where(
                ProviderLicense.provider_id == Provider.id,
                ProviderLicense.state == filters["state"],
                ProviderLicense.status == ACTIVE_LICENSE,
                ProviderLicense.expires_on >= utcnow().date(),
            )
        )
    if filters.get("language"):
        tag = canonical_language(filters["language"])
        stmt = stmt.where(
            exists().where(
                ProviderLanguage.provider_id == Provider.id,
                or_(ProviderLanguage.language == tag, ProviderLanguage.language.startswith(f"{tag}-")),
            )
        )
    if filters.get("route"):
        stmt = stmt.where(
            exists().where(ProviderRoute.provider_id == Provider.id, ProviderRoute.route == filters["route"])
        )
    if filters.get("specialty"):
        stmt = stmt.where(
            exists().where(
                ProviderSpecialty.provider_id == Provider.id,
                ProviderSpecialty.specialty == filters["specialty"],
            )
        )
    if filters.get("accepting_new_patients") is not None:
        stmt = stmt.where(Provider.accepting_new_patients == filters["accepting_new_patients"])
    return fetch_page(session, stmt, Provider, page)


def update_provider(
    session: Session,
    principal: Principal,
    provider_id: str,
    changes: dict[str, Any],
    precondition: Callable[[Provider], None],
) -> Provider:
    """``precondition`` checks the caller's If-Match against the current representation, locked."""
    provider = get_provider(session, principal, provider_id, for_update=True)
    _require_admin_or_self(principal, provider)
    precondition(provider)
    if not principal.is_admin:
        refused = sorted(set(changes) - PROVIDER_SELF_EDITABLE)
        if refused:
            raise ValidationFailed(
                "A provider may change only their languages, capacity and time zone.",
                errors=[
                    FieldError(f"/{name}", "read_only", "Only a platform admin can change this.")
                    for name in refused
                ],
            )
    apply_provider_fields(provider, changes)
    with unique_violations(session, UNIQUE_PROVIDER_FIELDS):
        session.flush()  # before the summary's queries would autoflush it outside this guard
    refresh_free_slot_summary(session, provider)  # the time zone moves every slot
    session.commit()
    return provider


def set_availability(
    session: Session,
    principal: Principal,
    provider_id: str,
    body: dict[str, Any],
    precondition: Callable[[Provider], None],
) -> Availability:
    """Replace the weekly windows and exceptions; booked appointments are kept whatever the new windows."""
    provider = get_provider(session, principal, provider_id, for_update=True)
    _require_admin_or_self(principal, provider)
    precondition(provider)
    availability = validate_availability(body)
    provider.availability = availability.as_dict()
    refresh_free_slot_summary(session, provider)
    session.commit()
    return availability


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


def provider_slots(
    session: Session,
    principal: Principal,
    provider_id: str,
    start: datetime,
    end: datetime,
    duration_minutes: int,
) -> list[Slot]:
    """Free slots of ``duration`` in [start, end), in UTC, from now on, minus booked appointments."""
    provider = get_provider(session, principal, provider_id)
    availability = parse_availability(provider.availability)
    booked = booked_intervals(session, [provider.id], start, end)
    return free_slots(
        availability.weekly,
        availability.exceptions,
        ZoneInfo(provider.timezone),
        start,
        end,
        timedelta(minutes=duration_minutes),
        booked=booked.get(provider.id, ()),
        now=utcnow(),
    )


def refresh_free_slot_summary(session: Session, provider: Provider, now: datetime | None = None) -> None:
    """Recompute the provider's free-slot summary (see ``Provider.first_free_slot_at``); the caller commits,
    in the transaction of the change that moved it. Pending changes (a new appointment) are flushed first."""
    now = now or utcnow()
    end = now + HORIZON + SUMMARY_SLACK
    booked = booked_intervals(session, [provider.id], now, end).get(provider.id, ())
    first, valid_until = free_slot_summary(provider.availability, provider.timezone, booked, now)
    provider.first_free_slot_at = first
    provider.free_slots_computed_at = now
    provider.free_slots_valid_until = valid_until
    provider.slot_hours = stored_slot_hours(provider.availability)
    sync_matching_facts(session, [provider])


def refresh_free_slot_summaries(session: Session, now: datetime | None = None, *, batch: int = 500) -> int:
    """Recompute every summary never computed or no longer valid (``telemedical worker``); commits batches."""
    now = now or utcnow()
    refreshed = 0
    while True:
        providers = session.scalars(
            with_details(select(Provider))
            .where(or_(Provider.free_slots_computed_at.is_(None), Provider.free_slots_valid_until < now))
            .order_by(Provider.id)
            .limit(batch)
        ).all()
        if not providers:
            return refreshed
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
        session.commit()
        refreshed += len(providers)


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
    """The provider's ``ProviderStateFacts`` rows: one per state where they hold an active licence."""
    common = {
        "provider_id": provider.id,
        "routes": sum(
            1 << index for index, route in enumerate(Route) if route.value in provider.routes_offered
        ),
        "languages": " "
        + "".join(f"{tag} " for tag in sorted({primary_language(t) for t in provider.languages})),
        "psychiatrist": provider.credential in PHYSICIAN_CREDENTIALS
        and PSYCHIATRY_SPECIALTY in provider.specialties,
        "accepting_new_patients": provider.accepting_new_patients,
        "active_patients": provider.active_patients,
        "max_active_patients": provider.max_active_patients,
        "timezone": provider.timezone,
        "slot_hours": provider.slot_hours,
        "first_free_slot_at": provider.first_free_slot_at,
        "free_slots_computed_at": provider.free_slots_computed_at,
        "free_slots_valid_until": provider.free_slots_valid_until,
    }
    license_through: dict[str, date] = {}
    for licence in provider.license_rows:
        if licence.status == ACTIVE_LICENSE:
            license_through[licence.state] = max(
                licence.expires_on, license_through.get(licence.state, licence.expires_on)
            )
    rows = []
    for state, through in sorted(license_through.items()):
        dea = [
            row.expires_on
            for row in provider.dea_rows
            if row.state == state and KETAMINE_DEA_SCHEDULE in row.schedules
        ]
        sites = [site for site in provider.site_rows if site.state == state]
        rows.append(
            {
                **common,
                "state": state,
                "license_through": through,
                "dea_through": max(dea, default=None),
                "has_site": bool(sites),
                "has_rems_site": any(site.rems_certified for site in sites),
            }
        )
    return rows


def route_bits(routes: Iterable[Route]) -> int:
    """``ProviderStateFacts.routes`` for these routes: bit i for the i-th ``Route``."""
    order = list(Route)
    return sum({1 << order.index(route) for route in routes})


def primary_language(tag: str) -> str:
    """A BCP 47 tag's primary subtag, lower case (what matching compares)."""
    return tag.split("-", 1)[0].lower()


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
    for until in (min(now + SUMMARY_PROBE, end), end):
        found = free_slots(
            parsed.weekly, parsed.exceptions, tz, now, until, CONSULTATION_LENGTH, booked=booked, now=now
        )
        if found:
            return found[0].start, found[0].start
    yesterday = (now - timedelta(days=1)).date()  # no local date is more than a day behind UTC
    if not parsed.weekly and not any(e.windows and e.on >= yesterday for e in parsed.exceptions):
        return None, SUMMARY_FOREVER
    return None, now + SUMMARY_SLACK


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
        Appointment.status != CANCELLED,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if except_appointment_id is not None:
        stmt = stmt.where(Appointment.id != except_appointment_id)
    by_provider: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for provider_id, starts_at, ends_at in session.execute(stmt):
        by_provider[provider_id].append((starts_at, ends_at))
    return by_provider


def _require_admin_or_self(principal: Principal, provider: Provider) -> None:
    if principal.is_admin or (principal.kind == "provider" and principal.provider_id == provider.id):
        return
    raise Forbidden("Only a platform admin or the provider themselves may change this provider.")


def apply_provider_fields(provider: Provider, changes: dict[str, Any]) -> None:
    """Set API fields on a provider; lists replace their rows (see ``_sync_rows``)."""
    for name, value in changes.items():
        if name == "languages":
            provider.languages = [canonical_language(tag) for tag in value]
        elif name == "licenses":
            _sync_rows(
                provider.license_rows,
                value,
                key=lambda item: (item["state"], item["number"]),
                make=ProviderLicense,
            )
        elif name == "dea_registrations":
            _sync_rows(provider.dea_rows, value, key=lambda item: item["state"], make=DeaRegistration)
        elif name == "sites":
            _sync_rows(
                provider.site_rows, value, key=lambda item: (item["name"], item["state"]), make=PracticeSite
            )
        else:
            setattr(provider, name, value)


def _sync_rows(
    rows: list[Any], items: Iterable[dict[str, Any]], *, key: Callable[[Any], Any], make: Any
) -> None:
    """Replace a child list, updating the rows whose natural key stays (their ids and uniqueness survive)."""
    existing = {key(vars(row)): row for row in rows}
    kept: list[Any] = []
    for item in items:
        row = existing.pop(key(item), None)
        if row is None:
            row = make(**item)
        else:
            for field, value in item.items():
                setattr(row, field, value)
        kept.append(row)
    rows[:] = kept
