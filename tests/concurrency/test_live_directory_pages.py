"""The directory's pages across processes: two servers, each ``telemedical run`` with one worker process of
its own, on one database (SQLite in ``make test``, PostgreSQL in ``make test-postgres``). Each keeps the
pages it built in its own memory, keyed by the directory version the database keeps
(api/services/directory_pages.py).

A write through one process is on the next page the other serves, though that one had the page cached from
before the write: a cache invalidated by its own process's writes only, or keyed by anything the other
process cannot see, fails here. Every check is made once the write's response came back (it has committed),
with no waiting: the promise is that the very next read sees it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from api.auth.scopes import SCOPES
from api.models import Provider
from api.services import accounts
from tests.concurrency.conftest import live_token
from tests.concurrency.server import REQUEST_TIMEOUT, LiveServer, start_server
from tests.concurrency.test_live_concurrency import ready_consultation
from tests.directory import all_day_availability, far_future, iso, next_whole_hour, provider_body
from tests.world import Creds, partner_with_portal


@dataclass
class Process:
    """One server process, and an admin's and a partner's bearer headers for it (tokens are per issuer)."""

    name: str
    server: LiveServer
    admin: dict[str, str]
    partner: dict[str, str]

    def call(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> requests.Response:
        return requests.request(
            method, self.server.url(path), headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        )

    def page(self, query: str) -> requests.Response:
        response = self.call("GET", f"/v1/providers?{query}", self.partner)
        assert response.status_code == 200, f"{self.name}: {response.text[:300]}"
        return response

    def listed(self, query: str) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in self.page(query).json()["data"]}

    def etag(self, provider_id: str) -> str:
        return self.call("GET", f"/v1/providers/{provider_id}", self.admin).headers["ETag"]


@dataclass
class Pair:
    one: Process
    other: Process
    partner_id: str


@pytest.fixture(scope="module")
def pair(
    live_database_url: str, live_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    servers = [
        start_server(live_database_url, tmp_path_factory.mktemp(f"pages-{n}"), workers=1) for n in (1, 2)
    ]
    try:
        with Session(live_engine, expire_on_commit=False) as session:
            partner_id, portal = partner_with_portal(session, "Directory pages partner")
            admin, secret = accounts.create_client(
                session,
                accounts.system_principal(),
                None,
                name="Directory pages admin",
                grant_type="client_credentials",
                scope=" ".join(SCOPES),
            )
            session.commit()
        one, other = (
            Process(
                name,
                server,
                {"Authorization": f"Bearer {live_token(server, Creds(admin.id, secret))}"},
                {"Authorization": f"Bearer {live_token(server, portal)}"},
            )
            for name, server in zip(("one", "other"), servers, strict=True)
        )
        yield Pair(one, other, partner_id)
    finally:
        for server in servers:
            server.stop()


def _tag() -> str:
    return "live_pages_" + "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:12])


def _create(process: Process, tag: str, **changes: Any) -> dict[str, Any]:
    response = process.call(
        "POST", "/v1/providers", process.admin, json=provider_body(specialties=[tag], **changes)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _cached_on(process: Process, query: str) -> bytes:
    """The page as ``process`` serves it, asked twice so that the second answer is its cached copy."""
    first = process.page(query).content
    assert process.page(query).content == first
    return first


def test_a_write_through_one_process_is_on_the_others_next_page(pair: Pair, arrange: Session) -> None:
    tag = _tag()
    query = f"specialty={tag}"
    one, other = pair.one, pair.other

    # A new provider.
    _cached_on(other, query)
    provider = _create(one, tag, timezone="UTC")
    pid = provider["id"]
    assert set(other.listed(query)) == {pid}

    # A profile change, the other way round.
    _cached_on(one, query)
    patched = other.call(
        "PATCH",
        f"/v1/providers/{pid}",
        {**other.admin, "If-Match": other.etag(pid)},
        json={"family_name": "Moreau", "accepting_new_patients": False},
    )
    assert patched.status_code == 200, patched.text
    assert one.listed(query)[pid]["family_name"] == "Moreau"

    # A licence: the provider joins California's page.
    in_ca = f"{query}&state=CA"
    assert _cached_on(other, in_ca) and other.listed(in_ca) == {}
    licences = [
        *provider["licenses"],
        {"state": "CA", "number": f"CA-{provider['npi']}", "status": "active", "expires_on": far_future()},
    ]
    licensed = one.call(
        "PATCH",
        f"/v1/providers/{pid}",
        {**one.admin, "If-Match": one.etag(pid)},
        json={"licenses": licences, "accepting_new_patients": True},
    )
    assert licensed.status_code == 200, licensed.text
    assert set(other.listed(in_ca)) == {pid}

    # Availability.
    _cached_on(one, query)
    put = other.call("PUT", f"/v1/providers/{pid}/availability", other.admin, json=all_day_availability())
    assert put.status_code == 200, put.text
    assert len(one.listed(query)[pid]["availability"]["weekly"]) == 7

    # A booking takes a place; its cancellation gives it back.
    consultation = ready_consultation(arrange, pair.partner_id, f"pages-{tag}")
    _cached_on(other, query)
    booked = one.call(
        "POST",
        f"/v1/consultations/{consultation}/assignment",
        one.partner,
        json={"provider_id": pid, "slot_start": iso(next_whole_hour(3))},
    )
    assert booked.status_code == 201, booked.text
    assert other.listed(query)[pid]["active_patients"] == 1
    _cached_on(one, query)
    cancelled = other.call(
        "POST", f"/v1/consultations/{consultation}/cancel", other.partner, json={"reason": "changed plans"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert one.listed(query)[pid]["active_patients"] == 0

    # Both processes now serve the same page, as each reads the provider by id.
    assert one.page(query).content == other.page(query).content
    assert one.listed(query)[pid] == one.call("GET", f"/v1/providers/{pid}", one.partner).json()


def test_a_write_by_no_server_is_on_both_processes_next_page(pair: Pair, arrange: Session) -> None:
    """The worker, a bulk load or a console session writes the directory without either server knowing."""
    tag = _tag()
    query = f"specialty={tag}"
    pid = _create(pair.one, tag)["id"]
    before = {process.name: _cached_on(process, query) for process in (pair.one, pair.other)}
    arrange.execute(update(Provider).where(Provider.id == pid).values(given_name="Worker"))
    arrange.commit()
    for process in (pair.one, pair.other):
        after = process.page(query)
        assert after.content != before[process.name]
        assert after.json()["data"][0]["given_name"] == "Worker"
