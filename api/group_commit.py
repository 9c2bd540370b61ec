"""Group commit: rows that many requests write, inserted together and committed once, each request answered
only after the commit that holds its row.

A read's audit row must be on disk before the read's answer leaves (docs/audit.md). Written by each request
in a transaction of its own, that is one COMMIT, and so one WAL flush, per read: on a 2-core machine with
PostgreSQL on a local disk a thread spent most of a read waiting for it (bench/README.md). Here each process
has one writer thread: requests hand it their rows (``submit``) and wait on the future they get back; the
writer takes every row waiting, up to ``max_rows``, inserts them in one transaction on a connection of its
own, commits, and only then completes their futures, each with the commit's outcome: done, or the error
that rolled the whole batch back.

The writer keeps its connection from one batch to the next (a checkout and a check-in per batch cost more than
a small batch's statement). A ``write`` that is one statement (``one_statement``: atomic by itself) is sent on
that connection in autocommit: one round trip a batch, where BEGIN, the statement and COMMIT are three. A
connection that turns out to be gone (the server restarted, an idle timeout) is replaced and the batch sent
once more on the new one; any other failure fails the batch, and the next batch starts on a new connection.

When to write: as soon as a row waits and the writer is free, unless rows are known to be coming. A request
that will hand over a row says so when it starts (``expect``; ``submit(..., expected=True)`` or ``withdraw``
when it ends); while some are, the writer waits for them up to ``gather_seconds`` after the batch's first row
(or until ``max_rows``), then writes what it has. So a lone request is written at once, with no added delay,
and under load a batch holds what the process's busy threads were about to hand over as well. Without that
wait the batches stayed at about 1.4 rows under load (bench/README.md, 2026-12-06, night): each thread's next
row comes a whole request later, and the writer, free by then, had already written the one before. While one
commit is on its way to disk the next rows gather too, so a batch grows with the load. While it gathers, the
writer sleeps until the last row announced is handed over (or withdrawn), ``max_rows`` wait, or the window
ends: a row handed over meanwhile does not wake it. Woken by each row, it took the GIL from a request thread
once a row only to find that more were coming (bench/README.md, 2026-12-07, evening).

What a future's completion means: its row was committed, or it was not (an exception). A request that stops
waiting (its deadline) knows nothing of its row: it may still be committed, never the other way round.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from enum import Enum
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger("api.group_commit")

T = TypeVar("T")


class _Word(Enum):
    """What the writer's queue holds besides a row and the future its request waits on."""

    STOP = "stop"  # commit what is queued, then stop


_STOP = _Word.STOP


class GroupCommit(Generic[T]):
    """One writer thread per process, started on the first ``submit`` (after a fork, anew), with one
    connection of its own, kept between batches. ``one_statement``: ``write`` is a single statement, atomic by
    itself, and is sent in autocommit. ``gather_seconds``: how long after a batch's first row the writer
    waits for rows announced (``expect``) and not yet handed over; 0 never waits (the module's docstring)."""

    def __init__(
        self,
        engine: Engine,
        write: Callable[[Connection, Sequence[T]], None],
        *,
        max_rows: int = 100,
        name: str = "group-commit",
        one_statement: bool = False,
        gather_seconds: float = 0.0,
    ) -> None:
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        if gather_seconds < 0:
            raise ValueError("gather_seconds must not be negative")
        self.engine = engine
        self.write = write
        self.max_rows = max_rows
        self.name = name
        self.one_statement = one_statement
        self.gather_seconds = gather_seconds
        self._connection: Connection | None = None  # the writer thread's own, kept between batches
        self._queue: queue.SimpleQueue[tuple[T, Future[None]] | _Word] = queue.SimpleQueue()
        self._coming = 0  # rows announced (``expect``) and not yet handed over nor withdrawn
        self._coming_lock = threading.Lock()
        # The writer, gathering a batch, waits on this until nothing more is coming (``_gather``).
        self._settled = threading.Condition(self._coming_lock)
        self._gathering = False
        self._stop_queued = False  # ``close`` queued a stop: a gathering writer stops waiting
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        self.batches = 0  # how many commits the writer made (and how many rows they held): for tests, stats
        self.rows = 0

    def expect(self) -> None:
        """A row is coming (a read has started): until it is handed over (``submit(row, expected=True)``) or
        withdrawn, a batch waits for it, at most ``gather_seconds`` after its first row."""
        with self._coming_lock:
            self._coming += 1

    def withdraw(self) -> None:
        """The row announced by ``expect`` will not come (the read failed; its row is written elsewhere)."""
        with self._coming_lock:
            self._coming -= 1
            self._wake_if_settled()  # a writer waiting for it writes what it has now

    @property
    def coming(self) -> int:
        """How many rows are announced and not yet handed over (for tests and stats)."""
        return self._coming

    def submit(self, row: T, *, expected: bool = False) -> Future[None]:
        """Queue ``row`` for the next commit; its future completes once that commit is done (or failed).
        ``expected``: the row announced by this request's ``expect``."""
        future: Future[None] = Future()
        self._ensure_writer()
        with self._coming_lock:
            if expected:
                self._coming -= 1
            self._queue.put((row, future))
            self._wake_if_settled()
        return future

    def commit(self, row: T, timeout: float) -> None:
        """Queue ``row`` and wait until it is committed: raises the commit's error, or ``TimeoutError``
        when it is not done within ``timeout`` seconds."""
        self.submit(row).result(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then stop the writer (at exit; also on an app's teardown in tests)."""
        with self._lock:
            thread, self._closed = self._thread, True
            self._thread = None
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            with self._coming_lock:
                self._queue.put(_STOP)
                self._stop_queued = True
                if self._gathering:
                    self._settled.notify()
            thread.join(timeout)
            log.info("%s: %d rows in %d commits", self.name, self.rows, self.batches)

    def _ensure_writer(self) -> None:
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self.name} is closed")
            if self._thread is None or self._pid != os.getpid():
                # After a fork the parent's writer is not in this process, nor are its queued rows (their
                # requests are the parent's): this process starts its own, with an empty queue.
                self._queue = queue.SimpleQueue()
                self._connection = None  # the parent's: its socket is not this process's to use
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
                atexit.register(self.close)

    def _run(self) -> None:
        work = self._queue
        while True:
            first = work.get()  # idle: the first row wakes the writer
            stopping = first is _STOP
            batch = [] if isinstance(first, _Word) else [first]
            if not stopping and self.gather_seconds > 0:
                self._gather(time.monotonic() + self.gather_seconds)
            while stopping or len(batch) < self.max_rows:  # what waits, to ``max_rows`` (all when stopping)
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                elif not isinstance(item, _Word):
                    batch.append(item)
            for start in range(0, len(batch), self.max_rows):
                self._flush(batch[start : start + self.max_rows])
            if stopping:
                self._disconnect()
                return

    def _gather(self, deadline: float) -> None:
        """With a batch's first row taken, while rows announced are still coming: sleep until the last of them
        is handed over or withdrawn, the batch is full, a stop is queued, or ``deadline``."""
        with self._settled:
            self._gathering = True
            try:
                while self._coming > 0 and not self._full() and not self._stop_queued:
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        break
                    self._settled.wait(wait)
            finally:
                self._gathering = False

    def _full(self) -> bool:
        return 1 + self._queue.qsize() >= self.max_rows  # the first row, out of the queue, and those waiting

    def _wake_if_settled(self) -> None:
        """With ``_coming_lock`` held: wake a gathering writer when nothing more is coming or its batch is
        full."""
        if self._gathering and (self._coming <= 0 or self._full()):
            self._settled.notify()

    def _flush(self, batch: list[tuple[T, Future[None]]]) -> None:
        rows = [row for row, _ in batch]
        try:
            try:
                self._write(rows)
            except DBAPIError as error:
                # A lost connection: SQLAlchemy says so when the driver marked it closed or broken, which
                # psycopg does not always do (a socket it finds closed mid-statement raises "connection
                # socket closed" on a connection it still calls open: seen in the test suite); the driver's
                # OperationalError is its class for a lost connection, so that is sent again too.
                if not (error.connection_invalidated or isinstance(error, OperationalError)):
                    raise
                # The connection was gone (nothing of the batch was committed on it, or, if the server
                # committed just before the line dropped, the second attempt fails on the rows' keys and
                # the batch is reported failed: never reported done without being committed).
                log.warning("%s: the connection was lost; the batch is sent again on a new one", self.name)
                self._disconnect()
                self._write(rows)
        except Exception as error:  # the batch is rolled back: each of its requests learns it
            self._disconnect()
            log.warning(
                "%s: a commit of %d rows failed (%s); their requests are answered with an error",
                self.name,
                len(batch),
                type(error).__name__,
            )
            for _, future in batch:
                future.set_exception(error)
            return
        self.batches += 1
        self.rows += len(batch)
        for _, future in batch:
            future.set_result(None)

    def _write(self, rows: list[T]) -> None:
        connection = self._connection
        if connection is None:
            connection = self.engine.connect()
            if self.one_statement:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        if self.one_statement:
            self.write(connection, rows)
            return
        with connection.begin():
            self.write(connection, rows)

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: the pool discards it
                log.debug("%s: closing a failed connection failed", self.name, exc_info=True)
