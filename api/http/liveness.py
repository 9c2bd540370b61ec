"""``GET /healthz`` answered in front of Flask: a liveness probe asks only whether the process serves.

Orchestrators call it every few seconds on every process, so it should cost what a bare WSGI answer costs, not
a trip through the API's hooks (token, limiter, input guard, audit), none of which apply to it. It keeps what
those hooks promise every response: ``X-Request-ID`` (the caller's when it is a sane token),
``X-Content-Type-Options`` and ``Cache-Control: no-store``, and it is counted in the request metrics. A
request over the stated size limits, or any method but GET and HEAD, goes on to the application and gets the
usual problem (414, 431; 400 for a request the server's front refused, such as one without Host; 405 with
``Allow``, from the route ``init_liveness`` registers for the path). The operation is documented in the spec
as ``getHealth`` (api.resources.operations).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from flask import Flask

from api.errors import DomainError
from api.http.front import FRONT_REFUSAL
from api.http.input_guard import check_request_size
from api.http.observability import Metrics
from api.http.request_id import request_id_for

PATH = "/healthz"
BODY = b'{"status":"ok"}\n'
_HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(BODY))),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]


def init_liveness(app: Flask, metrics: Metrics) -> None:
    """Answer ``GET /healthz`` before everything else (install it last: it becomes the outermost layer)."""
    # The path's route: Flask answers other methods 405 with Allow, and a GET that reaches the app anyway
    # (over the size limits) is refused by the input guard before this view would run.
    app.add_url_rule(PATH, "liveness", lambda: {"status": "ok"}, methods=["GET", "HEAD"])
    app.wsgi_app = Liveness(app.wsgi_app, metrics)  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app (a method assigned)


class Liveness:
    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != PATH or method not in ("GET", "HEAD") or FRONT_REFUSAL in environ:
            return self.app(environ, start_response)  # type: ignore[no-any-return]  # the wrapped WSGI app is typed as returning Any
        started = time.perf_counter()
        try:
            check_request_size(environ)
        except DomainError:
            return self.app(environ, start_response)  # type: ignore[no-any-return]  # the wrapped WSGI app is typed as returning Any
        request_id = request_id_for(environ.get("HTTP_X_REQUEST_ID", ""))
        start_response("200 OK", [*_HEADERS, ("X-Request-ID", request_id)])
        self.metrics.observe(method, PATH, "200", time.perf_counter() - started)
        return [] if method == "HEAD" else [BODY]
