"""The server's front holds an answer the application put on hold (api/http/front.py, ``Hold``): it is sent
once the hold's future succeeded, and the hold's failure answer instead when it failed or was not done in
time. The application's thread does not wait for it. (What a read holds for: its audit row's commit,
api/http/audit.py; with a real server: tests/concurrency/test_audit_crash.py.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest

from api.http.front import ANSWER_HOLD, Answer, BufferedFront, FrontLimits, Hold

DEADLINE = 30.0
FAILED: Answer = (500, [("content-type", "application/problem+json")], b'{"code":"internal_error"}')

Scope = dict[str, Any]


def _scope() -> Scope:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "path": "/v1/patients/pat_1",
        "raw_path": b"/v1/patients/pat_1",
        "query_string": b"",
        "headers": [(b"host", b"api.test")],
        "scheme": "http",
        "server": ("api.test", 80),
        "client": ("127.0.0.1", 5000),
    }


class Harness:
    """A front on one application thread, serving a WSGI app that puts ``hold(...)`` on its answer."""

    def __init__(self) -> None:
        self.failures: list[BaseException] = []
        self.app_returned = threading.Event()
        self.make_hold: Callable[[], Hold | None] = lambda: None
        self.front = BufferedFront(self._app, FrontLimits(threads=1))

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        assert ANSWER_HOLD in environ and environ[ANSWER_HOLD] is None  # offered, not yet taken
        environ[ANSWER_HOLD] = self.make_hold()
        start_response("200 OK", [("Content-Type", "application/json")])
        self.app_returned.set()
        return [b'{"id":"pat_1"}']

    def failure(self, error: BaseException) -> Answer:
        self.failures.append(error)
        return FAILED

    def hold(self, done: Future[None], timeout: float = DEADLINE) -> Hold:
        return Hold(done, timeout, self.failure)

    def get(self, on_send: Callable[[], None] = lambda: None) -> tuple[int, bytes]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            on_send()
            sent.append(message)

        asyncio.run(self.front(_scope(), receive, send))
        return int(sent[0]["status"]), bytes(sent[1]["body"])

    def stop(self) -> None:
        self.front.jobs.put(None)


@pytest.fixture
def harness() -> Iterator[Harness]:
    serving = Harness()
    yield serving
    serving.stop()


def test_an_answer_whose_hold_succeeded_is_sent(harness: Harness) -> None:
    done: Future[None] = Future()
    done.set_result(None)
    harness.make_hold = lambda: harness.hold(done)

    assert harness.get() == (200, b'{"id":"pat_1"}')
    assert harness.failures == []


def test_an_answer_waits_for_its_hold_done_after_the_application_returned(harness: Harness) -> None:
    done: Future[None] = Future()
    harness.make_hold = lambda: harness.hold(done)

    def commit_later() -> None:
        assert harness.app_returned.wait(DEADLINE)  # the application's thread has gone on; the answer waits
        done.set_result(None)

    committer = threading.Thread(target=commit_later)
    committer.start()
    answer = harness.get()
    committer.join(DEADLINE)

    assert answer == (200, b'{"id":"pat_1"}')


def test_nothing_is_sent_before_the_hold_is_done(harness: Harness) -> None:
    """The future completes only once the front sends something: a front that sent the answer without waiting
    would send the data; one that waits sends nothing until its deadline, then the failure answer."""
    done: Future[None] = Future()
    harness.make_hold = lambda: harness.hold(done, timeout=0.3)

    def sending() -> None:
        if not done.done():
            done.set_result(None)

    assert harness.get(on_send=sending) == (FAILED[0], FAILED[2])
    assert len(harness.failures) == 1 and isinstance(harness.failures[0], TimeoutError)


def test_an_answer_whose_hold_failed_is_replaced_by_the_failure_answer(harness: Harness) -> None:
    done: Future[None] = Future()
    refused = RuntimeError("the commit failed")
    done.set_exception(refused)
    harness.make_hold = lambda: harness.hold(done)

    assert harness.get() == (FAILED[0], FAILED[2])
    assert harness.failures == [refused]


def test_an_answer_without_a_hold_is_sent_at_once(harness: Harness) -> None:
    assert harness.get() == (200, b'{"id":"pat_1"}')
    assert harness.failures == []


@pytest.mark.parametrize("late_first", [True, False])
def test_answers_held_together_each_keep_their_own_deadline(late_first: bool) -> None:
    """One loop holds several answers (a worker under load): one whose hold never finishes is answered with
    the failure at its deadline, whichever was held first, and one whose hold finishes later than that,
    within its own longer deadline, is sent as answered."""
    never: Future[None] = Future()
    later: Future[None] = Future()
    failures: list[BaseException] = []

    def failure(error: BaseException) -> Answer:
        failures.append(error)
        return FAILED

    holds = {"/never": Hold(never, 0.3, failure), "/later": Hold(later, DEADLINE, failure)}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ[ANSWER_HOLD] = holds[environ["PATH_INFO"]]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [environ["PATH_INFO"].encode()]

    front = BufferedFront(app, FrontLimits(threads=2))
    answered: list[str] = []  # the paths answered, in order, and the commit of ``later`` among them

    async def get(path: str, after: float) -> tuple[int, bytes]:
        await asyncio.sleep(after)
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await front({**_scope(), "path": path, "raw_path": path.encode()}, receive, send)
        answered.append(path)
        return int(sent[0]["status"]), bytes(sent[1]["body"])

    async def both() -> list[tuple[int, bytes]]:
        def commit_later() -> None:
            answered.append("commit")
            later.set_result(None)

        commit = asyncio.get_running_loop().call_later(0.8, commit_later)
        try:
            order = ("/later", "/never") if late_first else ("/never", "/later")
            answers = await asyncio.gather(*(get(path, 0.05 * n) for n, path in enumerate(order)))
        finally:
            commit.cancel()
        return sorted(answers, key=lambda answer: answer[1] != b"/later")

    try:
        later_answer, never_answer = asyncio.run(both())
    finally:
        for _ in front.threads:
            front.jobs.put(None)

    assert later_answer == (200, b"/later")
    assert never_answer == (FAILED[0], FAILED[2])
    assert len(failures) == 1 and isinstance(failures[0], TimeoutError)
    assert answered == ["/never", "commit", "/later"]  # at its own deadline, not the other's
