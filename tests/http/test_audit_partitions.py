"""The audit trail's monthly partitions (PostgreSQL, migration 0024) and ``telemedical audit archive``: the
partitions the worker makes ahead, rows with no month's partition kept in the default and moved out of it,
a month archived to a checked file and detached while ``audit verify`` and the listing go on, the refusals,
and a patient's listing on the partitions' own indexes (docs/audit.md, "Partitions and archives").
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from api.audit_custody import AuditChain
from api.cli import main
from api.db import make_engine, unit_of_work
from api.domain.audit import Action, Outcome
from api.models import AuditEvent, AuditPending, AuditSeal
from api.services import audit as trail
from api.services import audit_partitions as partitions
from api.services.audit_partitions import Month, ensure_partitions
from api.worker import seal_all_pending
from tests.helpers import bearer, cc_token
from tests.http import test_audit as audit_tests
from tests.world import World

Headers = dict[str, str]

postgres_only = pytest.mark.usefixtures("postgres")


@pytest.fixture
def postgres(db: Session) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("audit_events is partitioned on PostgreSQL only")


# The audit tests' fixtures: this test's anchor directory, its chain, the command line's app.
anchors, chain, cli_app = audit_tests.anchors, audit_tests.chain, audit_tests.cli_app


@pytest.fixture
def admin_headers(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.admin))


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(main, list(args))


def _rows_at(
    db: Session, chain: AuditChain, when: datetime, count: int, patient: str | None = None
) -> list[str]:
    """``count`` audit rows written at ``when``, each with its own MAC, as a request would write them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trail, "utcnow", lambda: when)
        ids = [
            trail.record(
                db,
                trail.Access(
                    actor_type="admin",
                    action=Action.READ,
                    outcome=Outcome.SUCCESS,
                    operation="getPatient",
                    resource_id=patient,
                    patient_ids=[patient] if patient else [],
                    ip="10.1.2.3",
                ),
                chain.keyring,
            )
            for _ in range(count)
        ]
    db.flush()
    return ids


def _partition_of(db: Session, audit_id: str) -> str:
    return str(
        db.scalar(text("SELECT tableoid::regclass::text FROM audit_events WHERE id = :id"), {"id": audit_id})
    )


def _partitions(db: Session) -> set[str]:
    return set(
        db.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'audit_events'::regclass"
            )
        )
    )


# --- SQLite: one table, and a clear refusal -----------------------------------------------------------------


def test_on_sqlite_nothing_is_partitioned_and_archive_refuses_clearly(cli_app: Flask, db: Session) -> None:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the SQLite behaviour")
    assert ensure_partitions(db) == []
    result = _cli(cli_app, "audit", "archive", "--before", "2019-01")
    assert result.exit_code == 1
    assert "audit archive needs PostgreSQL" in result.output


# --- PostgreSQL ---------------------------------------------------------------------------------------------


@postgres_only
def test_the_trail_is_partitioned_by_month_and_its_triggers_hold_on_every_partition(
    client: FlaskClient, world: World, admin_headers: Headers, db: Session
) -> None:
    now = datetime.now(UTC)
    month = Month.of(now)
    ahead = [month, month.next(), month.next().next()]
    assert {m.partition for m in ahead} | {"audit_events_default"} <= _partitions(db)
    assert ensure_partitions(db, now) == []  # made by the migration; the worker's pass finds them there
    client.get(f"/v1/patients/{world.patient_a1}", headers=admin_headers)
    row = db.scalars(select(AuditEvent).order_by(AuditEvent.created_at.desc())).first()
    assert row is not None and _partition_of(db, row.id) == month.partition
    assert db.get(AuditPending, row.id) is not None  # the queue trigger fires on the partition
    for statement in (
        f"DELETE FROM {month.partition} WHERE id = :id",
        f"UPDATE {month.partition} SET ip = '10.9.9.9' WHERE id = :id",
        f"TRUNCATE {month.partition}",
        "TRUNCATE audit_events_default",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        nested = db.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(text(statement), {"id": row.id})
        nested.rollback()


@postgres_only
def test_a_row_with_no_months_partition_is_kept_in_the_default_then_moved_into_its_month(
    db: Session, chain: AuditChain
) -> None:
    when = datetime(2031, 7, 14, 9, 30, tzinfo=UTC)
    [stray] = _rows_at(db, chain, when, 1)
    assert _partition_of(db, stray) == "audit_events_default"  # the insert did not fail
    made = ensure_partitions(db, when)
    assert made == ["audit_events_2031_07", "audit_events_2031_08", "audit_events_2031_09"]
    assert _partition_of(db, stray) == "audit_events_2031_07"  # same id, now in its month
    assert db.scalar(select(AuditPending.audit_id).where(AuditPending.audit_id == stray)) == stray
    assert ensure_partitions(db, when) == []
    # The moved partition has the trail's triggers like any other.
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_events_2031_07"))
    nested.rollback()
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("TRUNCATE audit_events_2031_07"))
    nested.rollback()
    seal_all_pending(db, chain)
    report = trail.verify_chain(db, chain)
    assert report.broken is None and report.unsealed == 0


def test_two_workers_making_the_same_partitions_at_once_both_succeed(race_database_url: str) -> None:
    engine = make_engine(race_database_url, pool_size=4)
    when = datetime(2040, 1, 10, tzinfo=UTC)
    start = threading.Barrier(2)
    made: list[list[str]] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(engine) as session:
                start.wait(timeout=30)
                with unit_of_work(session):
                    made.append(ensure_partitions(session, when))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert failures == []
        assert sorted(made, key=len) == [
            [],
            ["audit_events_2040_01", "audit_events_2040_02", "audit_events_2040_03"],
        ]
    finally:
        engine.dispose()


@postgres_only
def test_archive_exports_a_month_checks_it_and_detaches_it_while_verify_and_listing_go_on(
    cli_app: Flask,
    client: FlaskClient,
    world: World,
    admin_headers: Headers,
    db: Session,
    chain: AuditChain,
    tmp_path: Path,
) -> None:
    patient = world.patient_a1
    march = _rows_at(db, chain, datetime(2019, 3, 5, 12, tzinfo=UTC), 3, patient)
    april = _rows_at(db, chain, datetime(2019, 4, 30, 23, 59, 59, tzinfo=UTC), 2, patient)
    client.get(f"/v1/patients/{patient}", headers=admin_headers)  # this month's, kept
    assert _cli(cli_app, "audit", "verify", "--seal").exit_code == 0  # sealed, and a checkpoint recorded
    in_db = {
        row.id: row.chained_fields()
        for row in db.scalars(select(AuditEvent).where(AuditEvent.id.in_(march + april)))
    }
    out = tmp_path / "archive"

    result = _cli(cli_app, "audit", "archive", "--before", "2019-05", "--out", str(out))

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert [(m["month"], m["rows"], m["ok"]) for m in summary["archived"]] == [
        ("2019-03", 3, True),
        ("2019-04", 2, True),
    ]
    assert not {"audit_events_2019_03", "audit_events_2019_04"} & _partitions(db)
    db.expire_all()
    assert db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(march + april))).all() == []
    assert db.scalar(select(AuditSeal.seq).where(AuditSeal.audit_id == march[0])) is not None  # seals stay
    # The files hold exactly the rows the database held, and their checksums are right.
    archived: dict[str, Any] = {}
    for month in ("2019-03", "2019-04"):
        data = out / f"audit-events-{month}.ndjson.gz"
        digest = hashlib.sha256(data.read_bytes()).hexdigest()
        assert (out / f"{data.name}.sha256").read_text() == f"{digest}  {data.name}\n"
        assert json.loads((out / f"audit-events-{month}.manifest.json").read_text())["sha256"] == digest
        with gzip.open(data, "rt") as handle:
            for line in handle:
                record = json.loads(line)
                if record["row"] is not None:
                    archived[record["row"]["id"]] = record["row"]
    assert archived == in_db
    # The chain still verifies, from its checkpoint and whole; the archive offline, against the same keys.
    for args in ((), ("--full",)):
        verified = _cli(cli_app, "audit", "verify", *args)
        assert verified.exit_code == 0, verified.output
        assert json.loads(verified.output)["ok"] is True
    offline = _cli(cli_app, "audit", "verify-archive", str(out / "audit-events-2019-03.manifest.json"))
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.output) == {
        "month": "2019-03",
        "rows": 3,
        "first_seal": json.loads(offline.output)["first_seal"],
        "last_seal": json.loads(offline.output)["last_seal"],
        "ok": True,
    }
    # The listing goes on, on what the database still holds.
    listed = client.get(f"/v1/audit-events?patient_id={patient}&limit=100", headers=admin_headers)
    assert listed.status_code == 200
    ids = {r["id"] for r in listed.get_json()["data"]}
    assert ids and not ids & set(march + april)


@postgres_only
def test_an_archive_changed_afterwards_does_not_verify(
    cli_app: Flask, db: Session, chain: AuditChain, tmp_path: Path
) -> None:
    _rows_at(db, chain, datetime(2019, 6, 2, tzinfo=UTC), 2)
    seal_all_pending(db, chain)
    out = tmp_path / "archive"
    assert _cli(cli_app, "audit", "archive", "--before", "2019-07", "--out", str(out)).exit_code == 0
    data = out / "audit-events-2019-06.ndjson.gz"
    manifest = out / "audit-events-2019-06.manifest.json"
    lines = [json.loads(line) for line in gzip.decompress(data.read_bytes()).decode().splitlines()]
    changed = next(line for line in lines if line["row"] is not None)
    changed["row"]["ip"] = "10.9.9.9"
    data.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode()))
    result = _cli(cli_app, "audit", "verify-archive", str(manifest))
    assert result.exit_code == 1
    assert "SHA-256" in json.loads(result.output)["problem"]
    # With the checksums recomputed too, the row no longer matches its seal.
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    (out / f"{data.name}.sha256").write_text(f"{digest}  {data.name}\n")
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "sha256": digest}))
    result = _cli(cli_app, "audit", "verify-archive", str(manifest))
    assert result.exit_code == 1
    assert "the audit row was changed after it was sealed" in json.loads(result.output)["problem"]


@postgres_only
def test_archive_refuses_the_retention_window_unsealed_months_and_a_bad_month(
    cli_app: Flask, db: Session, chain: AuditChain, tmp_path: Path
) -> None:
    out = str(tmp_path / "archive")
    now = datetime.now(UTC)
    inside = _cli(cli_app, "audit", "archive", "--before", str(Month.of(now)), "--out", out)
    assert inside.exit_code == 1
    assert "reaches into the retention window" in inside.output and "164.316(b)(2)(i)" in inside.output
    assert str(partitions.newest_archivable(now)) in inside.output

    waiting = _rows_at(db, chain, datetime(2019, 8, 20, tzinfo=UTC), 2)  # not sealed yet
    unsealed = _cli(cli_app, "audit", "archive", "--before", "2019-09", "--out", out)
    assert unsealed.exit_code == 1
    assert "2019-08 is not fully sealed: 2 of its rows wait for their seal" in unsealed.output
    db.expire_all()
    assert len(db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(waiting))).all()) == 2  # nothing out
    assert not (tmp_path / "archive" / "audit-events-2019-08.ndjson.gz").exists()

    bad = _cli(cli_app, "audit", "archive", "--before", "2019-13", "--out", out)
    assert bad.exit_code == 2 and "is not a month" in bad.output


@postgres_only
def test_a_patients_listing_walks_each_partitions_own_index_and_prunes_by_time(
    client: FlaskClient, world: World, admin_headers: Headers, db: Session
) -> None:
    patient = world.patient_a1
    older = ensure_partitions(db, datetime(2025, 1, 15, tzinfo=UTC), ahead=0)  # a past month of the trail
    assert older == ["audit_events_2025_01"]
    client.get(f"/v1/patients/{patient}", headers=admin_headers)
    month = Month.of(datetime.now(UTC))
    captured: list[list[tuple[str, Any]]] = []

    def capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if "FROM audit_events" in statement and "patient_id" in statement:
            captured[-1].append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        since = month.start.isoformat().replace("+00:00", "Z")
        captured.append([])
        assert client.get(f"/v1/audit-events?patient_id={patient}", headers=admin_headers).status_code == 200
        captured.append([])
        assert (
            client.get(
                f"/v1/audit-events?patient_id={patient}&occurred_after={since}", headers=admin_headers
            ).status_code
            == 200
        )
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    everything, recent = captured
    # A patient with fewer rows than a page: the month, the quarter and the year before now, then the rest.
    assert len(everything) == len(trail.PATIENT_WINDOWS) + 1
    assert len(recent) == 1  # this month is inside the first window: nothing older is looked at

    def plan(statement: str, parameters: Any) -> str:
        nested = db.begin_nested()
        db.execute(text("SET LOCAL enable_seqscan = off"))  # as on a large trail, where the index wins
        found = db.connection().exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
        nested.rollback()
        return "\n".join(found)

    first_window, the_rest, this_month = plan(*everything[0]), plan(*everything[-1]), plan(*recent[0])
    # This month's partition is read through an index (on a trail this small the planner may pick the one on
    # time rather than the patient's: both are bounded), never scanned whole.
    for windowed in (first_window, this_month):
        assert f" on {month.partition} " in windowed
        assert f"Seq Scan on {month.partition}" not in windowed
    # Only the last step, the rest of the trail, plans every older month's partition; the windows before it
    # and a listing from this month on do not.
    assert "audit_events_2025_01_patient_id_created_at_id_idx" in the_rest
    assert f" on {month.partition} " not in the_rest
    assert "audit_events_2025_01" not in first_window
    assert "audit_events_2025_01" not in this_month


def test_a_patients_pages_walked_back_in_windows_of_time_are_the_whole_trail_newest_first(
    client: FlaskClient, world: World, admin_headers: Headers, db: Session, chain: AuditChain
) -> None:
    """A patient's page is looked for in the last month, then quarter, then year, then the rest (issue 28,
    on the partitioned trail a window reads only its months): whatever the page size, the cursor and the time
    filters, the pages are the patient's whole trail in order, nothing repeated or left out, on both
    databases; a page the last month fills costs one statement."""
    patient = world.patient_a1
    now = datetime.now(UTC)
    ages = [0, 3, 29, 31, 45, 92, 120, 366, 367, 500, 3000]  # days: each window, its edges, and beyond
    written: dict[str, datetime] = {}
    for days in ages:
        when = now - timedelta(days=days, minutes=1)
        for audit_id in _rows_at(db, chain, when, 2, patient):
            written[audit_id] = when
    _rows_at(db, chain, now - timedelta(days=2), 3, None)  # about nobody: never listed
    db.commit()

    def pages(query: str, limit: int) -> tuple[list[str], int]:
        ids: list[str] = []
        cursor, requests = "", 0
        while True:
            response = client.get(
                f"/v1/audit-events?patient_id={patient}&limit={limit}{query}{cursor}", headers=admin_headers
            )
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            requests += 1
            ids += [r["id"] for r in body["data"] if r["operation"] != "listAuditEvents"]
            if not body["has_more"]:
                return ids, requests
            cursor = f"&cursor={body['next_cursor']}"

    newest_first = sorted(written, key=lambda i: (written[i], i), reverse=True)
    for limit in (1, 2, 3, 5, 7, 100):
        assert pages("", limit)[0] == newest_first, limit
    stamp = {days: (now - timedelta(days=days)).isoformat().replace("+00:00", "Z") for days in (30, 100, 400)}
    between = [i for i in newest_first if now - timedelta(days=400) <= written[i] < now - timedelta(days=100)]
    assert len(between) == 6  # 120, 366 and 367 days old
    for limit in (1, 3, 100):
        got, _ = pages(f"&occurred_after={stamp[400]}&occurred_before={stamp[100]}", limit)
        assert got == between, limit
        older = [i for i in newest_first if written[i] < now - timedelta(days=30)]
        assert pages(f"&occurred_before={stamp[30]}", limit)[0] == older, limit

    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "FROM audit_events" in statement and "patient_id" in statement:
            statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = client.get(f"/v1/audit-events?patient_id={patient}&limit=3", headers=admin_headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert first.status_code == 200 and first.get_json()["has_more"] is True
    assert len(statements) == 1  # four of the patient's rows are in the last month: the page is there


@postgres_only
@pytest.mark.parametrize("batch", [2000, 2])
def test_a_month_sealed_among_another_months_rows_is_archived_by_its_own_seals(
    cli_app: Flask,
    db: Session,
    chain: AuditChain,
    tmp_path: Path,
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A late row of March, sealed after April's first rows: March's archive names two runs of seals, holds
    April's seals between them without their rows (April stays in the database), and both verify; also when
    the export reads its seals two at a time (batches end inside each run)."""
    monkeypatch.setattr(partitions, "_BATCH", batch)
    march = _rows_at(db, chain, datetime(2019, 3, 5, tzinfo=UTC), 2)
    seal_all_pending(db, chain)
    april = _rows_at(db, chain, datetime(2019, 4, 2, tzinfo=UTC), 2)
    seal_all_pending(db, chain)
    march += _rows_at(db, chain, datetime(2019, 3, 31, 23, 59, tzinfo=UTC), 1)
    seal_all_pending(db, chain)
    out = tmp_path / "archive"

    first = _cli(cli_app, "audit", "archive", "--before", "2019-04", "--out", str(out))

    assert first.exit_code == 0, first.output
    manifest = json.loads((out / "audit-events-2019-03.manifest.json").read_text())
    seq = {s.audit_id: s.seq for s in db.scalars(select(AuditSeal).where(AuditSeal.audit_id.in_(march)))}
    first_two = sorted(seq[i] for i in march[:2])  # written in the same microsecond: sealed in id order
    runs = [first_two, [seq[march[2]], seq[march[2]]]]
    assert (manifest["rows"], manifest["runs"]) == (3, runs)
    assert len(db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(april))).all()) == 2
    assert json.loads(_cli(cli_app, "audit", "verify", "--full").output)["ok"] is True

    second = _cli(cli_app, "audit", "archive", "--before", "2019-05", "--out", str(out))

    assert second.exit_code == 0, second.output
    assert [m["month"] for m in json.loads(second.output)["archived"]] == ["2019-04"]
    assert json.loads(_cli(cli_app, "audit", "verify", "--full").output)["ok"] is True
    for month in ("2019-03", "2019-04"):
        result = _cli(cli_app, "audit", "verify-archive", str(out / f"audit-events-{month}.manifest.json"))
        assert result.exit_code == 0, result.output


@postgres_only
def test_a_row_deleted_from_a_month_is_not_declared_archived(
    cli_app: Flask, db: Session, chain: AuditChain, tmp_path: Path
) -> None:
    """Only the seals an archive's record names may lose their rows: a row of a month still in the database,
    deleted behind the triggers, is still reported gone after another month was archived."""
    _rows_at(db, chain, datetime(2019, 5, 5, tzinfo=UTC), 2)
    june = _rows_at(db, chain, datetime(2019, 6, 5, tzinfo=UTC), 2)
    seal_all_pending(db, chain)
    assert _cli(cli_app, "audit", "archive", "--before", "2019-06", "--out", str(tmp_path)).exit_code == 0
    db.execute(text("SET LOCAL session_replication_role = replica"))
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": june[0]})
    db.execute(text("SET LOCAL session_replication_role = origin"))
    db.flush()
    result = _cli(cli_app, "audit", "verify", "--full")
    assert result.exit_code == 1
    assert json.loads(result.output)["first_broken"]["reason"] == "the audit row is gone"
    assert json.loads(result.output)["first_broken"]["audit_id"] == june[0]


@postgres_only
@pytest.mark.parametrize("damage", ["changed", "deleted"])
def test_archive_refuses_a_month_whose_sealed_row_was_changed_or_deleted_and_keeps_it_whole(
    cli_app: Flask,
    db: Session,
    chain: AuditChain,
    tmp_path: Path,
    damage: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An archive must not launder a break: a row of the month changed behind the triggers after its seal, or
    deleted, refuses the archive (naming the seal and ``audit verify --full``); the partition and its other
    rows stay, and no file is left under the archive's name. Read two seals at a time, so that the damaged
    row is in a later batch than the first."""
    monkeypatch.setattr(partitions, "_BATCH", 2)
    may = _rows_at(db, chain, datetime(2019, 5, 7, tzinfo=UTC), 5)
    seal_all_pending(db, chain)
    victim = sorted(
        db.execute(select(AuditSeal.seq, AuditSeal.audit_id).where(AuditSeal.audit_id.in_(may))).all()
    )[3].audit_id
    db.execute(text("SET LOCAL session_replication_role = replica"))
    if damage == "changed":
        db.execute(text("UPDATE audit_events SET ip = '10.9.9.9' WHERE id = :id"), {"id": victim})
    else:
        db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": victim})
    db.execute(text("SET LOCAL session_replication_role = origin"))
    db.flush()
    out = tmp_path / "archive"

    result = _cli(cli_app, "audit", "archive", "--before", "2019-06", "--out", str(out))

    assert result.exit_code == 1
    reason = "was changed after it was sealed" if damage == "changed" else "is gone from the database"
    assert reason in result.output and victim in result.output and "audit verify --full" in result.output
    assert "audit_events_2019_05" in _partitions(db)
    db.expire_all()
    kept = set(db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(may))))
    assert kept == set(may) - ({victim} if damage == "deleted" else set())
    assert not (out / "audit-events-2019-05.ndjson.gz").exists()
    assert not (out / "audit-events-2019-05.manifest.json").exists()
