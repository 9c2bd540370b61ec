"""Hot-path benchmark: authenticated reads and writes through the whole WSGI stack, in process.

Prints p50/p95/p99 in milliseconds for GET /v1/patients/{id}, GET /v1/patients?limit=20 and
POST /v1/patients. Each request does the real work: JWT signature and claims, the revocation lookup,
the rate limiter, the tenant-scoped query, serialisation, metrics and its audit row.

Each scenario also runs with the audit hook replaced by no-ops (a measuring device here, not a setting of
the service: the service cannot run without it), in alternating rounds on the same database, and the
audit's cost is printed as the ratio of the two medians (issue 12).
Run: `.venv/bin/python bench/requests.py` (DATABASE_URL picks the database; default a new SQLite file).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from api.config import Settings
from api.db import get_session
from api.demo import seed_demo
from api.http import audit
from api.migrate import upgrade

N = int(os.environ.get("BENCH_N", "2000"))


def samples_of(call: Callable[[], int], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        status = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert status < 400, status
    return samples


def report(name: str, samples: list[float]) -> float:
    q = statistics.quantiles(samples, n=100)
    print(f"{name:<36} n={len(samples):<6} p50={q[49]:6.2f}ms  p95={q[94]:6.2f}ms  p99={q[98]:6.2f}ms")
    return q[49]


@contextmanager
def audit_off() -> Iterator[None]:
    """The audit at the operation's boundary as no-ops, for the baseline (the boundary still commits)."""
    saved = {name: getattr(audit, name) for name in ("begin", "record_writes", "record_read", "fail", "end")}
    audit.begin = lambda operation, status: audit.Context(operation, audit.Action.READ, status)  # type: ignore[assignment]  # the bench's no-audit variant swaps these out
    audit.record_writes = lambda *args, **kwargs: False  # type: ignore[assignment]  # the bench's no-audit variant swaps these out
    audit.record_read = audit.fail = audit.end = lambda *args, **kwargs: None  # type: ignore[assignment]  # the bench's no-audit variant swaps these out
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(audit, name, function)


def measure(name: str, call: Callable[[], int], n: int = N, rounds: int = 4) -> None:
    """Alternate rounds with and without the audit hook (drift on a shared machine hits both alike)."""
    for _ in range(50):
        call()
    on: list[float] = []
    off: list[float] = []
    for _ in range(rounds):
        on += samples_of(call, n // rounds)
        with audit_off():
            off += samples_of(call, n // rounds)
    with_audit = report(name, on)
    without = report(f"{name} (audit hook off)", off)
    print(f"{'':<36} audit cost: p50 x{with_audit / without:.2f} ({with_audit - without:+.2f} ms)")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tm-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    settings = Settings(database_url=url, instance_dir=tmp, rate_limit="1000000/minute")
    app = create_app(settings)
    with app.app_context():
        seed_demo(get_session(), settings)
    client = app.test_client()
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("cli_demo_portal", "demo-portal-secret"),
    ).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"given_name": "Bench", "family_name": "Mark", "birth_date": "1980-01-01", "sex_at_birth": "male"}
    print(f"database: {url.split(':', 1)[0]}")
    measure(
        "GET /v1/patients/{id}", lambda: client.get("/v1/patients/pat_demo_ada", headers=headers).status_code
    )
    measure(
        "GET /v1/patients?limit=20", lambda: client.get("/v1/patients?limit=20", headers=headers).status_code
    )
    measure(
        "POST /v1/patients",
        lambda: client.post("/v1/patients", json=body, headers=headers).status_code,
        N // 4,
    )


if __name__ == "__main__":
    main()
