"""The built SDKs in fresh consumer projects, as a partner would use them (issue 27): `make sdk-consumers`.

`make sdk` builds clients/python/dist/*.whl and clients/typescript/dist/*.tgz. This installs them — never the
sources — into:

- a new venv (pip, from the machine's package index): every ```python block of clients/README.md passes
  `mypy --strict`, and runs against a live server holding the demo data `make run` seeds, with a delivery
  worker beside it and loopback receivers allowed (as `make run` has): the webhook block sends itself a test
  event and verifies it with the SDK's helper;
- a TypeScript project under `moduleResolution: NodeNext` with `strict`, `exactOptionalPropertyTypes`,
  `noUncheckedIndexedAccess`, `skipLibCheck: false` and no DOM lib: every ```typescript block compiles and
  runs there, and so do the layer's tests (clients/typescript/test/layer.test.ts, `node --test`);
- a TypeScript project under `moduleResolution: Bundler` (DOM lib): the same blocks type-check.

Prints one line per check and `N passed, N failed`; exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

README = ROOT / "clients" / "README.md"
DEFAULT_BASE = "http://127.0.0.1:8000"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
TYPE_ROOTS = ROOT / "node_modules" / "@types"
PY_EXPECTED = (
    r"con_[a-z0-9]+ submitted\n"
    r"True True ada@example\.com invalid_client\n"
    r"http://127\.0\.0\.1:\d+/oauth/authorize\n"
)
PY_WEBHOOK_EXPECTED = r"con_[a-z0-9]+ submitted\nwebhook\.test True no_matching_signature\n"
TS_EXPECTED = [
    r"con_[a-z0-9]+ submitted\n",
    r"true es-MX true\nhttp://127\.0\.0\.1:\d+/oauth/authorize\n",
    r"webhook\.test true true no_matching_signature\n",
]
STRICT = {
    "target": "ES2022",
    "strict": True,
    "exactOptionalPropertyTypes": True,
    "noUncheckedIndexedAccess": True,
    "skipLibCheck": False,
    "verbatimModuleSyntax": True,
    "typeRoots": [str(TYPE_ROOTS)],
    "types": ["node"],
}


def blocks(language: str) -> list[str]:
    found = re.findall(rf"^```{language}\n(.*?)^```$", README.read_text(), re.S | re.M)
    assert found, f"clients/README.md has no {language} block"
    return found


def run(command: list[str], cwd: Path, timeout: float = 300, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)  # noqa: S603
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def built(pattern: str) -> Path:
    found = sorted(ROOT.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} (run make sdk), found {found}")
    return found[0]


def python_consumer(work: Path, base: str) -> None:
    wheel = built("clients/python/dist/telemedical_api_client-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work)
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], work)
    where = run([str(python), "-c", "import telemedical_api_client as m; print(m.__file__)"], work)
    assert "site-packages" in where, f"the wheel was not what got imported: {where}"
    first, rest, hooks = blocks("python")
    (work / "quickstart.py").write_text(first.replace(DEFAULT_BASE, base))
    (work / "tour.py").write_text((first + rest).replace(DEFAULT_BASE, base))
    (work / "webhooks.py").write_text((first + hooks).replace(DEFAULT_BASE, base))
    mypy = [
        str(ROOT / ".venv" / "bin" / "mypy"),
        "--strict",
        "--no-incremental",
        "--python-executable",
        str(python),
    ]
    run([*mypy, "quickstart.py", "tour.py", "webhooks.py"], work)
    # The check can fail: treating the Patient the call returns as a Problem is an error.
    (work / "wrong.py").write_text(first + "\nprint(patient.code)\n")
    refused = subprocess.run([*mypy, "wrong.py"], cwd=work, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert refused.returncode == 1, refused.stdout
    assert '"Patient" has no attribute "code"' in refused.stdout, refused.stdout
    out = run([str(python), "tour.py"], work, timeout=120)
    assert re.fullmatch(PY_EXPECTED, out), out
    out = run([str(python), "webhooks.py"], work, timeout=120)
    assert re.fullmatch(PY_WEBHOOK_EXPECTED, out), out


def ts_project(work: Path, name: str, options: dict[str, object]) -> Path:
    tgz = built("clients/typescript/dist/telemedical-api-client-*.tgz")
    project = work / name
    (project / "src").mkdir(parents=True)
    (project / "package.json").write_text(json.dumps({"name": name, "private": True, "type": "module"}))
    run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--offline", str(tgz)], project)
    assert (project / "node_modules" / "@telemedical" / "api-client" / "dist" / "index.d.ts").exists()
    config = {"compilerOptions": {**STRICT, **options}, "include": ["src/**/*.ts"]}
    (project / "tsconfig.json").write_text(json.dumps(config, indent=2))
    for index, code in enumerate(blocks("typescript")):
        (project / "src" / f"example{index}.ts").write_text(code)
    return project


def typescript_nodenext(work: Path, base: str) -> None:
    options = {"module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["ES2022"], "outDir": "out"}
    project = ts_project(work, "consumer-nodenext", options)
    shutil.copy(ROOT / "clients" / "typescript" / "test" / "layer.test.ts", project / "src" / "layer.test.ts")
    for example in (project / "src").glob("example*.ts"):
        example.write_text(example.read_text().replace(DEFAULT_BASE, base))
    run([str(TSC), "-p", "tsconfig.json"], project)
    for index, expected in enumerate(TS_EXPECTED):
        out = run(["node", f"out/example{index}.js"], project, timeout=120)
        assert re.fullmatch(expected, out), out
    report = run(["node", "--test", "out/layer.test.js"], project).splitlines()
    print("  layer.test.ts:", " ".join(line[2:] for line in report if line.startswith(("# pass", "# fail"))))


def typescript_bundler(work: Path, base: str) -> None:
    options = {"module": "Preserve", "moduleResolution": "Bundler", "lib": ["ES2022", "DOM"], "noEmit": True}
    project = ts_project(work, "consumer-bundler", options)
    run([str(TSC), "-p", "tsconfig.json"], project)


def demo_server(work: Path) -> tuple[object, subprocess.Popen[bytes]]:
    """The server as `make run` serves it: the demo data, a delivery worker beside it, loopback receivers
    allowed (WEBHOOK_ALLOW_LOOPBACK=1); the worker shares the server's SECRET_KEY (secrets at rest)."""
    import secrets

    from sqlalchemy.orm import Session

    from api.config import Settings
    from api.db import make_engine
    from api.demo import seed_demo
    from api.migrate import upgrade
    from tests.concurrency.server import TELEMEDICAL, start_server

    url = f"sqlite:///{work / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session, Settings(database_url=url, instance_dir=work / "instance"))
        session.commit()
    engine.dispose()
    shared = {"SECRET_KEY": secrets.token_urlsafe(32), "WEBHOOK_ALLOW_LOOPBACK": "1"}
    server = start_server(url, work, settings=shared)
    env = {**os.environ, **shared, "DATABASE_URL": url, "INSTANCE_PATH": str(work / "instance")}
    env.update(WEBHOOK_POLL_SECONDS="0.2", PYTHONUNBUFFERED="1")
    for name in ("ISSUER", "REDIS_URL", "FLASK_APP"):
        env.pop(name, None)
    with (work / "worker.log").open("wb") as log:
        command = [str(TELEMEDICAL), "worker"]
        worker = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return server, worker


def main() -> int:
    checks: list[tuple[str, Callable[[Path, str], None]]] = [
        ("python: wheel in a venv, README blocks under mypy --strict, run", python_consumer),
        (
            "typescript: tarball, NodeNext, exactOptionalPropertyTypes, no DOM: README blocks, layer tests",
            typescript_nodenext,
        ),
        ("typescript: tarball, Bundler resolution: README blocks type-check", typescript_bundler),
    ]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="sdk-consumers-") as tmp:
        work = Path(tmp)
        server, worker = demo_server(work)
        try:
            for label, check in checks:
                started = time.monotonic()
                try:
                    check(work, server.base_url)  # type: ignore[attr-defined]
                except Exception as exc:  # reported, then counted
                    failed += 1
                    print(f"FAILED {label} ({time.monotonic() - started:.0f} s)\n{exc}", flush=True)
                else:
                    passed += 1
                    print(f"ok     {label} ({time.monotonic() - started:.0f} s)", flush=True)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            server.stop()  # type: ignore[attr-defined]
    print(f"sdk-consumers: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
