"""docker-compose.yml, checked without a container engine (CI machines have none): the file is parsed and
each service's command runs as a process, through the image's entrypoint, with the service's environment
pointed at the test database: `migrate` applies the migrations and exits 0; `app` serves until /readyz answers
200 and stops cleanly on SIGTERM; `worker` runs its passes and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from joserfc.jwk import RSAKey

from api import config
from tests.conftest import throwaway_postgres_database

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
BIN = Path(sys.executable).parent


def test_the_file_describes_a_deployment_that_scales_out() -> None:
    assert set(SERVICES) == {"postgres", "redis", "migrate", "app", "worker"}
    assert SERVICES["migrate"]["command"] == ["telemedical", "db", "upgrade"]
    for name in ("app", "worker"):
        service = SERVICES[name]
        # Migrations run once, before them, never by each replica.
        assert service["environment"]["MIGRATE_ON_START"] == "0"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")  # limits shared by replicas
        assert service["environment"]["JWT_PRIVATE_KEY_FILE"] and "SECRET_KEY" in service["environment"]
        # The audit chain's key, and its anchors on a volume every worker and `audit verify` share.
        assert service["environment"]["AUDIT_KEY_FILE"]
        anchors = service["environment"]["AUDIT_ANCHOR_DIR"]
        assert any(v.startswith("audit-anchors:") and v.endswith(":" + anchors) for v in service["volumes"])
    assert SERVICES["app"]["ports"] == ["8000"]  # no fixed host port: `--scale app=N` works
    assert "/readyz" in " ".join(SERVICES["app"]["healthcheck"]["test"])


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = config.test_database_url()
    if server:
        with throwaway_postgres_database(server, "telemedical_compose") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('compose') / 'compose.sqlite3'}"


@pytest.fixture(scope="module")
def environment(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The services' environment from the file, pointed at this machine: the test database, its own key."""
    work = tmp_path_factory.mktemp("compose-env")
    key = work / "jwt-key.pem"
    key.write_bytes(RSAKey.generate_key(2048, private=True).as_pem(private=True))
    audit_key = work / "audit.key"
    audit_key.write_text(secrets.token_hex(32))
    declared = dict(SERVICES["app"]["environment"])
    declared.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_PRIVATE_KEY_FILE=str(key),
        AUDIT_KEY_FILE=str(audit_key),
        AUDIT_ANCHOR_DIR=str(work / "audit-anchors"),
        ISSUER="https://api.telemedical.example",
        INSTANCE_PATH=str(work / "instance"),
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
    )
    declared.pop("REDIS_URL")  # the machine's Redis is shared by other test runs; limits fall back to memory
    return {k: str(v) for k, v in declared.items()}


def _through_entrypoint(command: list[str]) -> list[str]:
    return ["sh", str(ROOT / "docker" / "entrypoint.sh"), *command]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_migrate_then_app_then_worker_run_as_the_file_says(
    environment: dict[str, str], tmp_path: Path
) -> None:
    migrated = subprocess.run(
        _through_entrypoint(SERVICES["migrate"]["command"]),
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr

    port = _free_port()
    command = [
        {"0.0.0.0": "127.0.0.1", "8000": str(port)}.get(part, part) for part in SERVICES["app"]["command"]
    ]
    log = tmp_path / "app.log"
    with log.open("wb") as out:
        app = subprocess.Popen(
            _through_entrypoint(command), env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline and app.poll() is None:
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        assert ready is not None and ready.status_code == 200, log.read_text()[-2000:]
    finally:
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=40) == 0, log.read_text()[-2000:]

    worker_log = tmp_path / "worker.log"
    with worker_log.open("wb") as out:
        worker = subprocess.Popen(
            _through_entrypoint(SERVICES["worker"]["command"]), env=environment, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    time.sleep(4)  # its first pass
    assert worker.poll() is None, worker_log.read_text()[-2000:]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker_log.read_text()[-2000:]
    assert "Traceback" not in worker_log.read_text() and "Traceback" not in log.read_text()
