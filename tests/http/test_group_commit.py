"""Group commit (api/group_commit.py) on a real database, SQLite or PostgreSQL: every row submitted is
committed once and its future completes only after the commit; rows that gather during a commit share the
next one; a batch waits for the rows of reads under way (announced), never for a lone row, and no longer than
its window; a failed commit fails exactly the requests whose rows it held; closing commits what waits. The
audit trail's own writer (``batch_writer``: on PostgreSQL one statement in autocommit) stores every column as
made, references included, all of a batch or none of it, on one connection kept between batches and replaced
when it is lost.

The rows go to a table of the test's own, committed for real (a writer has a connection of its own: it cannot
join the test's rolled-back transaction), and dropped afterwards.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api import config
from api.app import create_app
from api.audit_custody import AnchorDir, AuditChain, load_keyring
from api.config import Settings
from api.db import Database, make_engine
from api.domain.audit import Action, Outcome
from api.fhir.ids import to_fhir_id
from api.group_commit import GroupCommit
from api.migrate import upgrade
from api.models import AuditEvent, AuditPatientRef
from api.services import audit as trail
from tests.concurrency.test_live_concurrency import stored_patient
from tests.conftest import throwaway_postgres_database
from tests.helpers import bearer, cc_token
from tests.world import Creds, partner_with_portal

DEADLINE = 30.0  # seconds: what a test waits at most for a commit that must happen


@pytest.fixture
def probe(engine: Engine) -> Iterator[Table]:
    table = Table(
        f"group_commit_probe_{secrets.token_hex(4)}",
        MetaData(),
        Column("id", String(40), primary_key=True),
        Column("thread", Integer, nullable=False),
    )
    table.create(engine)
    yield table
    table.drop(engine)


@dataclass
class Writer:
    """Inserts rows into the probe table. With ``gated``, the first commit waits, its rows inserted, until
    the test opens the gate (``open``), so that the next rows gather meanwhile; a batch holding a row named
    ``poison`` fails after inserting its rows."""

    table: Table
    gated: bool = False
    entered: threading.Event = field(default_factory=threading.Event)
    gate: threading.Event = field(default_factory=threading.Event)
    batches: list[list[str]] = field(default_factory=list)

    def __call__(self, connection: Connection, rows: Sequence[dict[str, object]]) -> None:
        self.batches.append([str(row["id"]) for row in rows])
        connection.execute(insert(self.table), list(rows))
        if self.gated and not self.entered.is_set():
            self.entered.set()
            assert self.gate.wait(DEADLINE), "the test never opened the gate"
        if any(row["id"] == "poison" for row in rows):
            raise ValueError("a row the database refuses")

    def open(self) -> None:
        self.gate.set()


def stored(engine: Engine, table: Table) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(table.c.id)))


def test_each_of_many_threads_gets_its_own_row_committed_before_it_is_answered(
    engine: Engine, probe: Table
) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, max_rows=50)
    seen_after_commit: list[bool] = []

    def request(thread: int) -> list[str]:
        mine = []
        with engine.connect() as reader:
            for n in range(15):
                row_id = f"t{thread}-{n}"
                commits.commit({"id": row_id, "thread": thread}, DEADLINE)
                # Answered: the row is committed, so any other connection sees it now.
                found = reader.scalar(select(probe.c.id).where(probe.c.id == row_id))
                reader.rollback()
                seen_after_commit.append(found == row_id)
                mine.append(row_id)
        return mine

    with ThreadPoolExecutor(max_workers=12) as pool:
        submitted = [row for rows in pool.map(request, range(12)) for row in rows]
    commits.close()

    assert all(seen_after_commit) and len(seen_after_commit) == 180
    assert stored(engine, probe) == sorted(submitted)
    assert sum(len(batch) for batch in writer.batches) == 180 == commits.rows


def test_rows_that_arrive_during_a_commit_share_the_next_one(engine: Engine, probe: Table) -> None:
    writer = Writer(probe, gated=True)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, max_rows=8)
    first = commits.submit({"id": "first", "thread": 0})
    assert writer.entered.wait(DEADLINE)
    waiting = [commits.submit({"id": f"r{n:02d}", "thread": 1}) for n in range(20)]
    assert not first.done() and not any(f.done() for f in waiting)  # nothing is answered before its commit
    writer.open()

    for future in [first, *waiting]:
        future.result(DEADLINE)
    commits.close()

    # One row alone (nothing else waited), then the 20 that gathered meanwhile, at most 8 a commit.
    assert [len(batch) for batch in writer.batches] == [1, 8, 8, 4]
    assert commits.batches == 4 and commits.rows == 21
    assert stored(engine, probe) == sorted(["first", *(f"r{n:02d}" for n in range(20))])


def test_a_failed_commit_fails_exactly_the_requests_whose_rows_it_held(engine: Engine, probe: Table) -> None:
    writer = Writer(probe, gated=True)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, max_rows=10)
    before = commits.submit({"id": "before", "thread": 0})
    assert writer.entered.wait(DEADLINE)
    doomed = {name: commits.submit({"id": name, "thread": 1}) for name in ("b", "poison", "c")}
    writer.open()
    before.result(DEADLINE)
    after = commits.submit({"id": "after", "thread": 2})
    after.result(DEADLINE)
    commits.close()

    for future in doomed.values():
        with pytest.raises(ValueError, match="refuses"):
            future.result(DEADLINE)
    assert writer.batches == [["before"], ["b", "poison", "c"], ["after"]]
    # The failed batch was rolled back whole: "b" was inserted before the failure and is gone too.
    assert stored(engine, probe) == ["after", "before"]


def test_closing_commits_what_waits_then_refuses_more(engine: Engine, probe: Table) -> None:
    writer = Writer(probe, gated=True)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, max_rows=4)
    first = commits.submit({"id": "first", "thread": 0})
    assert writer.entered.wait(DEADLINE)
    waiting = [commits.submit({"id": f"w{n}", "thread": 1}) for n in range(6)]
    closing = threading.Thread(target=commits.close)
    closing.start()  # it asks the writer to stop while a commit is under way and six rows wait
    writer.open()
    closing.join(DEADLINE)

    assert not closing.is_alive()
    assert all(f.done() and f.exception() is None for f in [first, *waiting])
    assert stored(engine, probe) == sorted(["first", *(f"w{n}" for n in range(6))])
    with pytest.raises(RuntimeError, match="closed"):
        commits.submit({"id": "late", "thread": 2})


def test_a_request_that_stops_waiting_is_told_so(engine: Engine, probe: Table) -> None:
    writer = Writer(probe, gated=True)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer)
    stuck: Future[None] = commits.submit({"id": "stuck", "thread": 0})
    assert writer.entered.wait(DEADLINE)
    with pytest.raises(TimeoutError):
        commits.commit({"id": "late", "thread": 1}, 0.05)  # its commit cannot start: the writer is busy
    writer.open()
    stuck.result(DEADLINE)
    commits.close()
    # Not answered in time does not mean not written: the row is committed afterwards all the same.
    assert stored(engine, probe) == ["late", "stuck"]


def test_a_row_nobody_else_is_about_to_hand_over_is_written_at_once(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=DEADLINE)
    commits.expect()  # this request's own row, handed over below: nothing else is coming
    commits.submit({"id": "alone", "thread": 0}, expected=True).result(DEADLINE / 3)  # not the window
    commits.close()
    assert writer.batches == [["alone"]] and commits.coming == 0


def test_a_batch_waits_for_the_rows_of_reads_under_way(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=DEADLINE)
    commits.expect()
    commits.expect()  # two reads under way
    first = commits.submit({"id": "first", "thread": 0}, expected=True)
    # Held: the other read's row is coming (the window is the whole deadline).
    with pytest.raises(TimeoutError):
        first.result(0.3)
    second = commits.submit({"id": "second", "thread": 1}, expected=True)
    first.result(DEADLINE / 3)
    second.result(DEADLINE / 3)
    commits.close()
    assert writer.batches == [["first", "second"]] and commits.coming == 0


def test_a_read_that_will_not_hand_over_its_row_releases_the_batch(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=DEADLINE)
    commits.expect()
    commits.expect()
    first = commits.submit({"id": "first", "thread": 0}, expected=True)
    with pytest.raises(TimeoutError):
        first.result(0.3)
    commits.withdraw()  # the other read was refused: its row is written elsewhere
    first.result(DEADLINE / 3)
    commits.close()
    assert writer.batches == [["first"]] and commits.coming == 0


def test_rows_handed_over_while_more_are_coming_wait_for_them_in_one_batch(
    engine: Engine, probe: Table
) -> None:
    """The gathering writer sleeps through rows handed over while others are still announced, and writes
    them all together once the last arrives."""
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=DEADLINE)
    for _ in range(4):
        commits.expect()  # four reads under way
    early = [commits.submit({"id": f"r{n}", "thread": n}, expected=True) for n in range(3)]
    with pytest.raises(TimeoutError):
        early[0].result(0.3)  # the fourth is still coming
    last = commits.submit({"id": "r3", "thread": 3}, expected=True)
    for future in [*early, last]:
        future.result(DEADLINE / 3)
    commits.close()
    assert writer.batches == [["r0", "r1", "r2", "r3"]] and commits.coming == 0


def test_a_full_batch_is_written_without_waiting_for_rows_still_coming(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, max_rows=3, gather_seconds=DEADLINE)
    for _ in range(5):
        commits.expect()
    full = [commits.submit({"id": f"r{n}", "thread": n}, expected=True) for n in range(3)]
    for future in full:
        future.result(DEADLINE / 3)  # not the window: the batch is full, two rows still announced
    assert writer.batches == [["r0", "r1", "r2"]] and commits.coming == 2
    for _ in range(2):
        commits.withdraw()
    commits.close()


def test_closing_while_a_batch_waits_for_rows_coming_commits_it_at_once(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=DEADLINE)
    commits.expect()
    commits.expect()  # one row will never come: a stopping process does not wait for it
    first = commits.submit({"id": "first", "thread": 0}, expected=True)
    with pytest.raises(TimeoutError):
        first.result(0.3)
    closing = threading.Thread(target=commits.close, args=(DEADLINE,))
    closing.start()
    first.result(DEADLINE / 3)  # not the window
    closing.join(DEADLINE / 3)
    assert not closing.is_alive() and writer.batches == [["first"]]


def test_a_batch_waits_no_longer_than_its_window(engine: Engine, probe: Table) -> None:
    writer = Writer(probe)
    commits: GroupCommit[dict[str, object]] = GroupCommit(engine, writer, gather_seconds=0.2)
    commits.expect()  # a read whose row never comes (and is never withdrawn)
    commits.submit({"id": "first", "thread": 0}).result(DEADLINE)
    commits.close()
    assert writer.batches == [["first"]] and commits.coming == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 10), ("0", 0), ("25", 25), ("100", 100), ("101", None), ("-1", None), ("2.5", None), ("ten", None)],
)
def test_the_batch_wait_is_a_whole_number_of_milliseconds_up_to_100(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None
) -> None:
    monkeypatch.setenv("AUDIT_BATCH_WAIT_MS", value)
    if expected is None:
        with pytest.raises(config.ConfigurationError, match="AUDIT_BATCH_WAIT_MS"):
            config.load_settings()
    else:
        assert config.load_settings().audit_batch_wait_ms == expected


# --- reads' audit rows, through the API, on a database whose requests commit for real ----------------------


@dataclass
class Committing:
    """An app whose requests commit for real (its reads' rows group-committed), a partner and its patients."""

    app: Flask
    engine: Engine
    portal: Creds
    patients: list[str]
    chain: AuditChain


@pytest.fixture
def committing(tmp_path: Path) -> Iterator[Committing]:
    server = config.test_database_url()
    with ExitStack() as stack:
        if server:
            url = stack.enter_context(throwaway_postgres_database(server, "telemedical_group"))
        else:
            url = f"sqlite:///{tmp_path / 'group.sqlite3'}"
            upgrade(url)
        settings = Settings(
            database_url=url, instance_dir=tmp_path / "instance", testing=True, secret_key="group-secret"
        )
        database = Database(make_engine(url))
        stack.callback(database.dispose)
        with Session(database.engine, expire_on_commit=False) as session:
            partner, portal = partner_with_portal(session, "Group partner")
            patients = [stored_patient(session, partner, f"group{n}") for n in range(3)]
        app = create_app(settings, database=database)
        stack.callback(_close_group_commit, app)
        chain = AuditChain(load_keyring(settings), AnchorDir(tmp_path / "anchors"))
        yield Committing(app, database.engine, portal, patients, chain)


def _close_group_commit(app: Flask) -> None:
    commits = app.extensions.get("audit_group_commit")
    if commits is not None:
        commits.close()


def test_concurrent_reads_each_have_their_row_and_the_chain_verifies(committing: Committing) -> None:
    token = cc_token(committing.app.test_client(), committing.portal)

    def reads(thread: int) -> list[str]:
        client = committing.app.test_client()
        answered = []
        for n in range(10):
            request_id = f"group-{thread}-{n}"
            response = client.get(
                f"/v1/patients/{committing.patients[n % 3]}",
                headers={**bearer(token), "X-Request-ID": request_id},
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            answered.append(request_id)
        return answered

    with ThreadPoolExecutor(max_workers=8) as pool:
        answered = [rid for batch in pool.map(reads, range(8)) for rid in batch]

    with Session(committing.engine) as session:
        rows = session.execute(
            select(AuditEvent.request_id, AuditEvent.operation, AuditEvent.patient_id).where(
                AuditEvent.request_id.like("group-%")
            )
        ).all()
        assert sorted(r.request_id for r in rows) == sorted(answered)  # one row each, none twice
        assert {r.operation for r in rows} == {"getPatient"}
        assert {r.patient_id for r in rows} == set(committing.patients)
        sealed = trail.seal_pending(session, committing.chain.keyring)
        session.commit()
        assert sealed is not None
        trail.anchor(committing.chain, sealed.head)
        report = trail.verify_chain(session, committing.chain)
    assert report.broken is None and report.unsealed == 0
    commits = committing.app.extensions["audit_group_commit"]
    assert commits.rows >= len(answered)


def test_a_fhir_read_has_its_row_committed_by_the_group_commit(committing: Committing) -> None:
    """The FHIR boundary hands its read's row to the writer and commits nothing itself (as /v1's does): the
    row is on disk all the same, naming the patient read, before the answer is sent."""
    client = committing.app.test_client()
    token = cc_token(client, committing.portal)
    patient = committing.patients[1]
    response = client.get(
        f"/fhir/R4/Patient/{to_fhir_id(patient)}", headers={**bearer(token), "X-Request-ID": "fhir-group-1"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    with Session(committing.engine) as session:
        row = session.execute(
            select(AuditEvent.operation, AuditEvent.patient_id, AuditEvent.status).where(
                AuditEvent.request_id == "fhir-group-1"
            )
        ).one()
    assert tuple(row) == ("readFhirPatient", patient, 200)
    assert committing.app.extensions["audit_group_commit"].rows >= 1  # written by the writer, not the session


def test_a_read_whose_row_cannot_be_committed_sends_no_data(committing: Committing) -> None:
    def refuse(connection: Connection, rows: Sequence[trail.Row]) -> None:
        raise RuntimeError("the disk is full")

    committing.app.extensions["audit_group_commit"] = GroupCommit(committing.engine, refuse)
    client = committing.app.test_client()
    token = cc_token(client, committing.portal)

    response = client.get(
        f"/v1/patients/{committing.patients[0]}", headers={**bearer(token), "X-Request-ID": "refused-1"}
    )

    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
    assert committing.patients[0] not in response.get_data(as_text=True)
    with Session(committing.engine) as session:
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.request_id == "refused-1")) is None


def test_every_read_announces_its_row_then_hands_it_over_or_withdraws_it(committing: Committing) -> None:
    """A read announces its row when it starts; one that never hands it over must withdraw it, or every
    later batch of the process would wait its whole window for a row that is not coming."""
    client = committing.app.test_client()
    token = cc_token(client, committing.portal)
    patient = committing.patients[0]
    first = client.get(f"/v1/patients/{patient}", headers=bearer(token))  # starts the writer
    assert first.status_code == 200
    commits = committing.app.extensions["audit_group_commit"]
    assert commits.gather_seconds > 0
    counted = {"expect": 0, "handed": 0, "withdraw": 0}
    expect, submit, withdraw = commits.expect, commits.submit, commits.withdraw

    def counting_expect() -> None:
        counted["expect"] += 1
        expect()

    def counting_submit(row: trail.Row, *, expected: bool = False) -> Future[None]:
        counted["handed"] += expected
        return submit(row, expected=expected)

    def counting_withdraw() -> None:
        counted["withdraw"] += 1
        withdraw()

    commits.expect, commits.submit, commits.withdraw = counting_expect, counting_submit, counting_withdraw
    statuses = [
        client.get(f"/v1/patients/{patient}", headers=bearer(token)).status_code,
        client.get("/v1/patients/pat_nobody", headers=bearer(token)).status_code,
        client.get(f"/v1/patients/{patient}", headers=bearer("not-a-token")).status_code,
        client.get(
            f"/v1/patients/{patient}", headers={**bearer(token), "If-None-Match": first.headers["ETag"]}
        ).status_code,
        client.get("/v1/patients?limit=2", headers=bearer(token)).status_code,
        client.get(f"/fhir/R4/Patient/{to_fhir_id(patient)}", headers=bearer(token)).status_code,
        client.get("/fhir/R4/Patient/pat-nobody", headers=bearer(token)).status_code,
    ]

    assert statuses == [200, 404, 401, 304, 200, 200, 404]
    # The 200s hand their rows over; the others' rows are written on their own, as refusals are (a 304 is
    # raised as flask-smorest's NotModified): they withdraw.
    assert counted == {"expect": 7, "handed": 3, "withdraw": 4}
    assert commits.coming == 0


# --- the audit trail's own batch writer, on the real schema -------------------------------------------------


def _audit_row(keyring: trail.Keyring, n: int, *patients: str) -> trail.Row:
    return trail.make_row(
        trail.Access(
            actor_type="client",
            action=Action.READ,
            outcome=Outcome.SUCCESS,
            client_id="cli_batch",
            partner_id="ptn_batch",
            operation="listPatients" if len(patients) > 1 else "getPatient",
            resource_ids=list(patients),
            patient_ids=list(patients),
            status=200,
            request_id=f"batch-{n}",
            ip="10.0.0.7",
        ),
        keyring,
    )


@dataclass
class Recording:
    """The trail's batch writer, recording which server connection each batch went out on; gated like
    ``Writer``: the first batch waits (before it writes) until the test opens the gate."""

    write: trail.BatchWriter
    gated: bool = False
    entered: threading.Event = field(default_factory=threading.Event)
    gate: threading.Event = field(default_factory=threading.Event)
    connections: list[object] = field(default_factory=list)

    def __call__(self, connection: Connection, rows: Sequence[trail.Row]) -> None:
        driver = connection.connection.driver_connection
        pid = getattr(getattr(driver, "info", None), "backend_pid", None)  # psycopg: the server's process
        self.connections.append(pid if pid is not None else id(driver))
        if self.gated and not self.entered.is_set():
            self.entered.set()
            assert self.gate.wait(DEADLINE), "the test never opened the gate"
        self.write(connection, rows)


def _trail_writer(committing: Committing, gated: bool = False) -> tuple[Recording, GroupCommit[trail.Row]]:
    write, one_statement = trail.batch_writer(committing.engine.dialect.name)
    recording = Recording(write, gated=gated)
    return recording, GroupCommit(committing.engine, recording, max_rows=50, one_statement=one_statement)


def test_the_trail_writer_stores_each_column_as_made_and_every_reference(committing: Committing) -> None:
    keyring = committing.chain.keyring
    rows = [
        _audit_row(keyring, 0, "pat_one"),
        *(_audit_row(keyring, n, f"pat_a{n}", f"pat_b{n}") for n in (1, 2)),
    ]
    recording, commits = _trail_writer(committing)
    for row in rows:
        commits.commit(row, DEADLINE)
    # Answered, and the writer still holds its connection (it was once checked in after every batch).
    assert committing.engine.pool.checkedout() == 1
    commits.close()
    assert committing.engine.pool.checkedout() == 0

    with Session(committing.engine) as session:
        for row in rows:
            stored = session.get_one(AuditEvent, row.id)
            assert {c.key: getattr(stored, c.key) for c in AuditEvent.__table__.columns} == row.values
            refs = session.scalars(
                select(AuditPatientRef.patient_id).where(AuditPatientRef.audit_id == row.id)
            )
            assert sorted(refs) == list(row.references)
        sealed = trail.seal_pending(session, keyring)  # each row's MAC checks against what was stored
        session.commit()
        assert sealed is not None
        trail.anchor(committing.chain, sealed.head)
        report = trail.verify_chain(session, committing.chain)
    assert report.broken is None and report.unsealed == 0
    assert [r.references for r in rows] == [(), ("pat_a1", "pat_b1"), ("pat_a2", "pat_b2")]
    assert len(recording.connections) == 3  # three batches


def test_a_trail_batch_that_fails_stores_none_of_its_rows_nor_their_references(
    committing: Committing,
) -> None:
    keyring = committing.chain.keyring
    first = _audit_row(keyring, 0, "pat_first")
    recording, commits = _trail_writer(committing, gated=True)
    done_first = commits.submit(first)
    assert recording.entered.wait(DEADLINE)
    listed = _audit_row(keyring, 1, "pat_x", "pat_y")  # two references, before the failing row
    again = trail.Row({**first.values, "request_id": "batch-again"})  # first's key: the database refuses it
    doomed = [commits.submit(listed), commits.submit(again)]
    recording.gate.set()
    done_first.result(DEADLINE)
    after = _audit_row(keyring, 2, "pat_after")
    commits.commit(after, DEADLINE)  # the writer goes on after a failed batch
    commits.close()

    for future in doomed:
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            future.result(DEADLINE)
    with Session(committing.engine) as session:
        stored = session.scalars(select(AuditEvent.request_id).where(AuditEvent.client_id == "cli_batch"))
        assert sorted(stored) == ["batch-0", "batch-2"]
        refs = session.scalars(
            select(AuditPatientRef.patient_id).where(AuditPatientRef.patient_id.like("pat_%"))
        )
        assert sorted(refs) == []  # single-patient rows have none; the failed list's two are gone with it
    assert len(recording.connections) == 3


def test_a_batch_lost_with_its_connection_unmarked_is_sent_again_on_a_new_one(committing: Committing) -> None:
    """psycopg can raise ``OperationalError`` ("connection socket closed") for a connection the server ended
    without marking it closed or broken, so SQLAlchemy does not call it invalidated: the batch is still sent
    again, once, on a connection taken anew, and its request answered (the test below failed so once under
    the whole suite's load before this)."""
    keyring = committing.chain.keyring
    recording, commits = _trail_writer(committing)
    write = recording.write
    failures: list[object] = []

    def socket_closed_once(connection: Connection, rows: Sequence[trail.Row]) -> None:
        if not failures:
            failures.append(connection)
            raise OperationalError("INSERT ...", None, Exception("connection socket closed"))
        write(connection, rows)

    recording.write = socket_closed_once
    commits.commit(_audit_row(keyring, 0, "pat_0"), DEADLINE)  # answered: committed on the second try
    commits.close()

    with Session(committing.engine) as session:
        stored = session.scalars(select(AuditEvent.request_id).where(AuditEvent.client_id == "cli_batch"))
        assert list(stored) == ["batch-0"]
    assert len(failures) == 1 and len(recording.connections) == 2  # tried twice: the loss, then the commit


def test_a_batch_that_fails_for_another_reason_is_not_sent_again(committing: Committing) -> None:
    keyring = committing.chain.keyring
    recording, commits = _trail_writer(committing)

    def refused(_connection: Connection, _rows: Sequence[trail.Row]) -> None:
        raise IntegrityError("INSERT ...", None, Exception("duplicate key value"))

    recording.write = refused
    with pytest.raises(IntegrityError):
        commits.commit(_audit_row(keyring, 0, "pat_0"), DEADLINE)
    commits.close()
    assert len(recording.connections) == 1


def test_the_trail_writer_replaces_a_connection_the_server_dropped(committing: Committing) -> None:
    if committing.engine.dialect.name != "postgresql":
        pytest.skip("an embedded SQLite connection has no server to lose")
    keyring = committing.chain.keyring
    recording, commits = _trail_writer(committing)
    commits.commit(_audit_row(keyring, 0, "pat_0"), DEADLINE)
    with committing.engine.connect() as admin:  # the server ends the writer's session (a restart, a timeout)
        assert admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": recording.connections[0]})
    commits.commit(_audit_row(keyring, 1, "pat_1"), DEADLINE)  # answered: committed on a new connection
    commits.close()

    with Session(committing.engine) as session:
        stored = session.scalars(select(AuditEvent.request_id).where(AuditEvent.client_id == "cli_batch"))
        assert sorted(stored) == ["batch-0", "batch-1"]
    first, *retries = recording.connections
    assert retries[-1] != first and len(retries) == 2  # tried on the dropped one, then sent on a new one
