"""Process logging, configured once at start-up (``telemedical run``, ``telemedical worker``, api.wsgi).

No log line may carry PHI or a secret. Our own lines name routes, statuses, ids and request ids only
(api.http.observability); SQL parameters are never rendered (``hide_parameters`` on every engine, api.db).
Libraries that write request data or tokens at DEBUG or INFO are held at WARNING whatever ``LOG_LEVEL``
says: Authlib logs issued tokens, SQLAlchemy's engine echoes statements with their parameters, and Werkzeug's
and granian's access logs write query strings (the ``email`` filter of ``GET /v1/patients`` is PHI).
urllib3, which posts webhooks, is silent at every level: it writes the request line (a webhook endpoint's
path and query, which may carry a partner's token or a patient's id) at DEBUG and the whole URL in
warnings; the worker logs each attempt itself, without the URL (api/events/dispatcher.py).
"""

from __future__ import annotations

import logging

# Loggers that write bodies, query strings, tokens or SQL parameters below WARNING.
QUIET_LOGGERS = ("authlib", "sqlalchemy.engine", "sqlalchemy.pool", "werkzeug", "granian.access")
# Loggers that write URLs at any level: nothing of theirs is logged.
SILENT_LOGGERS = ("urllib3",)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in SILENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
