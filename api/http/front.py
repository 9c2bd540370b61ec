"""The server's front: a request's body is read before a thread is given to it, with a deadline.

Granian's WSGI interface hands the application a body it reads as it arrives, on the application's thread:
a client that sends its headers and then one byte a second holds that thread for as long as it likes, and a
dozen such clients hold every thread of every worker (issue 22, finding 1: ``/healthz`` stopped answering).
So the service is served through granian's RSGI interface and this front instead: the body is read on the
worker's event loop, where a waiting connection costs a coroutine and not a thread, and only a request whose
body has fully arrived is handed to the WSGI application, on a pool of ``threads`` threads.

- A body must arrive within ``body_timeout`` seconds of the headers (the headers themselves within
  granian's ``header_read_timeout``): a slower one is answered 408 ``request_timeout`` and the connection
  closed, without the application having run.
- At most ``max_pending_bodies`` bodies are read at once per worker: beyond that a request with a body is
  answered 503 ``service_unavailable`` with ``Retry-After`` at once, so slow clients cannot pile up without
  bound (requests without a body - reads, health checks - are never held by them).
- A body longer than ``max_content_length`` is read no further than one byte past it; the application
  answers 413 (``api.http.input_guard``). A ``Content-Length`` over the limit is not read at all.
- HTTP/1.1 needs exactly one ``Host`` header (RFC 9112 §3.2): none, or several, is a 400 ``bad_host``.
- A header whose name holds ``_`` is dropped (as nginx and gunicorn do): in WSGI ``X_User`` and ``X-User``
  would be the same variable, a way to smuggle one past a proxy that checked the other.

The answers the front decides (408, 503, 400) are still rendered by the application, as problem+json with a
request id: the front marks the WSGI environ (``FRONT_REFUSAL``) and the application raises the problem
before any view runs (``api.http.input_guard``).

What stays with granian: the request line and headers are parsed in Rust (hyper) and a request with more than
100 header lines is refused there with an empty 431 (hyper's fixed limit, which granian does not expose).
"""

from __future__ import annotations

import asyncio
import io
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("api.front")

# The environ key that carries the front's refusal (its problem code) to the application.
FRONT_REFUSAL = "telemedical.front_refusal"
BODY_TIMEOUT = "request_timeout"
TOO_MANY_BODIES = "service_unavailable"
BAD_HOST = "bad_host"

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
_Answer = tuple[int, list[tuple[str, str]], bytes]


def _settle(future: asyncio.Future[_Answer], answer: _Answer) -> None:
    if not future.cancelled():  # the client went away meanwhile
        future.set_result(answer)


# What ``_read_body`` returns when the client went away mid-body.
_GONE = b"\x00gone"


def _split_address(address: str) -> tuple[str, str]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


class BufferedFront:
    """An RSGI application that reads each body with a deadline, then runs ``app`` (WSGI) on a thread."""

    def __init__(self, app: WsgiApp, limits: FrontLimits) -> None:
        self.app = app
        self.limits = limits
        self.pending_bodies = 0  # touched only on the event loop's thread
        # The application's threads. Not asyncio's run_in_executor: its two chained futures per request
        # cost about a fifth of a bare app's throughput (bench/servers.py); a queue and one callback do not.
        self.jobs: queue.SimpleQueue[
            tuple[asyncio.Future[_Answer], asyncio.AbstractEventLoop, dict[str, Any]] | None
        ]
        self.jobs = queue.SimpleQueue()
        self.threads = [
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
        }

    def __rsgi_del__(self, loop: Any) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(timeout=30)

    def _serve_jobs(self) -> None:
        """An application thread: run each request handed over, give its answer back to the loop."""
        while (job := self.jobs.get()) is not None:
            future, loop, environ = job
            answer = self._call(environ)
            try:
                loop.call_soon_threadsafe(_settle, future, answer)
            except RuntimeError:  # the loop closed while this request ran (a stopping worker)
                return

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":  # websockets are disabled in the server; nothing else arrives
            return
        environ, host_headers, declared_length, chunked = self._environ(scope)
        refusal = None
        body = b""
        if scope.http_version == "1.1" and host_headers != 1:
            refusal = BAD_HOST
        elif chunked or declared_length > 0:
            if declared_length > self.limits.max_content_length:
                pass  # not read: the application answers 413 from Content-Length alone
            elif self.pending_bodies >= self.limits.max_pending_bodies:
                refusal = TOO_MANY_BODIES
            else:
                read = await self._read_body(protocol)
                if read is None:
                    refusal = BODY_TIMEOUT
                elif read is _GONE or (not chunked and len(read) < declared_length):
                    # The client closed the connection before its body was complete: nobody is left to
                    # answer, and a truncated body must never reach a view.
                    protocol.response_empty(400, [("connection", "close")])
                    return
                else:
                    body = read
        if refusal is not None:
            environ[FRONT_REFUSAL] = refusal
            environ["CONTENT_LENGTH"] = "0"
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input"] = io.BytesIO(body)
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[_Answer] = loop.create_future()
        self.jobs.put((answered, loop, environ))
        status, headers, content = await answered
        if refusal is not None:
            headers.append(("connection", "close"))
        protocol.response_bytes(status, headers, content)

    async def _read_body(self, protocol: Any) -> bytes | None:
        """The body, or its first ``max_content_length`` + 1 bytes; None when it did not arrive in time."""
        limit = self.limits.max_content_length + 1
        parts: list[bytes] = []
        size = 0
        self.pending_bodies += 1
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                async for chunk in protocol:
                    parts.append(chunk)
                    size += len(chunk)
                    if size >= limit:
                        break
        except TimeoutError:
            return None
        except RuntimeError:  # granian's ProtocolClosed/ProtocolError: the client went away
            return _GONE
        finally:
            self.pending_bodies -= 1
        return b"".join(parts)[:limit]

    def _environ(self, scope: Any) -> tuple[dict[str, Any], int, int, bool]:
        """The WSGI environ of an RSGI scope; the number of Host headers, the declared length, chunked."""
        environ = dict(self.base_environ)
        server_host, server_port = _split_address(scope.server)
        # WSGI strings are bytes as latin-1 (PEP 3333): RSGI gives the decoded path as text.
        environ["REQUEST_METHOD"] = scope.method
        environ["PATH_INFO"] = scope.path.encode("utf-8").decode("latin-1")
        environ["QUERY_STRING"] = scope.query_string.encode("utf-8").decode("latin-1")
        environ["SERVER_NAME"] = server_host
        environ["SERVER_PORT"] = server_port
        environ["SERVER_PROTOCOL"] = f"HTTP/{scope.http_version}"
        environ["REMOTE_ADDR"] = _split_address(scope.client)[0]
        environ["wsgi.url_scheme"] = scope.scheme
        hosts = 0
        for name, value in scope.headers.items():
            if "_" in name:
                continue
            value = value.encode("utf-8", "surrogateescape").decode("latin-1", "replace")
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
                continue
            if name == "content-length":
                environ["CONTENT_LENGTH"] = value
                continue
            if name == "host":
                hosts += 1
            key = "HTTP_" + name.upper().replace("-", "_")
            previous = environ.get(key)
            environ[key] = value if previous is None else f"{previous},{value}"
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        return environ, hosts, declared, chunked

    def _call(self, environ: dict[str, Any]) -> _Answer:
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


def load_front(target: str, limits: FrontLimits) -> BufferedFront:
    """Granian's target loader, in each worker: the WSGI application ``target`` behind the front."""
    from granian._internal import load_target

    app: Any = load_target(target)
    return BufferedFront(app, limits)
