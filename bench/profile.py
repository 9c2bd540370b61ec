"""Where a request's time goes: one scenario of ``make bench``, in process, under pyinstrument.

    .venv/bin/python bench/profile.py read|read_consultation|search|create|create_consultation|health
        [-n 500] [--server postgresql://…] [--reuse]

Seeds the same PostgreSQL data as bench/load.py (``--reuse`` keeps the last seeded database), builds the app
as ``telemedical run`` does (real JWT, rate limiter, audit), sends the scenario's request ``-n`` times after
a warm-up, and prints the mean time per request, the SQL statements per request, and pyinstrument's tree.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from api.app import create_app  # noqa: E402
from api.config import load_settings  # noqa: E402
from api.db import get_db, normalize_database_url  # noqa: E402
from api.demo import PORTAL  # noqa: E402
from bench.load import scenarios, seed, server_env  # noqa: E402
from bench.matching import throwaway_database  # noqa: E402

DATABASE = "telemedical_bench_profile"
IDS_FILE = Path(tempfile.gettempdir()) / "telemedical_bench_profile_ids.json"


def database(server: str, reuse: bool) -> tuple[str, dict[str, list[str]]]:
    if reuse and IDS_FILE.exists():
        url = make_url(normalize_database_url(server)).set(database=DATABASE).render_as_string(False)
        return url, json.loads(IDS_FILE.read_text())
    url = throwaway_database(server, DATABASE)
    ids = seed(url, Path(tempfile.mkdtemp(prefix="tm-profile-")))
    IDS_FILE.write_text(json.dumps(ids))
    return url, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the database the last run seeded")
    parser.add_argument("--time-only", action="store_true", help="time the requests without the profiler")
    args = parser.parse_args()
    url, ids = database(args.server, args.reuse)
    os.environ.update(server_env(url, Path(tempfile.mkdtemp(prefix="tm-profile-")), 8000))
    app = create_app(load_settings())
    client = app.test_client()
    plan = {name: (method, paths, body) for name, _, method, paths, body, _ in scenarios("", ids)}
    method, paths, body = plan[args.scenario]
    headers = {}
    if args.scenario != "health":
        answer = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=PORTAL)
        headers["Authorization"] = f"Bearer {answer.get_json()['access_token']}"
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(get_db(app).engine, "before_cursor_execute", count)

    def send(index: int) -> None:
        answer = client.open(paths[index % len(paths)], method=method, json=body, headers=headers)
        assert answer.status_code < 300, (answer.status_code, answer.get_data(as_text=True))

    for index in range(50):
        send(index)
    statements = 0
    if args.time_only:
        started = time.perf_counter()
        for index in range(args.n):
            send(index)
        elapsed = time.perf_counter() - started
        per_request = elapsed / args.n * 1000
        print(f"{args.scenario}: {per_request:.3f} ms a request, {statements / args.n:.1f} statements")
        return
    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    with profiler:
        for index in range(args.n):
            send(index)
    elapsed = time.perf_counter() - started
    print(
        f"{args.scenario}: {elapsed / args.n * 1000:.2f} ms a request (profiled),"
        f" {statements / args.n:.1f} statements"
    )
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
