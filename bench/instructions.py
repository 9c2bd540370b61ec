"""Instructions a request costs: one scenario of ``make bench``, in process, counted by valgrind (callgrind).

    .venv/bin/python bench/instructions.py read [--tree PATH ...] [-n 250] [--base 50] [--repeat 2]
        [--server postgresql://…] [--database NAME] [--reuse]

Time on these shared machines swings by 2x from one minute to the next, and by ±10 % between two rounds of
the same code in one process (bench/README.md, 2026-12-07): a change of 5 % cannot be seen in it. The number
of instructions the CPU executes does not depend on the neighbours. For each tree (a checkout: this one by
default, or worktrees of other commits, ``git worktree add /tmp/before <commit>``), the scenario's request
is sent ``--base`` times and ``-n`` times, each in a fresh process under callgrind, after the same warm-up;
the difference of the two totals, divided by the difference of the counts, is the instructions a request
costs: start-up, imports and warm-up cancel out. The two processes of a tree run side by side (2 cores).

Every thread of the process is counted: the request's, and the audit writer's (its INSERTs). PostgreSQL's
work is not (another process), nor the HTTP server's (the test client stands in for it). What it measures is
the Python a request runs; ``bench/load.py`` measures the service under load, with its noise.

Needs valgrind (Debian: ``apt-get install valgrind``). A run of 250 requests takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 100


def child(tree: Path, scenario: str, count: int, server: str, database: str) -> None:
    """In the measured process: build the tree's app as bench/profile.py does, warm it up, send ``count``."""
    sys.path[0] = str(tree)
    from api.app import create_app  # the tree's own, as every import here
    from api.config import load_settings
    from api.demo import PORTAL
    from bench.load import scenarios, server_env
    from bench.profile import database as seeded

    url, ids = seeded(server, True, database)
    os.environ.update(server_env(url, Path(tempfile.mkdtemp(prefix="tm-instructions-")), 8000))
    app = create_app(load_settings())
    client = app.test_client()
    plan = {name: (method, paths, body) for name, _, method, paths, body, _ in scenarios("", ids)}
    method, paths, body = plan[scenario]
    headers = {}
    if scenario != "health":
        answer = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=PORTAL)
        headers["Authorization"] = f"Bearer {answer.get_json()['access_token']}"
    for index in range(WARM_UP + count):
        answer = client.open(paths[index % len(paths)], method=method, json=body, headers=headers)
        assert answer.status_code < 300, (answer.status_code, answer.get_data(as_text=True))
    time.sleep(0.2)  # the last rows' commit: the writer's work is the request's too


def _counted(tree: Path, scenario: str, count: int, args: argparse.Namespace) -> subprocess.Popen[str]:
    out = Path(tempfile.mkdtemp(prefix="tm-callgrind-")) / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        str(tree / ".venv" / "bin" / "python"),
        str(Path(__file__).resolve()),
        "--child",
        scenario,
        "--tree",
        str(tree),
        "-n",
        str(count),
        "--server",
        args.server,
        "--database",
        args.database,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process.out = out  # type: ignore[attr-defined]  # where its totals are written
    return process


def _total(process: subprocess.Popen[str]) -> int:
    output, _ = process.communicate()
    out: Path = process.out  # type: ignore[attr-defined]
    if process.returncode != 0 or not out.exists():
        raise SystemExit(f"the measured process failed ({process.returncode}):\n{output[-3000:]}")
    for line in out.read_text().splitlines():
        if line.startswith("summary:"):
            out.unlink()
            return int(line.split()[1])
    raise SystemExit(f"no summary in {out}")


def measure(tree: Path, args: argparse.Namespace) -> list[float]:
    """Instructions a request, once per ``--repeat``."""
    # Bytecode first: in a new worktree the two processes would each compile what the other had not yet
    # written, a different amount each (a first run of a fresh tree came out 0.5 M a request too high).
    python = str(tree / ".venv" / "bin" / "python")
    subprocess.run([python, "-m", "compileall", "-q", str(tree / "api"), str(tree / "bench")], check=True)
    results = []
    for _ in range(args.repeat):
        small, large = (_counted(tree, args.scenario, n, args) for n in (args.base, args.n))
        results.append((_total(large) - _total(small)) / (args.n - args.base))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--tree", action="append", type=Path, help="a checkout to measure (repeatable)")
    parser.add_argument("-n", type=int, default=250)
    parser.add_argument("--base", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="telemedical_bench_instructions")
    parser.add_argument("--reuse", action="store_true", help="reuse the database the last run seeded")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    trees = [tree.resolve() for tree in (args.tree or [ROOT])]
    if args.child:
        child(trees[0], args.scenario, args.n, args.server, args.database)
        return
    if args.n <= args.base:
        raise SystemExit("-n must be more than --base")
    sys.path[0] = str(ROOT)
    from bench.profile import database

    database(args.server, args.reuse, args.database)  # seeded once, for every tree
    print(f"{args.scenario}: instructions a request (callgrind; {args.n} - {args.base} requests, each tree)")
    for tree in trees:
        results = measure(tree, args)
        spread = (max(results) - min(results)) / statistics.median(results) * 100
        print(
            f"{tree!s:<40} {statistics.median(results) / 1e6:8.3f} M"
            f"  (runs: {', '.join(f'{r / 1e6:.3f}' for r in results)}; spread {spread:.1f} %)"
        )


if __name__ == "__main__":
    main()
