"""The provider directory: create, list, read, update, availability and free slots.

Everyone with ``providers:read`` reads the directory. An admin writes all of it; a provider (a user with
role provider) may change only their own availability and the profile fields in ``PROVIDER_SELF_EDITABLE``:
name, credential, specialties, NPI, licences, DEA registrations, sites and routes are verified facts that
matching relies on, so they are kept for an admin to change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, true, tuple_
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.availability import Availability, Slot, free_slots, validate_availability
from api.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from api.models import (
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderLicense,
)
from api.services.access import require_kind
from api.services.inputs import AvailabilityBody, ProviderChanges
from api.services.integrity import constraint_violations
from api.services.precondition import Precondition
from api.services.provider_facts import (
    booked_intervals,
    parse_availability,
    refresh_free_slot_summary,
    with_details,
)

PROVIDER_SELF_EDITABLE = frozenset({"languages", "accepting_new_patients", "max_active_patients", "timezone"})


_LICENSE_TAKEN = "Another provider already holds this state licence number."

# The unique constraints a provider write may hit, and what each means to the client (409). The licence's is
# checked first with a pointer to the licence (``_check_licenses_free``); the constraint decides a race.
UNIQUE_PROVIDER_FIELDS = {
    "uq_providers_npi": lambda: Conflict(
        "Another provider already has this NPI.",
        code="npi_taken",
        errors=[FieldError("/npi", "npi_taken", "Another provider already has this NPI.")],
    ),
    "uq_provider_licenses_state_number": lambda: Conflict(
        _LICENSE_TAKEN,
        code="license_taken",
        errors=[FieldError("/licenses", "license_taken", _LICENSE_TAKEN)],
    ),
}


class ProviderNotFound(NotFound):
    title = "Provider not found"


def _check_licenses_free(session: Session, provider: Provider, changes: ProviderChanges) -> None:
    """409 ``license_taken``, pointing at each licence another provider already holds (issue 22, finding 16:
    one state licence number was accepted for two providers)."""
    wanted = [(item["state"], item["number"]) for item in changes.get("licenses", [])]
    if not wanted:
        return
    taken: set[tuple[str, str]] = set(
        session.execute(
            select(ProviderLicense.state, ProviderLicense.number).where(
                tuple_(ProviderLicense.state, ProviderLicense.number).in_(wanted),
                ProviderLicense.provider_id != provider.id if provider.id else true(),
            )
        ).all()  # rows compare equal to the tuples they are
    )
    errors = [
        FieldError(f"/licenses/{index}/number", "license_taken", _LICENSE_TAKEN)
        for index, key in enumerate(wanted)
        if key in taken
    ]
    if errors:
        raise Conflict(_LICENSE_TAKEN, code="license_taken", errors=errors)


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


def create_provider(session: Session, principal: Principal, data: ProviderChanges) -> Provider:
    require_kind(principal, "admin", action="add providers to the directory")
    provider = Provider(availability={"weekly": [], "exceptions": []})
    _check_licenses_free(session, provider, data)
    apply_provider_fields(provider, data)
    session.add(provider)
    with constraint_violations(UNIQUE_PROVIDER_FIELDS):
        session.flush()
    refresh_free_slot_summary(session, provider)
    session.flush()
    return provider


def update_provider(
    session: Session,
    principal: Principal,
    provider_id: str,
    changes: ProviderChanges,
    *,
    precondition: Precondition[Provider],
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
    _check_licenses_free(session, provider, changes)
    apply_provider_fields(provider, changes)
    with constraint_violations(UNIQUE_PROVIDER_FIELDS):
        session.flush()  # before the summary's queries would autoflush it outside this guard
    refresh_free_slot_summary(session, provider)  # the time zone moves every slot
    session.flush()
    return provider


def set_availability(
    session: Session,
    principal: Principal,
    provider_id: str,
    body: AvailabilityBody,
    *,
    precondition: Precondition[Provider],
) -> Availability:
    """Replace the weekly windows and exceptions; booked appointments are kept whatever the new windows."""
    provider = get_provider(session, principal, provider_id, for_update=True)
    _require_admin_or_self(principal, provider)
    precondition(provider)
    availability = validate_availability(body)
    provider.availability = availability.as_dict()
    refresh_free_slot_summary(session, provider)
    session.flush()
    return availability


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


def _require_admin_or_self(principal: Principal, provider: Provider) -> None:
    if principal.is_admin or (principal.kind == "provider" and principal.provider_id == provider.id):
        return
    raise Forbidden("Only a platform admin or the provider themselves may change this provider.")


def apply_provider_fields(provider: Provider, changes: ProviderChanges) -> None:
    """Set API fields on a provider; lists replace their rows (see ``_sync_rows``)."""
    for name, value in changes.items():
        if name == "languages":
            provider.languages = [canonical_language(tag) for tag in changes["languages"]]
        elif name == "licenses":
            _sync_rows(
                provider.license_rows,
                changes["licenses"],
                key=lambda item: (item["state"], item["number"]),
                make=ProviderLicense,
            )
        elif name == "dea_registrations":
            _sync_rows(
                provider.dea_rows,
                changes["dea_registrations"],
                key=lambda item: item["state"],
                make=DeaRegistration,
            )
        elif name == "sites":
            _sync_rows(
                provider.site_rows,
                changes["sites"],
                key=lambda item: (item["name"], item["state"]),
                make=PracticeSite,
            )
        else:
            setattr(provider, name, value)


def _sync_rows(
    rows: list[Any], items: Iterable[Mapping[str, object]], *, key: Callable[[Any], Any], make: Any
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
