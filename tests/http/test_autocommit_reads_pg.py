"""Read-only requests on PostgreSQL run without BEGIN and COMMIT (api.db.get_session): each statement stands
alone, and what must commit together (an audit row and its patient references) still does. A read's audit
row is committed by the process's group commit, in a transaction of its own (api/group_commit.py). Requests
commit for real here, on the race fixture's own database, as a server's would."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from api.db import get_db
from api.models import Patient
from api.models.audit import AuditEvent, AuditPatientRef
from tests.conftest import Race
from tests.helpers import bearer, cc_token


def _patients(race: Race, count: int) -> list[str]:
    with Session(race.engine, expire_on_commit=False) as session:
        rows = [
            Patient(
                partner_id=race.partner_id,
                given_name="Auto",
                family_name=f"Commit {index}",
                birth_date=date(1980, 1, 1),
                sex_at_birth="female",
            )
            for index in range(count)
        ]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def test_a_read_opens_no_transaction_and_a_write_one(race: Race) -> None:
    (patient_id,) = _patients(race, 1)
    client = race.app.test_client()
    headers = bearer(cc_token(client, race.portal))
    seen: list[tuple[bool, str, TransactionStatus]] = []
    requests_thread = threading.current_thread()

    def after(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        status = conn.connection.driver_connection.info.transaction_status
        seen.append((threading.current_thread() is requests_thread, statement.split()[0], status))

    # A read's session is bound to the engine of read-only requests (api.db.Database.read_engine).
    engines = (race.engine, get_db(race.app).read_engine)
    for engine in engines:
        event.listen(engine, "after_cursor_execute", after)
    try:
        assert client.get(f"/v1/patients/{patient_id}", headers=headers).status_code == 200
        read, seen[:] = list(seen), []
        body = {"given_name": "New", "family_name": "One", "birth_date": "1990-01-01", "sex_at_birth": "male"}
        assert client.post("/v1/patients", json=body, headers=headers).status_code == 201
        written = list(seen)
    finally:
        for engine in engines:
            event.remove(engine, "after_cursor_execute", after)

    # The read, which checks the token in the same statement (api/auth/store.py ``token_is_live``): not
    # inside a transaction left open; the audit row inserted by the group commit's writer as one statement
    # (the row and its patient references: ``WITH refs AS (INSERT ...) INSERT ...``) in autocommit, so
    # committed by that statement alone, no transaction left open.
    assert [(mine, verb, status) for mine, verb, status in read if mine] == [
        (True, "SELECT", TransactionStatus.IDLE)
    ]
    assert [(verb, status) for mine, verb, status in read if not mine] == [("WITH", TransactionStatus.IDLE)]
    assert written and {status for _, _, status in written} == {TransactionStatus.INTRANS}
    assert all(mine for mine, _, _ in written)  # a write's row is committed with the write


def test_a_read_of_several_patients_is_audited_with_each_of_them(race: Race) -> None:
    ids = _patients(race, 3)
    client = race.app.test_client()
    headers = bearer(cc_token(client, race.portal))

    listed = client.get("/v1/patients?limit=3", headers=headers)

    assert listed.status_code == 200 and {p["id"] for p in listed.get_json()["data"]} == set(ids)
    with Session(race.engine) as session:
        row = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.operation == "listPatients")
            .order_by(AuditEvent.created_at.desc())
        ).first()
        assert row is not None and sorted(row.patient_ids) == sorted(ids)
        refs = session.scalar(select(func.count()).where(AuditPatientRef.audit_id == row.id))
        assert refs == 3


def test_a_read_borrows_one_autocommit_connection_for_its_statement_and_returns_it(race: Race) -> None:
    """``GET /v1/patients/{id}``: its session is bound to the read engine (connections in autocommit from
    the moment they are made) and opens none; the direct read borrows one for its statement and returns it
    before the response (api.db ``DirectRead``). No connection of the transactional engine is taken."""
    (patient_id,) = _patients(race, 1)
    client = race.app.test_client()
    headers = bearer(cc_token(client, race.portal))
    read_engine = get_db(race.app).read_engine
    assert read_engine is not race.engine
    requests_thread = threading.current_thread()
    lent: list[tuple[str, str]] = []

    def on(name: str, kind: str) -> Any:
        def record(*_: Any) -> None:
            if threading.current_thread() is requests_thread:
                lent.append((name, kind))

        return record

    listeners = [
        (engine, kind, on(name, kind))
        for name, engine in (("read", read_engine), ("transactional", race.engine))
        for kind in ("checkout", "checkin")
    ]
    for engine, kind, listener in listeners:
        event.listen(engine, kind, listener)
    try:
        answer = client.get(f"/v1/patients/{patient_id}", headers=headers)
    finally:
        for engine, kind, listener in listeners:
            event.remove(engine, kind, listener)
    assert answer.status_code == 200 and answer.get_json()["id"] == patient_id
    assert lent == [("read", "checkout"), ("read", "checkin")]
    assert read_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with read_engine.connect() as connection:
        assert connection.connection.driver_connection.autocommit  # type: ignore[union-attr]


def test_a_read_on_a_connection_the_server_dropped_is_a_503_and_the_next_is_served(
    race: Race, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The direct read meets a pooled connection that PostgreSQL ended while it sat in the read pool (a
    restart, an idle timeout) before the idle check would look at it: the read is answered 503
    ``service_unavailable`` (never a 500, no data), the connection is discarded, and the next read is served
    on a new one."""
    import api.db

    monkeypatch.setattr(api.db, "IDLE_BEFORE_PING_SECONDS", 3600.0)  # no check before lending: it is met
    (patient_id,) = _patients(race, 1)
    client = race.app.test_client()
    headers = bearer(cc_token(client, race.portal))
    path = f"/v1/patients/{patient_id}"
    assert client.get(path, headers=headers).status_code == 200
    read_engine = get_db(race.app).read_engine
    with read_engine.connect() as connection:  # the pool's one connection, the read's
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with race.engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")  # type: ignore[arg-type]

    dropped = client.get(path, headers=headers)

    assert dropped.status_code == 503 and dropped.mimetype == "application/problem+json"
    assert dropped.get_json()["code"] == "service_unavailable" and patient_id not in dropped.get_data(True)
    served = client.get(path, headers=headers)
    assert served.status_code == 200 and served.get_json()["id"] == patient_id
    with read_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
