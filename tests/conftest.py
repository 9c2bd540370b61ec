"""Test harness: the real migrations, a real token endpoint, one rolled-back transaction per test.

SQLite by default; with ``TEST_DATABASE_URL`` (a PostgreSQL server URL) each test session (each xdist
worker) creates its own throw-away database there and drops it at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import argon2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth import passwords
from api.config import Settings, test_database_url
from api.db import Database, make_engine, normalize_database_url
from api.migrate import upgrade
from tests import conformance, problem_catalogue
from tests.helpers import bearer, cc_token
from tests.world import Creds, World, build_world, partner_with_portal

conformance.install()
problem_catalogue.install()


@pytest.fixture(autouse=True)
def responses_match_the_spec() -> Iterator[None]:
    """Fails a test whose app answered a JSON body its operation's documented schema does not allow."""
    conformance.take()
    yield
    found = conformance.take()
    assert not found, "responses that do not match openapi/v1.json:\n" + "\n".join(found[:10])


@pytest.fixture(autouse=True)
def problems_are_declared() -> Iterator[None]:
    """Fails a test whose app answered a problem whose code the catalogue lacks, or with another status."""
    problem_catalogue.take()
    yield
    found = problem_catalogue.take()
    assert not found, "problems not in api.http.problems.PROBLEM_TYPES:\n" + "\n".join(found[:10])


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = test_database_url()
    if not server:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_postgres_database(server, "telemedical_test") as url:
        yield url


@contextmanager
def throwaway_postgres_database(server: str, prefix: str) -> Iterator[str]:
    """A new PostgreSQL database on ``server``, migrated to head, dropped afterwards; yields its URL."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(normalize_database_url(server)).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")  # the dev signing key is generated here once


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """argon2-cffi's cheapest profile: a sign-in still verifies a real hash, at a fraction of the cost."""
    passwords.use_parameters(argon2.profiles.CHEAPEST)


@pytest.fixture(scope="session")
def base_settings(instance_dir: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url, instance_dir=instance_dir, testing=True, secret_key="test-secret"
    )


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return base_settings


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def make_app(settings: Settings, connection: Connection) -> Callable[..., Flask]:
    """An app whose sessions live inside the test's outer transaction (services' commits are savepoints)."""

    def factory(**overrides: Any) -> Flask:
        database = Database(connection.engine)
        database.join(connection)
        return create_app(settings.with_overrides(**overrides), database=database)

    return factory


@pytest.fixture(scope="session")
def shared_app(base_settings: Settings, engine: Engine) -> Flask:
    """The app, built once per test session (building one costs ~0.2 s); each test rebinds its sessions."""
    return create_app(base_settings, database=Database(engine))


@pytest.fixture
def app(shared_app: Flask, connection: Connection) -> Flask:
    """The shared app, its sessions in this test's transaction and its rate-limit counters reset."""
    shared_app.extensions["db"].join(connection)
    shared_app.extensions["rate_limiter"].reset()
    # Each test's writes are rolled back, so the next test reads the same directory versions again.
    shared_app.extensions["provider_pages"].clear()
    return shared_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session for arranging and inspecting data directly, outside any request."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture
def world(db: Session) -> World:
    return build_world(db)


@pytest.fixture
def admin(client: FlaskClient, world: World) -> dict[str, str]:
    """The platform's headers: a token of its admin client (client credentials, scope ``admin``)."""
    return bearer(cc_token(client, world.admin))


@pytest.fixture
def race_database_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for tests whose requests commit for real on separate connections, as
    separate server workers would (race tests); outside the per-test outer transaction."""
    server = test_database_url()
    if not server:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    with throwaway_postgres_database(server, "telemedical_race") as url:
        yield url


@dataclass
class Race:
    """An app on its own PostgreSQL database whose requests commit for real, and a partner's portal."""

    app: Flask
    engine: Engine
    partner_id: str
    portal: Creds


@pytest.fixture
def race(race_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Race]:
    settings = Settings(
        database_url=race_database_url,
        instance_dir=tmp_path_factory.mktemp("race"),
        testing=True,
        secret_key="race-secret",
    )
    database = Database(make_engine(race_database_url, pool_size=10))
    with Session(database.engine, expire_on_commit=False) as session:
        partner, portal = partner_with_portal(session, "Race partner")
    yield Race(create_app(settings, database=database), database.engine, partner, portal)
    database.dispose()
