"""Hand-written next to the generated client (clients/helpers/runtime.py, copied in by ``make sdk``).

What a partner would otherwise write around every call:

- ``ApiError``: every generated ``sync()``/``asyncio()`` returns the success type alone and raises this on an
  error status, carrying the typed ``Problem`` and ``Retry-After``. (``*_detailed`` still returns every status
  as a value.) A 304 is not an error: ``sync_if_changed()`` returns ``NotModified``; plain ``sync()`` raises
  ``NotModifiedError`` if you sent ``if_none_match`` yourself.
- ``RetryTransport``: an ``Idempotency-Key`` on every POST that has none, the same key on each of its own
  retries; retries with backoff on 429/503 (honouring ``Retry-After``) and on network errors, for idempotent
  methods and keyed requests only. ``auth.connect()`` installs it.
- ``paginate()``/``apaginate()``: every item of a cursor-paged list.
- ``Tagged``/``etag_of()``: the ETag to send as ``if_none_match`` (a 304 when unchanged) or ``if_match``.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx

from .models.problem import Problem
from .types import UNSET, Response

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# Methods whose repetition has the effect of one request (RFC 9110 §9.2.2); other methods are retried only
# when they carry an Idempotency-Key (the server then answers a repeat with the first answer).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 503})


class ApiError(Exception):
    """The API answered with an error status. ``problem`` is its problem+json body (``code``, ``detail``,
    ``errors``...); ``retry_after`` the seconds it asked to wait (429, 503), when it said."""

    def __init__(self, status: int, problem: Problem, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {problem.code}: {problem.detail}")
        self.status, self.problem, self.retry_after = status, problem, retry_after

    @property
    def code(self) -> str:
        return self.problem.code

    @classmethod
    def from_response(cls, status: int, headers: Any, content: bytes) -> ApiError:
        problem: Problem
        try:
            problem = Problem.from_dict(json.loads(content))
        except (ValueError, KeyError, TypeError, AttributeError):  # not problem+json (a proxy's page, say)
            text = content.decode(errors="replace")[:500]
            problem = Problem(code=f"http_{status}", detail=text, request_id=None, status=status, title="", type_="")
        return cls(status, problem, parse_retry_after(headers.get("retry-after")))


class NotModifiedError(Exception):
    """A 304 reached a plain ``sync()``: use ``sync_if_changed()`` to get it as ``NotModified``."""


@dataclass(frozen=True)
class NotModified:
    """304: the copy whose ETag you sent (``etag``) is current."""

    etag: str | None


@dataclass(frozen=True)
class Tagged(Generic[T]):
    """A resource with the ETag it was served with."""

    value: T
    etag: str | None


def raise_for_problem(response: httpx.Response) -> None:
    """``ApiError`` for an error status, ``NotModifiedError`` for a 304; nothing for a 2xx. (The generated
    ``sync``/``asyncio`` call it before parsing, so an error body that is not JSON still raises ``ApiError``.)"""
    if response.status_code == 304:
        raise NotModifiedError(response.headers.get("etag"))
    if response.status_code >= 300:
        raise ApiError.from_response(response.status_code, response.headers, response.content)


def etag_of(response: Response[Any]) -> str:
    """The ETag of a ``*_detailed`` call's response, for ``if_match`` on the next write."""
    return str(response.headers["etag"])


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --- pagination ---------------------------------------------------------------------------------------------


class Page(Protocol[T_co]):
    """A page of a list operation: ``data``, and ``next_cursor`` while ``has_more``."""

    @property
    def data(self) -> Sequence[T_co]: ...
    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> str | None: ...


def paginate(call: Callable[..., Page[T]], /, *args: Any, **params: Any) -> Iterator[T]:
    """Every item of a list, page after page: ``paginate(list_patients.sync, client=client, limit=100)``.
    ``params`` are the operation's own; the cursor is this function's."""
    cursor: Any = params.pop("cursor", UNSET)
    while True:
        page = call(*args, cursor=cursor, **params)
        yield from page.data
        if not page.has_more or not page.next_cursor:
            return
        cursor = page.next_cursor


async def apaginate(call: Callable[..., Awaitable[Page[T]]], /, *args: Any, **params: Any) -> AsyncIterator[T]:
    """``paginate`` for the ``asyncio`` functions."""
    cursor: Any = params.pop("cursor", UNSET)
    while True:
        page = await call(*args, cursor=cursor, **params)
        for item in page.data:
            yield item
        if not page.has_more or not page.next_cursor:
            return
        cursor = page.next_cursor


# --- retries and idempotency keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``attempts`` counts the first try; the wait before retry n is
    ``Retry-After`` when the server sent one (up to ``max_delay``), else ``base_delay * 2**(n-1)`` with
    jitter, up to ``max_delay``."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, retry: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        return min(self.base_delay * 2.0 ** (retry - 1), self.max_delay) * random.uniform(0.5, 1.0)


def prepare(request: httpx.Request) -> bool:
    """Give a POST without an Idempotency-Key a new one; whether the request may be sent again."""
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())
    return request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers


class RetryTransport(httpx.BaseTransport):
    """An ``httpx`` transport that keys POSTs and retries what is safe to retry (see the module's docstring)."""

    def __init__(self, policy: RetryPolicy | None = None, inner: httpx.BaseTransport | None = None) -> None:
        self.policy, self.inner = policy or RetryPolicy(), inner or httpx.HTTPTransport()
        self.sleep: Callable[[float], None] = time.sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retryable = prepare(request)
        for attempt in range(1, self.policy.attempts + 1):
            last = attempt == self.policy.attempts or not retryable
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError:
                if last:
                    raise
                self.sleep(self.policy.delay(attempt, None))
                continue
            if last or response.status_code not in RETRY_STATUSES:
                return response
            response.close()
            self.sleep(self.policy.delay(attempt, parse_retry_after(response.headers.get("retry-after"))))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """``RetryTransport`` for ``httpx.AsyncClient`` (the generated ``asyncio`` functions)."""

    def __init__(self, policy: RetryPolicy | None = None, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy, self.inner = policy or RetryPolicy(), inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retryable = prepare(request)
        for attempt in range(1, self.policy.attempts + 1):
            last = attempt == self.policy.attempts or not retryable
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError:
                if last:
                    raise
                await asyncio.sleep(self.policy.delay(attempt, None))
                continue
            if last or response.status_code not in RETRY_STATUSES:
                return response
            await response.aclose()
            await asyncio.sleep(self.policy.delay(attempt, parse_retry_after(response.headers.get("retry-after"))))
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        await self.inner.aclose()
