"""`telemedical worker`: each pass has its own session; a failing pass is logged and the next runs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from api import worker
from api.db import utcnow
from api.domain.webhooks import request_headers
from api.events import transport
from api.logs import configure_logging
from tests.receiver import receiving


def test_a_failing_pass_is_logged_and_the_next_one_runs(
    connection: Connection, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    sessions: list[Session] = []

    def new_session() -> Session:
        sessions.append(factory())
        return sessions[-1]

    real_purge = worker.purge_expired
    failures = iter([OperationalFailure("the database restarted"), None])

    def purge_failing_once(session: Session) -> Any:
        failure = next(failures)
        if failure is not None:
            raise failure
        return real_purge(session)

    monkeypatch.setattr(worker, "purge_expired", purge_failing_once)
    reports: list[str] = []

    failed = worker.run(new_session, interval=0, report=reports.append, passes=2)

    assert failed == 1
    assert len(reports) == 1 and set(json.loads(reports[0])) == {
        "overdue_tasks",
        "due_tasks",
        "purged",
        "free_slot_summaries",
        "rems_forms_due",
        "escalations_unacknowledged",
        "audit_partitions_made",
        "audit_rows_sealed",
    }
    assert len(sessions) == 2 and sessions[0] is not sessions[1]
    assert "worker pass failed" in caplog.text and "the database restarted" in caplog.text


class OperationalFailure(RuntimeError):
    """Stands for whatever a pass may meet: a lost connection, a lock timeout, a bad row."""


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """configure_logging changes process-wide logger levels: put them back for the tests that follow."""
    loggers = [logging.getLogger(name) for name in logging.root.manager.loggerDict]
    levels = {logger: logger.level for logger in loggers} | {logging.root: logging.root.level}
    yield
    for logger, level in levels.items():
        logger.setLevel(level)


def test_at_debug_no_log_line_carries_the_endpoints_path_or_query(
    caplog: pytest.LogCaptureFixture, logging_restored: None
) -> None:
    """Issue 22, finding 11: a webhook URL's path and query may carry a partner's token or a patient's id;
    urllib3 logged the request line (``"POST /hooks/… HTTP/1.1" 200``) at DEBUG."""
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG")
    body = b"{}"
    headers = request_headers(["whsec_" + "QUJD" * 8], message_id="evt_1", sent_at=utcnow(), body=body)
    with receiving() as receiver:
        url = receiver.url + "/pat-4711-path?token=partner-secret-42"
        result = transport.post(url, body=body, headers=headers, allow_loopback=True)
        assert result.status_code == 200 and len(receiver.received) == 1
    assert logging.getLogger("api.webhooks").isEnabledFor(logging.DEBUG)  # our own lines still at DEBUG
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "pat-4711-path" not in logged and "partner-secret-42" not in logged, logged
