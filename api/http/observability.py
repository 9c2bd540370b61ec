"""Prometheus metrics (requests and latency by route and status) and one access-log line a request.

Logged: method, route template, status, duration, request id, client id. Never the query string or
the body, which may carry PHI.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram

from api.auth.protector import peek_principal
from api.http.current import current_request, request_globals

access_log = logging.getLogger("api.access")
_MAX_SERIES = 4096


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        # The two series of each (method, route, status), looked up once: ``labels()`` checks and joins its
        # values on every call. Routes are the app's rules (or "unmatched"), statuses few; methods are the
        # caller's, so the memo stops growing at ``_MAX_SERIES`` (prometheus keeps every series anyway).
        self._series: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: str, elapsed: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (self.requests.labels(*key), self.latency.labels(*key))
            if len(self._series) < _MAX_SERIES:
                self._series[key] = series
        series[0].inc()
        series[1].observe(elapsed)


def _route(request: Request) -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def init_observability(app: Flask, registry: CollectorRegistry) -> Metrics:
    metrics = Metrics(registry)

    @app.before_request
    def _start_timer() -> None:
        request_globals().started_at = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        # After every request: the context's objects, not their proxies (api/http/current.py).
        request, context = current_request(), request_globals()
        started = context.get("started_at")
        elapsed = time.perf_counter() - started if started is not None else 0.0
        route, status = _route(request), str(response.status_code)
        metrics.observe(request.method, route, status, elapsed)
        if access_log.isEnabledFor(logging.INFO):
            principal = peek_principal() if "auth_result" in context else None
            access_log.info(
                "%s %s %s %.1fms request_id=%s client_id=%s",
                request.method,
                route,
                status,
                elapsed * 1000,
                context.get("request_id"),
                principal.client_id if principal else "-",
            )
        return response

    app.extensions["metrics"] = metrics
    return metrics
