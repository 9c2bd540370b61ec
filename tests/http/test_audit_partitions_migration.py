"""Migration 0024 on a trail that already holds rows (PostgreSQL): every row lands in its month's partition
with its id, MAC and seal; the sealer's queue is neither lost nor doubled; the triggers hold on the
partitions; and the downgrade puts the same rows back into one table with the triggers of 0023."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from api.audit_custody import AnchorDir, AuditChain
from api.config import test_database_url as postgres_server
from api.db import make_engine, normalize_database_url
from api.domain.audit import Action, AuditKey, Keyring, Outcome
from api.migrate import alembic_config, upgrade
from api.models import AuditEvent, AuditPending, AuditSeal
from api.services import audit as trail
from api.services.audit_partitions import Month
from api.worker import seal_all_pending

KEY = AuditKey.of(b"migration-test-audit-key-" + b"k" * 40)


@pytest.fixture
def database_at_0023() -> Iterator[str]:
    server = postgres_server()
    if not server:
        pytest.skip("audit_events is partitioned on PostgreSQL only")
    name = f"telemedical_0024_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(normalize_database_url(server)).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url, "0023")
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _write(session: Session, when: datetime, count: int) -> list[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trail, "utcnow", lambda: when)
        access = trail.Access(actor_type="admin", action=Action.READ, outcome=Outcome.SUCCESS, ip="10.1.1.1")
        ids = [trail.record(session, access, Keyring(KEY)) for _ in range(count)]
    session.commit()
    return ids


def _state(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        return {
            "rows": {r.id: r.chained_fields() for r in session.scalars(select(AuditEvent))},
            "seals": session.execute(select(AuditSeal.seq, AuditSeal.audit_id, AuditSeal.chain_digest)).all(),
            "queued": sorted(session.scalars(select(AuditPending.audit_id))),
        }


def _refused(engine: Engine, statement: str) -> None:
    with engine.connect() as connection, pytest.raises(DatabaseError, match="append-only"):
        connection.execute(text(statement))


def test_the_conversion_keeps_every_row_and_the_downgrade_puts_them_back(
    database_at_0023: str, tmp_path: Path
) -> None:
    engine = make_engine(database_at_0023)
    chain = AuditChain(Keyring(KEY), AnchorDir(tmp_path / "anchors"))
    try:
        with Session(engine) as session:
            november = _write(session, datetime(2025, 11, 3, 8, tzinfo=UTC), 3)
            june = _write(session, datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC), 2)
            seal_all_pending(session, chain)
            waiting = _write(session, datetime(2026, 7, 1, tzinfo=UTC), 2)  # queued, not sealed
        before = _state(engine)
        assert before["queued"] == sorted(waiting)

        upgrade(database_at_0023, "0024")

        assert _state(engine) == before
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT relkind FROM pg_class WHERE relname = 'audit_events'")) == "p"
            )
            located = connection.execute(text("SELECT id, tableoid::regclass::text FROM audit_events"))
            where = {row[0]: row[1] for row in located}
        assert {where[i] for i in november} == {"audit_events_2025_11"}
        assert {where[i] for i in june} == {"audit_events_2026_06"}
        assert {where[i] for i in waiting} == {"audit_events_2026_07"}
        now = Month.of(datetime.now(UTC))
        with engine.connect() as connection:
            tables = set(connection.scalars(text("SELECT tablename FROM pg_tables")))
        assert {
            now.partition,
            now.next().partition,
            now.next().next().partition,
            "audit_events_default",
        } <= tables
        _refused(engine, "DELETE FROM audit_events_2025_11")
        _refused(engine, "TRUNCATE audit_events_2026_06")
        with Session(engine) as session:
            [new] = _write(session, datetime.now(UTC), 1)
            assert session.scalars(select(AuditPending.audit_id)).all().count(new) == 1
            seal_all_pending(session, chain)
            report = trail.verify_chain(session, chain)
            assert report.broken is None and report.unsealed == 0
        after = _state(engine)

        command.downgrade(alembic_config(database_at_0023), "0023")

        assert _state(engine) == after
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT relkind FROM pg_class WHERE relname = 'audit_events'")) == "r"
            )
            assert connection.scalar(text("SELECT to_regclass('audit_events_2025_11')")) is None
        _refused(engine, "DELETE FROM audit_events")
        _refused(engine, "TRUNCATE audit_events")
        with Session(engine) as session:
            [newer] = _write(session, datetime.now(UTC), 1)
            assert newer in session.scalars(select(AuditPending.audit_id)).all()
    finally:
        engine.dispose()
