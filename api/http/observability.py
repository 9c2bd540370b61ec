"""Prometheus metrics (requests and latency by route and status) and one access-log line a request.

Logged: method, route template, status, duration, request id, client id. Never the query string or
the body, which may carry PHI.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram

from api.auth.protector import peek_principal

access_log = logging.getLogger("api.access")


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


def _route() -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def init_observability(app: Flask, registry: CollectorRegistry) -> Metrics:
    metrics = Metrics(registry)

    @app.before_request
    def _start_timer() -> None:
        g.started_at = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.get("started_at")
        elapsed = time.perf_counter() - started if started is not None else 0.0
        route, status = _route(), str(response.status_code)
        metrics.requests.labels(request.method, route, status).inc()
        metrics.latency.labels(request.method, route, status).observe(elapsed)
        if access_log.isEnabledFor(logging.INFO):
            principal = peek_principal() if "auth_result" in g else None
            access_log.info(
                "%s %s %s %.1fms request_id=%s client_id=%s",
                request.method,
                route,
                status,
                elapsed * 1000,
                g.get("request_id"),
                principal.client_id if principal else "-",
            )
        return response

    app.extensions["metrics"] = metrics
    return metrics
