"""Serving, as in production (``telemedical run``): granian, WSGI, N worker processes of T threads each.

The server was chosen by measurement (issue 14, ``bench/servers.py``): the bare ceiling app on this 2-core
machine, 2 workers, 32 connections, PostgreSQL, in one run:

=====================  ========  =========  ===============
server                 ping      ceiling    ceiling_audited
=====================  ========  =========  ===============
gunicorn sync          5,297     1,916      1,039
gunicorn gthread x4    5,240     1,580      1,153
granian WSGI, 1 thread 12,477    2,489      1,212
granian WSGI, 2 threads 12,137   2,629      1,587
granian WSGI, 4 threads 14,829   2,456      1,548
=====================  ========  =========  ===============

granian keeps connections alive (gunicorn's sync worker closes each one) and parses HTTP in Rust; two threads
per worker overlap one request's database wait with another's Python work.

What granian refuses before the application runs: more than 100 headers (431) and an unparseable request
(400), both with an empty body; it logs no request line (its access log is off). The limits the API states
(a request line of at most 4,094 bytes, headers of at most 8,190 bytes each) are enforced by the application
(api.http.input_guard), so those answers are problem+json like every other error.
"""

from __future__ import annotations

import logging

from api.config import Settings

log = logging.getLogger("api.serving")

# The application every worker imports (it reads its settings from the environment, as the CLI did).
APP_TARGET = "api.wsgi:app"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 2
# A worker given SIGTERM finishes the requests in flight for at most this long, then is killed.
GRACEFUL_STOP_SECONDS = 30


def build_server(target: str, host: str, port: int, workers: int, threads: int) -> object:
    """The granian server for ``target``: the one configuration of the service and its benchmark ceilings."""
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    return Server(
        target,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=workers,
        blocking_threads=threads,
        log_level=LogLevels.warning,
        log_access=False,  # an access log line would carry the query string (PHI); ours has route templates
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_STOP_SECONDS,
    )


def serve(settings: Settings, host: str, port: int, workers: int, threads: int = DEFAULT_THREADS) -> None:
    """Serve the API with ``workers`` processes of ``threads`` threads on host:port until stopped.

    Each worker imports ``api.wsgi`` and so creates its own app (its own engine and connection pool) and runs
    outside any application context: each request gets its own ``g`` and database session.
    """
    if workers > 1 and not settings.redis_url:
        log.warning(
            "%d workers count rate limits each in its own memory (up to %d x RATE_LIMIT per client): "
            "set REDIS_URL to share them",
            workers,
            workers,
        )
    build_server(APP_TARGET, host, port, workers, threads).serve()  # type: ignore[attr-defined]


def main() -> None:
    """``python -m api.serving TARGET --port P [--workers N] [--threads T]``: another WSGI app (the
    benchmark's ceilings) served exactly as the service is."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("target")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    args = parser.parse_args()
    build_server(args.target, args.host, args.port, args.workers, args.threads).serve()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
