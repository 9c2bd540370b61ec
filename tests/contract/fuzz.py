"""Contract fuzzing: Schemathesis against the live server on PostgreSQL, with real tokens (issue 9).

    .venv/bin/python -m tests.contract.fuzz            # or: make fuzz
    .venv/bin/python -m tests.contract.fuzz --max-time 60 --keep   # shorter; keep the run directory
    .venv/bin/python -m tests.contract.fuzz --database sqlite      # the embedded default instead

What it does, in order:

1. creates a throw-away PostgreSQL database on ``TEST_DATABASE_URL`` (default
   ``postgresql://postgres@127.0.0.1:5432/test``) and migrates it (tests/conftest.py's
   ``throwaway_postgres_database``);
2. registers the platform admin's OAuth client in it (the one credential that cannot be made over HTTP);
3. starts the server as production does: ``telemedical run --workers 2`` on a free loopback port, with
   ``DATABASE_URL``, a temporary ``INSTANCE_PATH``, a 32+ character ``SECRET_KEY``, ``ISSUER`` set to its
   own address and a rate limit no fuzzer reaches;
4. seeds a world over HTTP through the real endpoints (tests/contract/seed.py): two partners and their
   clients, providers, patients with consents, consultations in every state, follow-up plans with tasks;
5. runs ``st run`` twice on the served ``/v1/openapi.json`` with tests/contract/schemathesis.toml and
   tests/contract/hooks.py: every phase (examples, coverage, fuzzing, stateful), every check, NUL bytes
   allowed, a fixed seed, a time budget split between the runs. Tokens come from ``POST /oauth/token``
   (client_credentials) through a Web Fuzzing Commons auth file: the first run as the platform admin
   (every operation), the second as partner A's portal, with partner B as A's peer for the object-level
   authorization check. The seeded ids are given to Schemathesis as dictionaries bound to the ``*_id``
   path, query and body parameters, so cases often reach real objects in every state; stateful sequences
   follow links inferred from ``Location`` headers and ``*_id`` fields;
6. prints a summary (cases per phase, failures per check) and every distinct server-side traceback found in
   the server's log, then drops the database.

It exits non-zero when Schemathesis reports any failure or error, or when the server logged an unhandled
error. The run directory (config, auth file, reports, server log) is kept with ``--keep``. More in
tests/contract/README.md.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from api.migrate import upgrade
from tests.conftest import throwaway_postgres_database
from tests.contract.seed import Seeded, bootstrap_admin, seed
from tests.world import Creds

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIG = HERE / "schemathesis.toml"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
BIN = Path(sys.executable).parent


@contextmanager
def throwaway_database(kind: str, run_dir: Path, name: str) -> Iterator[str]:
    """A migrated database of ``kind`` (postgresql: on ``TEST_DATABASE_URL``; sqlite: a file in ``run_dir``),
    dropped or deleted afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{run_dir / (name + '.sqlite3')}"
        upgrade(url)
        yield url
        return
    with throwaway_postgres_database(os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER, name) as url:
        yield url


@contextmanager
def served(database: str, run_dir: Path, name: str) -> Iterator[tuple[str, Creds, Path]]:
    """The service on a throw-away database, as production runs it: its base URL, the platform admin's
    credentials and its log file (kept in ``run_dir``); stopped and the database dropped afterwards."""
    with throwaway_database(database, run_dir, name) as database_url:
        admin = bootstrap_admin(database_url)
        port = free_port()
        server, log = start_server(database_url, run_dir, port)
        try:
            yield f"http://127.0.0.1:{port}", admin, log
        finally:
            stop_server(server)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, run_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    instance = run_dir / "instance"
    instance.mkdir()
    log = run_dir / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ISSUER": f"http://127.0.0.1:{port}",
        "RATE_LIMIT": "1000000/minute",
    }
    command = [str(BIN / "telemedical"), "run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server, log
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"the server did not become ready in 60 s:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _login(name: str, creds: Creds) -> dict[str, Any]:
    """A WFC auth entry: POST /oauth/token with HTTP Basic client authentication."""
    basic = base64.b64encode(f"{creds.client_id}:{creds.secret}".encode()).decode()
    return {
        "name": name,
        "loginEndpointAuth": {
            "endpoint": "/oauth/token",
            "verb": "POST",
            "contentType": "application/x-www-form-urlencoded",
            "payloadRaw": "grant_type=client_credentials",
            "headers": [{"name": "Authorization", "value": f"Basic {basic}"}],
            "token": {
                "extractFrom": "body",
                "extractSelector": "/access_token",
                "sendIn": "header",
                "sendName": "Authorization",
                "sendTemplate": "Bearer {token}",
            },
        },
    }


def write_run_config(run_dir: Path, seeded: Seeded) -> Path:
    who = seeded.identities
    logins = [
        _login("admin", who.admin),
        _login("partner_a", who.partner_a),
        _login("partner_b", who.partner_b),
    ]
    auth = {"auth": logins}
    (run_dir / "auth.json").write_text(json.dumps(auth, indent=2))
    lines = [CONFIG.read_text(), "\n# --- appended by tests/contract/fuzz.py: the seeded ids ---\n"]
    for kind, values in sorted(seeded.ids.items()):
        lines.append(f"[dictionaries.{kind}]\nvalues = {json.dumps(sorted(set(values)))}\n")
    config = run_dir / "schemathesis.toml"
    config.write_text("\n".join(lines))
    return config


def run_schemathesis(
    base: str, config: Path, reports: Path, identity: str, budget: int, extra: list[str]
) -> int:
    command = [
        str(BIN / "st"),
        "--config-file",
        str(config),
        "run",
        f"{base}/v1/openapi.json",
        "--url",
        base,
        "--auth-wfc-user",
        identity,
        "--max-time",
        str(budget),
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(reports),
        "--no-color",
        *extra,
    ]
    print("$", " ".join(command), flush=True)
    seed = tomllib.loads(CONFIG.read_text()).get("seed", 0)
    env = {**os.environ, "FUZZ_RUN_DIR": str(config.parent), "FUZZ_SEED": f"{seed}-{identity}"}
    try:
        return subprocess.run(command, env=env, cwd=ROOT, timeout=budget + 300, check=False).returncode
    except subprocess.TimeoutExpired:
        print(f"schemathesis did not finish within {budget + 300} s", file=sys.stderr)
        return 124


# --- the summary ---------------------------------------------------------------------------------


def summarize_reports(reports: Path, title: str) -> None:
    """Cases per phase and failures per check, from Schemathesis' NDJSON event stream."""
    files = sorted(reports.glob("*.ndjson"))
    if not files:
        print(f"{title}: no NDJSON report")
        return
    cases: collections.Counter[str] = collections.Counter()
    failures: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    with files[-1].open() as stream:
        for line in stream:
            if not line.startswith('{"ScenarioFinished"'):
                continue
            scenario = json.loads(line)["ScenarioFinished"]
            recorder = scenario.get("recorder") or {}
            cases[scenario.get("phase") or "?"] += len(recorder.get("cases") or {})
            interactions = recorder.get("interactions") or {}
            for case_id, checks in (recorder.get("checks") or {}).items():
                response = (interactions.get(case_id) or {}).get("response") or {}
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    key = (f"{failure.get('code', '?')} {check['name']}", failure.get("operation") or "?")
                    failures[key][str(response.get("status_code", "-"))] += 1
    print(f"{title}: cases per phase: " + ", ".join(f"{phase} {n}" for phase, n in sorted(cases.items())))
    by_check: dict[str, list[str]] = collections.defaultdict(list)
    for (check, operation), statuses in sorted(failures.items()):
        codes = ", ".join(f"{code} x{n}" for code, n in sorted(statuses.items()))
        by_check[check].append(f"{operation}  [{codes}]")
    print(f"{title}: failing (check, operation) pairs: {len(failures)}")
    for check, operations in sorted(by_check.items()):
        print(f"  {check}: {len(operations)}")
        for operation in operations:
            print(f"      {operation}")


# "2026-01-05 10:00:00,000 ERROR api.errors unhandled error (request_id=…)" and its traceback, up to the
# next log line (ours start with the date, granian's with "[LEVEL]").
TRACEBACK = re.compile(
    r"ERROR api\.errors unhandled error \(request_id=(?P<rid>[^)]*)\)\n(?P<tb>Traceback.*?)"
    r"(?=\n(?:\d{4}-\d\d-\d\d |\[[A-Z]+\] )|\Z)",
    re.S,
)


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt)\b")


def summarize_server_errors(log: Path) -> int:
    """Every distinct unhandled exception the server logged, with where it was raised in api/."""
    text = log.read_text(errors="replace")
    groups: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    samples: dict[tuple[str, str], str] = {}
    for match in TRACEBACK.finditer(text):
        tb = match.group("tb").rstrip()
        raised = [line for line in tb.splitlines() if EXCEPTION_LINE.match(line)]
        exception = raised[-1].split(":", 1)[0] if raised else "?"
        frames = re.findall(r'File "([^"]*/api/[^"]*)", line (\d+), in (\S+)', tb)
        where = f"{frames[-1][0].split('/api/', 1)[1]}:{frames[-1][1]} in {frames[-1][2]}" if frames else "?"
        key = (exception, where)
        groups[key].append(match.group("rid"))
        samples.setdefault(key, tb)
    total = sum(len(v) for v in groups.values())
    print(f"Unhandled server errors in the server log: {total} ({len(groups)} distinct)")
    for (exception, where), rids in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"\n  {len(rids)} x {exception} at api/{where}  (e.g. request {rids[0]})")
        tail = samples[(exception, where)].splitlines()[-12:]
        print("    " + "\n    ".join(tail))
    return total


# Schemathesis' time budget, split between the two runs: the admin reaches every operation; the partner
# run exercises the tenant-scoped paths and the object-level authorization check between partners A and B.
RUNS = (("admin", 2 / 3), ("partner_a", 1 / 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--max-time", type=int, default=210, help="seconds for Schemathesis, both runs")
    parser.add_argument("--keep", action="store_true", help="keep the run directory (reports, server log)")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("st_args", nargs="*", help="more `st run` options, after --")
    args = parser.parse_args(argv)

    started = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="telemedical-fuzz-"))
    statuses: dict[str, int] = {}
    server_errors = 0
    try:
        log = run_dir / "server.log"
        try:
            with served(args.database, run_dir, "telemedical_fuzz") as (base, admin, log):
                seeded = seed(base, admin)
                counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(seeded.ids.items()))
                print(f"Seeded in {time.monotonic() - started:.0f} s: {counts}", flush=True)
                config = write_run_config(run_dir, seeded)
                for identity, share in RUNS:
                    budget = max(1, round(args.max_time * share))
                    reports = run_dir / f"reports-{identity}"
                    statuses[identity] = run_schemathesis(
                        base, config, reports, identity, budget, args.st_args
                    )
        finally:
            print("\n" + "=" * 78)
            for identity in statuses:
                summarize_reports(run_dir / f"reports-{identity}", f"as {identity}")
            if log.exists():
                server_errors = summarize_server_errors(log)
    finally:
        if args.keep:
            print(f"Run directory kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    status = 0 if statuses and not any(statuses.values()) and not server_errors else 1
    print(
        f"Contract fuzzing took {time.monotonic() - started:.0f} s: schemathesis exit statuses {statuses}, "
        f"{server_errors} unhandled server errors: {'passed' if status == 0 else 'FAILED'}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
