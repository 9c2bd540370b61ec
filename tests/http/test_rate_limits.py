"""The rate limiter (api/http/ratelimit.py): what it counts, how ``RATE_LIMIT`` is read, and how it keeps
counting when Redis is gone. The headers and the 429s are in test_conventions.py; the limit shared by a
server's workers through Redis in tests/concurrency/test_live_rate_limits.py; Redis stopped and started
under a fleet in tests/cluster/test_faults.py."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from uuid import uuid4

import pytest
from flask import Flask
from limits.errors import StorageError

from api.config import ConfigurationError, Settings
from api.http.ratelimit import Limits, parse_rate_limit
from tests.helpers import bearer, cc_token
from tests.world import World

REDIS = "redis://127.0.0.1:6379/15"
UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    ("text", "amount", "seconds"),
    [
        ("1200/minute", 1200, 60),
        ("20 per second", 20, 1),
        ("5/hour", 5, 3600),
        ("100000000/minute", 10**8, 60),
    ],
)
def test_rate_limit_is_read_as_one_limit(text: str, amount: int, seconds: int) -> None:
    item = parse_rate_limit(text)
    assert (item.amount, item.get_expiry()) == (amount, seconds)


@pytest.mark.parametrize("text", ["", "lots", "12", "1200/fortnight", "10/second;1000/minute", "0x10/minute"])
def test_a_rate_limit_that_is_not_one_limit_stops_the_app_at_start(
    text: str, make_app: Callable[..., Flask]
) -> None:
    with pytest.raises(ConfigurationError, match="RATE_LIMIT"):
        parse_rate_limit(text)
    if text:  # an empty RATE_LIMIT is the default, read by load_settings
        with pytest.raises(ConfigurationError, match="RATE_LIMIT"):
            make_app(rate_limit=text)


def test_requests_no_operation_answers_are_not_counted(make_app: Callable[..., Flask], world: World) -> None:
    """A 404 of routing, a 405 and the health checks spend nothing of a client's limit; an operation's own
    404 (a record not found) does."""
    client = make_app(rate_limit="3/minute").test_client()
    headers = bearer(cc_token(client, world.portal_a))  # counted by address, not by client
    for path in ("/v1/nothing-here", "/healthz", "/readyz"):
        response = client.get(path, headers=headers)
        assert "RateLimit" not in response.headers, path
    assert client.delete("/v1/providers", headers=headers).status_code == 405
    answers = [client.get("/v1/patients/pat_missing", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert [a.headers["RateLimit"].split(";")[1] for a in answers] == ["r=2", "r=1", "r=0", "r=0"]


def _settings(base: Settings, redis_url: str | None, limit: str = "3/minute") -> Settings:
    return base.with_overrides(redis_url=redis_url, rate_limit=limit)


def test_redis_counts_every_process_alike(base_settings: Settings) -> None:
    """Two processes' limiters on one Redis share one count per key (each process here is a ``Limits``)."""
    first, second = Limits(_settings(base_settings, REDIS)), Limits(_settings(base_settings, REDIS))
    key, other = f"client:{uuid4().hex}", f"client:{uuid4().hex}"  # this test's own, in a shared Redis
    counts = [first.count(key), second.count(key), first.count(key)]
    assert [c.remaining for c in counts] == [2, 1, 0] and all(c.allowed for c in counts)
    assert not second.count(key).allowed
    assert second.count(other).allowed  # per key


def test_an_unreachable_redis_counts_in_memory_with_one_warning(
    base_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    limits, key = Limits(_settings(base_settings, UNREACHABLE)), "client:a"
    with caplog.at_level(logging.INFO, logger="api.ratelimit"):
        counts = [limits.count(key) for _ in range(4)]
    assert [c.allowed for c in counts] == [True, True, True, False]  # the limit still holds, per process
    assert [c.remaining for c in counts] == [2, 1, 0, 0]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info], "no traceback"


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_counting_returns_to_redis_when_it_answers_again(
    base_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis fails once: the process counts in memory, asks Redis again after 1 s, 2 s, 4 s… (one request
    asks; the others meanwhile count in memory), and counts in Redis from the first answer on."""
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock.monotonic)
    limits = Limits(_settings(base_settings, REDIS, "100/minute"))
    key = f"client:{uuid4().hex}"
    storage = limits._shared_storage
    assert storage is not None
    answers = {"ping": False}
    monkeypatch.setattr(storage, "check", lambda: answers["ping"])
    shared = limits._shared
    assert shared is not None
    real_hit = shared.hit

    def failing_hit(*args: object, **kwargs: object) -> bool:
        raise StorageError(ConnectionError("connection refused"))

    monkeypatch.setattr(shared, "hit", failing_hit)
    assert limits.count(key).remaining == 99  # in memory
    monkeypatch.setattr(shared, "hit", real_hit)  # Redis is back, but not asked before its time
    clock.now += 0.5
    assert limits.count(key).remaining == 98  # memory still
    clock.now += 0.6  # 1.1 s: asked, does not answer yet
    assert limits.count(key).remaining == 97
    clock.now += 1.5  # 2.6 s: next ask is due 2 s after the last (at 3.1 s)
    assert limits.count(key).remaining == 96
    answers["ping"] = True
    clock.now += 0.6  # 3.2 s: asked, answers
    with caplog.at_level(logging.INFO, logger="api.ratelimit"):
        assert limits.count(key).remaining == 99  # Redis's own count, from its first request
    assert "reachable again" in caplog.text
    assert limits.count(key).remaining == 98
