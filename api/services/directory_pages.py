"""Pages of the provider directory served from a snapshot: ``GET /v1/providers`` answered from memory while
the directory has not changed.

A page (20 providers with their lists: about 150 rows, 60 kB of JSON) changes only when the directory does,
and partners ask for the same few pages (providers licensed in a state) over and over. Each process keeps the
pages it built, as the JSON of their ``data`` array, keyed by

- the directory's version (``DirectoryVersion``, migrations 0023 and 0025): database triggers bump it, once,
  in the transaction of every write to a table the page shows — a provider's row (profile, availability,
  capacity, which bookings and cancellations move), licences, DEA registrations, sites, routes, languages,
  specialties — so no writer can forget, whichever process or tool it runs in;
- the query, normalised: every filter the caller gave (the language in its canonical case), the limit as
  clamped and the cursor's decoded position, so two queries that list different providers never share a
  key; and the day (UTC), since ``state`` lists only licences not expired today.

The version is read first, before the page's rows: a page is built from data at least as new as the version
it is stored under. On PostgreSQL each statement of a read reads its own snapshot (READ COMMITTED,
autocommit): rows read after the version include every write that version counts, and a write committed in
between only makes the page newer than its version, never older; the version and the rows of a write are
committed together (the bump runs at commit). On SQLite a read transaction reads one snapshot. So a process
that reads version V and finds a page stored under V serves the directory as it stood at V or later: no page
is staler than the last write committed before the request read the version, in this process or any other.

The caller's identity is not in the key: every principal with ``providers:read`` reads the same directory
(``list_providers`` applies no tenancy), and the page's links (``Link``, which carries the request's own
query) and ``next_cursor`` are made per request from the cached position, outside the cached part.

**The directory holds no PHI**, so these pages may sit in memory (and could sit in a shared cache) without
encryption: every cached field is a clinician's directory record — id, NPI, name, credential,
specialties, languages, routes, practice sites, state licences and DEA registrations (public registries),
capacity counts (``max_active_patients``, ``active_patients``: numbers, naming no patient), time zone,
weekly availability and the record's timestamps. No patient, consultation or appointment is in a page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.auth.store import confirm_token_live, token_is_live
from api.db import utcnow
from api.models import DirectoryVersion
from api.services.paging import PageRequest
from api.services.provider_directory import ProviderListing, list_providers
from api.services.providers import canonical_language

# What a page costs beyond its JSON (its key, ids, entry), counted so that many empty pages are bounded too.
ENTRY_OVERHEAD = 512


@dataclass(frozen=True)
class RenderedPage:
    """A page of the list as the response carries it: its ``data`` array as JSON, and what the rest of the
    response and the audit row are made from."""

    data: bytes
    ids: tuple[str, ...]  # the providers listed, in order (the read's audit row names them)
    has_more: bool
    last_key: tuple[datetime, str] | None

    @property
    def size(self) -> int:
        return len(self.data) + ENTRY_OVERHEAD + 64 * len(self.ids)


class PageCache:
    """Pages by key, least recently used first out once their size passes ``max_bytes`` (0: keep none).
    Thread-safe: a server process serves requests on several threads. Pages of a version older than the
    newest one stored are dead (versions only grow): they are not stored, and the first page of a newer
    version drops them all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, RenderedPage] = OrderedDict()
        self._bytes = 0
        self._newest_version = -1
        self._lock = threading.Lock()

    def get(self, key: tuple[int, Hashable]) -> RenderedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[int, Hashable], page: RenderedPage) -> None:
        version = key[0]
        if page.size > self.max_bytes:
            return
        with self._lock:
            if version < self._newest_version:
                return  # built by a request that read the version before a later write: nobody asks for it
            if version > self._newest_version:
                self._pages.clear()
                self._bytes = 0
                self._newest_version = version
            previous = self._pages.pop(key, None)
            if previous is not None:
                self._bytes -= previous.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0
            self._newest_version = -1

    def __len__(self) -> int:
        return len(self._pages)


# Built once; run on the session's connection as Core (no ORM execution context): every search runs it.
_VERSION = select(DirectoryVersion.__table__.c.version).where(DirectoryVersion.__table__.c.id == 1)


def directory_version(session: Session) -> int:
    """The directory's version as this session reads it now (migration 0023 keeps it)."""
    version: int = session.connection().execute(_VERSION).scalar_one()
    return version


# The version and the request's token in one statement: a search's first statement checks the token too
# (api/auth/store.py), so that the operation needs no read of its own for it.
_VERSION_AND_TOKEN = select(DirectoryVersion.__table__.c.version, token_is_live().label("token_live")).where(
    DirectoryVersion.__table__.c.id == 1
)


def _version_checking_token(session: Session, principal: Principal) -> int:
    """The directory's version, and the request's token confirmed live if it is (a principal without a token
    confirms nothing: its ``scope_token`` is null, which no token row matches)."""
    row = session.connection().execute(_VERSION_AND_TOKEN, {"scope_token": principal.token_id}).one()
    if row.token_live:
        confirm_token_live(session, principal.token_id)
    version: int = row.version
    return version


def page_key(filters: dict[str, Any], page: PageRequest, today: date) -> Hashable:
    """The query, normalised: every filter given (not only the ones known today, so that a filter added to
    the list can never be left out of its key), the language in its canonical case, the page's size and
    position, and the day the licences' expiry is judged on."""
    given = []
    for name, value in filters.items():
        if name in ("limit", "cursor") or value is None:
            continue
        if name == "language":
            value = canonical_language(value)
        given.append((name, tuple(value) if isinstance(value, list) else value))
    return (tuple(sorted(given)), page.limit, page.after, today)


def provider_page(
    session: Session,
    principal: Principal,
    filters: dict[str, Any],
    page: PageRequest,
    *,
    cache: PageCache,
    render: Callable[[Sequence[ProviderListing]], bytes],
) -> RenderedPage:
    """The page of providers the filters and ``page`` ask for, from ``cache`` when it holds the page at the
    directory's current version, otherwise read (``list_providers``), rendered (``render``: the ``data``
    array's JSON) and stored."""
    version = _version_checking_token(session, principal)  # before the rows: see the module's docstring
    today = utcnow().date()
    key = (version, page_key(filters, page, today))
    cached = cache.get(key)
    if cached is not None:
        return cached
    listed = list_providers(session, principal, filters, page, today=today)
    rendered = RenderedPage(
        data=render(listed.items),
        ids=tuple(listing.row.id for listing in listed.items),
        has_more=listed.has_more,
        last_key=listed.last_key,
    )
    cache.put(key, rendered)
    return rendered
