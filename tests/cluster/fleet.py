"""A deployment in miniature: app processes (``telemedical run``) and workers (``telemedical worker``) started
as production starts them, on one database and one Redis, sharing what a deployment shares.

Every process gets the same ``SECRET_KEY``, signing key (the development key in one shared instance
directory, created once whoever starts first), ``ISSUER`` and ``REDIS_URL``, so a token issued by one app
process is accepted by the other and an idempotent response recorded by one is replayed by the other.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from api.services import accounts
from api.services import webhooks as webhook_service
from tests.concurrency.server import TELEMEDICAL, LiveServer, kill_group, start_server

ISSUER = "http://telemedical.fleet.test"


@dataclass
class Worker:
    """One ``telemedical worker`` process."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def terminate(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@dataclass
class Fleet:
    database_url: str
    redis_url: str | None
    workdir: Path
    settings: dict[str, str] = field(default_factory=dict)
    apps: list[LiveServer] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def environment(self) -> dict[str, str]:
        shared = {
            "DATABASE_URL": self.database_url,
            "INSTANCE_PATH": str(self.workdir / "instance"),
            "SECRET_KEY": self.secret_key,
            "ISSUER": ISSUER,
            "WEBHOOK_ALLOW_LOOPBACK": "1",
            "WEBHOOK_POLL_SECONDS": "0.2",
            **self.settings,
        }
        if self.redis_url:
            shared["REDIS_URL"] = self.redis_url
        return shared

    def start_app(self, workers: int = 1, **settings: str) -> LiveServer:
        app = start_server(
            self.database_url, self.workdir, workers=workers, settings={**self.environment(), **settings}
        )
        self.apps.append(app)
        return app

    def start_worker(self, interval: int = 1, ready: bool = True, **settings: str) -> Worker:
        """A worker; with ``ready``, once its first pass has reported (its SIGTERM handler is in place)."""
        log = self.workdir / f"worker-{len(self.workers)}.log"
        env = {**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1", **self.environment(), **settings}
        env.pop("FLASK_APP", None)
        if not self.redis_url:
            env.pop("REDIS_URL", None)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(TELEMEDICAL), "worker", "--interval", str(interval)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process, log)
        self.workers.append(worker)
        deadline = time.monotonic() + 60
        while ready and '"overdue_tasks"' not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not report a first pass:\n{worker.output()}")
            time.sleep(0.1)
        return worker

    def stop(self) -> None:
        for app in self.apps:
            app.stop()
        for worker in self.workers:
            if worker.process.poll() is None:
                try:
                    worker.terminate(timeout=15)
                except subprocess.TimeoutExpired:
                    kill_group(worker.process)

    def endpoint(self, session: Session, partner_id: str, url: str, types: list[str]) -> str:
        """A webhook endpoint of ``partner_id`` at ``url`` (its secret under the fleet's SECRET_KEY)."""
        created = webhook_service.create_endpoint(
            session,
            accounts.system_principal(),
            {"url": url, "event_types": types, "partner_id": partner_id},
            secret_key=self.secret_key,
            allow_loopback=True,
        )
        session.commit()
        return created.endpoint.id

    def wait_for(self, condition: Callable[[], object], timeout: float, what: str) -> float:
        """Seconds until ``condition()`` held; fails after ``timeout``, quoting the processes' logs."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if condition():
                return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"{what} within {timeout} s\n{self.logs()}")

    def logs(self) -> str:
        """Every process's noteworthy lines (for a failing assertion)."""
        parts = [f"--- app {app.base_url} ---\n{app.noteworthy_log()}" for app in self.apps]
        parts += [f"--- worker {n} ---\n{w.output()[-1500:]}" for n, w in enumerate(self.workers)]
        return "\n".join(parts)
