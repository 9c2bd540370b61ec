"""The commit at the operation's boundary: services flush, ``Blueprint.operation`` and ``unit_of_work``
commit, and nothing is written behind the code's back by a listener on the session."""

from __future__ import annotations

import inspect

import pytest
from flask import Flask
from sqlalchemy import orm, select
from sqlalchemy.orm import Session

from api.db import get_db, unit_of_work
from api.http import audit
from api.models import Partner
from api.services import accounts


def test_no_listener_sits_on_the_session(app: Flask) -> None:
    """Audit rows and the idempotency mark are written by the boundary, explicitly (docs/audit.md)."""
    with app.app_context():
        session = get_db().session_factory()
        events = [
            n for n, hook in vars(orm.SessionEvents).items() if inspect.isfunction(hook) and n[0] != "_"
        ]
        hooked = [name for name in events if getattr(session.dispatch, name)]
        session.close()
    assert hooked == []


def test_unit_of_work_commits_what_the_services_flushed_or_none_of_it(db: Session) -> None:
    with unit_of_work(db):
        kept = accounts.create_partner(db, accounts.system_principal(), "Kept").id
    with pytest.raises(RuntimeError, match="failed after"):
        _create_then_fail(db)
    names = set(db.scalars(select(Partner.name)))
    assert "Kept" in names and "Dropped" not in names
    assert db.get(Partner, kept) is not None


def _create_then_fail(db: Session) -> None:
    with unit_of_work(db):
        accounts.create_partner(db, accounts.system_principal(), "Dropped")
        raise RuntimeError("the command failed after the service flushed")


def test_a_write_is_logged_for_its_audit_row_only_while_an_operation_runs(app: Flask) -> None:
    with app.app_context():
        session = get_db().session_factory()
        accounts.create_partner(session, accounts.system_principal(), "Unlogged")
        assert session.write_log is None
        session.log_writes()
        partner = accounts.create_partner(session, accounts.system_principal(), "Logged")
        assert session.write_log == {partner: True}
        session.stop_logging_writes()
        session.rollback()
        session.close()


def test_a_write_rolled_back_to_a_savepoint_is_not_audited(app: Flask) -> None:
    with app.app_context():
        session = get_db().session_factory()
        session.log_writes()
        kept = accounts.create_partner(session, accounts.system_principal(), "Kept")
        nested = session.begin_nested()
        accounts.create_partner(session, accounts.system_principal(), "Undone")
        nested.rollback()
        assert [w.id for w in audit._written(session)] == [kept.id]
        session.rollback()
        session.close()
