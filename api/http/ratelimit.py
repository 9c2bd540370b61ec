"""Rate limits per OAuth client (flask-limiter): in memory by default, shared through Redis when
``REDIS_URL`` is set. Headers follow the IETF draft (``RateLimit-Policy``, ``RateLimit``); a breach is a
429 problem with ``Retry-After`` (an RFC 6749 error body on the OAuth endpoints).

In memory, each server process counts alone: with N processes a client gets up to N x ``RATE_LIMIT``.
Several processes (the server's workers, several servers) need ``REDIS_URL`` for the limit to hold. If Redis
is unreachable, requests are still served: each process falls back to counting in memory until Redis
returns (a rate-limit store must not take the API down).
"""

from __future__ import annotations

import time

from flask import Flask, Response, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.storage import MemoryStorage
from sqlalchemy.exc import SQLAlchemyError

from api.auth.protector import peek_principal
from api.config import Settings
from api.db import get_session
from api.errors import RateLimited
from api.http.problems import handle_domain_error

POLICY = "default"
_EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class InlineExpiryMemoryStorage(MemoryStorage):
    """``limits``' in-memory storage without its timer thread: that storage sweeps expired windows from a
    10 ms ``threading.Timer`` which it starts again whenever the last one has finished, so under load almost
    every request started a thread. Here the sweep runs inline, at most once a second; an expired counter
    is also dropped when it is next read, as before (``limits`` pinned in pyproject.toml: this replaces
    one private method)."""

    STORAGE_SCHEME = ["memory+inline"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._last_sweep = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the private hook it replaces
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_SECONDS:
            self._last_sweep = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]  # limits' private, name-mangled sweep: the hook this class replaces


def rate_limit_key() -> str:
    try:
        principal = peek_principal()
    except SQLAlchemyError:
        # The database is unreachable (the revocation check): count by address; the view's own token check
        # answers 503. The session is left clean for it, and the limiter never takes this for a Redis fault.
        get_session().rollback()
        principal = None
    if principal is not None:
        return f"client:{principal.client_id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def _seconds_to_reset(limiter: Limiter) -> int:
    current = limiter.current_limit
    return max(0, current.reset_at - int(time.time())) if current else 0


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        key_func=rate_limit_key,
        application_limits=[settings.rate_limit],
        storage_uri=settings.redis_url or "memory+inline://",
        # A dead or hanging Redis costs each request at most these timeouts, then the memory fallback.
        storage_options={"socket_connect_timeout": 2, "socket_timeout": 2} if settings.redis_url else {},
        in_memory_fallback_enabled=bool(settings.redis_url),
        swallow_errors=True,
        headers_enabled=False,
        strategy="moving-window" if not settings.redis_url else "fixed-window",
    )
    limiter.init_app(app)
    # Health checks and metrics skip the limiter before it does any work (no key, no storage).
    limiter.request_filter(lambda: request.path in _EXEMPT_PATHS)

    @app.after_request
    def _rate_limit_headers(response: Response) -> Response:
        current = limiter.current_limit
        if current is not None:
            window = current.limit.get_expiry()
            response.headers["RateLimit-Policy"] = f'"{POLICY}";q={current.limit.amount};w={window}'
            response.headers["RateLimit"] = (
                f'"{POLICY}";r={max(0, current.remaining)};t={_seconds_to_reset(limiter)}'
            )
        return response

    @app.errorhandler(RateLimitExceeded)
    def _too_many(_exc: RateLimitExceeded) -> Response:
        retry_after = max(1, _seconds_to_reset(limiter))
        if request.path.startswith("/oauth/"):
            # OAuth endpoints answer in RFC 6749 form; its code for "retry later" is temporarily_unavailable.
            response = jsonify(
                error="temporarily_unavailable",
                error_description=f"Too many requests; retry in {retry_after} seconds.",
            )
            response.status_code = 429
            response.headers["Retry-After"] = str(retry_after)
            response.headers["Cache-Control"] = "no-store"
            return response
        return handle_domain_error(
            RateLimited(
                f"Rate limit exceeded; retry in {retry_after} seconds.",
                headers={"Retry-After": str(retry_after)},
            )
        )

    app.extensions["rate_limiter"] = limiter
    return limiter
