"""A crash loses no audit row of an answered read: the server, reading under load, is killed with SIGKILL
(every process of it, no chance to flush anything), and every read that had been answered 2xx has its row.

Reads' rows are group-committed (api/group_commit.py) and each answer is held until its row's commit is done
(api/http/front.py, ``Hold``): an answer sent before the commit would name a row that the kill can take away.
The server is this test's own (``telemedical run``, two workers), on a database of its own: SQLite, or
PostgreSQL under ``make test-postgres``.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api import config
from api.db import make_engine
from api.migrate import upgrade
from api.models import AuditEvent
from tests.concurrency.conftest import live_token
from tests.concurrency.server import Outcome, call, kill_group, start_server, summary
from tests.concurrency.test_live_concurrency import stored_patient
from tests.conftest import throwaway_postgres_database
from tests.world import Creds, partner_with_portal

READERS = 8
ANSWERED_BEFORE_KILL = 100  # 2xx answers to wait for before each kill: the load is well under way
# Each round kills a server under load. With answers sent before their commit (the hold taken out of the
# front), one round found rows missing in about 3 runs of 5 here; three rounds make it rare to miss.
ROUNDS = 3
DEADLINE = 60.0


@pytest.fixture
def crash_database_url(tmp_path: Path) -> Iterator[str]:
    server = config.test_database_url()
    if not server:
        url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_postgres_database(server, "telemedical_crash") as url:
        yield url


@pytest.fixture
def crash_engine(crash_database_url: str) -> Iterator[Engine]:
    engine = make_engine(crash_database_url)
    yield engine
    engine.dispose()


def test_every_read_answered_before_a_kill_has_its_audit_row(
    crash_database_url: str, crash_engine: Engine, tmp_path: Path
) -> None:
    with Session(crash_engine, expire_on_commit=False) as session:
        partner, portal = partner_with_portal(session, "Crash partner")
        patients = [stored_patient(session, partner, f"crash{n}") for n in range(4)]
    done: list[tuple[str, Outcome]] = []
    for round_ in range(ROUNDS):
        done += load_then_kill(crash_database_url, tmp_path / f"server-{round_}", portal, patients, round_)

    ok = {request_id for request_id, got in done if 200 <= got.status < 300}
    others = [got for _, got in done if got.status != 0 and not 200 <= got.status < 300]
    assert not others, f"answers that are neither 2xx nor a cut connection: {summary(others)}"
    assert len(ok) >= ROUNDS * ANSWERED_BEFORE_KILL
    with Session(crash_engine) as session:
        recorded = set(session.scalars(select(AuditEvent.request_id).where(AuditEvent.request_id.in_(ok))))
    missing = sorted(ok - recorded)
    assert not missing, (
        f"{len(missing)} of {len(ok)} reads answered 2xx have no audit row after the crash: {missing[:10]}"
    )


def load_then_kill(
    database_url: str, workdir: Path, portal: Creds, patients: list[str], round_: int
) -> list[tuple[str, Outcome]]:
    """Start a server, read from ``READERS`` threads until ``ANSWERED_BEFORE_KILL`` reads were answered, kill
    every process of the server at once; what each request got (status 0: its connection was cut)."""
    server = start_server(database_url, workdir)
    try:
        headers = {"Authorization": f"Bearer {live_token(server, portal)}"}
        answered = threading.Semaphore(0)
        stop = threading.Event()
        outcomes: list[list[tuple[str, Outcome]]] = [[] for _ in range(READERS)]

        def read(reader: int) -> None:
            n = 0
            while not stop.is_set():
                request_id = f"crash-{round_}-{reader}-{n}"
                got = call(
                    request_id,
                    "GET",
                    server.url(f"/v1/patients/{patients[n % len(patients)]}"),
                    headers={**headers, "X-Request-ID": request_id},
                    timeout=DEADLINE,
                )
                outcomes[reader].append((request_id, got))
                if got.status == 0:  # the server is gone
                    return
                if 200 <= got.status < 300:
                    answered.release()
                n += 1

        readers = [threading.Thread(target=read, args=(r,)) for r in range(READERS)]
        for thread in readers:
            thread.start()
        deadline = time.monotonic() + DEADLINE
        for _ in range(ANSWERED_BEFORE_KILL):
            assert answered.acquire(timeout=max(0.0, deadline - time.monotonic())), (
                "the server did not answer enough reads:\n" + server.noteworthy_log()
            )
        os.killpg(server.process.pid, signal.SIGKILL)  # granian and its workers, mid-load
        server.process.wait(timeout=DEADLINE)
        stop.set()
        for thread in readers:
            thread.join(DEADLINE)
    finally:
        kill_group(server.process)
    done = [item for batch in outcomes for item in batch]
    # The kill landed mid-load: requests were in flight, their connections cut.
    assert any(got.status == 0 for _, got in done), (
        f"nothing was in flight at the kill: {summary([g for _, g in done])}"
    )
    return done
