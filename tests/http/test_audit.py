"""The audit trail through the API and the command line: who saw or changed a patient's record, tokens,
tenancy of the trail, append-only storage, the chain and its verification, the export.

(Every operation's row, every 401/403 and every cross-tenant 404 are checked by the security matrix.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from api.cli import main
from api.models import AuditEvent, AuditSeal
from api.services import audit as trail
from tests.helpers import bearer, cc_token, token_response
from tests.world import World

Headers = dict[str, str]


@pytest.fixture
def portal_a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def portal_b(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_b))


@pytest.fixture
def admin(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.admin))


def trail_of(client: FlaskClient, headers: Headers, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/audit-events?limit=100&{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    rows: list[dict[str, Any]] = response.get_json()["data"]
    return rows


def test_an_admin_answers_who_saw_or_changed_a_patients_record(
    client: FlaskClient, world: World, portal_a: Headers, portal_b: Headers, admin: Headers
) -> None:
    patient = world.patient_a1
    read = client.get(f"/v1/patients/{patient}", headers=portal_a)
    client.patch(
        f"/v1/patients/{patient}",
        json={"phone": "+15555550100"},
        headers={**portal_a, "If-Match": read.headers["ETag"]},
    )
    client.get("/v1/patients", headers=portal_a)
    refused = client.get(f"/v1/patients/{patient}", headers=portal_b)
    assert refused.status_code == 404
    rows = trail_of(client, admin, f"patient_id={patient}")
    seen = [(r["operation"], r["action"], r["outcome"], r["client_id"]) for r in reversed(rows)]
    assert seen == [
        ("getPatient", "read", "success", world.portal_a.client_id),
        ("updatePatient", "update", "success", world.portal_a.client_id),
        ("listPatients", "list", "success", world.portal_a.client_id),
        ("getPatient", "read", "not_found", world.portal_b.client_id),
    ]
    listed = next(r for r in rows if r["operation"] == "listPatients")
    assert patient in listed["resource_ids"] and patient in listed["patient_ids"]
    update = next(r for r in rows if r["operation"] == "updatePatient")
    assert update["request_id"] and update["ip"] == "127.0.0.1"
    assert update["actor"] == {"type": "partner_client", "id": world.portal_a.client_id}
    assert "+15555550100" not in json.dumps(rows)  # references only, never values


def test_a_partner_sees_its_own_callers_and_every_access_to_its_patients(
    client: FlaskClient, world: World, portal_a: Headers, portal_b: Headers
) -> None:
    client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    client.get(f"/v1/patients/{world.patient_b1}", headers=portal_b)
    client.get(f"/v1/patients/{world.patient_a1}", headers=portal_b)  # B probing A's patient: 404
    a_rows = trail_of(client, portal_a, "resource_type=patient")
    assert {(r["client_id"], r["outcome"]) for r in a_rows} >= {
        (world.portal_a.client_id, "success"),
        (world.portal_b.client_id, "not_found"),
    }
    assert world.patient_b1 not in {r["resource_id"] for r in a_rows}
    b_rows = trail_of(client, portal_b, "resource_type=patient")
    assert world.patient_a1 not in {
        r["patient_id"] for r in b_rows if r["client_id"] == world.portal_a.client_id
    }
    assert all(r["partner_id"] == world.partner_b or r["patient_id"] == world.patient_b1 for r in b_rows)


def test_only_partner_systems_and_admins_read_the_trail(client: FlaskClient, world: World) -> None:
    readonly = bearer(cc_token(client, world.readonly_a))
    assert client.get("/v1/audit-events", headers=readonly).status_code == 403


def test_filters_narrow_the_trail(
    client: FlaskClient, world: World, portal_a: Headers, admin: Headers
) -> None:
    client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    client.get("/v1/patients", headers=portal_a)
    only_lists = trail_of(client, admin, "action=list&resource_type=patient")
    assert only_lists and {r["action"] for r in only_lists} == {"list"}
    by_actor = trail_of(client, admin, f"actor_id={world.portal_a.client_id}")
    assert by_actor and {r["actor"]["id"] for r in by_actor} == {world.portal_a.client_id}
    by_resource = trail_of(client, admin, f"resource_id={world.patient_a1}")
    assert by_resource and {r["resource_id"] for r in by_resource} == {world.patient_a1}
    future = trail_of(client, admin, "occurred_after=2999-01-01T00:00:00Z")
    assert future == []
    past = trail_of(client, admin, "occurred_before=2000-01-01T00:00:00Z")
    assert past == []
    assert client.get("/v1/audit-events?action=peek", headers=admin).status_code == 422


def test_tokens_issued_refused_and_revoked_are_recorded(
    client: FlaskClient, world: World, db: Session
) -> None:
    issued = token_response(client, world.portal_a)
    assert issued.status_code == 200
    refused = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + _basic(world.portal_a.client_id, "wrong-secret")},
    )
    assert refused.status_code == 401
    revoked = client.post(
        "/oauth/revoke",
        data={"token": issued.get_json()["access_token"]},
        headers={"Authorization": "Basic " + _basic(world.portal_a.client_id, world.portal_a.secret or "")},
    )
    assert revoked.status_code == 200
    rows = db.scalars(
        select(AuditEvent).where(AuditEvent.resource_type == "token").order_by(AuditEvent.created_at)
    ).all()
    assert [(r.action, r.outcome, r.client_id) for r in rows][-3:] == [
        ("token_issued", "success", world.portal_a.client_id),
        ("token_refused", "denied", world.portal_a.client_id),
        ("token_revoked", "success", world.portal_a.client_id),
    ]
    assert "wrong-secret" not in json.dumps([r.chained_fields() for r in rows])


def _basic(user: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


# --- storage: append-only, chained, verifiable ------------------------------------------------------------


def test_the_trail_refuses_update_and_delete(
    client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    row_id = db.scalars(select(AuditEvent.id)).first()
    for statement in (
        "UPDATE audit_events SET outcome = 'success' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        nested = db.begin_nested()
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(text(statement), {"id": row_id})
        nested.rollback()
    trail.seal_pending(db)
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_seals"))
    nested.rollback()


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(main, list(args))


def test_the_worker_seals_and_verify_finds_a_tampered_row(
    app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    for _ in range(3):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    before = json.loads(_cli(app, "audit", "verify").output)
    assert before["ok"] is True and before["unsealed"] >= 3
    sealed = json.loads(_cli(app, "audit", "verify", "--seal").output)
    assert sealed == {
        "starts_at": 1,
        "sealed": sealed["sealed"],
        "unsealed": 0,
        "oldest_unsealed": None,
        "ok": True,
    }
    assert sealed["sealed"] >= 3
    # An operator with database access changes a sealed row behind the triggers' back.
    victim = db.scalars(select(AuditSeal).order_by(AuditSeal.seq.desc())).first()
    assert victim is not None
    _tamper(db, victim.audit_id)
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["first_broken"] == {
        "seq": victim.seq,
        "audit_id": victim.audit_id,
        "reason": "the audit row was changed after it was sealed",
    }


def _tamper(db: Session, audit_id: str) -> None:
    """Change a row as someone with the database's owner rights could: with the trigger out of the way."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        db.execute(
            text("UPDATE audit_events SET outcome = 'success', ip = '10.9.9.9' WHERE id = :id"),
            {"id": audit_id},
        )
        db.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
    else:
        db.execute(text("DROP TRIGGER audit_events_no_update"))
        db.execute(text("UPDATE audit_events SET ip = '10.9.9.9' WHERE id = :id"), {"id": audit_id})
    db.flush()


def test_the_chain_links_every_row_in_seal_order(
    client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    for _ in range(5):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    assert trail.seal_pending(db, limit=2) == 2
    assert trail.seal_pending(db) >= 3
    assert trail.seal_pending(db) == 0
    seals = db.scalars(select(AuditSeal).order_by(AuditSeal.seq)).all()
    assert [s.seq for s in seals] == list(range(1, len(seals) + 1))
    report = trail.verify_chain(db)
    assert report.broken is None and report.unsealed == 0 and report.sealed == len(seals)


def test_the_export_is_json_lines_oldest_first(
    app: Flask, client: FlaskClient, world: World, portal_a: Headers, tmp_path: Any
) -> None:
    client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    client.get("/v1/patients", headers=portal_a)
    out = tmp_path / "audit.jsonl"
    result = _cli(app, "audit", "export", "--output", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["operation"] for line in lines][-2:] == ["getPatient", "listPatients"]
    assert all(line["occurred_at"].endswith("Z") for line in lines)
    stamps = [line["occurred_at"] for line in lines]
    assert stamps == sorted(stamps)
    streamed = _cli(app, "audit", "export", "--since", "2999-01-01T00:00:00Z")
    assert streamed.exit_code == 0 and streamed.output == ""


def test_a_read_whose_row_cannot_be_written_sends_no_data(
    client: FlaskClient, world: World, portal_a: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(trail, "record", broken)
    response = client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    assert response.status_code == 500
    assert b"Alice" not in response.get_data()


def test_a_write_whose_row_cannot_be_written_changes_nothing(
    client: FlaskClient, world: World, portal_a: Headers, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(trail, "record", broken)
    response = client.patch(
        f"/v1/patients/{world.patient_a1}",
        json={"given_name": "Changed"},
        headers={**portal_a, "If-Match": read.headers["ETag"]},
    )
    assert response.status_code == 500
    db.expire_all()
    from api.models import Patient

    patient = db.get(Patient, world.patient_a1)
    assert patient is not None and patient.given_name == "Alice"


def test_after_a_retention_purge_the_chain_starts_at_the_first_seal_kept(
    client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    for _ in range(4):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    trail.seal_pending(db)
    oldest = db.scalars(select(AuditSeal).order_by(AuditSeal.seq)).first()
    assert oldest is not None and oldest.seq == 1
    _purge(db, oldest.audit_id)
    report = trail.verify_chain(db)
    assert (report.starts_at, report.broken) == (2, None)


def _purge(db: Session, audit_id: str) -> None:
    """What an operator does at the end of retention, with the triggers out of the way."""
    if db.get_bind().dialect.name == "postgresql":
        for table in ("audit_events", "audit_seals"):
            db.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
        db.execute(text("DELETE FROM audit_seals WHERE audit_id = :id"), {"id": audit_id})
        db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": audit_id})
        for table in ("audit_events", "audit_seals"):
            db.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
    else:
        db.execute(text("DROP TRIGGER audit_seals_no_delete"))
        db.execute(text("DROP TRIGGER audit_events_no_delete"))
        db.execute(text("DELETE FROM audit_seals WHERE audit_id = :id"), {"id": audit_id})
        db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": audit_id})
    db.flush()
