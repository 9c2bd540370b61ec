"""Which server ``telemedical run`` should use: the ceilings (bench/ceiling.py) under each candidate.

    .venv/bin/python bench/servers.py [--server postgresql://…] [--duration 10] [--connections 32]

Issue 14 asks for the production server chosen by measurement: the one whose ceiling is highest of those
tried, since every scenario of ``make bench`` is a ratio to it. This seeds a throw-away PostgreSQL database
with 10,000 patients, serves the bare ceiling app under each candidate (2 workers each) and loads ``ping``,
``ceiling`` and ``ceiling_audited`` with wrk as bench/load.py does, then prints a table and a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.db import make_engine  # noqa: E402
from api.demo import DEMO_PARTNER_ID  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import Partner, Patient  # noqa: E402
from bench.load import (  # noqa: E402
    BIN,
    Result,
    ceiling_command,
    ensure_wrk,
    free_port,
    load,
    lua_script,
    server_env,
    start,
)
from bench.matching import throwaway_database  # noqa: E402

PATIENTS = 10_000


def candidates(port: int, workers: int) -> dict[str, list[str]]:
    """Each candidate's command line serving bench.ceiling:app on ``port``."""
    bind = ["-b", f"127.0.0.1:{port}"]
    gunicorn = [str(BIN / "gunicorn"), "-w", str(workers), *bind]
    granian = [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        "--log-level",
        "warning",
    ]
    return {
        "gunicorn sync": [*gunicorn, "bench.ceiling:app"],
        "gunicorn gthread x4": [*gunicorn, "-k", "gthread", "--threads", "4", "bench.ceiling:app"],
        "granian wsgi x1": [*granian, "--blocking-threads", "1", "bench.ceiling:app"],
        "granian wsgi x2": [*granian, "--blocking-threads", "2", "bench.ceiling:app"],
        "granian wsgi x4": [*granian, "--blocking-threads", "4", "bench.ceiling:app"],
        # What ``telemedical run`` serves with (api.serving): granian RSGI, the front reading bodies on the
        # event loop (api.http.front), 2 application threads per worker. The front's cost: this against x2.
        "granian rsgi front x2": ceiling_command(port, workers),
    }


def seed(url: str) -> list[str]:
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    ids = [f"pat_srv{index:06d}" for index in range(PATIENTS)]
    with Session(engine) as session:
        session.add(Partner(id=DEMO_PARTNER_ID, name="Bench partner"))
        session.flush()
        session.execute(
            insert(Patient),
            [
                {
                    "id": pid,
                    "partner_id": DEMO_PARTNER_ID,
                    "given_name": "Bench",
                    "family_name": "Patient",
                    "birth_date": date(1980, 1, 1),
                    "sex_at_birth": "female",
                    "preferred_language": "en",
                    "created_at": now,
                    "updated_at": now,
                }
                for pid in ids
            ],
        )
        session.commit()
    engine.dispose()
    return ids[:500]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", help="a candidate's name (repeatable)")
    args = parser.parse_args()
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="tm-bench-servers-"))
    url = throwaway_database(args.server, "telemedical_bench_servers")
    ids = seed(url)
    paths = {
        "ping": ["/ping"],
        "ceiling": [f"/ceiling/{p}" for p in ids],
        "ceiling_audited": [f"/ceiling_audited/{p}" for p in ids],
    }
    table: dict[str, dict[str, Result]] = {}
    for name, command in candidates(0, args.workers).items():
        if args.only and name not in args.only:
            continue
        port = free_port()
        command = candidates(port, args.workers)[name]
        server = start(name, command, server_env(url, work, port), port, "/ping", work / f"{name}.log")
        try:
            table[name] = {}
            for scenario, scenario_paths in paths.items():
                script = lua_script("GET", scenario_paths, {}, None)
                load(wrk, scenario, server.base, script, 2, args.connections)
                table[name][scenario] = load(
                    wrk, scenario, server.base, script, args.duration, args.connections
                )
        finally:
            server.stop()
    print(
        f"\n{args.connections} connections, {args.duration} s each, {os.cpu_count()} cores,"
        f" {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"{'server':<22}" + "".join(f"{s + ' req/s':>22}{'p99 ms':>9}" for s in paths))
    for name, results in table.items():
        print(f"{name:<22}" + "".join(f"{r.rps:>22.0f}{r.p99_ms:>9.1f}" for r in results.values()))
    print(json.dumps({name: {s: vars(r) for s, r in results.items()} for name, results in table.items()}))
    failed = [f"{n} {s}" for n, rs in table.items() for s, r in rs.items() if r.non_2xx or r.socket_errors]
    if failed:
        raise SystemExit(f"non-2xx answers or socket errors in: {', '.join(failed)} (logs in {work})")


if __name__ == "__main__":
    main()
