"""Migration 0025 (PostgreSQL): the directory's version is bumped once per transaction, whatever the number of
rows it wrote (0023's triggers bumped once per row, and a commit of N rows paid N^2/2 steps: seeding 100,000
providers did not commit in 25 minutes). Tested on a database of its own, with real commits: the suite's
sessions run inside one transaction, where the bump is made per savepoint instead (api/db.py, ``join``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from api.config import test_database_url as postgres_server
from api.db import make_engine
from api.migrate import alembic_config, upgrade
from tests.conftest import throwaway_postgres_database

_INSERT = text(
    "INSERT INTO providers (id, npi, given_name, family_name, credential, accepting_new_patients,"
    " max_active_patients, active_patients, timezone, availability, created_at, updated_at)"
    " SELECT :tag || g, lpad((g + :offset)::text, 10, '0'), 'Ada', 'Rivera', 'MD', true, 10, 0, 'UTC',"
    " '{}'::jsonb, now(), now() FROM generate_series(1, :count) AS g"
)


@pytest.fixture
def database() -> Iterator[str]:
    server = postgres_server()
    if not server:
        pytest.skip("the bump's once-per-transaction rule is PostgreSQL's (SQLite updates the row in place)")
    with throwaway_postgres_database(server, "telemedical_0025") as url:
        yield url


def _version(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT version FROM directory_version WHERE id = 1")).scalar_one()
        )


def _providers(connection: Connection, tag: str, count: int, offset: int) -> None:
    connection.execute(_INSERT, {"tag": tag, "count": count, "offset": offset})


def test_a_commit_bumps_the_version_once_however_many_rows_it_wrote(database: str) -> None:
    engine = make_engine(database)
    try:
        start = _version(engine)
        with engine.begin() as connection:  # 300 inserts, then 300 updates, then 3 deletes: one bump
            _providers(connection, "prv_a", 300, 0)
            connection.execute(text("UPDATE providers SET active_patients = 1"))
            connection.execute(text("DELETE FROM providers WHERE id IN ('prv_a1', 'prv_a2', 'prv_a3')"))
        assert _version(engine) == start + 1
        with engine.begin() as connection:  # the next transaction bumps again
            connection.execute(
                text("UPDATE providers SET accepting_new_patients = false WHERE id = 'prv_a4'")
            )
        assert _version(engine) == start + 2
        with engine.connect() as connection:  # rolled back: no bump
            _providers(connection, "prv_b", 10, 1000)
            connection.rollback()
        with engine.begin() as connection:  # its only directory write undone by a savepoint: no bump
            savepoint = connection.begin_nested()
            _providers(connection, "prv_c", 10, 2000)
            savepoint.rollback()
        assert _version(engine) == start + 2
        with engine.begin() as connection:  # a write inside a savepoint kept: one bump at the commit
            with connection.begin_nested():
                _providers(connection, "prv_d", 10, 3000)
            _providers(connection, "prv_e", 10, 4000)
        assert _version(engine) == start + 3
    finally:
        engine.dispose()


def test_with_immediate_triggers_each_savepoint_bumps_as_a_commit_would(database: str) -> None:
    """What the suite's joined sessions rely on (api/db.py): their commits are savepoints, their triggers
    immediate, and each savepoint that writes the directory must move the version."""
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SET CONSTRAINTS directory_version_bump IMMEDIATE")
            seen = [_read(connection)]
            for n in range(3):
                with connection.begin_nested():
                    _providers(connection, f"prv_s{n}_", 5, 100 * n)
                seen.append(_read(connection))
        assert seen == sorted(set(seen)) and len(seen) == 4  # rose at every savepoint
    finally:
        engine.dispose()


def test_the_downgrade_bumps_per_row_again_and_the_upgrade_once(database: str) -> None:
    engine = make_engine(database)
    try:
        command.downgrade(alembic_config(database), "0024")
        start = _version(engine)
        with engine.begin() as connection:
            _providers(connection, "prv_x", 20, 0)
        assert _version(engine) == start + 20
        upgrade(database)
        with engine.begin() as connection:
            _providers(connection, "prv_y", 20, 100)
        assert _version(engine) == start + 21
    finally:
        engine.dispose()


def _read(connection: Connection) -> int:
    return int(connection.execute(text("SELECT version FROM directory_version WHERE id = 1")).scalar_one())
