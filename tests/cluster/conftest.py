"""Fixtures for the deployment tests: several processes on one PostgreSQL and one Redis, and faults.

They run in ``make test-postgres`` (and so in CI): a deployment's database is PostgreSQL. The multi-process
tests use a throw-away database on the test server (``TEST_DATABASE_URL``) and a Redis of their own; the fault
tests stop and start a PostgreSQL cluster and a Redis of their own (tests/cluster/services.py), never the
machine's shared ones. Without PostgreSQL they are skipped; in CI, missing server binaries fail the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from api.config import test_database_url
from tests.cluster.services import OwnRedis, missing_tools


def skip_unless_cluster_capable() -> None:
    if not test_database_url():
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL): make test-postgres runs the deployment tests")
    missing = missing_tools()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the deployment tests cannot run: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def own_redis() -> Iterator[OwnRedis]:
    skip_unless_cluster_capable()
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.remove()
