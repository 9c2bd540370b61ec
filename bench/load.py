"""``make bench``: the service under load over HTTP, each scenario as a ratio to its stack's ceiling.

    .venv/bin/python bench/load.py [--duration 10] [--connections 32] [--server postgresql://postgres@127.0.0.1:5432/postgres]

1. Creates a throw-away PostgreSQL database and seeds it: the demo tenant and its clients, 1,000 providers
   (about 200 licensed in California), 10,000 patients with their telehealth consent, 50,000 consultations.
2. Starts the service exactly as production does (``telemedical run``: granian, 2 workers) with real JWTs,
   the rate limiter on (its limit above the load) and the audit trail on; and the ceilings (bench/ceiling.py),
   a bare Flask app on the same server, worker count, pool and driver.
3. Warms each up, then loads each scenario for ``--duration`` seconds at ``--connections`` connections with
   ``wrk`` (from the distribution's packages; installed when missing and possible), with a fresh token
   per scenario, and prints a table and one JSON object: req/s, p50, p99, non-2xx, and each scenario's
   ratio to its ceiling (absolute figures drift 2x on a shared machine; ratios taken in the same run do
   not). Any non-2xx answer fails the run.
4. In ``--rounds`` interleaved rounds (3 by default): in each, every scenario is followed at once by its
   ceilings, and its ratio is taken to them, measured seconds apart, not minutes. The table gives each
   figure's median over the rounds, and the spread of the ratios. (Until 2026-12-07 every ceiling was
   measured once, after all the scenarios: the machine's speed drifted in between, and one run put the same
   tree's read at 0.47 and then 0.67 of ``ceiling``.)

The machine's cores are shared by the load generator and the servers, as in the issue's measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# Imports start at the project's root, not at bench/ (whose requests.py would shadow the library).
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import requests  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.config import Settings  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.demo import DEMO_PARTNER_ID, PORTAL, seed_demo  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import Consent, Consultation, Patient  # noqa: E402
from api.services.provider_facts import refresh_free_slot_summaries  # noqa: E402
from api.serving import DEFAULT_THREADS, DEFAULT_WORKERS  # noqa: E402
from bench.matching import seed as seed_providers  # noqa: E402
from bench.matching import throwaway_database  # noqa: E402

BIN = Path(sys.executable).parent
PROVIDERS, PATIENTS, CONSULTATIONS = 1_000, 10_000, 50_000
SAMPLE_IDS = 500  # ids each wrk script picks from at random
# Each FHIR scenario, the /v1 scenario of the same data, and the most the FHIR one may take per request
# (issue 26: a Patient read within 1.2 x GET /v1/patients/{id}, a search page within 1.5 x).
FHIR_PAIRS = (("fhir_read", "read", 1.2), ("fhir_search", "search_patients", 1.5))


# --- the database -------------------------------------------------------------------------------------------


def fresh_database(server: str, name: str = "telemedical_bench_http") -> str:
    return throwaway_database(server, name)


def seed(url: str, instance: Path) -> dict[str, list[str]]:
    """The demo tenant, then providers, patients (adults, consented) and consultations in bulk."""
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(14)
    now = datetime.now(UTC)
    with Session(engine) as session:
        seed_demo(session, Settings(database_url=url, instance_dir=instance))
        seed_providers(session, PROVIDERS, rng)
        patients = [f"pat_bench{index:06d}" for index in range(PATIENTS)]
        rows = [
            {
                "id": pid,
                "partner_id": DEMO_PARTNER_ID,
                "given_name": "Bench",
                "family_name": f"Patient {index}",
                "birth_date": date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
                "sex_at_birth": "female" if index % 2 else "male",
                "preferred_language": "en",
                "created_at": now,
                "updated_at": now,
            }
            for index, pid in enumerate(patients)
        ]
        consents = [
            {"patient_id": pid, "type": "telehealth", "version": "1", "accepted_at": now - timedelta(days=1)}
            for pid in patients
        ]
        consultations = [
            {
                "id": f"con_bench{index:06d}",
                "partner_id": DEMO_PARTNER_ID,
                "patient_id": patients[index % PATIENTS],
                "status": "submitted",
                "conditions": ["major_depression"],
                "patient_location_state": "CA",
                "preferred_language": "en",
                "preferred_routes": [],
                "preferred_times": [],
                "eligibility_outcome": "pending",
                "created_at": now - timedelta(seconds=index),
                "updated_at": now,
            }
            for index in range(CONSULTATIONS)
        ]
        for table, table_rows in ((Patient, rows), (Consent, consents), (Consultation, consultations)):
            for offset in range(0, len(table_rows), 5000):
                session.execute(insert(table), table_rows[offset : offset + 5000])
        session.commit()
        refresh_free_slot_summaries(session)
        session.commit()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {
        "patients": rng.sample(patients, SAMPLE_IDS),
        "consultations": [f"con_bench{i:06d}" for i in rng.sample(range(CONSULTATIONS), SAMPLE_IDS)],
    }


# --- the servers --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def start(name: str, command: list[str], env: dict[str, str], port: int, health: str, log: Path) -> Server:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
        )
    server = Server(name, f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(server.base + health, timeout=2).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer {health} within 60 s")


def server_env(url: str, instance: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ISSUER": f"http://127.0.0.1:{port}",
        "RATE_LIMIT": "100000000/minute",  # on, above the load
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("REDIS_URL", "JWT_PRIVATE_KEY_FILE", "FLASK_APP"):
        env.pop(name, None)
    return env


def _serving(port: int, workers: int, threads: int) -> list[str]:
    return ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]


def service_command(port: int, workers: int, threads: int = DEFAULT_THREADS) -> list[str]:
    """The service, as production serves it (``telemedical run``)."""
    return [str(BIN / "telemedical"), "run", "--host", "127.0.0.1", *_serving(port, workers, threads)]


def ceiling_command(port: int, workers: int, threads: int = DEFAULT_THREADS) -> list[str]:
    """The ceilings, served exactly as ``telemedical run`` serves the service (api.serving)."""
    return [str(BIN / "python"), "-m", "api.serving", "bench.ceiling:app", *_serving(port, workers, threads)]


# --- wrk ----------------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "make bench needs wrk: install it from your distribution's packages (apt-get install wrk)"
        )
    return found


def lua_script(method: str, paths: list[str], headers: dict[str, str], body: str | None) -> str:
    """A wrk script sending ``method`` to a random one of ``paths`` with ``headers`` and ``body``."""
    lines = [f"wrk.method = {json.dumps(method)}"]
    for name, value in headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    lines.append("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}")
    lines.append("request = function() return wrk.format(nil, paths[math.random(#paths)]) end")
    lines.append(
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.errors.status,'
        " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,"
        " latency:percentile(50), latency:percentile(99), summary.duration))\nend"
    )
    return "\n".join(lines) + "\n"


@dataclass
class Result:
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    requests: int = 0
    # CPU time a request cost while loaded, in µs: the server's processes (every worker and thread) and
    # PostgreSQL's. Steadier than req/s on a shared machine: another tenant's load slows a run down but
    # hardly changes what each request costs.
    app_cpu_us: float = 0.0
    db_cpu_us: float = 0.0


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(select: Any) -> float:
    """The user and system CPU time of every process ``select(pid, stat fields)`` keeps (Linux ``/proc``)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # it ended meanwhile
            continue
        name = stat[stat.index(b"(") + 1 : stat.rindex(b")")]
        fields = stat[stat.rindex(b")") + 2 :].split()
        if select(name, int(fields[2])):  # fields[2]: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def cpu_of(server: Server) -> tuple[float, float]:
    """CPU seconds so far of ``server``'s process group (started in a session of its own) and of PostgreSQL's
    processes (a local server: the connections' backends)."""
    group = server.process.pid
    return (
        _cpu_seconds(lambda _name, pgrp: pgrp == group),
        _cpu_seconds(lambda name, _pgrp: name == b"postgres"),
    )


def load(wrk: str, scenario: str, base: str, script: str, duration: int, connections: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        run = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", handle.name, base],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", run.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk printed no summary for {scenario}:\n{run.stdout}\n{run.stderr}")
    requests_done, status_errors, socket_errors, p50, p99, micros = (int(g) for g in found.groups())
    return Result(
        scenario,
        requests_done / (micros / 1e6),
        p50 / 1000,
        p99 / 1000,
        status_errors,
        socket_errors,
        requests_done,
    )


# --- the run ------------------------------------------------------------------------------------------------


def token(base: str) -> str:
    response = requests.post(
        f"{base}/oauth/token", data={"grant_type": "client_credentials"}, auth=PORTAL, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def scenarios(service: str, ids: dict[str, list[str]]) -> list[tuple[str, str, str, list[str], Any, str]]:
    """(name, server, method, paths, body, ceiling) of each scenario."""
    patient_body = {
        "given_name": "Bench",
        "family_name": "Load",
        "birth_date": "1980-01-01",
        "sex_at_birth": "female",
    }
    return [
        ("health", "service", "GET", ["/healthz"], None, "ping"),
        ("read", "service", "GET", [f"/v1/patients/{p}" for p in ids["patients"]], None, "ceiling"),
        (
            "read_consultation",
            "service",
            "GET",
            [f"/v1/consultations/{c}" for c in ids["consultations"]],
            None,
            "ceiling",
        ),
        ("search", "service", "GET", ["/v1/providers?state=CA&limit=20"], None, "ceiling"),
        # The FHIR API beside the /v1 reads of the same data (issue 26): a Patient read against ``read``, a
        # page of Patients against the /v1 page of patients (FHIR_PAIRS: their time ratios).
        (
            "fhir_read",
            "service",
            "GET",
            [f"/fhir/R4/Patient/{p.replace('_', '-')}" for p in ids["patients"]],
            None,
            "ceiling",
        ),
        ("search_patients", "service", "GET", ["/v1/patients?limit=20"], None, "ceiling"),
        ("fhir_search", "service", "GET", ["/fhir/R4/Patient?_count=20"], None, "ceiling"),
        ("create", "service", "POST", ["/v1/patients"], patient_body, "ceiling"),
        (
            "create_consultation",
            "service",
            "POST",
            ["/v1/consultations"],
            {
                "patient_id": ids["patients"][0],
                "conditions": ["major_depression"],
                "patient_location_state": "CA",
            },
            "ceiling",
        ),
        ("ping", "ceiling", "GET", ["/ping"], None, ""),
        ("ceiling", "ceiling", "GET", [f"/ceiling/{p}" for p in ids["patients"]], None, ""),
        ("ceiling_audited", "ceiling", "GET", [f"/ceiling_audited/{p}" for p in ids["patients"]], None, ""),
    ]


def selected(plan: list[Any], only: str) -> list[Any]:
    """The scenarios named in ``only`` (all when empty), with the ceilings their ratios need."""
    if not only:
        return plan
    names = set(only.split(","))
    unknown = names - {name for name, *_ in plan}
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    for name, _, _, _, _, ceiling in plan:
        if name in names and ceiling:
            names.add(ceiling)
            if name.startswith("read"):
                names.add("ceiling_audited")
    return [scenario for scenario in plan if scenario[0] in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds: each scenario, then its ceilings at once"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="per worker, for the service and the ceilings"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenarios to run (their ceilings are run too), e.g. read,read_consultation",
    )
    parser.add_argument(
        "--database",
        default="telemedical_bench_http",
        help="the throw-away database's name (another name lets two runs share one server)",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="tm-bench-http-"))
    url = fresh_database(args.server, args.database)
    started = time.monotonic()
    ids = seed(url, work / "instance")
    print(
        f"seeded {PROVIDERS} providers, {PATIENTS} patients, {CONSULTATIONS} consultations"
        f" in {time.monotonic() - started:.0f} s"
    )
    service_port, ceiling_port = free_port(), free_port()
    service = start(
        "service",
        service_command(service_port, args.workers, args.threads),
        server_env(url, work / "instance", service_port),
        service_port,
        "/healthz",
        work / "service.log",
    )
    ceiling = start(
        "ceiling",
        ceiling_command(ceiling_port, args.workers, args.threads),
        server_env(url, work / "instance", ceiling_port),
        ceiling_port,
        "/ping",
        work / "ceiling.log",
    )
    plan = selected(scenarios(service.base, ids), args.only)
    by_name = {name: (server, method, paths, body) for name, server, method, paths, body, _ in plan}
    rounds: list[dict[str, Result]] = []

    def measure(name: str) -> Result:
        server, method, paths, body = by_name[name]
        base = service.base if server == "service" else ceiling.base
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if server == "service" and name != "health":
            headers["Authorization"] = f"Bearer {token(base)}"  # fresh: tokens live 15 minutes
        script = lua_script(method, paths, headers, json.dumps(body) if body is not None else None)
        load(wrk, name, base, script, 2, args.connections)  # warm-up
        app_before, db_before = cpu_of(service if server == "service" else ceiling)
        result = load(wrk, name, base, script, args.duration, args.connections)
        app_after, db_after = cpu_of(service if server == "service" else ceiling)
        result.app_cpu_us = (app_after - app_before) / max(1, result.requests) * 1e6
        result.db_cpu_us = (db_after - db_before) / max(1, result.requests) * 1e6
        return result

    try:
        for _ in range(args.rounds):
            # Each scenario, then at once its ceilings: ``ratios`` takes each to the ones measured beside it.
            measured: dict[str, Result] = {}
            for name, server, _, _, _, ceiling_name in plan:
                if server != "service":
                    continue
                measured[name] = measure(name)
                for needed in ceilings_of(name, ceiling_name):
                    measured[f"{needed}@{name}"] = measure(needed)
            rounds.append(measured)
    finally:
        service.stop()
        ceiling.stop()
    report(rounds, plan, args)
    failed = sorted(
        {r.scenario for measured in rounds for r in measured.values() if r.non_2xx or r.socket_errors}
    )
    if failed:
        raise SystemExit(f"non-2xx answers or socket errors in: {', '.join(failed)} (logs in {work})")


def ceilings_of(name: str, ceiling: str) -> list[str]:
    """The ceilings a scenario's ratios are taken to: its own, and ``ceiling_audited`` for the reads."""
    if not ceiling:
        return []
    return [ceiling, "ceiling_audited"] if name.startswith("read") else [ceiling]


def _cost(result: Result) -> float:
    """A request's CPU, the server's and the database's, for the CPU ratio: the ceiling's over this one's,
    so that, like the req/s ratio, 1.0 means as cheap as the ceiling."""
    return 1.0 / max(1e-9, result.app_cpu_us + result.db_cpu_us)


def _median_result(name: str, results: list[Result]) -> Result:
    """One scenario's figures over the rounds: each the median of its rounds' (errors: their sum)."""
    return Result(
        name,
        statistics.median(r.rps for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.non_2xx for r in results),
        sum(r.socket_errors for r in results),
        sum(r.requests for r in results),
        statistics.median(r.app_cpu_us for r in results),
        statistics.median(r.db_cpu_us for r in results),
    )


def report(rounds: list[dict[str, Result]], plan: list[Any], args: argparse.Namespace) -> None:
    ceiling_of = {name: ceiling for name, _, _, _, _, ceiling in plan}
    print(
        f"\n{args.connections} connections, {args.duration} s per scenario, {len(rounds)} interleaved rounds,"
        f" {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    header = f"{'scenario':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
    print(f"{header}{'app µs':>8}{'db µs':>7}  ratio: median of the rounds (lowest-highest)")
    table = []
    services = [name for name in rounds[0] if "@" not in name]
    ceilings = sorted({name.split("@")[0] for name in rounds[0] if "@" in name})
    for name in [*services, *ceilings]:
        if "@" in name or name in ceilings:
            runs = [r for measured in rounds for key, r in measured.items() if key.split("@")[0] == name]
        else:
            runs = [measured[name] for measured in rounds]
        result = _median_result(name, runs)
        per_round: dict[str, list[float]] = {}
        cpu_per_round: dict[str, list[float]] = {}
        if name in services:
            for needed in ceilings_of(name, ceiling_of[name]):
                beside = [measured[f"{needed}@{name}"] for measured in rounds]
                per_round[needed] = [mine.rps / theirs.rps for mine, theirs in zip(runs, beside, strict=True)]
                # What the ceiling's request costs in CPU over what this one does: 1.0 = as cheap.
                cpu_per_round[needed] = [
                    _cost(mine) / _cost(theirs) for mine, theirs in zip(runs, beside, strict=True)
                ]
        ratios = {k: statistics.median(v) for k, v in per_round.items()}
        costs = {k: statistics.median(v) for k, v in cpu_per_round.items()}
        shown = ", ".join(
            f"{ratios[k]:.2f} ({min(v):.2f}-{max(v):.2f}) of {k}" if len(v) > 1 else f"{ratios[k]:.2f} of {k}"
            for k, v in per_round.items()
        )
        if costs:
            shown += " (CPU: " + ", ".join(f"{v:.2f}" for v in costs.values()) + ")"
        print(
            f"{name:<22}{result.rps:>9.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
            f"{result.non_2xx:>9}{result.app_cpu_us:>8.0f}{result.db_cpu_us:>7.0f}  {shown}"
        )
        table.append(
            {
                **vars(result),
                "ratios": {k: round(v, 3) for k, v in ratios.items()},
                "ratios_per_round": {k: [round(x, 3) for x in v] for k, v in per_round.items()},
                "cpu_ratios": {k: round(v, 3) for k, v in costs.items()},
            }
        )
    fhir = {}
    for name, v1, target in FHIR_PAIRS:
        if name in services and v1 in services:
            # Time per request at the same load: the /v1 throughput over the FHIR one; and the medians'.
            time_ratio = statistics.median(m[v1].rps / m[name].rps for m in rounds)
            p50_ratio = statistics.median(m[name].p50_ms / m[v1].p50_ms for m in rounds)
            verdict = "within" if time_ratio <= target else "ABOVE"
            print(
                f"{name}: {time_ratio:.2f} x the time of {v1} (p50 {p50_ratio:.2f} x), target <= {target}:"
                f" {verdict}"
            )
            fhir[name] = {"of": v1, "time_ratio": round(time_ratio, 3), "p50_ratio": round(p50_ratio, 3)}
    print(
        json.dumps(
            {"connections": args.connections, "duration_s": args.duration, "scenarios": table, "fhir": fhir}
        )
    )


if __name__ == "__main__":
    main()
