"""clients/README.md's Python and TypeScript starts run as written, against a real server holding the demo
data `make run` seeds (its base URL put in place of http://127.0.0.1:8000): a partner engineer's first day.
Here from the sources in clients/ (`@telemedical/api-client` is clients/typescript/src); `make sdk-consumers`
(scripts/sdk_consumers.py) runs every block from the built packages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import make_engine
from api.demo import seed_demo
from api.migrate import upgrade
from tests.concurrency.server import LiveServer, start_server

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "clients" / "README.md").read_text()
DEFAULT_BASE = "http://127.0.0.1:8000"


def snippet(language: str) -> str:
    found = re.search(rf"^```{language}\n(.*?)^```$", README, re.S | re.M)
    assert found, f"clients/README.md has no {language} block"
    return found.group(1)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on a SQLite database of its own with the demo data (SQLite whatever the suite runs on: the
    snippets are about the clients, and the demo's clients and secrets are fixed)."""
    workdir = tmp_path_factory.mktemp("clients-readme")
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session, Settings(database_url=url, instance_dir=workdir / "instance"))
        session.commit()
    engine.dispose()
    server = start_server(url, workdir)
    yield server
    server.stop()


def test_the_python_start_runs_as_written(demo_server: LiveServer, tmp_path: Path) -> None:
    script = tmp_path / "start.py"
    script.write_text(snippet("python").replace(DEFAULT_BASE, demo_server.base_url))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "clients" / "python")}
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(r"con_[a-z0-9]+ submitted\n", run.stdout), run.stdout


def test_the_typescript_start_type_checks_and_runs_as_written(
    demo_server: LiveServer, tmp_path: Path
) -> None:
    node, tsc = shutil.which("node"), ROOT / "node_modules" / ".bin" / "tsc"
    if node is None or not tsc.exists():
        pytest.skip("needs Node.js and `npm ci` (node_modules/.bin/tsc)")
    shutil.copytree(ROOT / "clients" / "typescript" / "src", tmp_path / "src" / "client")
    shutil.copy(ROOT / "clients" / "typescript" / "build-globals.d.ts", tmp_path / "build-globals.d.ts")
    code = snippet("typescript").replace(DEFAULT_BASE, demo_server.base_url)
    (tmp_path / "src" / "start.ts").write_text(
        code.replace("'@telemedical/api-client'", "'./client/index.js'")
    )
    (tmp_path / "package.json").write_text('{"type": "module"}')
    config = json.loads((ROOT / "clients" / "typescript" / "tsconfig.json").read_text())
    config["compilerOptions"].update(
        outDir="out", declaration=False, typeRoots=[str(ROOT / "node_modules" / "@types")]
    )
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    compiled = subprocess.run(
        [str(tsc), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300
    )
    assert compiled.returncode == 0, compiled.stdout
    run = subprocess.run(
        [node, str(tmp_path / "out" / "start.js")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(r"con_[a-z0-9]+ submitted\n", run.stdout), run.stdout
