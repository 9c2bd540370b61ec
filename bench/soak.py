"""``make soak``: a bounded mixed workload at about half the measured peak, watched for errors and growth.

    .venv/bin/python bench/soak.py [--minutes 3] [--warm-up 30] [--server postgresql://postgres@127.0.0.1:5432/postgres]

1. Seeds a throw-away PostgreSQL database as ``make bench`` does (bench/load.py) and starts what a deployment
   runs: ``telemedical run`` (granian, 2 workers), ``telemedical worker`` and a Redis of its own (the rate
   limiter's store), all on loopback.
2. Measures the peak of the mixed workload (wrk, 32 connections, 10 s): reads of patients and consultations,
   provider searches, patient and consultation creates (each POST with its own Idempotency-Key), weighted
   60/15/10/10/5.
3. Runs the same mix at half that rate (wrk with a per-connection delay, calibrated by a 10 s trial) for
   ``--warm-up`` seconds and then ``--minutes`` minutes, sampling every 5 s the resident memory of every
   server process and the database connections the service holds (``pg_stat_activity``).
4. Prints the figures and fails (exit 1) on any non-2xx answer or socket error, on any process's memory more
   than 10 % above its level after warm-up, or on more database connections than pool size x processes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from sqlalchemy import Engine, text  # noqa: E402

from api.db import make_engine  # noqa: E402
from bench.load import (  # noqa: E402
    BIN,
    Result,
    Server,
    ensure_wrk,
    free_port,
    fresh_database,
    load,
    seed,
    server_env,
    service_command,
    start,
    token,
)

POOL_SIZE = 10  # api.db.make_engine's pool_size for PostgreSQL
MEMORY_BOUND = 1.10
SAMPLE_SECONDS = 5
PEAK_CONNECTIONS = 32
SOAK_CONNECTIONS = 16


def mixed_script(auth: str, ids: dict[str, list[str]], delay_ms: float | None) -> str:
    """A wrk script for the mix; with ``delay_ms``, each connection waits that long before each request."""
    patients = ",".join(json.dumps(f"/v1/patients/{p}") for p in ids["patients"])
    consultations = ",".join(json.dumps(f"/v1/consultations/{c}") for c in ids["consultations"])
    patient = json.dumps(
        {"given_name": "Soak", "family_name": "Load", "birth_date": "1980-01-01", "sex_at_birth": "female"}
    )
    consultation = json.dumps(
        {"patient_id": ids["patients"][0], "conditions": ["major_depression"], "patient_location_state": "CA"}
    )
    delay = f"delay = function() return {delay_ms:.1f} end" if delay_ms else ""
    run = f"soak-{uuid.uuid4().hex[:12]}"  # every key unique: across wrk's threads and across runs
    return f"""
local patients = {{{patients}}}
local consultations = {{{consultations}}}
local auth = {json.dumps(auth)}
local counter = 0
local started = 0
setup = function(thread)
  started = started + 1
  thread:set("tid", started)
end
{delay}
request = function()
  local r = math.random(100)
  local headers = {{["Authorization"] = auth}}
  if r <= 60 then
    return wrk.format("GET", patients[math.random(#patients)], headers)
  elseif r <= 75 then
    return wrk.format("GET", consultations[math.random(#consultations)], headers)
  elseif r <= 85 then
    return wrk.format("GET", "/v1/providers?state=CA&limit=20", headers)
  end
  counter = counter + 1
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "{run}-" .. tid .. "-" .. counter
  if r <= 95 then
    return wrk.format("POST", "/v1/patients", headers, {json.dumps(patient)})
  end
  return wrk.format("POST", "/v1/consultations", headers, {json.dumps(consultation)})
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


def calibrate(wrk: str, service: Server, auth: str, ids: dict[str, list[str]], target: float) -> float:
    """The per-connection delay that gives ``target`` req/s: each connection's cycle is its delay plus the
    request's own time, which a 10 s run at the naive delay (connections / target) measures."""
    naive = 1000 * SOAK_CONNECTIONS / target
    trial = load(wrk, "calibration", service.base, mixed_script(auth, ids, naive), 10, SOAK_CONNECTIONS)
    own_ms = max(0.0, 1000 * SOAK_CONNECTIONS / trial.rps - naive)
    return max(1.0, naive - own_ms)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Samples:
    """Memory per process (MiB) and the service's database connections, every SAMPLE_SECONDS."""

    memory: dict[str, list[float]] = field(default_factory=dict)
    connections: list[int] = field(default_factory=list)

    def take(self, processes: dict[str, int], engine: Engine, database: str) -> None:
        for name, pid in processes.items():
            self.memory.setdefault(name, []).append(rss_mib(pid))
        with engine.connect() as connection:
            count = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"),
                {"db": database},
            ).scalar()
        self.connections.append(int(count or 0))


def start_redis(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    if not shutil.which("redis-server"):
        raise SystemExit("make soak needs redis-server (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(work / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
        cwd=work,
        start_new_session=True,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument(
        "--warm-up", type=int, default=30, help="seconds at the soak rate before the baseline"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="tm-soak-"))
    url = fresh_database(args.server)
    database = url.rsplit("/", 1)[1]
    ids = seed(url, work / "instance")
    redis, redis_url = start_redis(work)
    port = free_port()
    env = {**server_env(url, work / "instance", port), "REDIS_URL": redis_url, "LOG_LEVEL": "INFO"}
    service = start(
        "service",
        service_command(port, args.workers),
        env,
        port,
        "/healthz",
        work / "service.log",
    )
    with (work / "worker.log").open("wb") as out:
        worker = subprocess.Popen(
            [str(BIN / "telemedical"), "worker", "--interval", "10"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    monitor = make_engine(url, pool_size=1, max_overflow=0)
    try:
        auth = f"Bearer {token(service.base)}"
        script = mixed_script(auth, ids, None)
        load(wrk, "warm", service.base, script, 3, PEAK_CONNECTIONS)
        peak = load(wrk, "peak", service.base, script, 10, PEAK_CONNECTIONS)
        if peak.non_2xx or peak.socket_errors:
            raise SystemExit(f"errors while measuring the peak: {peak} (logs in {work})")
        target = peak.rps / 2
        delay_ms = calibrate(wrk, service, auth, ids, target)
        processes = {f"app worker {n}": pid for n, pid in enumerate(process_tree(service.process.pid)[1:], 1)}
        processes = {"granian main": service.process.pid, **processes, "telemedical worker": worker.pid}
        result, samples, baseline_at = soak(
            wrk, service, mixed_script(auth, ids, delay_ms), args, processes, monitor, database
        )
    finally:
        service.stop()
        worker.terminate()
        worker.wait(timeout=30)
        redis.kill()
        monitor.dispose()
    report(peak.rps, target, result, samples, baseline_at, processes, args, work)


def soak(
    wrk: str,
    service: Server,
    script: str,
    args: argparse.Namespace,
    processes: dict[str, int],
    monitor: Engine,
    database: str,
) -> tuple[Result, Samples, int]:
    """Run wrk for warm-up + soak in the background while sampling; (wrk's result, samples, index of the
    first sample after warm-up)."""
    total = int(args.warm_up + args.minutes * 60)
    samples = Samples()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    run = subprocess.Popen(
        [
            wrk,
            "-t2",
            f"-c{SOAK_CONNECTIONS}",
            f"-d{total}s",
            "--timeout",
            "10s",
            "-s",
            handle.name,
            service.base,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    baseline_at = -1
    while run.poll() is None:
        time.sleep(SAMPLE_SECONDS)
        if run.poll() is not None:
            break
        samples.take(processes, monitor, database)
        if baseline_at < 0 and time.monotonic() - started >= args.warm_up:
            baseline_at = len(samples.connections) - 1
    out, err = run.communicate()
    os.unlink(handle.name)
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk printed no summary:\n{out}\n{err}")
    done, status_errors, socket_errors, p50, p99, micros = (int(g) for g in found.groups())
    result = Result("soak", done / (micros / 1e6), p50 / 1000, p99 / 1000, status_errors, socket_errors)
    return result, samples, max(0, baseline_at)


def report(
    peak: float,
    target: float,
    result: Result,
    samples: Samples,
    baseline_at: int,
    processes: dict[str, int],
    args: argparse.Namespace,
    work: Path,
) -> None:
    r = result
    bound_connections = POOL_SIZE * (len(processes) - 1)  # the granian main process holds none
    print(f"\nsoak, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, logs in {work}")
    print(f"peak of the mix: {peak:,.0f} req/s; soak target {target:,.0f} req/s (half)")
    print(
        f"soak: {args.warm_up} s warm-up + {args.minutes:g} min, {r.rps:,.0f} req/s achieved, "
        f"p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, non-2xx {r.non_2xx}, socket errors {r.socket_errors}"
    )
    failures = []
    if r.non_2xx or r.socket_errors:
        failures.append("errors during the soak")
    print(f"{'process':<22}{'warm MiB':>10}{'max MiB':>10}{'end MiB':>10}{'growth':>9}")
    figures = {}
    for name, values in samples.memory.items():
        after = values[baseline_at:]
        base, top, end = after[0], max(after), after[-1]
        growth = top / base - 1 if base else 0.0
        figures[name] = {"warm_mib": round(base, 1), "max_mib": round(top, 1), "end_mib": round(end, 1)}
        print(f"{name:<22}{base:>10.1f}{top:>10.1f}{end:>10.1f}{growth:>8.1%}")
        if base and top > base * MEMORY_BOUND:
            failures.append(f"{name} memory grew {growth:.1%} (bound 10 %)")
    step = max(1, 30 // SAMPLE_SECONDS)  # the series, every 30 s from the end of warm-up
    for name, values in samples.memory.items():
        series = " ".join(f"{v:.0f}" for v in values[baseline_at::step])
        print(f"  {name} MiB every 30 s: {series}")
    print(f"  connections every 30 s: {' '.join(str(c) for c in samples.connections[baseline_at::step])}")
    top_connections = max(samples.connections)
    print(
        f"database connections: max {top_connections}, after warm-up {samples.connections[baseline_at]}, "
        f"end {samples.connections[-1]} (bound: pool size {POOL_SIZE} x {len(processes) - 1} processes = "
        f"{bound_connections})"
    )
    if top_connections > bound_connections:
        failures.append(f"{top_connections} database connections (bound {bound_connections})")
    print(
        json.dumps(
            {
                "peak_rps": round(peak),
                "soak_rps": round(r.rps),
                "p99_ms": r.p99_ms,
                "non_2xx": r.non_2xx,
                "memory": figures,
                "connections_max": top_connections,
                "connections_bound": bound_connections,
            }
        )
    )
    if failures:
        raise SystemExit("soak failed: " + "; ".join(failures))
    print("soak passed: no errors, memory within 10 % of its warm level, connections within the pool bound")


if __name__ == "__main__":
    main()
