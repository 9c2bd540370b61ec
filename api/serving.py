"""Serving with gunicorn, as in production (``telemedical run``): the application and its worker.

gunicorn answers some requests itself, before the application sees them: a request line over 4,094 bytes
(414), too many or too large headers (431), a malformed request (400). Its own answers are HTML and its log
line quotes the request line (with its query string, which may carry PHI). ``ProblemWorker`` answers those
in problem+json like every other error of the API, and logs only the kind of error.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import errors as http_errors
from gunicorn.workers.sync import SyncWorker

from api.config import Settings

log = logging.getLogger("api.serving")

# (status, code, title) for the errors gunicorn raises while reading a request.
_CLIENT_ERRORS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (http_errors.LimitRequestLine, 414, "uri_too_long", "URI too long"),
    (
        http_errors.LimitRequestHeaders,
        431,
        "request_header_fields_too_large",
        "Request header fields too large",
    ),
    (http_errors.UnsupportedTransferCoding, 501, "not_implemented", "Transfer coding not supported"),
    (http_errors.ExpectationFailed, 417, "expectation_failed", "Expectation failed"),
    (http_errors.ForbiddenProxyRequest, 403, "forbidden", "Forbidden"),
    (http_errors.ParseException, 400, "bad_request", "Bad request"),
)
_DETAILS = {
    414: "The request line is too long (at most 4,094 bytes): send filters in fewer characters.",
    431: "The request has too many headers (at most 100) or one too large (at most 8,190 bytes).",
}


def classify(exc: BaseException) -> tuple[int, str, str]:
    for kind, status, code, title in _CLIENT_ERRORS:
        if isinstance(exc, kind):
            return status, code, title
    return 500, "internal_error", "Internal server error"


def problem_bytes(issuer: str, status: int, code: str, title: str, request_id: str) -> bytes:
    """A whole HTTP/1.1 response carrying a problem+json body (the connection is closed after it)."""
    body = json.dumps(
        {
            "type": f"{issuer}/problems/{code}",
            "title": title,
            "status": status,
            "detail": _DETAILS.get(status, title),
            "code": code,
            "request_id": request_id,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {title}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\nX-Request-ID: {request_id}\r\nCache-Control: no-store\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemWorker(SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker, answering its own errors in problem+json without logging request lines."""

    issuer = "http://127.0.0.1:8000"

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, code, title = classify(exc)
        request_id = uuid.uuid4().hex
        if status >= 500:
            log.error("error handling a request (request_id=%s): %s", request_id, type(exc).__name__)
        else:
            log.warning("refused a request gunicorn could not read (request_id=%s): %s", request_id, code)
        try:
            client.sendall(problem_bytes(self.issuer, status, code, title, request_id))
        except OSError:
            log.debug("could not send the %s answer", status)


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the API with ``workers`` gunicorn processes on host:port until stopped.

    Each worker creates its own app after the fork (its own engine and connection pool), and runs outside
    any application context: each request gets its own ``g`` and database session.
    """
    from api.app import create_app

    ProblemWorker.issuer = settings.issuer
    if workers > 1 and not settings.redis_url:
        log.warning(
            "%d workers count rate limits each in its own memory (up to %d x RATE_LIMIT per client): "
            "set REDIS_URL to share them",
            workers,
            workers,
        )

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", f"{__name__}.ProblemWorker")

        def load(self) -> Flask:
            return create_app(settings)

    Server().run()
