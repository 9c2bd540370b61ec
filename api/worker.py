"""``telemedical worker``: the background passes, each in a database session of its own.

A pass announces follow-up tasks due today and marks overdue ones, purges expired idempotency keys, codes,
tokens and sign-in throttles, recomputes the providers' free-slot summaries that time has outdated
(matching reads them), announces REMS monitoring forms coming due and escalations left unacknowledged
(``ESCALATION_ACK_MINUTES``), makes the audit trail's monthly partitions ahead on PostgreSQL
(api/services/audit_partitions.py), and seals the audit rows written since
the last pass into the chain, anchoring its head outside the database (docs/audit.md). Each job is an
operation of its own, and the worker its boundary: it commits each (``unit_of_work``) before the next
starts, so a job that fails leaves the earlier ones' work in place. Between passes it sends due webhooks
(api/events/dispatcher.py), looking at least every 2 s. A pass that fails is logged (the error's kind and
trace, never SQL parameters) and rolled back; the next pass runs after the interval as usual, so one bad
row or a database restart does not stop the worker.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.audit_custody import AuditChain
from api.config import Settings
from api.db import unit_of_work, utcnow
from api.events.dispatcher import Dispatcher
from api.services.audit import SEAL_BATCH, anchor, seal_pending
from api.services.audit_partitions import ensure_partitions
from api.services.escalations import announce_unacknowledged_escalations
from api.services.housekeeping import purge_expired
from api.services.provider_facts import refresh_free_slot_summaries
from api.services.session_forms import announce_rems_forms_due
from api.services.task_reminders import announce_due_tasks, mark_overdue_tasks

log = logging.getLogger("api.worker")


DEFAULT_ESCALATION_ACK_MINUTES = Settings.escalation_ack_minutes


def run_pass(
    session: Session,
    audit_chain: AuditChain | None = None,
    *,
    escalation_ack_minutes: int = DEFAULT_ESCALATION_ACK_MINUTES,
) -> dict[str, Any]:
    """One pass of every job, each committed on its own; what each did. Without ``audit_chain`` (key and
    anchors) nothing is sealed. ``escalation_ack_minutes``: the setting ``ESCALATION_ACK_MINUTES``."""
    done: dict[str, Any] = {}
    for name, job in (
        ("overdue_tasks", mark_overdue_tasks),
        ("due_tasks", announce_due_tasks),
        ("purged", purge_expired),
    ):
        with unit_of_work(session):
            done[name] = job(session)
    done["free_slot_summaries"] = refresh_all_free_slot_summaries(session)
    with unit_of_work(session):
        done["rems_forms_due"] = announce_rems_forms_due(session)
    with unit_of_work(session):
        done["escalations_unacknowledged"] = announce_unacknowledged_escalations(
            session, interval=timedelta(minutes=escalation_ack_minutes)
        )
    with unit_of_work(session):
        done["audit_partitions_made"] = ensure_partitions(session)
    done["audit_rows_sealed"] = seal_all_pending(session, audit_chain) if audit_chain else 0
    return done


def refresh_all_free_slot_summaries(session: Session) -> int:
    """Every summary time has outdated, recomputed a batch per transaction (the directory may be large)."""
    now = utcnow()
    total = 0
    while True:
        with unit_of_work(session):
            refreshed = refresh_free_slot_summaries(session, now)
        if not refreshed:
            return total
        total += refreshed


def seal_once(session: Session, audit_chain: AuditChain, *, limit: int = SEAL_BATCH) -> int:
    """Seal up to ``limit`` waiting audit rows in a transaction of their own, then anchor the new head outside
    the database, once committed (docs/audit.md); how many were sealed."""
    with unit_of_work(session):
        sealed = seal_pending(session, audit_chain.keyring, limit=limit)
    if sealed is None:
        return 0
    anchor(audit_chain, sealed.head)
    return sealed.rows


def seal_all_pending(session: Session, audit_chain: AuditChain) -> int:
    """Chain every audit row written since the last pass (in batches, each anchored)."""
    total = 0
    while sealed := seal_once(session, audit_chain):
        total += sealed
    return total


def run(
    session_factory: Callable[[], Session],
    *,
    interval: float,
    report: Callable[[str], None],
    passes: int | None = None,
    dispatcher: Dispatcher | None = None,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    audit_chain: AuditChain | None = None,
    escalation_ack_minutes: int = DEFAULT_ESCALATION_ACK_MINUTES,
) -> int:
    """Run the jobs every ``interval`` seconds (``passes`` times, or until ``stop``) and, between them, send
    due webhooks every ``poll`` seconds at most (at once again after a pass that sent something, so a burst
    drains quickly). After the last of ``passes`` the webhooks due then are sent before returning. The
    number of passes that failed."""
    stop = stop or threading.Event()
    failed = done = 0
    next_jobs = time.monotonic()
    while not stop.is_set():
        if time.monotonic() >= next_jobs:
            failed += _jobs_pass(session_factory, report, interval, audit_chain, escalation_ack_minutes)
            done += 1
            next_jobs = time.monotonic() + interval
            if passes is not None and done >= passes:
                failed += _drain(dispatcher)
                break
        made, failure = _delivery_pass(dispatcher)
        failed += failure
        if not made:
            stop.wait(max(0.0, min(poll * (5 if failure else 1), next_jobs - time.monotonic())))
    return failed


def _jobs_pass(
    session_factory: Callable[[], Session],
    report: Callable[[str], None],
    interval: float,
    audit_chain: AuditChain | None,
    escalation_ack_minutes: int = DEFAULT_ESCALATION_ACK_MINUTES,
) -> int:
    with session_factory() as session:
        try:
            report(json.dumps(run_pass(session, audit_chain, escalation_ack_minutes=escalation_ack_minutes)))
            return 0
        except Exception:
            session.rollback()
            log.exception("worker pass failed; the next one runs in %s s", interval)
            return 1


def _delivery_pass(dispatcher: Dispatcher | None) -> tuple[int, int]:
    """(attempts made, 1 if the pass failed)."""
    if dispatcher is None:
        return 0, 0
    try:
        return dispatcher.run_pass(), 0
    except Exception:
        log.exception("webhook delivery pass failed; retrying shortly")
        return 0, 1


# Enough for every delivery due now, chains of one object's events included; a bound, not a target.
_MAX_DRAIN_PASSES = 1000


def _drain(dispatcher: Dispatcher | None) -> int:
    """Send what is due now (``--once``); the number of delivery passes that failed."""
    for _ in range(_MAX_DRAIN_PASSES):
        made, failure = _delivery_pass(dispatcher)
        if failure or not made:
            return failure
    return 0
