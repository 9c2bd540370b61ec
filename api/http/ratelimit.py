"""Rate limits per OAuth client, counted by ``limits``: in memory by default, shared through Redis when
``REDIS_URL`` is set. Headers follow the IETF draft (``RateLimit-Policy``, ``RateLimit``); a breach is a
429 problem with ``Retry-After`` (an RFC 6749 error body on the OAuth endpoints).

In memory, each server process counts alone: with N processes a client gets up to N x ``RATE_LIMIT``.
Several processes (the server's workers, several servers) need ``REDIS_URL`` for the limit to hold. If Redis
is unreachable, requests are still served: each process counts in memory until Redis answers again (asked
again after 1 s, then 2, 4, … at most 32 s; a rate-limit store must not take the API down).

The counting (the moving window in memory, the fixed window in Redis, the storages and their keys) is the
``limits`` library's; this module is only the hook that asks it, once per request. Flask-Limiter, which wraps
``limits`` for Flask, was used here until 2026-12-07: it resolves on every request which of its limits
apply (decorated, blueprint, default, meta and application limits, each re-parsed from its string, with
their exemptions), which the API, with one limit for every operation, has no use for. That resolution was
18 % of the instructions of a read by id; this hook, with the counting itself, costs about 6 %
(bench/README.md, 2026-12-07).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask, Request, Response, jsonify, request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy.exc import SQLAlchemyError

from api.auth.protector import peek_principal
from api.config import ConfigurationError, Settings
from api.db import get_session
from api.errors import RateLimited
from api.http.current import current_request, request_globals
from api.http.problems import handle_domain_error

log = logging.getLogger("api.ratelimit")

POLICY = "default"
_EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_OAUTH_PREFIX = "/oauth/"
# Redis unreachable: asked again after 1, 2, 4, 8, 16, then every 32 seconds (Flask-Limiter's schedule).
_RECHECK_MAX_EXPONENT = 5


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


def parse_rate_limit(text: str) -> RateLimitItem:
    """``RATE_LIMIT`` ("1200/minute", "20 per second"): one limit, or ``ConfigurationError``."""
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if len(items) != 1:
        raise ConfigurationError(
            f"RATE_LIMIT: {text!r} is not one rate limit such as '1200/minute' or '20 per second'"
        )
    return items[0]


@dataclass(frozen=True)
class Count:
    """A request counted: whether it is within the limit, and the window after it."""

    allowed: bool
    remaining: int
    reset_at: float  # when the window frees up (epoch seconds)

    def seconds_to_reset(self) -> int:
        return max(0, int(self.reset_at + 1) - int(time.time()))


class Limits:
    """One limit (``RATE_LIMIT``) per key, counted in Redis (a fixed window, shared by every process) or in
    this process's memory (a moving window); in memory too while Redis is unreachable."""

    def __init__(self, settings: Settings) -> None:
        self.item = parse_rate_limit(settings.rate_limit)
        self.policy = f'"{POLICY}";q={self.item.amount};w={self.item.get_expiry()}'
        memory = InlineExpiryMemoryStorage()
        self._memory: RateLimiter = MovingWindowRateLimiter(memory)
        self._shared: RateLimiter | None = None
        self._shared_storage: Storage | None = None
        if settings.redis_url:
            # A dead or hanging Redis costs a request at most these timeouts, then memory (``_counter``).
            shared = storage_from_string(
                settings.redis_url, wrap_exceptions=True, socket_connect_timeout=2, socket_timeout=2
            )
            if not isinstance(shared, Storage):  # an "async+…" scheme: not for a WSGI app
                raise ConfigurationError(f"REDIS_URL: the scheme of {settings.redis_url!r} is asynchronous")
            self._shared, self._shared_storage = FixedWindowRateLimiter(shared), shared
        self._down_since: float | None = None  # Redis found unreachable at (monotonic), until it answers
        self._checks = 0  # how many times it has been asked again since
        self._last_check = 0.0
        self._checking = threading.Lock()

    def count(self, key: str) -> Count:
        """Count one request of ``key``."""
        counter = self._counter()
        try:
            return self._count(counter, key)
        except StorageError as error:  # only Redis fails (wrap_exceptions); memory counts instead
            self._lost(error)
            return self._count(self._memory, key)

    def reset(self) -> None:
        """Forget every count (tests)."""
        for counter in (self._memory, self._shared):
            if counter is not None:
                counter.storage.reset()

    def _count(self, counter: RateLimiter, key: str) -> Count:
        allowed = counter.hit(self.item, key)
        window = counter.get_window_stats(self.item, key)
        return Count(allowed, max(0, window.remaining), window.reset_time)

    def _counter(self) -> RateLimiter:
        if self._shared is None:
            return self._memory
        if self._down_since is None:
            return self._shared
        now = time.monotonic()
        due = now - self._last_check >= 2 ** min(self._checks, _RECHECK_MAX_EXPONENT)
        if due and self._checking.acquire(blocking=False):  # one thread asks; the others count in memory
            try:
                self._last_check, self._checks = now, self._checks + 1
                assert self._shared_storage is not None
                if self._shared_storage.check():
                    log.info("rate-limit storage reachable again after %.0f s", now - self._down_since)
                    self._down_since = None
                    return self._shared
            finally:
                self._checking.release()
        return self._memory

    def _lost(self, error: StorageError) -> None:
        if self._down_since is None:
            log.warning(
                "rate-limit storage unreachable (%s): counting in this process's memory until it answers",
                type(error.storage_error).__name__,
            )
            self._down_since = self._last_check = time.monotonic()
            self._checks = 0


def _exempt(request: Request) -> bool:
    """Health checks and metrics, requests no operation answers (404, 405: routing answers them), and static
    files (the API documentation's assets) are not counted."""
    if request.path in _EXEMPT_PATHS:
        return True
    endpoint = request.endpoint
    return endpoint is None or endpoint == "static" or endpoint.endswith(".static")


def _too_many(count: Count) -> Response:
    retry_after = max(1, count.seconds_to_reset())
    if request.path.startswith(_OAUTH_PREFIX):
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


def init_rate_limits(app: Flask, settings: Settings) -> Limits:
    limits = Limits(settings)

    @app.before_request
    def _count() -> Response | None:
        if _exempt(current_request()):  # before every request: no proxies (api/http/current.py)
            return None
        count = limits.count(rate_limit_key())
        request_globals().rate_limit = count
        return None if count.allowed else _too_many(count)

    @app.after_request
    def _rate_limit_headers(response: Response) -> Response:
        count: Count | None = request_globals().get("rate_limit")
        if count is not None:
            response.headers["RateLimit-Policy"] = limits.policy
            response.headers["RateLimit"] = f'"{POLICY}";r={count.remaining};t={count.seconds_to_reset()}'
        return response

    app.extensions["rate_limiter"] = limits
    return limits
