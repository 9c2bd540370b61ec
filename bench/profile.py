"""Where a request's time goes: one scenario of ``make bench``, in process, under pyinstrument.

    .venv/bin/python bench/profile.py read|read_consultation|search|create|create_consultation|health
        [-n 500] [--server postgresql://…] [--database NAME] [--reuse]
        [--time-only | --cpu | --parts | --raised]

Seeds the same PostgreSQL data as bench/load.py (``--reuse`` keeps the last seeded database), builds the app
as ``telemedical run`` does (real JWT, rate limiter, audit), sends the scenario's request ``-n`` times after
a warm-up, and prints the mean time per request, the SQL statements per request, and pyinstrument's tree.

On a shared machine wall time swings with the neighbours; CPU time much less:

- ``--cpu`` prints the CPU time a request costs (the process's, every thread's: the audit writer's too; and
  the request thread's alone), the median of ``--rounds`` rounds of ``-n`` requests;
- ``--parts`` prints, per part of the request (the token check, the limiter, the read, the dump, the ETag,
  the audit row, each hook, each WSGI layer…), its CPU time per request on the request's thread: inclusive
  (with the parts it calls) and its own (without them). Timing each part adds a microsecond or two to it;
- ``--raised`` prints what a request does that no sampling profiler shows where it is paid: its reads through
  werkzeug's proxies (``request.x``, ``g.x``, ``current_app.x``: about 8,500 instructions each on Python 3.11,
  charged by a profiler to the line that reads them; api/http/current.py), by the function that reads, and the
  exceptions raised and caught inside the application (each built, then dropped), by where they are raised.

To compare two commits, run the same command in a worktree of each, alternately (bench/README.md).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from flask import Flask  # noqa: E402
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


def _ids_file(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{name}_ids.json"


def database(server: str, reuse: bool, name: str = DATABASE) -> tuple[str, dict[str, list[str]]]:
    ids_file = _ids_file(name)
    if reuse and ids_file.exists():
        url = make_url(normalize_database_url(server)).set(database=name).render_as_string(False)
        return url, json.loads(ids_file.read_text())
    url = throwaway_database(server, name)
    ids = seed(url, Path(tempfile.mkdtemp(prefix="tm-profile-")))
    ids_file.write_text(json.dumps(ids))
    return url, ids


# --- --parts: CPU time per part of a request ----------------------------------------------------------------

# (module, attribute, part): functions timed wherever they exist (a part missing from the code is skipped, so
# one list serves commits before and after a change). Hooks and WSGI layers are found on the app itself.
PARTS = (
    ("api.auth.protector", "_authenticate", "token check"),
    ("api.auth.store", "is_token_revoked", "token revocation read"),
    ("api.auth.store", "revoked_token_ids", "token revocation read"),
    ("api.http.blueprint", "require_scopes", "scopes"),
    ("api.http.blueprint", "refuse_unknown_parameters", "unknown parameters"),
    ("api.services.patients", "get_patient", "service read (query, scope, rows)"),
    ("api.services.patients", "read_patient", "service read (query, scope, rows)"),
    ("api.services.consultations", "get_consultation", "service read (query, scope, rows)"),
    ("api.services.consultations", "read_consultation", "service read (query, scope, rows)"),
    ("marshmallow", "Schema.dump", "schema dump (marshmallow)"),
    ("api.http.representation", "Representation.dump", "compiled dump"),
    ("api.http.blueprint", "Blueprint.represent", "lean response (dump, JSON, ETag)"),
    ("flask_smorest.etag", "EtagMixin._generate_etag", "ETag (JSON and SHA-1)"),
    ("api.http.json_provider", "OrjsonProvider.response", "JSON response body"),
    ("api.http.audit", "begin", "audit: begin"),
    ("api.http.audit", "record_read", "audit: the read's row"),
    ("api.http.audit", "end", "audit: end"),
    ("api.http.blueprint", "_commit", "commit (boundary)"),
    ("sqlalchemy.orm", "Session.commit", "Session.commit"),
    ("sqlalchemy.orm", "Session.close", "Session.close"),
    ("flask", "Flask.full_dispatch_request", "flask: dispatch"),
    ("flask", "Flask.wsgi_app", "flask: wsgi_app (context, routing, response)"),
)


class PartTimer:
    """CPU time (this thread's) per part, inclusive and exclusive of the timed parts it calls."""

    def __init__(self) -> None:
        self.inclusive: Counter[str] = Counter()
        self.own: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.order: list[str] = []
        self._stack: list[list[float]] = []
        self._active: Counter[str] = Counter()

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        if name not in self.order:
            self.order.append(name)
        clock = time.thread_time

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [0.0]
            self._stack.append(frame)
            self._active[name] += 1
            started = clock()
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = clock() - started
                self._stack.pop()
                self._active[name] -= 1
                self.calls[name] += 1
                self.own[name] += elapsed - frame[0]
                if not self._active[name]:  # a part inside itself (a nested dump) counts once
                    self.inclusive[name] += elapsed
                if self._stack:
                    self._stack[-1][0] += elapsed

        return timed

    def reset(self) -> None:
        self.inclusive.clear()
        self.own.clear()
        self.calls.clear()


def _patch(timer: PartTimer, owner: Any, attribute: str, name: str) -> None:
    raw = inspect.getattr_static(owner, attribute) if isinstance(owner, type) else None
    if isinstance(raw, staticmethod):
        setattr(owner, attribute, staticmethod(timer.wrap(name, raw.__func__)))
    else:
        setattr(owner, attribute, timer.wrap(name, getattr(owner, attribute)))


def instrument(app: Flask, timer: PartTimer) -> None:
    for module_name, attribute, name in PARTS:
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        *path, last = attribute.split(".")
        for step in path:
            owner = getattr(owner, step, None)
        if owner is not None and hasattr(owner, last):
            _patch(timer, owner, last, name)
    validator = app.extensions["oauth"].validator
    validator.authenticate_token = timer.wrap("token: JWT signature", validator.authenticate_token)
    for kind in ("before_request_funcs", "after_request_funcs", "teardown_request_funcs"):
        hooks = getattr(app, kind).get(None, [])
        label = kind.split("_")[0]
        hooks[:] = [timer.wrap(f"hook {label}: {_name_of(hook)}", hook) for hook in hooks]
    app.teardown_appcontext_funcs[:] = [
        timer.wrap(f"hook teardown: {_name_of(hook)}", hook) for hook in app.teardown_appcontext_funcs
    ]
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = timer.wrap("operation (view, audit, commit)", view)
    layer: Any = app
    while hasattr(layer, "wsgi_app") or hasattr(layer, "app"):
        attribute = "wsgi_app" if layer is app else "app"
        inner = getattr(layer, attribute)
        if not hasattr(inner, "app"):
            break
        setattr(layer, attribute, timer.wrap(f"WSGI layer: {type(inner).__name__}", inner))
        layer = inner


def _name_of(hook: Any) -> str:
    hook = getattr(hook, "func", hook)  # functools.partial
    return str(getattr(hook, "__qualname__", getattr(hook, "__name__", repr(hook))))


def print_parts(timer: PartTimer, requests: int, total: float) -> None:
    print(f"{'part':<58}{'calls':>7}{'incl. us':>10}{'own us':>9}")
    for name in timer.order:
        if not timer.calls[name]:
            continue
        print(
            f"{name:<58}{timer.calls[name] / requests:>7.1f}"
            f"{timer.inclusive[name] / requests * 1e6:>10.1f}{timer.own[name] / requests * 1e6:>9.1f}"
        )
    print(f"{'the whole request (test client included)':<58}{'':>7}{total / requests * 1e6:>10.1f}")


def _where(frame: FrameType | None) -> str:
    if frame is None:
        return "-"
    name = frame.f_code.co_filename
    name = name.split("site-packages/")[-1] if "site-packages/" in name else os.path.relpath(name, ROOT)
    return f"{name}:{frame.f_code.co_name}"


def print_raised(send: Callable[[int], None], scenario: str, requests: int) -> None:
    """``--raised``: per request, the reads through werkzeug's proxies by the function reading, and the
    exceptions raised inside the application (not the test client's), by where each is raised and by whom."""
    from flask import Flask as FlaskApp
    from werkzeug.local import _ProxyLookup

    proxy_code = _ProxyLookup.__get__.__code__
    app_code = FlaskApp.wsgi_app.__code__
    proxies: Counter[str] = Counter()
    raised: Counter[tuple[str, str, str]] = Counter()

    def in_app(frame: FrameType | None) -> bool:
        while frame is not None:
            if frame.f_code is app_code:
                return True
            frame = frame.f_back
        return False

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "call":
            if frame.f_code is proxy_code:
                proxies[_where(frame.f_back)] += 1
            return tracer
        # Counted once, in the frame that raised it (its traceback starts and ends there).
        if event == "exception" and (arg[2] is None or arg[2].tb_next is None) and in_app(frame):
            raised[(arg[0].__name__, _where(frame), _where(frame.f_back))] += 1
        return tracer

    sys.settrace(tracer)
    try:
        for index in range(requests):
            send(index)
    finally:
        sys.settrace(None)
    print(f"{scenario}: {proxies.total() / requests:.1f} reads through a proxy a request, by reader:")
    for reader, count in proxies.most_common():
        print(f"  {count / requests:6.2f}  {reader}")
    print(f"{scenario}: {raised.total() / requests:.1f} exceptions raised a request (in, from):")
    for (kind, place, caller), count in raised.most_common():
        print(f"  {count / requests:6.2f}  {kind} in {place}, from {caller}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default=DATABASE, help="the throw-away database's name")
    parser.add_argument("--reuse", action="store_true", help="reuse the database the last run seeded")
    parser.add_argument("--time-only", action="store_true", help="time the requests without the profiler")
    parser.add_argument("--cpu", action="store_true", help="CPU time per request, median of --rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--parts", action="store_true", help="CPU time per part of a request")
    parser.add_argument(
        "--raised", action="store_true", help="proxy reads and exceptions raised, per request and where"
    )
    args = parser.parse_args()
    url, ids = database(args.server, args.reuse, args.database)
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

    timer = PartTimer()
    if args.parts:
        instrument(app, timer)
    for index in range(50):
        send(index)
    statements = 0
    timer.reset()
    if args.cpu:
        process, thread, wall = [], [], []
        for _ in range(args.rounds):
            started = (time.process_time(), time.thread_time(), time.perf_counter())
            for index in range(args.n):
                send(index)
            ended = (time.process_time(), time.thread_time(), time.perf_counter())
            process.append((ended[0] - started[0]) / args.n * 1e6)
            thread.append((ended[1] - started[1]) / args.n * 1e6)
            wall.append((ended[2] - started[2]) / args.n * 1e6)
        print(
            f"{args.scenario}: CPU {statistics.median(process):.0f} us a request (process),"
            f" {statistics.median(thread):.0f} us (request thread), wall {statistics.median(wall):.0f} us;"
            f" {statements / (args.n * args.rounds):.1f} statements; rounds (process CPU us):"
            f" {' '.join(f'{value:.0f}' for value in process)}"
        )
        return
    if args.raised:
        print_raised(send, args.scenario, args.n)
        return
    if args.parts:
        started_cpu = time.thread_time()
        for index in range(args.n):
            send(index)
        print(f"{args.scenario}: {statements / args.n:.1f} statements a request; CPU us per request:")
        print_parts(timer, args.n, time.thread_time() - started_cpu)
        return
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
