"""Rate limits hold across server processes when REDIS_URL is set (hardening issue, finding 10).

Two granian workers of one `telemedical run`, each its own process: with counters in Redis, a client gets
exactly RATE_LIMIT requests however they are spread over the workers. (Counted in each process's memory,
the limit would be workers x RATE_LIMIT.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.concurrency.conftest import live_token
from tests.concurrency.server import LiveServer, call, simultaneously, start_server
from tests.world import partner_with_portal

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 20


@pytest.fixture(scope="module")
def limited_server(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
    server = start_server(
        live_database_url,
        Path(tmp_path_factory.mktemp("limited-server")),
        settings={"REDIS_URL": REDIS_URL, "RATE_LIMIT": f"{LIMIT}/minute"},
    )
    try:
        yield server
    finally:
        server.stop()


def test_a_clients_limit_is_shared_by_every_worker(limited_server: LiveServer, live_engine: Engine) -> None:
    with Session(live_engine, expire_on_commit=False) as session:
        _, portal = partner_with_portal(session, "Limited partner")
    token = live_token(limited_server, portal)
    headers = {"Authorization": f"Bearer {token}"}

    # Three waves of 10 at once: a sync worker serves one request at a time, so both workers take some.
    outcomes = [
        outcome
        for _ in range(3)
        for outcome in simultaneously(
            [lambda: call("list", "GET", limited_server.url("/v1/patients"), headers=headers)] * 10
        )
    ]

    statuses = sorted(o.status for o in outcomes)
    log = limited_server.log_since(0)
    assert "Rate limit storage" not in log, "Redis was unreachable during the test (in-memory fallback)"
    dropped = [o.brief() for o in outcomes if o.status not in (200, 429)]
    assert not dropped, f"{len(dropped)} requests failed: {dropped[:3]}\n{limited_server.noteworthy_log()}"
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 10, statuses
    refused = requests.get(limited_server.url("/v1/patients"), headers=headers, timeout=30)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["RateLimit-Policy"] == f'"default";q={LIMIT};w=60'


def test_an_unreachable_redis_degrades_to_per_process_limits_not_errors(
    live_database_url: str, live_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_server(
        live_database_url,
        Path(tmp_path_factory.mktemp("no-redis-server")),
        settings={"REDIS_URL": "redis://127.0.0.1:1/0", "RATE_LIMIT": f"{LIMIT}/minute"},
    )
    try:
        with Session(live_engine, expire_on_commit=False) as session:
            _, portal = partner_with_portal(session, "Degraded partner")
        token = live_token(server, portal)
        outcomes = [
            call("list", "GET", server.url("/v1/patients"), headers={"Authorization": f"Bearer {token}"})
            for _ in range(5)
        ]
        assert [o.status for o in outcomes] == [200] * 5, [o.brief() for o in outcomes]
        assert "Traceback" not in server.log_since(0)
    finally:
        server.stop()
