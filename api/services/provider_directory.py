"""The provider directory's list: a page of providers in two statements, without ORM entities.

``GET /v1/providers`` is the directory partners search most (by state, 20 a page). Loading it as entities
took nine statements (the page, then one ``selectin`` load per list: licences, DEA registrations, sites,
routes, languages, specialties) and most of its time in building and then serialising objects. Here the page
is one statement of plain rows, and everything listed under those providers is a second one (a ``UNION
ALL`` of the six tables, their values as text); ``api.schemas.providers.provider_listing_body`` shapes them
as ``ProviderSchema`` does, which ``tests/http/test_provider_listing.py`` holds against ``GET`` by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    String,
    any_,
    bindparam,
    cast,
    exists,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.matching import ACTIVE_LICENSE_STATUS
from api.models import (
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
)
from api.services.paging import Page, PageRequest, fetch_row_page
from api.services.providers import canonical_language

# The provider's own columns the representation shows.
_COLUMNS = (
    Provider.id,
    Provider.npi,
    Provider.given_name,
    Provider.family_name,
    Provider.credential,
    Provider.accepting_new_patients,
    Provider.max_active_patients,
    Provider.active_patients,
    Provider.timezone,
    Provider.availability,
    Provider.created_at,
    Provider.updated_at,
)


@dataclass
class ProviderListing:
    """One provider of a page: its row, and the rows listed under it, each as a tuple of text values."""

    row: Any
    licenses: list[tuple[str, str, str, str]] = field(default_factory=list)  # state, number, status, expires
    dea_registrations: list[tuple[str, str, str, str]] = field(default_factory=list)  # …, schedules (JSON), …
    sites: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, name, state, rems_certified
    routes: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)


def list_providers(
    session: Session,
    _principal: Principal,
    filters: dict[str, Any],
    page: PageRequest,
    *,
    today: date | None = None,
) -> Page[ProviderListing]:
    """A page of the directory; ``state`` finds licences active and not expired on ``today`` (UTC)."""
    stmt = select(*_COLUMNS)
    if filters.get("state"):
        stmt = stmt.where(
            exists().where(
                ProviderLicense.provider_id == Provider.id,
                ProviderLicense.state == filters["state"],
                ProviderLicense.status == ACTIVE_LICENSE_STATUS,
                ProviderLicense.expires_on >= (today or utcnow().date()),
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
    rows = fetch_row_page(session, stmt, Provider, page)
    listings = {row.id: ProviderListing(row) for row in rows.items}
    _add_details(session, listings)
    return Page(items=list(listings.values()), has_more=rows.has_more, last_key=rows.last_key)


def _text(column: Any) -> Any:
    return cast(column, String)


def _details(among: Callable[[Any], Any]) -> Any:
    """Every row listed under a page of providers: (kind, provider_id, sort_at, sort_id, a, b, c, d).
    ``among(column)`` is the condition that ``column`` names one of the page's providers."""
    no_time, no_number, blank = cast(null(), DateTime(timezone=True)), cast(null(), Integer), _text(null())
    licence, dea, site = ProviderLicense, DeaRegistration, PracticeSite
    selects = [
        select(
            literal("license"), licence.provider_id, no_time, licence.id, licence.state, licence.number,
            _text(licence.status), _text(licence.expires_on),
        ).where(among(licence.provider_id)),
        select(
            literal("dea"), dea.provider_id, no_time, dea.id, dea.state, dea.number,
            _text(dea.schedules), _text(dea.expires_on),
        ).where(among(dea.provider_id)),
        select(
            literal("site"), site.provider_id, site.created_at, no_number, site.id, site.name, site.state,
            _text(site.rems_certified),
        ).where(among(site.provider_id)),
    ]  # fmt: skip
    for kind, model, column in (
        ("route", ProviderRoute, ProviderRoute.route),
        ("language", ProviderLanguage, ProviderLanguage.language),
        ("specialty", ProviderSpecialty, ProviderSpecialty.specialty),
    ):
        selects.append(
            select(literal(kind), model.provider_id, no_time, no_number, column, blank, blank, blank).where(
                among(model.provider_id)
            )
        )
    return union_all(*selects)


# Built once per database: constructing the six selects and their casts cost more than running them (2.4 ms
# a page). On PostgreSQL the ids are one array parameter (``= ANY``): the statement's text stays short and the
# same for every page, so the driver parses it once and prepares it, where an IN list of 6 x 20 placeholders
# was parsed again for every request.
_DETAILS = {
    "postgresql": _details(lambda column: column == any_(bindparam("ids", type_=ARRAY(String)))),
    "sqlite": _details(lambda column: column.in_(bindparam("ids", expanding=True))),
}


def _add_details(session: Session, listings: dict[str, ProviderListing]) -> None:
    if not listings:
        return
    ordered: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    details = _DETAILS[session.get_bind().dialect.name]
    for kind, provider_id, sort_at, sort_id, a, b, c, d in session.execute(details, {"ids": list(listings)}):
        listing = listings[provider_id]
        if kind in ("license", "dea", "site"):
            # As the model's relationships order them: licences and DEA registrations by id (the order they
            # were added), sites by creation time, then id.
            key = (sort_id, "") if sort_at is None else (sort_at.timestamp(), a)
            ordered[kind].append((provider_id, key, (a, b, c, d)))
        elif kind == "route":
            listing.routes.append(a)
        elif kind == "language":
            listing.languages.append(a)
        else:
            listing.specialties.append(a)
    for kind, attribute in (("license", "licenses"), ("dea", "dea_registrations"), ("site", "sites")):
        for provider_id, _, values in sorted(ordered[kind], key=lambda entry: entry[1]):
            getattr(listings[provider_id], attribute).append(values)
