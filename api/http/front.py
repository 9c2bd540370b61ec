"""The server's front: a request's body is read before a thread is given to it, with a deadline.

Granian's WSGI interface hands the application a body it reads as it arrives, on the application's thread:
a client that sends its headers and then one byte a second holds that thread for as long as it likes, and a
dozen such clients hold every thread of every worker (issue 22, finding 1: ``/healthz`` stopped answering).
So the service is served through granian's ASGI interface and this front instead: the body is read on the
worker's event loop, where a waiting connection costs a coroutine and not a thread, and only a request whose
body has fully arrived is handed to the WSGI application, on a pool of ``threads`` threads.

ASGI, not granian's own RSGI: RSGI hands over headers as text and silently drops a header whose value is not
visible ASCII (a non-ASCII ``Idempotency-Key`` vanished, and the POST ran as if no key had been sent), and
decodes the path with replacement characters; ASGI gives the raw bytes, so the environ is what a WSGI server
would have built.

- A body must arrive within ``body_timeout`` seconds of the headers (the headers themselves within
  granian's ``header_read_timeout``): a slower one is answered 408 ``request_timeout`` and the connection
  closed, without the application having run.
- At most ``max_pending_bodies`` bodies are read at once per worker: beyond that a request with a body is
  answered 503 ``service_unavailable`` with ``Retry-After`` at once, so slow clients cannot pile up without
  bound (requests without a body - reads, health checks - are never held by them).
- A body longer than ``max_content_length`` is read no further than one byte past it; the application
  answers 413 (``api.http.input_guard``). A ``Content-Length`` over the limit is not read at all.
- HTTP/1.1 needs exactly one ``Host`` header (RFC 9112 §3.2): none, an empty one, or several, is a 400
  ``bad_host``.
- A header whose name holds ``_`` is dropped (as nginx and gunicorn do): in WSGI ``X_User`` and ``X-User``
  would be the same variable, a way to smuggle one past a proxy that checked the other.

The answers the front decides (408, 503, 400) are still rendered by the application, as problem+json with a
request id: the front marks the WSGI environ (``FRONT_REFUSAL``) and the application raises the problem
before any view runs (``api.http.input_guard``).

The application may hold its answer until something it waits for is done (``Hold``): a read's answer waits
for the commit of its audit row (api/http/audit.py). The front offers it by putting ``ANSWER_HOLD`` in the
environ; an answer held is sent once the hold's future succeeded, and replaced by the hold's failure answer if
it failed or did not finish within its deadline. The application's thread does not wait: it takes the next
request while the commit is on its way to disk, and the answers of many requests wait for one commit.

What stays with granian: the request line and headers are parsed in Rust (hyper) and a request with more than
100 header lines is refused there with an empty 431 (hyper's fixed limit, which granian does not expose).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import queue
import sys
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

log = logging.getLogger("api.front")

# The environ key that carries the front's refusal (its problem code) to the application.
FRONT_REFUSAL = "telemedical.front_refusal"
BODY_TIMEOUT = "request_timeout"
TOO_MANY_BODIES = "service_unavailable"
BAD_HOST = "bad_host"
# The environ key under which the front offers to hold an answer; the application puts its ``Hold`` there.
ANSWER_HOLD = "telemedical.answer_hold"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class FrontLimits:
    threads: int = 2
    body_timeout: float = 10.0
    max_pending_bodies: int = 64
    max_content_length: int = 1024 * 1024


class _Response:
    """``start_response``: what the application answered."""

    __slots__ = ("headers", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[..., Any]:
        self.status = int(status.split(" ", 1)[0])
        self.headers = headers
        return self._write

    @staticmethod
    def _write(data: bytes) -> None:  # the legacy write() callable; Flask never uses it
        raise NotImplementedError("write() is not supported; return the body")


_CRASH_BODY = (
    b'{"type":"about:blank","title":"Internal server error","status":500,'
    b'"detail":"An unexpected error occurred.","code":"internal_error"}'
)


# What the application answered: status, headers, body.
Answer = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class Hold:
    """The application's answer goes out only once ``done`` has succeeded; if it failed, or was not done
    within ``timeout`` seconds, ``failure(error)`` is sent instead (the error, or ``TimeoutError``)."""

    done: concurrent.futures.Future[None]
    timeout: float
    failure: Callable[[BaseException], Answer]


# What a thread hands back to the loop: the answer, and the hold it waits for (None: send it now).
_Handed = tuple[Answer, Hold | None]


def _settle(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # the client went away meanwhile (cancelled), or its hold ran out of time
        future.set_result(result)


class _Deadlines:
    """The answers one event loop holds, each with its deadline, and one timer for all of them: the earliest
    deadline's. Under load a worker holds an answer per read for a few milliseconds; a timer of its own
    each (``asyncio.timeout``: a handle made, pushed on the loop's heap and cancelled per read) cost about
    as much as the rest of the wait (bench/README.md, 2026-12-07, evening). Touched only on its loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: dict[asyncio.Future[None], float] = {}
        self.timer: asyncio.TimerHandle | None = None

    def add(self, finished: asyncio.Future[None], timeout: float) -> None:
        """``finished`` fails with ``TimeoutError`` unless it is done within ``timeout`` seconds."""
        deadline = self.loop.time() + timeout
        self.waiting[finished] = deadline
        if self.timer is None or deadline < self.timer.when():
            if self.timer is not None:
                self.timer.cancel()
            self.timer = self.loop.call_at(deadline, self._expire)

    def discard(self, finished: asyncio.Future[None]) -> None:
        self.waiting.pop(finished, None)

    def _expire(self) -> None:
        self.timer = None
        now = self.loop.time()
        earliest = None
        for finished, deadline in list(self.waiting.items()):
            if deadline <= now:
                del self.waiting[finished]
                if not finished.done():
                    finished.set_exception(TimeoutError())
            elif earliest is None or deadline < earliest:
                earliest = deadline
        if earliest is not None:
            self.timer = self.loop.call_at(earliest, self._expire)


# What ``_read_body`` returns when the client went away mid-body.
_GONE = b"\x00gone"


class BufferedFront:
    """An ASGI application that reads each body with a deadline, then runs ``app`` (WSGI) on a thread."""

    def __init__(self, app: WsgiApp, limits: FrontLimits) -> None:
        self.app = app
        self.limits = limits
        self.pending_bodies = 0  # touched only on the event loop's thread
        # Each event loop's held answers (``_release``); a loop that has ended goes with its entry.
        self._deadlines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Deadlines]
        self._deadlines = weakref.WeakKeyDictionary()
        # The application's threads. Not asyncio's run_in_executor: its two chained futures per request
        # cost about a fifth of a bare app's throughput (bench/servers.py); a queue and one callback do not.
        self.jobs: queue.SimpleQueue[
            tuple[asyncio.Future[_Handed], asyncio.AbstractEventLoop, dict[str, Any]] | None
        ]
        self.jobs = queue.SimpleQueue()
        self.threads = [
            # Daemons: granian lets requests in flight finish before a worker exits (GRACEFUL_STOP_SECONDS).
            threading.Thread(target=self._serve_jobs, name=f"wsgi-{index}", daemon=True)
            for index in range(limits.threads)
        ]
        for thread in self.threads:
            thread.start()
        self.base_environ: dict[str, Any] = {
            "SCRIPT_NAME": "",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            # The body handed over is complete: Werkzeug may read a chunked one to its end.
            "wsgi.input_terminated": True,
            ANSWER_HOLD: None,
        }

    def _serve_jobs(self) -> None:
        """An application thread: run each request handed over, give its answer back to the loop."""
        while (job := self.jobs.get()) is not None:
            future, loop, environ = job
            answer = self._call(environ)
            try:
                loop.call_soon_threadsafe(_settle, future, (answer, environ[ANSWER_HOLD]))
            except RuntimeError:  # the loop closed while this request ran (a stopping worker)
                return

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """ASGI: read the body, hand the request to a thread, send its answer."""
        if scope["type"] != "http":  # websockets are disabled in the server; no lifespan (asginl)
            return
        environ, one_host, declared_length, chunked = self._environ(scope)
        refusal = None
        body = b""
        if scope["http_version"] == "1.1" and not one_host:
            refusal = BAD_HOST
        elif chunked or declared_length > 0:
            if declared_length > self.limits.max_content_length:
                pass  # not read: the application answers 413 from Content-Length alone
            elif self.pending_bodies >= self.limits.max_pending_bodies:
                refusal = TOO_MANY_BODIES
            else:
                read = await self._read_body(receive)
                if read is None:
                    refusal = BODY_TIMEOUT
                elif read is _GONE or (not chunked and len(read) < declared_length):
                    # The client closed the connection before its body was complete: nobody is left to
                    # answer, and a truncated body must never reach a view.
                    return
                else:
                    body = read
        if refusal is not None:
            environ[FRONT_REFUSAL] = refusal
            environ["CONTENT_LENGTH"] = "0"
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input"] = io.BytesIO(body)
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[_Handed] = loop.create_future()
        self.jobs.put((answered, loop, environ))
        answer, hold = await answered
        if hold is not None:
            deadlines = self._deadlines.get(loop)
            if deadlines is None:
                deadlines = self._deadlines[loop] = _Deadlines(loop)
            answer = await _release(hold, answer, loop, deadlines)
        status, headers, content = answer
        raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        if refusal is not None:
            raw_headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": content})

    async def _read_body(self, receive: Any) -> bytes | None:
        """The body, or its first ``max_content_length`` + 1 bytes; None when it did not arrive in time,
        ``_GONE`` when the client went away."""
        limit = self.limits.max_content_length + 1
        parts: list[bytes] = []
        size = 0
        self.pending_bodies += 1
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return _GONE
                    chunk = message.get("body", b"")
                    parts.append(chunk)
                    size += len(chunk)
                    if size >= limit or not message.get("more_body", False):
                        break
        except TimeoutError:
            return None
        finally:
            self.pending_bodies -= 1
        return b"".join(parts)[:limit]

    def _environ(self, scope: dict[str, Any]) -> tuple[dict[str, Any], bool, int, bool]:
        """The WSGI environ of an ASGI scope; whether it has one Host, its declared length, whether chunked.

        ASGI hands over the raw bytes (the path as sent, every header value whatever its bytes), so the
        environ is exactly what PEP 3333 asks for: bytes read as latin-1, the path percent-decoded."""
        environ = dict(self.base_environ)
        server = scope.get("server") or ("", 0)
        client = scope.get("client") or ("", 0)
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        environ["REQUEST_METHOD"] = scope["method"]
        environ["PATH_INFO"] = unquote_to_bytes(raw_path.split(b"?", 1)[0]).decode("latin-1")
        environ["QUERY_STRING"] = scope["query_string"].decode("latin-1")
        environ["SERVER_NAME"] = str(server[0])
        environ["SERVER_PORT"] = str(server[1])
        environ["SERVER_PROTOCOL"] = f"HTTP/{scope['http_version']}"
        environ["REMOTE_ADDR"] = str(client[0])
        environ["wsgi.url_scheme"] = scope["scheme"]
        hosts: list[str] = []
        for raw_name, raw_value in scope["headers"]:
            if b"_" in raw_name:
                continue
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
                continue
            if name == "content-length":
                environ["CONTENT_LENGTH"] = value
                continue
            if name == "host":
                hosts.append(value)
            key = "HTTP_" + name.upper().replace("-", "_")
            previous = environ.get(key)
            environ[key] = value if previous is None else f"{previous},{value}"
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        # granian puts an empty Host in a request that had none: an empty one counts as none.
        return environ, len(hosts) == 1 and hosts[0] != "", declared, chunked

    def _call(self, environ: dict[str, Any]) -> Answer:
        """Run the WSGI application on a pool thread; its whole answer."""
        response = _Response()
        try:
            result = self.app(environ, response)
            try:
                content = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:  # the application renders its own errors; this is a fault outside it
            log.exception("the application failed outside its error handlers")
            return 500, [("content-type", "application/problem+json")], _CRASH_BODY
        return response.status, list(response.headers), content


async def _release(
    hold: Hold, answer: Answer, loop: asyncio.AbstractEventLoop, deadlines: _Deadlines
) -> Answer:
    """``answer`` once ``hold`` is done, or its failure answer."""
    if not hold.done.done():
        finished: asyncio.Future[None] = loop.create_future()
        hold.done.add_done_callback(lambda _: loop.call_soon_threadsafe(_settle, finished, None))
        deadlines.add(finished, hold.timeout)
        try:
            await finished
        except TimeoutError as late:
            return hold.failure(late)
        finally:
            deadlines.discard(finished)
    failed = hold.done.exception()
    return answer if failed is None else hold.failure(failed)


def load_front(target: str, limits: FrontLimits) -> BufferedFront:
    """Granian's target loader, in each worker: the WSGI application ``target`` behind the front."""
    from granian._internal import load_target

    app: Any = load_target(target)
    return BufferedFront(app, limits)
