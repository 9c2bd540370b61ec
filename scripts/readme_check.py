"""Run every shell command of README.md as written, in order, in one shell: what a new partner engineer
does on their first day (issue 15). `make readme-check`; CI runs it on a clean clone.

Each ```bash block runs as it stands. A comment right before a block may say otherwise:

- ``<!-- readme-check: server -->``: the block serves (``make run``); it runs in the background, and the next
  blocks wait until ``/healthz`` answers on the port it names (8000 by default);
- ``<!-- readme-check: skip: why -->``: not run here, for the reason given (a container engine, say).

The shell stops at the first failing command (``set -euo pipefail``) and the script exits non-zero, naming
the block's line. Servers it started are stopped at the end. ``INSTANCE_PATH`` points at a fresh directory,
so ``make run`` seeds a database of its own and leaves the checkout's ``instance/`` alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(
    r"(?:<!-- readme-check: (?P<mark>[^>]*?) -->\s*\n)?^(?P<indent> *)```bash\n(?P<body>.*?)^(?P=indent)```",
    re.S | re.M,
)
WAIT = """up() {{ curl -sf http://127.0.0.1:{port}/healthz >/dev/null; }}
for _ in $(seq 1 240); do up && break; sleep 0.5; done
up || {{ echo "readme-check: nothing serves on {port}"; exit 1; }}"""


def blocks(readme: str) -> list[tuple[int, str, str]]:
    """(line, mark, body) of every bash block, the body dedented."""
    found = []
    for match in BLOCK.finditer(readme):
        line = readme[: match.start("indent")].count("\n") + 1
        indent = len(match.group("indent"))
        body = "".join(
            row[indent:] if row[:indent].isspace() else row for row in match.group("body").splitlines(True)
        )
        found.append((line, (match.group("mark") or "").strip(), body))
    return found


def script(readme: str, work: Path) -> str:
    lines = [
        "set -euo pipefail",
        "SERVERS=()",
        # Each server runs in a session of its own: stopping its process group stops make and granian's
        # workers too, whatever the block started.
        'stop() { for pid in "${SERVERS[@]}"; do kill -TERM -- -"$pid" 2>/dev/null || true; done; }',
        "trap stop EXIT",
    ]
    for line, mark, body in blocks(readme):
        if mark.startswith("skip"):
            print(f"README.md:{line}: not run ({mark})", file=sys.stderr)
            continue
        lines.append(f"echo '== README.md:{line}' >&2")
        if mark == "server":
            port = (re.search(r"--port (\d+)", body) or re.search(r":(\d+)", "x:8000")).group(1)  # type: ignore[union-attr]
            server = work / f"server-{line}.sh"
            server.write_text(body)
            lines.append(f"setsid bash {server} > {work / f'server-{line}.log'} 2>&1 &")
            lines.append('SERVERS+=("$!")')
            lines.append(WAIT.format(port=port))
        else:
            lines.append(body.rstrip())
    return "\n".join(lines) + "\n"


def main() -> int:
    readme = (ROOT / "README.md").read_text()
    work = Path(tempfile.mkdtemp(prefix="readme-check-"))
    env = {**os.environ, "INSTANCE_PATH": str(work / "instance")}
    for name in ("DATABASE_URL", "ISSUER", "REDIS_URL", "JWT_PRIVATE_KEY_FILE"):
        env.pop(name, None)
    bash = shutil.which("bash") or "/bin/bash"
    run = subprocess.run([bash, "-c", script(readme, work)], cwd=ROOT, env=env, timeout=900)  # noqa: S603 - our README
    if run.returncode != 0:
        print(
            f"readme-check: a README command failed (exit {run.returncode}); server logs in {work}",
            file=sys.stderr,
        )
        return 1
    print("readme-check: every README command ran as written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
