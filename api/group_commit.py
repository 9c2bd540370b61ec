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

There is no timer: the writer flushes as soon as a row waits and it is free. While one commit is on its way
to disk the next rows gather, so the batch grows with the load (one row when the service is idle, at no added
delay; dozens under load, at one flush for all of them).

What a future's completion means: its row was committed, or it was not (an exception). A request that stops
waiting (its deadline) knows nothing of its row: it may still be committed, never the other way round.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("api.group_commit")

T = TypeVar("T")

# What the writer's queue holds: a row and the future its request waits on, or the word to stop.
_STOP = None


class GroupCommit(Generic[T]):
    """One writer thread per process, started on the first ``submit`` (after a fork, anew), with one
    connection of its own, kept between batches. ``one_statement``: ``write`` is a single statement, atomic by
    itself, and is sent in autocommit (see the module's docstring)."""

    def __init__(
        self,
        engine: Engine,
        write: Callable[[Connection, Sequence[T]], None],
        *,
        max_rows: int = 100,
        name: str = "group-commit",
        one_statement: bool = False,
    ) -> None:
        if max_rows < 1:
            raise ValueError("max_rows must be at least 1")
        self.engine = engine
        self.write = write
        self.max_rows = max_rows
        self.name = name
        self.one_statement = one_statement
        self._connection: Connection | None = None  # the writer thread's own, kept between batches
        self._queue: queue.SimpleQueue[tuple[T, Future[None]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        self.batches = 0  # how many commits the writer made (and how many rows they held): for tests, stats
        self.rows = 0

    def submit(self, row: T) -> Future[None]:
        """Queue ``row`` for the next commit; its future completes once that commit is done (or failed)."""
        future: Future[None] = Future()
        self._ensure_writer()
        self._queue.put((row, future))
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
            self._queue.put(_STOP)
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
            first = work.get()
            batch = [] if first is _STOP else [first]
            stopping = first is _STOP
            while len(batch) < self.max_rows:
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    continue
                batch.append(item)
            if stopping:  # what was queued before the stop is committed too, whatever its number
                while True:
                    try:
                        item = work.get_nowait()
                    except queue.Empty:
                        break
                    if item is not _STOP:
                        batch.append(item)
            for start in range(0, len(batch), self.max_rows):
                self._flush(batch[start : start + self.max_rows])
            if stopping:
                self._disconnect()
                return

    def _flush(self, batch: list[tuple[T, Future[None]]]) -> None:
        rows = [row for row, _ in batch]
        try:
            try:
                self._write(rows)
            except DBAPIError as error:
                if not error.connection_invalidated:
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
