"""Serving, as in production (``telemedical run``): granian, N worker processes, each a front on an event loop
that reads request bodies and T threads that run the WSGI application.

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

Granian's WSGI interface lets a slow request body hold an application thread for as long as the client likes
(issue 22: a dozen connections sending one byte a second took the service down). So granian serves through
its ASGI interface, and ``api.http.front.BufferedFront`` reads each body on the event loop with a deadline
before a thread runs the application; every ceiling the benchmarks measure is served the same way.

What granian refuses before the application runs: headers not complete within ``HEADER_READ_TIMEOUT``
(the connection is closed), more than 100 headers (431) and an unparseable request (400), the last two with
an empty body; it logs no request line (its access log is off). The limits the API states (a request line of
at most 4,094 bytes, headers of at most 8,190 bytes each) are enforced by the application
(api.http.input_guard), so those answers are problem+json like every other error.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from api.config import Settings, load_settings
from api.http.front import FrontLimits, load_front

if TYPE_CHECKING:
    from granian.server import MPServer, MTServer

log = logging.getLogger("api.serving")

# The application every worker imports (it reads its settings from the environment, as the CLI did).
APP_TARGET = "api.wsgi:app"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 2
# A worker given SIGTERM finishes the requests in flight for at most this long, then is killed.
GRACEFUL_STOP_SECONDS = 30


def front_limits(settings: Settings, threads: int) -> FrontLimits:
    return FrontLimits(
        threads=threads,
        body_timeout=settings.request_body_timeout,
        max_pending_bodies=settings.max_pending_bodies,
        max_content_length=settings.max_content_length,
    )


class _Served:
    """A granian server and the loader that puts the front before the WSGI application in each worker."""

    def __init__(self, server: MPServer | MTServer, limits: FrontLimits) -> None:
        self.server = server
        self.limits = limits

    def serve(self) -> None:
        # granian calls the loader with the target, in each worker process (a partial pickles).
        self.server.serve(target_loader=partial(load_front, limits=self.limits))


def build_server(
    target: str, host: str, port: int, workers: int, threads: int, settings: Settings | None = None
) -> _Served:
    """The granian server for the WSGI application ``target``: the one configuration of the service and of
    its benchmark ceilings."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    settings = settings or Settings()
    server = Server(
        target,
        address=host,
        port=port,
        interface=Interfaces.ASGINL,  # ASGI without lifespan events (api.http.front)
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.header_read_timeout * 1000)),
        websockets=False,
        workers=workers,
        log_level=LogLevels.warning,
        log_access=False,  # an access log line would carry the query string (PHI); ours has route templates
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_STOP_SECONDS,
    )
    return _Served(server, front_limits(settings, threads))


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
    build_server(APP_TARGET, host, port, workers, threads, settings).serve()


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
    build_server(args.target, args.host, args.port, args.workers, args.threads, load_settings()).serve()


if __name__ == "__main__":
    main()
