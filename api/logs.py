"""Process logging, configured once at start-up (``telemedical run``, ``telemedical worker``, api.wsgi).

No log line may carry PHI or a secret. Our own lines name routes, statuses, ids and request ids only
(api.http.observability); SQL parameters are never rendered (``hide_parameters`` on every engine, api.db).
Libraries that write request data or tokens at DEBUG or INFO are held at WARNING whatever ``LOG_LEVEL``
says: Authlib logs issued tokens, SQLAlchemy's engine echoes statements with their parameters, and Werkzeug's
and granian's access logs write query strings (the ``email`` filter of ``GET /v1/patients`` is PHI).
"""

from __future__ import annotations

import logging

# Loggers that write bodies, query strings, tokens or SQL parameters below WARNING.
QUIET_LOGGERS = ("authlib", "sqlalchemy.engine", "sqlalchemy.pool", "werkzeug", "granian.access")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
