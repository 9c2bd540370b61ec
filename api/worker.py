"""``telemedical worker``: the background passes, each in a database session of its own.

A pass announces follow-up tasks due today and marks overdue ones, purges expired idempotency keys, codes,
tokens and sign-in throttles, and recomputes the providers' free-slot summaries that time has outdated
(matching reads them). A pass that fails is logged (the error's kind and trace, never SQL parameters) and
rolled back; the next pass runs after the interval as usual, so one bad row or a database restart does not
stop the worker.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from api.services.housekeeping import purge_expired
from api.services.provider_facts import refresh_free_slot_summaries
from api.services.task_reminders import announce_due_tasks, mark_overdue_tasks

log = logging.getLogger("api.worker")


def run_pass(session: Session) -> dict[str, Any]:
    """One pass of every job; what each did."""
    return {
        "overdue_tasks": mark_overdue_tasks(session),
        "due_tasks": announce_due_tasks(session),
        "purged": purge_expired(session),
        "free_slot_summaries": refresh_free_slot_summaries(session),
    }


def run(
    session_factory: Callable[[], Session],
    *,
    interval: float,
    report: Callable[[str], None],
    passes: int | None = None,
) -> int:
    """Run passes ``interval`` seconds apart (``passes`` of them, or forever); the number that failed."""
    failed = done = 0
    while passes is None or done < passes:
        if done:
            time.sleep(interval)
        with session_factory() as session:
            try:
                report(json.dumps(run_pass(session)))
            except Exception:
                session.rollback()
                failed += 1
                log.exception("worker pass failed; the next one runs in %s s", interval)
        done += 1
    return failed
