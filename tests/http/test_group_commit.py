"""Group commit (api/group_commit.py) on a real database, SQLite or PostgreSQL: every row submitted is
committed once and its future completes only after the commit; rows that gather during a commit share the
next one; a failed commit fails exactly the requests whose rows it held; closing commits what waits.

The rows go to a table of the test's own, committed for real (a writer has a connection of its own: it cannot
join the test's rolled-back transaction), and dropped afterwards.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, insert, select

from api.group_commit import GroupCommit

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
