"""The audit trail through the API and the command line: who saw or changed a patient's record, tokens,
tenancy of the trail, append-only storage, the chain and its verification, the export.

(Every operation's row, every 401/403 and every cross-tenant 404 are checked by the security matrix.)
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from api import config
from api.audit_custody import AnchorDir, AuditChain, load_keyring
from api.cli import main
from api.config import ConfigurationError, get_settings
from api.db import UTCDateTime, make_engine, normalize_database_url
from api.domain.audit import (
    GENESIS,
    AuditKey,
    Keyring,
    chain_digest,
    chained_fields,
    row_digest,
    row_mac,
    seal_mac,
)
from api.migrate import upgrade
from api.models import AuditEvent, AuditPending, AuditSeal
from api.services import audit as trail
from api.worker import seal_all_pending, seal_once
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
def anchors(tmp_path: Path) -> Path:
    """This test's anchor directory: its chain is rolled back with the test, its anchors go with it."""
    return tmp_path / "anchors"


@pytest.fixture
def chain(app: Flask, anchors: Path) -> AuditChain:
    return AuditChain(load_keyring(get_settings(app)), AnchorDir(anchors))


@pytest.fixture
def cli_app(make_app: Callable[..., Flask], anchors: Path) -> Flask:
    """The app the command line runs, anchoring in this test's directory (the development key)."""
    return make_app(audit_anchor_dir=str(anchors))


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


def test_another_tenants_404s_leave_the_caller_nothing_of_that_tenant(
    client: FlaskClient, world: World, portal_a: Headers, portal_b: Headers, admin: Headers
) -> None:
    """Issue 22, finding 4: B's 404 on A's patient, consultation, event and redelivery must not put A's
    patient (or anything else of A's) in the rows B reads; A and the platform still learn of the attempts."""
    created = client.post(
        "/v1/consultations",
        json={
            "patient_id": world.patient_a1,
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
        },
        headers=portal_a,
    )
    assert created.status_code == 201, created.get_json()
    consultation = created.get_json()["id"]
    events = client.get(f"/v1/events?object_id={consultation}", headers=portal_a).get_json()["data"]
    event = events[0]["id"]
    probes = [
        ("GET", f"/v1/patients/{world.patient_a1}", world.patient_a1),
        ("GET", f"/v1/consultations/{consultation}", consultation),
        ("GET", f"/v1/consultations/{consultation}/appointment", consultation),
        ("GET", f"/v1/events/{event}", event),
        ("POST", f"/v1/events/{event}/redeliver", event),
    ]
    for method, url, _asked in probes:
        response = client.open(url, method=method, json={} if method == "POST" else None, headers=portal_b)
        assert response.status_code == 404, (url, response.get_json())

    seen_by_b = trail_of(client, portal_b)
    refused = [r for r in seen_by_b if r["outcome"] == "not_found"]
    assert [r["resource_id"] for r in reversed(refused)] == [asked for _, _, asked in probes]
    for row in refused:
        assert (row["patient_id"], row["patient_ids"], row["resource_ids"]) == (None, [], []), row
    # Beyond the id each request asked for, nothing of A's: not its patient, partner, client or records.
    text_b = json.dumps([{k: v for k, v in r.items() if k != "resource_id"} for r in seen_by_b])
    for of_a in (world.patient_a1, world.partner_a, world.portal_a.client_id, consultation, event):
        assert of_a not in text_b, of_a
    # Asking the trail about A's patient is no oracle either.
    assert trail_of(client, portal_b, f"patient_id={world.patient_a1}") == []

    # The patient's own partner and the platform see the attempts on the patient.
    for reader in (portal_a, admin):
        attempts = [
            r
            for r in trail_of(client, reader, f"patient_id={world.patient_a1}")
            if r["client_id"] == world.portal_b.client_id
        ]
        assert len(attempts) == len(probes), attempts
        assert {(r["outcome"], r["patient_id"]) for r in attempts} == {("not_found", world.patient_a1)}
    # Each listing's statement is built once per shape and shared (issue 28): after A's partner listed its
    # patient's trail, B's same query is run with B's values, not A's.
    assert trail_of(client, portal_b, f"patient_id={world.patient_a1}") == []


def test_a_patients_trail_pages_through_every_way_a_row_names_them(
    client: FlaskClient, world: World, portal_a: Headers, portal_b: Headers, admin: Headers
) -> None:
    """A patient's listing merges the rows naming them as the patient, as a refused request's target and
    among a list's patients, each walked only as far as the page needs (issue 28): page by page, newest
    first, it is the same trail, nothing repeated or left out, for the platform and the partner."""
    patient = world.patient_a1
    for _ in range(3):
        client.get(f"/v1/patients/{patient}", headers=portal_a)  # patient_id
        client.get("/v1/patients", headers=portal_a)  # among the list's patients
        client.get(f"/v1/patients/{patient}", headers=portal_b)  # B's 404: the target
        client.get(f"/v1/patients?limit=1&email={world.patient_a1}x", headers=portal_a)  # 422: not about them
    for reader in (admin, portal_a):
        whole = trail_of(client, reader, f"patient_id={patient}")
        ways = {(r["operation"], r["outcome"]) for r in whole}
        assert ways >= {("getPatient", "success"), ("listPatients", "success"), ("getPatient", "not_found")}
        paged: list[dict[str, Any]] = []
        cursor = ""
        while True:
            response = client.get(f"/v1/audit-events?limit=2&patient_id={patient}{cursor}", headers=reader)
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            paged += body["data"]
            if not body["has_more"]:
                break
            cursor = f"&cursor={body['next_cursor']}"
        # Reading the trail about a patient is itself recorded about them: those rows arrive as we page.
        whole = [r for r in whole if r["operation"] != "listAuditEvents"]
        paged = [r for r in paged if r["operation"] != "listAuditEvents"]
        assert [r["id"] for r in paged] == [r["id"] for r in whole]
        assert [r["occurred_at"] for r in whole] == sorted((r["occurred_at"] for r in whole), reverse=True)


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
    client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
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
    seal_all_pending(db, chain)
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_seals"))
    nested.rollback()


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(main, list(args))


def test_the_worker_seals_and_verify_finds_a_tampered_row(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
) -> None:
    app = cli_app
    for _ in range(3):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    before = json.loads(_cli(app, "audit", "verify").output)
    assert before["ok"] is True and before["unsealed"] >= 3
    sealed = json.loads(_cli(app, "audit", "verify", "--seal").output)
    assert sealed == {
        "full": True,  # no checkpoint yet: the whole chain
        "since_seal": None,
        "head": sealed["sealed"],
        "starts_at": 1,
        "sealed": sealed["sealed"],
        "unkeyed": 0,
        "anchored": sealed["sealed"],
        "key_id": chain.keyring.current.id,
        "unsealed": 0,
        "oldest_unsealed": None,
        "ok": True,
    }
    assert sealed["sealed"] >= 3
    # An operator with database access changes a sealed row behind the triggers' back.
    victim = db.scalars(select(AuditSeal).order_by(AuditSeal.seq.desc())).first()
    assert victim is not None
    _tamper(db, victim.audit_id)
    result = _cli(app, "audit", "verify", "--full")  # behind the checkpoint: the full walk finds it
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
    client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
) -> None:
    for _ in range(5):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    assert seal_once(db, chain, limit=2) == 2
    assert seal_once(db, chain) >= 3
    assert seal_once(db, chain) == 0
    seals = db.scalars(select(AuditSeal).order_by(AuditSeal.seq)).all()
    assert [s.seq for s in seals] == list(range(1, len(seals) + 1))
    assert {s.key_id for s in seals} == {chain.keyring.current.id}
    report = trail.verify_chain(db, chain)
    assert report.broken is None and report.unsealed == 0 and report.sealed == len(seals)
    # Each sealing anchored its head outside the database: the first batch's, then the last one's.
    assert sorted(chain.anchors.read()) == [2, len(seals)]
    assert report.anchored == len(seals)


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
    client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
) -> None:
    for _ in range(4):
        client.get(f"/v1/patients/{world.patient_a1}", headers=portal_a)
    seal_all_pending(db, chain)
    oldest = db.scalars(select(AuditSeal).order_by(AuditSeal.seq)).first()
    assert oldest is not None and oldest.seq == 1
    _purge(db, oldest.audit_id)
    report = trail.verify_chain(db, chain)
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


# --- issue 22, finding 5: someone who can write to the database, but has no key ----------------------------


@contextmanager
def _behind_the_triggers(db: Session) -> Iterator[None]:
    """What anyone who can write to the database can do: on PostgreSQL ``session_replication_role =
    replica`` skips the append-only triggers; on SQLite the triggers are dropped (in the test's
    transaction)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        db.execute(text("SET LOCAL session_replication_role = origin"))
    else:
        for table in ("audit_events", "audit_seals"):
            for verb in ("update", "delete"):
                db.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        yield
    db.flush()


GUESSED = AuditKey.of(b"dev-insecure-secret-change-me-and-some-more")


def _recompute_seals_from(db: Session, seq: int, how: str) -> None:
    """The attacker's recomputation from ``seq`` to the head, with the project's own functions: as the chain
    was before it had a key (``unkeyed``), or with a guessed key, under the real key's id (``guessed-key``)
    or its own (``guessed-key-id``). The rows' own MACs are recomputed the same way."""
    seals = db.scalars(select(AuditSeal).where(AuditSeal.seq >= seq).order_by(AuditSeal.seq)).all()
    previous = db.scalar(select(AuditSeal.chain_digest).where(AuditSeal.seq == seq - 1)) or GENESIS
    for seal in seals:
        row = db.get(AuditEvent, seal.audit_id)
        assert row is not None
        db.refresh(row)
        key_id = {"unkeyed": None, "guessed-key": seal.key_id, "guessed-key-id": GUESSED.id}[how]
        fields = {**row.chained_fields(), "key_id": key_id}
        fields.pop("row_mac", None)
        if key_id is not None:
            fields["row_mac"] = row_mac(GUESSED, fields)
        fields = {k: v for k, v in fields.items() if v is not None or k not in ("key_id", "row_mac")}
        db.execute(
            text("UPDATE audit_events SET key_id = :k, row_mac = :m WHERE id = :id"),
            {"k": key_id, "m": fields.get("row_mac"), "id": row.id},
        )
        digest = row_digest(fields)
        if key_id is None:
            previous = chain_digest(previous, digest)
        else:
            previous = seal_mac(GUESSED, seal.seq, seal.audit_id, digest, previous)
        db.execute(
            text("UPDATE audit_seals SET row_digest = :d, chain_digest = :c, key_id = :k WHERE seq = :s"),
            {"d": digest, "c": previous, "k": key_id, "s": seal.seq},
        )


def _verify(app: Flask, *args: str) -> tuple[int, dict[str, Any]]:
    result = _cli(app, "audit", "verify", *args)
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def _reads(client: FlaskClient, world: World, headers: Headers, n: int) -> None:
    for _ in range(n):
        assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("how", "found"),
    [
        ("unkeyed", "made without the key"),
        ("guessed-key", "its own MAC does not verify"),
        ("guessed-key-id", "unknown key"),
    ],
)
def test_an_edited_row_with_its_seals_recomputed_without_the_key_is_found(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session, how: str, found: str
) -> None:
    _reads(client, world, portal_a, 4)
    code, report = _verify(cli_app, "--seal")
    assert (code, report["ok"]) == (0, True)
    victim = db.scalars(select(AuditSeal).order_by(AuditSeal.seq.desc()).offset(2)).first()
    assert victim is not None
    with _behind_the_triggers(db):
        db.execute(text("UPDATE audit_events SET ip = '10.9.9.9' WHERE id = :id"), {"id": victim.audit_id})
        _recompute_seals_from(db, victim.seq, how)
    code, report = _verify(cli_app, "--full")
    assert code == 1 and report["ok"] is False, report
    broken = report["first_broken"]
    assert (broken["seq"], broken["audit_id"]) == (victim.seq, victim.audit_id)
    assert found in broken["reason"], broken


def test_a_chain_rewritten_from_its_start_without_keys_differs_from_its_anchor(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    """Every row's MAC dropped and every seal recomputed as before the chain had a key: the chain alone
    looks like an old unkeyed one; the anchor outside the database knows better."""
    _reads(client, world, portal_a, 3)
    code, report = _verify(cli_app, "--seal")
    assert (code, report["ok"]) == (0, True)
    with _behind_the_triggers(db):
        db.execute(text("UPDATE audit_events SET ip = '10.9.9.9'"))
        _recompute_seals_from(db, 1, "unkeyed")
    code, report = _verify(cli_app, "--full")
    assert code == 1 and report["first_broken"]["seq"] == report["anchored"], report
    assert "anchor" in report["first_broken"]["reason"]


@pytest.mark.parametrize("mode", [(), ("--full",)], ids=["from-checkpoint", "full"])
def test_a_truncated_chain_is_found(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session, mode: tuple[str, ...]
) -> None:
    _reads(client, world, portal_a, 3)
    code, report = _verify(cli_app, "--seal")
    assert (code, report["ok"]) == (0, True)
    last = db.scalars(select(AuditSeal).order_by(AuditSeal.seq.desc())).first()
    assert last is not None
    with _behind_the_triggers(db):
        db.execute(text("DELETE FROM audit_seals WHERE seq = :s"), {"s": last.seq})
        db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.audit_id})
    code, report = _verify(cli_app, *mode)
    assert code == 1 and report["ok"] is False, report
    assert report["first_broken"]["seq"] == last.seq and "truncated" in report["first_broken"]["reason"]


# --- issue 28, item 4: the sealer's queue and the verify from a checkpoint ------------------------------


def test_every_row_is_queued_for_its_seal_and_leaves_the_queue_when_sealed(
    client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
) -> None:
    _reads(client, world, portal_a, 3)
    written = set(db.scalars(select(AuditEvent.id)))
    assert set(db.scalars(select(AuditPending.audit_id))) == written
    seal_all_pending(db, chain)
    assert db.scalars(select(AuditPending.audit_id)).all() == []
    assert set(db.scalars(select(AuditSeal.audit_id))) == written


def test_verify_walks_only_what_was_sealed_since_its_checkpoint(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    _reads(client, world, portal_a, 3)
    code, first = _verify(cli_app, "--seal")
    assert (code, first["full"], first["since_seal"]) == (0, True, None)
    _reads(client, world, portal_a, 2)
    code, then = _verify(cli_app, "--seal")
    assert (code, then["ok"], then["full"], then["since_seal"]) == (0, True, False, first["head"])
    new_seals = db.scalar(select(func.count()).select_from(AuditSeal).where(AuditSeal.seq > first["head"]))
    assert then["sealed"] == new_seals >= 2 and then["head"] == first["head"] + new_seals
    code, full = _verify(cli_app, "--full")
    assert (code, full["full"], full["sealed"]) == (0, True, then["head"])


def test_from_its_checkpoint_verify_finds_an_edit_sealed_since(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session, chain: AuditChain
) -> None:
    _reads(client, world, portal_a, 2)
    code, checkpoint = _verify(cli_app, "--seal")
    assert code == 0
    _reads(client, world, portal_a, 3)
    seal_all_pending(db, chain)
    victim = db.scalars(select(AuditSeal).order_by(AuditSeal.seq.desc()).offset(1)).first()
    assert victim is not None and victim.seq > checkpoint["head"]
    _tamper(db, victim.audit_id)
    code, report = _verify(cli_app)
    assert (code, report["full"]) == (1, False), report
    assert report["first_broken"] == {
        "seq": victim.seq,
        "audit_id": victim.audit_id,
        "reason": "the audit row was changed after it was sealed",
    }


def test_from_its_checkpoint_verify_finds_the_checkpoint_seal_recomputed(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    _reads(client, world, portal_a, 4)
    code, checkpoint = _verify(cli_app, "--seal")
    assert code == 0
    with _behind_the_triggers(db):
        db.execute(text("UPDATE audit_events SET ip = '10.9.9.9'"))
        _recompute_seals_from(db, 1, "guessed-key")
    code, report = _verify(cli_app)
    assert code == 1 and report["first_broken"]["seq"] == checkpoint["head"], report
    assert "found whole by the verify" in report["first_broken"]["reason"]


@pytest.mark.parametrize("mode", [(), ("--full",)], ids=["from-checkpoint", "full"])
def test_a_row_taken_out_of_the_sealers_queue_is_found(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session, mode: tuple[str, ...]
) -> None:
    """The queue is no record: whoever deletes an entry so that a row is never sealed is found."""
    _reads(client, world, portal_a, 2)
    code, _ = _verify(cli_app, "--seal")
    assert code == 0
    _reads(client, world, portal_a, 2)
    hidden = db.scalars(select(AuditPending.audit_id).order_by(AuditPending.created_at)).first()
    assert hidden is not None
    db.execute(text("DELETE FROM audit_pending WHERE audit_id = :id"), {"id": hidden})
    db.flush()
    code, report = _verify(cli_app, *mode)
    assert code == 1 and report["first_broken"]["audit_id"] == hidden, report
    assert "not queued" in report["first_broken"]["reason"]


def test_an_unsealed_row_edited_before_its_seal_is_found(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, db: Session
) -> None:
    _reads(client, world, portal_a, 2)
    unsealed = db.scalars(select(AuditEvent).order_by(AuditEvent.created_at.desc())).first()
    assert unsealed is not None
    with _behind_the_triggers(db):
        db.execute(
            text("UPDATE audit_events SET outcome = 'success', ip = '10.9.9.9' WHERE id = :id"),
            {"id": unsealed.id},
        )
    code, report = _verify(cli_app)
    assert code == 1 and report["ok"] is False, report
    assert report["first_broken"]["audit_id"] == unsealed.id
    code, report = _verify(cli_app, "--seal")  # sealing it does not launder the edit
    assert code == 1 and report["first_broken"]["audit_id"] == unsealed.id, report


def test_a_keyed_chain_without_its_anchors_is_found(
    cli_app: Flask, client: FlaskClient, world: World, portal_a: Headers, anchors: Path
) -> None:
    _reads(client, world, portal_a, 2)
    code, report = _verify(cli_app, "--seal")
    assert (code, report["ok"]) == (0, True)
    for anchor_file in anchors.iterdir():
        anchor_file.unlink()
    code, report = _verify(cli_app)
    assert code == 1 and "no anchor" in report["first_broken"]["reason"], report


def test_the_key_rotates_and_a_verifier_without_the_old_key_names_it_unknown(
    make_app: Callable[..., Flask],
    client: FlaskClient,
    world: World,
    portal_a: Headers,
    anchors: Path,
    tmp_path: Path,
) -> None:
    development = load_keyring(get_settings(make_app())).current
    new_key, old_keys = tmp_path / "audit.key", tmp_path / "audit-previous.keys"
    new_key.write_text("f" * 64 + "\n")
    old_keys.write_text(f"# retired 2026-12-04\n{development.secret.decode()}\n")
    before = make_app(audit_anchor_dir=str(anchors))
    rotated = make_app(
        audit_anchor_dir=str(anchors), audit_key_file=str(new_key), audit_previous_keys_file=str(old_keys)
    )
    forgetful = make_app(audit_anchor_dir=str(anchors), audit_key_file=str(new_key))

    _reads(client, world, portal_a, 2)
    assert _verify(before, "--seal")[0] == 0
    _reads(client, world, portal_a, 2)  # rows MAC'd under the old key, sealed under the new one
    code, report = _verify(rotated, "--seal")
    assert (code, report["key_id"]) == (0, AuditKey.of(b"f" * 64).id), report
    code, report = _verify(forgetful, "--full")
    assert code == 1 and development.id in report["first_broken"]["reason"], report
    assert "unknown key" in report["first_broken"]["reason"]
    assert report["first_broken"]["seq"] == 1


def test_a_short_or_unreadable_key_stops_the_app_at_start_up(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """Whatever loads the app (telemedical run, a WSGI server importing api.wsgi, the CLI) stops at once,
    naming the variable, instead of failing at the first audited request."""
    short = tmp_path / "short.key"
    short.write_text("too-short\n")
    for key_file, named in ((short, "shorter than 32"), (tmp_path / "absent.key", "cannot read")):
        with pytest.raises(ConfigurationError, match="AUDIT_KEY_FILE") as refused:
            make_app(audit_key_file=str(key_file))
        assert named in str(refused.value)


# --- upgrading a trail written before the chain had a key (migration 0011) ---------------------------------


@pytest.fixture
def unmigrated_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (SQLite, or PostgreSQL with TEST_DATABASE_URL), not migrated yet."""
    server = config.test_database_url()
    if not server:
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"telemedical_upgrade_{secrets.token_hex(4)}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(normalize_database_url(server)).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


_TEXT_0010 = (
    "id", "actor_type", "actor_id", "client_id", "partner_id", "action", "operation", "resource_type",
    "resource_id", "patient_id", "outcome", "request_id", "ip",
)  # fmt: skip
_ROWS_0010 = Table(
    "audit_events",
    MetaData(),
    *(Column(name, String) for name in _TEXT_0010),
    Column("status", Integer),
    Column("created_at", UTCDateTime()),
    Column("resource_ids", JSON),
    Column("patient_ids", JSON),
)
_SEALS_0010 = Table(
    "audit_seals",
    MetaData(),
    Column("seq", Integer),
    Column("audit_id", String),
    Column("row_digest", String),
    Column("chain_digest", String),
    Column("sealed_at", UTCDateTime()),
)


def test_migration_0011_seals_the_waiting_rows_as_before_and_the_keyed_chain_follows(
    unmigrated_database_url: str, tmp_path: Path
) -> None:
    url = unmigrated_database_url
    upgrade(url, "0010")
    engine = make_engine(url)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rows = [
        {
            "id": f"aud_{n:026d}",
            "created_at": start + timedelta(seconds=n, microseconds=n * 1001),
            "actor_type": "partner_client",
            "actor_id": "cli_1",
            "client_id": "cli_1",
            "partner_id": "par_1",
            "action": "read",
            "operation": "getPatient",
            "resource_type": "patient",
            "resource_id": "pat_1",
            "resource_ids": [],
            "patient_id": "pat_1",
            "patient_ids": ["pat_1"],
            "outcome": "success",
            "status": 200,
            "request_id": f"req_{n}",
            "ip": "127.0.0.1",
        }
        for n in range(5)
    ]
    previous = GENESIS
    with engine.begin() as conn:  # what revision 0010's code wrote: 5 rows, the first 3 sealed
        conn.execute(_ROWS_0010.insert(), rows)
        for seq, row in enumerate(rows[:3], start=1):
            digest = row_digest(chained_fields(row))
            previous = chain_digest(previous, digest)
            conn.execute(
                _SEALS_0010.insert(),
                {"seq": seq, "audit_id": row["id"], "row_digest": digest, "chain_digest": previous,
                 "sealed_at": start + timedelta(minutes=1)},
            )  # fmt: skip

    upgrade(url)

    chain = AuditChain(Keyring(AuditKey.of(b"u" * 32)), AnchorDir(tmp_path / "anchors"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            report = trail.verify_chain(session, chain)
            assert (report.broken, report.sealed, report.unkeyed, report.unsealed) == (None, 5, 5, 0)
            trail.record(
                session,
                trail.Access(actor_type="admin", action="read", outcome="success", resource_id="pat_1"),
                chain.keyring,
            )
            session.commit()
            assert seal_once(session, chain) == 1
            report = trail.verify_chain(session, chain)
            assert (report.broken, report.sealed, report.unkeyed, report.anchored) == (None, 6, 5, 6)
    finally:
        engine.dispose()
