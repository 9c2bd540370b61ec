"""Fixtures for the live-server concurrency tests.

One server per test session (per xdist worker): ``telemedical run --workers 2`` on a SQLite file in a temp
directory, or, when ``TEST_DATABASE_URL`` is set (``make test-postgres``), on a throw-away PostgreSQL
database. Data is arranged directly through the models and services on that same database; every test gets
its own partner, so the tests share the server without seeing each other's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.auth.scopes import SCOPES
from api.config import test_database_url
from api.db import make_engine
from api.migrate import upgrade
from api.services import accounts
from tests.concurrency.server import REQUEST_TIMEOUT, LiveServer, start_server
from tests.conftest import throwaway_postgres_database
from tests.world import Creds, partner_with_portal


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = test_database_url()
    if not server:
        url = f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'live.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_postgres_database(server, "telemedical_live") as url:
        yield url


@pytest.fixture(scope="session")
def live_server(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(live_database_url, tmp_path_factory.mktemp("live-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_engine(live_database_url: str) -> Iterator[Engine]:
    engine = make_engine(live_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def arrange(live_engine: Engine) -> Iterator[Session]:
    """A session on the live server's database, for arranging data and inspecting it afterwards."""
    with Session(live_engine, expire_on_commit=False) as session:
        yield session


def live_token(server: LiveServer, creds: Creds) -> str:
    response = requests.post(
        server.url("/oauth/token"),
        data={"grant_type": "client_credentials"},
        auth=(creds.client_id, creds.secret or ""),
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@dataclass
class Tenant:
    """A partner of its own, its portal's bearer headers, and a platform admin's."""

    partner_id: str
    headers: dict[str, str]
    admin: dict[str, str]


@pytest.fixture
def tenant(live_server: LiveServer, arrange: Session) -> Tenant:
    partner, portal = partner_with_portal(arrange, "Live partner")
    admin, admin_secret = accounts.create_client(
        arrange,
        accounts.system_principal(),
        None,
        name="Live admin",
        grant_type="client_credentials",
        scope=" ".join(SCOPES),
    )
    arrange.commit()
    return Tenant(
        partner,
        {"Authorization": f"Bearer {live_token(live_server, portal)}"},
        {"Authorization": f"Bearer {live_token(live_server, Creds(admin.id, admin_secret))}"},
    )
