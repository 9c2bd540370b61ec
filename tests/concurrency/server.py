"""A live server started exactly as production starts it, and a way to fire requests at it all at once.

``telemedical run --workers 2`` (granian, two worker processes) is started as a subprocess on a free port
with its own ``INSTANCE_PATH``, ``SECRET_KEY`` and ``DATABASE_URL``; its stdout and stderr go to a log file
so that a failing assertion can quote what the server logged (the traceback behind a 500).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REQUEST_TIMEOUT = 60  # seconds; generous: on a loaded 2-core machine a queued request can wait a while
PROBLEM_JSON = "application/problem+json"
TELEMEDICAL = Path(sys.executable).parent / "telemedical"
# Log lines worth quoting when a request failed: errors, the exception lines that end tracebacks, the failing
# SQL statement (never its parameters), the project's own frames, 5xx access lines and worker timeouts.
_NOTEWORTHY = re.compile(
    r"ERROR|CRITICAL|WORKER TIMEOUT|^\[SQL: |^[\w.]+(Error|Exception)\b|"
    r'^\s+File "(?!.*site-packages).*/api/|\bapi\.access .* 5\d\d ',
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """One running ``telemedical run`` process group."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def noteworthy_log(self, offset: int = 0, limit: int = 60) -> str:
        """The error lines the server logged since ``offset`` (at most ``limit``, the last ones)."""
        lines = [line for line in self.log_since(offset).splitlines() if _NOTEWORTHY.search(line)]
        return "\n".join(lines[-limit:]) or "(nothing noteworthy in the server log)"

    def stop(self) -> None:
        """SIGTERM (granian's graceful stop); the whole process group is killed if that does not work."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_group(self.process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(timeout=10)


def start_server(
    database_url: str,
    workdir: Path,
    *,
    workers: int = 2,
    attempts: int = 3,
    settings: dict[str, str] | None = None,
) -> LiveServer:
    """Start ``telemedical run`` on a free port and wait for ``/healthz``; retried on another port if the
    one picked was taken in the meantime. ``settings`` adds or overrides environment variables."""
    instance = workdir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(32)
    failure = ""
    for attempt in range(attempts):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = workdir / f"server-{port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": secret_key,
            "ISSUER": base_url,
            "RATE_LIMIT": "100000/minute",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("REDIS_URL", "JWT_PRIVATE_KEY_FILE", "MATCH_WEIGHTS", "FLASK_APP"):
            env.pop(name, None)
        env.update(settings or {})
        log = log_path.open("wb")
        process = subprocess.Popen(
            [
                str(TELEMEDICAL),
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can kill granian and its workers
        )
        log.close()
        server = LiveServer(base_url, process, log_path)
        try:
            _wait_healthy(server)
            return server
        except Exception as exc:
            kill_group(process)
            failure = f"attempt {attempt + 1}: {exc}\n{server.log_since(0)[-3000:]}"
    raise RuntimeError(f"the live server did not start:\n{failure}")


def _wait_healthy(server: LiveServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with status {server.process.returncode}")
        try:
            response = requests.get(server.url("/healthz"), timeout=2)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"/healthz did not answer 200 within {timeout} s")


# --- requests -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one request got back (or the exception it raised, as ``status`` 0)."""

    label: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    text: str = ""

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def brief(self) -> str:
        detail = self.code or (self.text[:160] if self.status >= 400 or self.status == 0 else "")
        return f"{self.label}: {self.status} {detail}".rstrip()


def outcome(label: str, response: requests.Response) -> Outcome:
    try:
        body = response.json()
    except ValueError:
        body = None
    return Outcome(
        label,
        response.status_code,
        {k.lower(): v for k, v in response.headers.items()},
        body,
        response.text[:2000],
    )


def call(label: str, method: str, url: str, **kwargs: Any) -> Outcome:
    kwargs.setdefault("timeout", REQUEST_TIMEOUT)
    try:
        return outcome(label, requests.request(method, url, **kwargs))
    except requests.RequestException as exc:  # a dropped connection is as bad as a 5xx
        return Outcome(label, 0, text=f"{type(exc).__name__}: {exc}")


def simultaneously(tasks: Sequence[Callable[[], Outcome]]) -> list[Outcome]:
    """Run every task on its own thread, all released at once by a barrier; outcomes in task order."""
    barrier = threading.Barrier(len(tasks), timeout=60)

    def run(task: Callable[[], Outcome]) -> Outcome:
        barrier.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


def for_a_while(
    seconds: float, threads: int, task: Callable[[int, int], Outcome], max_per_thread: int = 1000
) -> list[Outcome]:
    """``threads`` threads, released together, each calling ``task(thread, n)`` until ``seconds`` pass."""
    barrier = threading.Barrier(threads, timeout=60)

    def run(thread: int) -> list[Outcome]:
        barrier.wait()
        deadline = time.monotonic() + seconds
        done: list[Outcome] = []
        while time.monotonic() < deadline and len(done) < max_per_thread:
            done.append(task(thread, len(done)))
        return done

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [item for batch in pool.map(run, range(threads)) for item in batch]


# --- checks ---------------------------------------------------------------------------------------------


def summary(outcomes: Sequence[Outcome]) -> str:
    counts: dict[str, int] = {}
    for item in outcomes:
        key = f"{item.status} {item.code or ''}".strip()
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key} x{count}" for key, count in sorted(counts.items()))


def assert_sound(outcomes: Sequence[Outcome], server: LiveServer, log_offset: int) -> None:
    """No 5xx (nor a dropped connection), and every non-2xx answer a problem+json document."""
    broken = [item for item in outcomes if item.status >= 500 or item.status == 0]
    assert not broken, (
        f"{len(broken)} of {len(outcomes)} requests failed with a server error ({summary(outcomes)}):\n"
        + "\n".join(item.brief() for item in broken[:10])
        + "\n--- server log ---\n"
        + server.noteworthy_log(log_offset)
    )
    not_problems = [item for item in outcomes if item.status >= 300 and item.content_type != PROBLEM_JSON]
    assert not not_problems, "non-2xx answers that are not application/problem+json:\n" + "\n".join(
        f"{item.brief()} [{item.content_type}]" for item in not_problems[:10]
    )
