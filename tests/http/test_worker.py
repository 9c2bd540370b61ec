"""`telemedical worker`: each pass has its own session; a failing pass is logged and the next runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from api import worker


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
        "audit_rows_sealed",
    }
    assert len(sessions) == 2 and sessions[0] is not sessions[1]
    assert "worker pass failed" in caplog.text and "the database restarted" in caplog.text


class OperationalFailure(RuntimeError):
    """Stands for whatever a pass may meet: a lost connection, a lock timeout, a bad row."""
