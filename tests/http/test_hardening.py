"""Regression tests of the hardening issue (#9): each finding reproduced as an attacker or a crowd would.

Each section names its finding. The generic defences (the spec-driven security matrix, the contract fuzzer
and the real-process concurrency tests) live in their own modules.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth.secrets import digest
from api.config import ConfigurationError, Settings, load_settings, production_problems
from api.config import test_database_url as postgres_server_url
from api.db import get_session, make_engine, sqlite_begin_statement
from api.http.ratelimit import InlineExpiryMemoryStorage
from api.logs import configure_logging
from api.models import OAuthToken, Patient, Provider, Screening, SignInThrottle, User
from api.services import accounts
from tests.care import Care, provider_row
from tests.clinical import PHQ9_MODERATE
from tests.directory import provider_body
from tests.helpers import (
    PATIENT_BODY,
    authorization_code,
    authorize_query,
    bearer,
    cc_token,
    exchange_code,
    pkce_pair,
    redirect_params,
    refresh,
    sign_in,
)
from tests.world import APP_SCOPES, REDIRECT, Creds, World

PASSWORD = "correct-horse-battery"
Headers = dict[str, str]


def _patient_token(client: FlaskClient, db: Session, world: World, email: str, patient_id: str) -> Headers:
    accounts.create_user(
        db, accounts.system_principal(), role="patient", email=email, password=PASSWORD, patient_id=patient_id
    )
    code, verifier = authorization_code(client, world.mobile_a, email, PASSWORD, scope=APP_SCOPES)
    response = exchange_code(client, world.mobile_a, code, verifier)
    assert response.status_code == 200, response.get_json()
    return bearer(response.get_json()["access_token"])


# --- Finding 1: an idempotent replay is authorised like a new request ---------------------------------
def test_another_patient_of_the_same_app_cannot_replay_a_screening(
    client: FlaskClient, db: Session, world: World
) -> None:
    alice = _patient_token(client, db, world, "alice@example.test", world.patient_a1)
    amir = _patient_token(client, db, world, "amir@example.test", world.patient_a2)
    body = {
        "patient_id": world.patient_a1,
        "instrument": "phq9",
        "answers": PHQ9_MODERATE,
        "completed_at": datetime.now(UTC).isoformat(),
    }
    key = {"Idempotency-Key": "phq9-today"}
    first = client.post("/v1/screenings", json=body, headers={**key, **alice})
    assert first.status_code == 201, first.get_json()

    stolen = client.post("/v1/screenings", json=body, headers={**key, **amir})

    assert stolen.status_code == 404, stolen.get_json()
    assert "Idempotent-Replayed" not in stolen.headers
    assert "answers" not in stolen.get_json() and "score" not in stolen.get_json()
    # Alice's own retry still replays her response.
    again = client.post("/v1/screenings", json=body, headers={**key, **alice})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    count = db.scalar(
        select(func.count()).select_from(Screening).where(Screening.patient_id == world.patient_a1)
    )
    assert count == 1


def test_a_replay_needs_the_operations_scope(client: FlaskClient, world: World) -> None:
    full = bearer(cc_token(client, world.portal_a))
    body = {
        "given_name": "Rita",
        "family_name": "Replay",
        "birth_date": "1980-01-01",
        "sex_at_birth": "female",
    }
    key = {"Idempotency-Key": "create-rita"}
    assert client.post("/v1/patients", json=body, headers={**key, **full}).status_code == 201

    narrow = bearer(cc_token(client, world.portal_a, scope="patients:read"))
    replay = client.post("/v1/patients", json=body, headers={**key, **narrow})

    assert replay.status_code == 403, replay.get_json()
    assert replay.get_json()["code"] == "insufficient_scope"
    assert "Idempotent-Replayed" not in replay.headers


def test_a_replay_with_a_revoked_token_is_401(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.portal_a)
    body = {
        "given_name": "Rosa",
        "family_name": "Revoked",
        "birth_date": "1980-01-01",
        "sex_at_birth": "female",
    }
    key = {"Idempotency-Key": "create-rosa"}
    assert client.post("/v1/patients", json=body, headers={**key, **bearer(token)}).status_code == 201
    revoked = client.post(
        "/oauth/revoke",
        data={"token": token},
        auth=(world.portal_a.client_id, world.portal_a.secret or ""),
    )
    assert revoked.status_code == 200

    replay = client.post("/v1/patients", json=body, headers={**key, **bearer(token)})

    assert replay.status_code == 401
    assert "Idempotent-Replayed" not in replay.headers


# --- Finding 7: a problem's `status` is always the HTTP status ------------------------------------------
def test_invalid_transition_names_the_state_in_current_status(client: FlaskClient, world: World) -> None:
    a = bearer(cc_token(client, world.portal_a))
    created = client.post(
        "/v1/consultations",
        json={
            "patient_id": world.patient_a1,
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
        },
        headers=a,
    )
    assert created.status_code == 201, created.get_json()
    url = f"/v1/consultations/{created.get_json()['id']}/cancel"
    assert client.post(url, headers=a).status_code == 200

    twice = client.post(url, headers=a)

    problem = twice.get_json()
    assert (twice.status_code, problem["status"], problem["code"]) == (409, 409, "invalid_transition")
    assert problem["current_status"] == "cancelled" and problem["allowed_actions"] == []


def test_plan_invalid_transition_names_the_state_in_current_status(
    client: FlaskClient, db: Session, world: World
) -> None:
    care = Care(client, db, world)
    plan = care.create_plan()
    url = f"/v1/follow-up-plans/{plan['id']}"
    assert client.post(f"{url}/revoke", json={"reason": "moved"}, headers=care.provider).status_code == 200

    again = client.post(f"{url}/hold", headers=care.provider)

    problem = again.get_json()
    assert (again.status_code, problem["status"], problem["code"]) == (409, 409, "invalid_transition")
    assert problem["current_status"] == "revoked" and problem["allowed_actions"] == []


# --- Finding 3: no PHI (nor secrets) in any log --------------------------------------------------------
LEAKY_EMAIL = "leaky.patient@example.test"


def test_a_database_error_never_logs_sql_parameters(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    def failing_insert() -> None:
        # A foreign-key violation carrying a whole patient row, as a failed insert would.
        get_session().add(
            Patient(
                partner_id="par_does_not_exist",
                given_name="Leaky",
                family_name="Parameters",
                birth_date=date(1971, 3, 14),
                sex_at_birth="female",
                email=LEAKY_EMAIL,
                phone="+14155550199",
            )
        )
        get_session().commit()

    app.add_url_rule("/insert-phi", "insert_phi", failing_insert)
    caplog.set_level(logging.DEBUG)

    response = app.test_client().get("/insert-phi")

    assert response.status_code == 500
    assert caplog.records, "the failure is logged"
    logged = caplog.text
    assert "IntegrityError" in logged  # the error itself is logged, for the operator...
    for value in (LEAKY_EMAIL, "+14155550199", "Leaky", "1971-03-14"):
        assert value not in logged  # ...never the values it was given


def test_nothing_at_debug_level_logs_phi_or_secrets(
    client: FlaskClient, db: Session, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    secret = world.portal_a.secret or ""
    portal = bearer(cc_token(client, world.portal_a))
    created = client.post(
        "/v1/patients",
        json={**PATIENT_BODY, "email": LEAKY_EMAIL, "external_id": "mrn-0042"},
        headers=portal,
    )
    assert created.status_code == 201
    assert client.get(f"/v1/patients?email={LEAKY_EMAIL}", headers=portal).status_code == 200
    alice = _patient_token(client, db, world, "alice@example.test", world.patient_a1)
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=alice).status_code == 200

    logged = caplog.text
    for value in (secret, PASSWORD, LEAKY_EMAIL, "alice@example.test", PATIENT_BODY["phone"], "mrn-0042"):
        assert value not in logged
    assert "email=" not in logged and portal["Authorization"][7:] not in logged


# --- Finding 8: a real deployment refuses to start on development secrets ----------------------------------
TELEMEDICAL = str(Path(sys.executable).with_name("telemedical"))
STRONG_SECRET = "s" * 40


def _start(tmp_path: Path, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "ISSUER": "https://api.telemedical.example",
    }
    try:
        return subprocess.run(
            [TELEMEDICAL, *command], env={**base, **env}, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`telemedical {' '.join(command)}` started instead of refusing")


@pytest.fixture
def key_file(tmp_path: Path) -> str:
    path = tmp_path / "signing-key.pem"
    path.write_bytes(RSAKey.generate_key(2048, private=True).as_pem(private=True))
    return str(path)


@pytest.mark.parametrize("command", [["run", "--port", "0"], ["worker", "--once"]])
def test_a_real_deployment_refuses_to_start_without_its_secrets(tmp_path: Path, command: list[str]) -> None:
    """The wiring, in a real process per command; which settings are refused is the next test's."""
    result = _start(tmp_path, command)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({}, "SECRET_KEY"),
        ({"secret_key": "dev-insecure-secret-change-me"}, "SECRET_KEY"),
        ({"secret_key": "too-short-for-production"}, "SECRET_KEY"),
        ({"secret_key": STRONG_SECRET}, "JWT_PRIVATE_KEY_FILE"),
        (
            {"secret_key": STRONG_SECRET, "jwt_private_key_file": "/k.pem", "webhook_allow_loopback": True},
            "WEBHOOK_ALLOW_LOOPBACK",
        ),
        ({"secret_key": STRONG_SECRET, "jwt_private_key_file": "/k.pem"}, "AUDIT_KEY_FILE"),
        ({"secret_key": STRONG_SECRET, "audit_key_file": "/a.key"}, "AUDIT_ANCHOR_DIR"),
    ],
    ids=[
        "no-secret",
        "dev-default",
        "short",
        "no-signing-key",
        "webhooks-to-loopback",
        "no-audit-key",
        "no-audit-anchors",
    ],
)
def test_each_development_setting_is_named_in_production(overrides: dict[str, Any], named: str) -> None:
    problems = production_problems(Settings(issuer="https://api.telemedical.example", **overrides))
    assert any(named in problem for problem in problems), problems
    complete = {
        "secret_key": STRONG_SECRET,
        "jwt_private_key_file": "/k.pem",
        "audit_key_file": "/a.key",
        "audit_anchor_dir": "/anchors",
    }
    assert production_problems(Settings(issuer="https://api.telemedical.example", **complete)) == []


@pytest.mark.parametrize(
    "issuer",
    [
        "HTTPS://api.telemedical.example",
        "Https://API.Telemedical.Example/",
        " https://api.telemedical.example",
    ],
)
def test_an_https_issuer_in_any_case_is_a_real_deployment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key_file: str, issuer: str
) -> None:
    """Issue 22, finding 9: ``ISSUER=HTTPS://…`` started with the development secrets and loopback webhooks,
    and the sign-in cookie lost ``Secure``. Scheme and host are case-insensitive (RFC 3986 §3.1, §3.2.2)."""
    monkeypatch.setenv("ISSUER", issuer)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    settings = load_settings()
    assert settings.issuer == "https://api.telemedical.example"
    assert settings.is_production
    assert any("SECRET_KEY" in problem for problem in production_problems(settings))
    deployed = settings.with_overrides(
        secret_key=STRONG_SECRET,
        jwt_private_key_file=key_file,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        instance_dir=tmp_path,
    )
    assert create_app(deployed).config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "issuer",
    [
        "ftp://api.example",
        "https://",
        "https://api.example/?x=1",
        "https://u:p@api.example",
        "https://a:port",
    ],
)
def test_an_issuer_that_is_not_a_base_url_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, issuer: str
) -> None:
    monkeypatch.setenv("ISSUER", issuer)
    with pytest.raises(ConfigurationError, match="ISSUER"):
        load_settings()


def test_a_server_loading_the_app_directly_refuses_too(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "ISSUER": "https://api.telemedical.example",
        "INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import api.wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_real_deployment_starts_with_its_secrets(tmp_path: Path, key_file: str) -> None:
    audit_key = tmp_path / "audit.key"
    audit_key.write_text("a" * 64)
    secrets = {
        "SECRET_KEY": STRONG_SECRET,
        "JWT_PRIVATE_KEY_FILE": key_file,
        "AUDIT_KEY_FILE": str(audit_key),
        "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
    }
    assert _start(tmp_path, ["db", "upgrade"], **secrets).returncode == 0

    result = _start(tmp_path, ["worker", "--once"], **secrets)

    assert result.returncode == 0, result.stderr


# --- Finding 2: a user signs in only through a client of their own tenant ------------------------------
CLINICIAN_APP_SCOPES = "patients:read consultations:read consultations:write plans:read plans:write"


@pytest.fixture
def clinician_app(db: Session) -> Creds:
    """A platform (no partner) public client: where providers and admins sign in."""
    app, _ = accounts.create_client(
        db,
        accounts.system_principal(),
        None,
        name="Clinician app",
        grant_type="authorization_code",
        scope=CLINICIAN_APP_SCOPES,
        redirect_uris=[REDIRECT],
        public=True,
    )
    return Creds(app.id, None)


def _user(db: Session, world: World, role: str, email: str) -> None:
    links: dict[str, Any] = {
        "admin": {},
        "provider": {"provider_id": provider_row(db, "1234567893") if role == "provider" else None},
        "patient_a": {"patient_id": world.patient_a1},
        "patient_b": {"patient_id": world.patient_b1},
    }[role]
    accounts.create_user(
        db,
        accounts.system_principal(),
        role=role.partition("_")[0],
        email=email,
        password=PASSWORD,
        **links,
    )


def _sign_in_redirect(client: FlaskClient, app: Creds, email: str, scope: str) -> dict[str, str]:
    _, challenge = pkce_pair()
    return redirect_params(sign_in(client, authorize_query(app, challenge, scope=scope), email, PASSWORD))


@pytest.mark.parametrize(
    ("role", "through"),
    [
        ("admin", "partner_app"),
        ("provider", "partner_app"),
        ("patient_b", "partner_app"),  # a patient of partner B through partner A's app
        ("patient_a", "clinician_app"),  # a patient through the platform's clinician app
    ],
)
def test_signing_in_through_another_tenants_client_is_access_denied(
    client: FlaskClient, db: Session, world: World, clinician_app: Creds, role: str, through: str
) -> None:
    _user(db, world, role, f"{role}@example.test")
    app, scope = (
        (world.mobile_a, "patients:read") if through == "partner_app" else (clinician_app, "patients:read")
    )

    params = _sign_in_redirect(client, app, f"{role}@example.test", scope)

    assert params.get("error") == "access_denied" and "code" not in params
    assert params["state"] == "st4te"


@pytest.mark.parametrize(
    ("role", "through"),
    [("admin", "clinician_app"), ("provider", "clinician_app"), ("patient_a", "partner_app")],
)
def test_signing_in_through_a_client_of_ones_own_tenant_works(
    client: FlaskClient, db: Session, world: World, clinician_app: Creds, role: str, through: str
) -> None:
    _user(db, world, role, f"{role}@example.test")
    app = world.mobile_a if through == "partner_app" else clinician_app
    verifier, challenge = pkce_pair()
    params = redirect_params(
        sign_in(client, authorize_query(app, challenge), f"{role}@example.test", PASSWORD)
    )
    assert exchange_code(client, app, params["code"], verifier).status_code == 200


def test_a_wrong_password_is_still_just_a_wrong_password(
    client: FlaskClient, db: Session, world: World
) -> None:
    _user(db, world, "admin", "root@example.test")
    _, challenge = pkce_pair()
    page = sign_in(
        client, authorize_query(world.mobile_a, challenge), "root@example.test", "not-the-password"
    )
    assert page.status_code == 401 and "Wrong email or password" in page.get_data(as_text=True)


def test_a_token_issued_through_another_tenants_client_cannot_be_refreshed(
    client: FlaskClient, db: Session, world: World
) -> None:
    """Tokens issued before the rule existed (here: forged into the store) are not renewed."""
    _user(db, world, "admin", "root@example.test")
    admin = db.scalar(select(User).where(User.email == "root@example.test"))
    assert admin is not None
    refresh_token = "legacy-refresh-token-issued-through-a-partner-app"
    db.add(
        OAuthToken(
            jti="legacy-jti",
            family_id="legacy-jti",
            client_id=world.mobile_a.client_id,
            user_id=admin.id,
            grant_type="authorization_code",
            scope="patients:read",
            issued_at=datetime.now(UTC),
            access_expires_at=datetime.now(UTC),
            refresh_digest=digest(refresh_token),
            refresh_expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    )
    db.commit()

    response = refresh(client, world.mobile_a, refresh_token)

    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


# --- Findings 4 and 5: concurrent writers wait their turn; a lock wait that runs out is a 503 -------------
# The crowd itself (real server processes on SQLite and PostgreSQL: zero 5xx, one winner per If-Match) is
# tests/concurrency/test_live_concurrency.py. Here: the answer when the database stays busy past its timeout.
def test_a_database_busy_past_its_timeout_is_503_with_retry_after(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    def locked() -> None:
        raise OperationalError(
            "UPDATE patients SET phone=?", ("+14155550199",), sqlite3.OperationalError("database is locked")
        )

    app.add_url_rule("/locked", "locked", locked)

    response = app.test_client().get("/locked")

    problem = response.get_json()
    assert (response.status_code, problem["status"], problem["code"]) == (503, 503, "service_unavailable")
    assert response.headers["Retry-After"] == "1"
    assert "+14155550199" not in caplog.text and "UPDATE patients" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "statement"),
    [
        ("GET", "BEGIN"),
        ("HEAD", "BEGIN"),
        ("POST", "BEGIN IMMEDIATE"),
        ("PATCH", "BEGIN IMMEDIATE"),
        ("PUT", "BEGIN IMMEDIATE"),
    ],
)
def test_sqlite_writers_take_the_write_lock_up_front(app: Flask, method: str, statement: str) -> None:
    with app.test_request_context("/v1/patients", method=method):
        assert sqlite_begin_statement() == statement


def test_sqlite_work_outside_a_request_takes_the_write_lock_up_front() -> None:
    assert sqlite_begin_statement() == "BEGIN IMMEDIATE"


# --- Finding 6: bad input is a 4xx problem naming the offending part, never a 5xx ------------------------
@pytest.fixture
def portal(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


def _pointers(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    return [error["pointer"] for error in problem.get("errors", [])]


@pytest.mark.parametrize(
    ("url", "pointer"),
    [
        ("/v1/patients?email=%00", "/email"),
        ("/v1/patients?external_id=a%00b", "/external_id"),
        ("/v1/consultations?patient_id=pat_%00", "/patient_id"),
        ("/v1/providers?specialty=%00", "/specialty"),
        ("/v1/patients/pat_%00x", "/patient_id"),
        ("/v1/follow-up-plans/pln_x/tasks/tsk_%00", "/task_id"),
    ],
)
def test_a_nul_byte_in_the_url_is_422(client: FlaskClient, portal: Headers, url: str, pointer: str) -> None:
    assert _pointers(client.get(url, headers=portal), 422) == [pointer]


def test_a_nul_byte_in_a_json_string_is_422_and_nothing_is_stored(
    client: FlaskClient, portal: Headers, db: Session
) -> None:
    before = db.scalar(select(func.count()).select_from(Patient))
    body = {
        **PATIENT_BODY,
        "given_name": "Ada\u0000",
        "address": {**PATIENT_BODY["address"], "city": "\u0000"},
    }
    response = client.post("/v1/patients", json=body, headers=portal)
    assert sorted(_pointers(response, 422)) == ["/address/city", "/given_name"]
    assert db.scalar(select(func.count()).select_from(Patient)) == before


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE"])
def test_a_method_the_operation_lacks_is_405_whatever_its_body_holds(
    client: FlaskClient, portal: Headers, method: str
) -> None:
    """Routing answers first: a body with a NUL byte sent with a method the path does not take is 405 (the
    method is the error), not 422 about a field no operation reads."""
    response = client.open(
        "/v1/follow-up-plans/pln_x/activate", method=method, json={"reason": "a\u0000b"}, headers=portal
    )
    assert response.status_code == 405, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "POST" in response.headers["Allow"]


def test_a_nul_byte_after_a_valid_timestamp_is_not_cut_off(
    client: FlaskClient, portal: Headers, world: World
) -> None:
    body = {"type": "telehealth", "version": "1", "accepted_at": "2026-01-02T09:00:00Z\u0000junk"}
    response = client.post(f"/v1/patients/{world.patient_a1}/consents", json=body, headers=portal)
    assert _pointers(response, 422) == ["/accepted_at"]


def test_a_lone_surrogate_is_422(client: FlaskClient, portal: Headers) -> None:
    raw = json.dumps({**PATIENT_BODY, "family_name": "x"}).replace('"x"', '"\\ud800"')
    response = client.post("/v1/patients", data=raw, content_type="application/json", headers=portal)
    assert _pointers(response, 422) == ["/family_name"]


@pytest.mark.parametrize("digits", [25, 5000])
def test_a_huge_integer_is_422(client: FlaskClient, portal: Headers, digits: int) -> None:
    body = {
        "patient_id": "pat_x",
        "instrument": "phq9",
        "answers": [1] * 8,
        "completed_at": "2026-01-02T09:00:00Z",
    }
    raw = json.dumps(body).replace(
        "[1, 1, 1, 1, 1, 1, 1, 1]", "[1, 1, 1, 1, 1, 1, 1, 1, " + "9" * digits + "]"
    )
    response = client.post("/v1/screenings", data=raw, content_type="application/json", headers=portal)
    assert _pointers(response, 422) == ["/answers/8"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_number_is_422(client: FlaskClient, portal: Headers, world: World, literal: str) -> None:
    raw = (
        f'{{"patient_id": "{world.patient_a1}", "conditions": ["ocd"], "patient_location_state": {literal}}}'
    )
    response = client.post("/v1/consultations", data=raw, content_type="application/json", headers=portal)
    assert _pointers(response, 422) == ["/patient_location_state"]


def test_json_nested_too_deep_is_a_problem(client: FlaskClient, portal: Headers) -> None:
    for depth, status in ((1000, 400), (5000, 400), (100, 422)):
        raw = '{"given_name": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/v1/patients", data=raw, content_type="application/json", headers=portal)
        assert response.status_code == status, (depth, response.get_data(as_text=True)[:200])
        assert response.mimetype == "application/problem+json"


def test_a_body_of_ninety_thousand_unknown_keys_gets_a_small_problem(
    client: FlaskClient, portal: Headers, db: Session
) -> None:
    """Issue 22, finding 14: a 0.98 MB body of 90,000 unknown keys was answered with a 6.5 MB 422."""
    body = {**PATIENT_BODY, **{f"k{i:05}": 0 for i in range(90_000)}}
    raw = json.dumps(body, separators=(",", ":"))
    assert len(raw) < 1024 * 1024
    before = db.scalar(select(func.count()).select_from(Patient))

    response = client.post("/v1/patients", data=raw, content_type="application/json", headers=portal)

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert len(response.get_data()) < 20_000
    problem = response.get_json()
    assert len(problem["errors"]) == 100 and problem["errors"][0]["code"] == "unknown_field"
    assert "100 of 90,000" in problem["detail"]
    assert db.scalar(select(func.count()).select_from(Patient)) == before


@pytest.mark.parametrize(
    "url",
    [
        "/v1/consultations?created_after=0001-01-01T00:00:00%2B14:00",
        "/v1/consultations?created_after=9999-12-31T23:59:59-14:00",
        "/v1/consultations?created_after=1899-12-31T23:59:59Z",
    ],
)
def test_an_out_of_range_timestamp_in_a_query_is_422(client: FlaskClient, portal: Headers, url: str) -> None:
    assert _pointers(client.get(url, headers=portal), 422) == ["/created_after"]


def test_out_of_range_slot_windows_are_422(client: FlaskClient, portal: Headers, db: Session) -> None:
    provider = Provider(
        npi="1234567893",
        given_name="Edge",
        family_name="Case",
        credential="MD",
        max_active_patients=5,
        timezone="Pacific/Kiritimati",
    )
    db.add(provider)
    db.commit()
    url = f"/v1/providers/{provider.id}/slots?from=9999-12-31T00:00:00-14:00&to=9999-12-31T23:59:59-14:00"
    assert sorted(_pointers(client.get(url, headers=portal), 422)) == ["/from", "/to"]


@pytest.mark.parametrize("accepted_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_an_out_of_range_timestamp_in_a_body_is_422(
    client: FlaskClient, portal: Headers, world: World, accepted_at: str
) -> None:
    body = {"type": "telehealth", "version": "1", "accepted_at": accepted_at}
    response = client.post(f"/v1/patients/{world.patient_a1}/consents", json=body, headers=portal)
    assert _pointers(response, 422) == ["/accepted_at"]


def test_an_out_of_range_date_in_a_body_is_422(client: FlaskClient, db: Session, world: World) -> None:
    care = Care(client, db, world)
    response = client.post(
        "/v1/follow-up-plans", json=care.plan_body(start_date="9999-12-31"), headers=care.provider
    )
    assert _pointers(response, 422) == ["/start_date"]


def _forged_cursor(payload: dict[str, Any], secret: str = "test-secret") -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    signature = hmac.new(secret.encode(), b"cursor:" + raw, hashlib.sha256).digest()[:16]
    b64 = lambda data: base64.urlsafe_b64encode(data).decode().rstrip("=")  # noqa: E731
    return f"{b64(raw)}.{b64(signature)}"


@pytest.mark.parametrize(
    "payload",
    [
        {"l": "patients", "t": "2026-01-01T00:00:00", "i": "pat_x"},  # naive time
        {"l": "patients", "t": "0001-01-01T00:00:00+14:00", "i": "pat_x"},  # overflows in UTC
        {"l": "patients", "t": "9999-12-31T23:59:59-14:00", "i": "pat_x"},
        {"l": "patients", "t": "2026-01-01T00:00:00+00:00", "i": 7},  # not an id
        {"l": "patients", "t": "2026-01-01T00:00:00+00:00", "i": "pat_\u0000"},
        {"l": "patients", "t": "2026-01-01T00:00:00+00:00"},
    ],
)
def test_a_cursor_signed_with_the_secret_but_holding_garbage_is_400(
    client: FlaskClient, portal: Headers, payload: dict[str, Any]
) -> None:
    response = client.get(f"/v1/patients?cursor={_forged_cursor(payload)}", headers=portal)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor"


def test_a_chunked_body_over_the_limit_is_413(make_app: Callable[..., Flask], world: World) -> None:
    app = make_app(max_content_length=2048)
    client = app.test_client()
    portal = bearer(cc_token(client, world.portal_a))
    body = json.dumps({**PATIENT_BODY, "given_name": "x" * 3000}).encode()

    response = client.post(
        "/v1/patients",
        input_stream=io.BytesIO(body),
        headers={**portal, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == 413 and response.get_json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        ("/v1/patients?email=" + "x" * 4100, {}, 414, "uri_too_long"),
        # Percent-escapes count as sent: 1,400 escaped characters are 4,200 bytes of request line.
        ("/v1/patients/" + "%C3%A9" * 700, {}, 414, "uri_too_long"),
        ("/v1/patients", {"X-Big": "v" * 8190}, 431, "request_header_fields_too_large"),
    ],
    ids=["long-query", "long-escaped-path", "big-header"],
)
def test_requests_over_the_stated_size_limits_are_problems_before_any_work(
    client: FlaskClient, portal: Headers, path: str, headers: dict[str, str], status: int, code: str
) -> None:
    response = client.get(path, headers={**portal, **headers})
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == code


@pytest.mark.parametrize("character", ["x", "\u00e9", "\u20ac", "\U0001f600"])
def test_the_request_line_is_measured_as_sent_on_either_side_of_the_limit(character: str) -> None:
    """The path is measured escaped, as a client sends it ("é" is "%C3%A9", 6 bytes): a line one byte over
    the limit is 414 and one at the limit passes, whatever the path's characters, however long."""
    from urllib.parse import quote

    from api.errors import UriTooLong
    from api.http.input_guard import MAX_REQUEST_LINE, check_request_size

    escaped = len(quote(character))
    fixed = len("GET ") + len(" HTTP/1.1") + len("/p/")
    for count in range(1, MAX_REQUEST_LINE // escaped + 2):
        environ = {
            "REQUEST_METHOD": "GET",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "PATH_INFO": "/p/" + character * count,
        }
        line = fixed + escaped * count
        if line > MAX_REQUEST_LINE:
            with pytest.raises(UriTooLong):
                check_request_size(environ)
        else:
            check_request_size(environ)


def test_requests_at_the_stated_size_limits_are_served(client: FlaskClient, portal: Headers) -> None:
    # A long value of a parameter the operation takes (an unknown one is 422 unknown_parameter).
    line_room = 4094 - len("GET /v1/patients?limit=1&external_id= HTTP/1.1")
    response = client.get(
        "/v1/patients?limit=1&external_id=" + "x" * line_room,
        headers={**portal, "X-Pad": "v" * (8190 - len("X-Pad: "))},
    )
    assert response.status_code == 200


def test_a_chunked_body_under_the_limit_is_read_whole(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(max_content_length=2048).test_client()
    portal = bearer(cc_token(client, world.portal_a))
    response = client.post(
        "/v1/patients",
        input_stream=io.BytesIO(json.dumps(PATIENT_BODY).encode()),
        headers={**portal, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 201 and response.get_json()["given_name"] == PATIENT_BODY["given_name"]


def test_the_token_endpoint_refuses_a_nul_byte_in_rfc6749_form(client: FlaskClient) -> None:
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "cli_\u0000", "client_secret": "x"},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_the_sign_in_page_refuses_a_nul_byte(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    response = client.post(
        f"/oauth/authorize?{authorize_query(world.mobile_a, challenge)}",
        data={"email": "a\u0000@example.test", "password": "x", "decision": "allow", "csrf_token": "x"},
    )
    assert 400 <= response.status_code < 500


# --- Found by the security matrix: a clinician-only action on another tenant's case is 404, not 403 -------
@pytest.mark.parametrize("action", ["review", "start", "complete"])
def test_clinician_actions_hide_another_tenants_case(client: FlaskClient, world: World, action: str) -> None:
    a, b = bearer(cc_token(client, world.portal_a)), bearer(cc_token(client, world.portal_b))
    body = {"patient_id": world.patient_b1, "conditions": ["ocd"], "patient_location_state": "NY"}
    theirs = client.post("/v1/consultations", json=body, headers=b).get_json()["id"]

    valid = {
        "review": {"decision": "approve", "note": "Reviewed"},
        "start": {
            "modality": "audio_video",
            "patient_location_state": "NY",
            "identity_verified": True,
            "identity_method": "photo_id",
        },
        "complete": {"outcome": "treatment_recommended", "summary": "Seen"},
    }[action]

    foreign = client.post(f"/v1/consultations/{theirs}/{action}", json=valid, headers=a)
    own = client.post(f"/v1/consultations/{theirs}/{action}", json=valid, headers=b)

    assert (foreign.status_code, foreign.get_json()["code"]) == (404, "not_found")
    assert (own.status_code, own.get_json()["code"]) == (403, "forbidden")


# --- Finding 11a: a constraint violation answers with the conflict it is, never another's code -------------
def test_a_repeated_licence_is_422_not_npi_taken(client: FlaskClient, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    licence = {"state": "NY", "number": "NY-209311", "status": "active", "expires_on": "2030-01-01"}
    response = client.post("/v1/providers", json=provider_body(licenses=[licence, licence]), headers=admin)
    assert _pointers(response, 422) == ["/licenses/1/number"]


def test_a_repeated_site_is_422(client: FlaskClient, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    site = {"name": "Midtown clinic", "state": "NY", "rems_certified": True}
    response = client.post("/v1/providers", json=provider_body(sites=[site, site]), headers=admin)
    assert _pointers(response, 422) == ["/sites/1/name"]


def test_patching_in_another_providers_npi_is_409_npi_taken(client: FlaskClient, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    first = client.post("/v1/providers", json=provider_body(), headers=admin).get_json()
    second = client.post("/v1/providers", json=provider_body(), headers=admin).get_json()
    etag = client.get(f"/v1/providers/{second['id']}", headers=admin).headers["ETag"]

    response = client.patch(
        f"/v1/providers/{second['id']}", json={"npi": first["npi"]}, headers={**admin, "If-Match": etag}
    )

    assert response.status_code == 409 and response.get_json()["code"] == "npi_taken"
    assert _pointers(response, 409) == ["/npi"]


def test_a_duplicate_external_id_is_409_external_id_taken(client: FlaskClient, world: World) -> None:
    portal = bearer(cc_token(client, world.portal_a))
    body = {**PATIENT_BODY, "external_id": "mrn-7"}
    assert client.post("/v1/patients", json=body, headers=portal).status_code == 201
    again = client.post("/v1/patients", json=body, headers=portal)
    assert again.status_code == 409 and again.get_json()["code"] == "external_id_taken"


def test_an_unknown_integrity_error_is_not_dressed_up_as_a_conflict() -> None:
    from api.services.integrity import violated_constraint

    error = IntegrityError("INSERT", {}, sqlite3.IntegrityError("NOT NULL constraint failed: providers.npi"))
    assert violated_constraint(error) is None
    unique = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: providers.npi"))
    assert violated_constraint(unique) == "uq_providers_npi"
    pair = IntegrityError(
        "INSERT",
        {},
        sqlite3.IntegrityError("UNIQUE constraint failed: patients.partner_id, patients.external_id"),
    )
    assert violated_constraint(pair) == "uq_patients_partner_id_external_id"


# --- Finding 9: the spec describes exactly what the server does ------------------------------------------
@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return dict(client.get("/v1/openapi.json").get_json())


def _problem_validator(spec: dict[str, Any]) -> Any:
    schemas = spec["components"]["schemas"]
    return jsonschema_rs.Draft202012Validator({"components": {"schemas": schemas}, **schemas["Problem"]})


def test_problems_with_extension_members_match_the_problem_schema(
    client: FlaskClient, world: World, spec: dict[str, Any]
) -> None:
    a = bearer(cc_token(client, world.portal_a))
    body = {"patient_id": world.patient_a1, "conditions": ["ocd"], "patient_location_state": "NY"}
    url = f"/v1/consultations/{client.post('/v1/consultations', json=body, headers=a).get_json()['id']}"
    client.post(f"{url}/cancel", headers=a)
    transition = client.post(f"{url}/cancel", headers=a).get_json()
    unconsented = client.post("/v1/patients", json=PATIENT_BODY, headers=a).get_json()["id"]
    consent = client.post("/v1/consultations", json={**body, "patient_id": unconsented}, headers=a).get_json()
    assert transition["code"] == "invalid_transition" and consent["code"] == "consent_required"

    validator = _problem_validator(spec)
    for problem in (transition, consent):
        assert list(validator.iter_errors(problem)) == []
        declared = set(spec["components"]["schemas"]["Problem"]["properties"])
        assert set(problem) <= declared, set(problem) - declared  # every member the server sends is named


def test_the_spec_states_the_rules_the_server_enforces(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    provider = schemas["ProviderCreate"]["properties"]
    assert "IANA" in provider["timezone"]["description"]
    assert "IANA" in schemas["PatientCreate"]["properties"]["timezone"]["description"]
    assert schemas["DeaRegistration"]["properties"]["schedules"]["uniqueItems"] is True
    for name in ("languages", "specialties", "routes_offered"):
        assert provider[name]["uniqueItems"] is True
    assert provider["languages"]["items"]["maxLength"] == 35
    assert schemas["PatientCreate"]["properties"]["preferred_language"]["maxLength"] == 35
    slots = next(
        p
        for p in spec["paths"]["/v1/providers/{provider_id}/slots"]["get"]["parameters"]
        if p["name"] == "to"
    )
    assert "after `from`" in slots["description"]


def test_a_language_tag_longer_than_its_column_is_422(client: FlaskClient, portal: Headers) -> None:
    tag = "en-" + "-".join(["abcde"] * 7)  # a well-formed BCP 47 tag of 44 characters
    response = client.post("/v1/patients", json={**PATIENT_BODY, "preferred_language": tag}, headers=portal)
    assert _pointers(response, 422) == ["/preferred_language"]


# --- Finding 11b and c: the docs page needs no CDN; /metrics needs an admin token -----------------------
def test_the_docs_page_loads_swagger_ui_from_the_service_itself(client: FlaskClient) -> None:
    page = client.get("/v1/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/v1/docs/assets/") for asset in assets), assets
    assert "cdn" not in page and "https://" not in page
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.data) > 1000, asset
    assert client.get("/v1/docs/assets/VERSION").get_data(as_text=True).startswith("v5.")


def test_the_docs_page_signs_in_through_its_own_redirect_page_with_pkce(
    client: FlaskClient, db: Session, settings: Any
) -> None:
    """Swagger UI's "Authorize" (authorization code) came back to /v1/docs/oauth2-redirect.html, a 404; it now
    returns to the redirect page served with the assets, as the seeded docs client, with PKCE."""
    from api.config import DOCS_CLIENT_ID, DOCS_REDIRECT_PATH
    from api.demo import seed_demo

    page = client.get("/v1/docs").get_data(as_text=True)
    redirect = f"{settings.issuer}{DOCS_REDIRECT_PATH}"
    config = re.search(r"var override_config = (\{.*\});", page)
    assert config is not None, page
    assert json.loads(config.group(1)) == {
        "oauth2RedirectUrl": redirect,
        "initOAuth": {"clientId": DOCS_CLIENT_ID, "usePkceWithAuthorizationCodeGrant": True},
    }
    landing = client.get(DOCS_REDIRECT_PATH)
    assert landing.status_code == 200 and "oauth2-redirect" in landing.get_data(as_text=True)
    seed_demo(db, settings)
    docs_client = Creds(DOCS_CLIENT_ID, None)
    _, challenge = pkce_pair()
    here = authorize_query(docs_client, challenge, redirect_uri=redirect)
    assert client.get(f"/oauth/authorize?{here}").status_code == 200
    elsewhere = authorize_query(docs_client, challenge, redirect_uri="http://127.0.0.1:8765/callback")
    assert client.get(f"/oauth/authorize?{elsewhere}").status_code == 400


def test_metrics_need_an_admin_token(client: FlaskClient, world: World) -> None:
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
    partner = client.get("/metrics", headers=bearer(cc_token(client, world.portal_a)))
    assert partner.status_code == 403 and partner.get_json()["code"] == "insufficient_scope"
    admin = client.get("/metrics", headers=bearer(cc_token(client, world.admin)))
    assert admin.status_code == 200 and "http_requests_total" in admin.get_data(as_text=True)


# --- Finding 10b: a growing delay after repeated wrong passwords, per account and address since issue 22 ----
# (a guesser elsewhere no longer locks the patient out, and the account's ceiling: tests/http/test_oauth.py)
def _attempt(client: FlaskClient, app: Creds, email: str, password: str, ip: str) -> Any:
    _, challenge = pkce_pair()
    query = authorize_query(app, challenge)
    page = client.get(f"/oauth/authorize?{query}", environ_base={"REMOTE_ADDR": ip})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf
    return client.post(
        f"/oauth/authorize?{query}",
        data={"csrf_token": csrf.group(1), "email": email, "password": password, "decision": "allow"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_five_wrong_passwords_make_the_account_wait_at_that_address(
    client: FlaskClient, db: Session, world: World
) -> None:
    _user(db, world, "patient_a", "alice@example.test")
    for _ in range(5):
        wrong = _attempt(client, world.mobile_a, "alice@example.test", "wrong-password", "192.0.2.77")
        assert wrong.status_code == 401

    throttled = _attempt(client, world.mobile_a, "alice@example.test", PASSWORD, "192.0.2.77")

    assert throttled.status_code == 429
    assert 25 <= int(throttled.headers["Retry-After"]) <= 30
    assert "Too many attempts" in throttled.get_data(as_text=True)
    assert "Location" not in throttled.headers  # no code, even with the right password
    # Another account is not affected.
    _user(db, world, "patient_b", "bea@example.test")
    assert (
        _attempt(client, world.mobile_a, "bea@example.test", "wrong-password", "192.0.2.77").status_code
        == 401
    )


def test_after_the_wait_the_right_password_works_and_clears_the_count(
    client: FlaskClient, db: Session, world: World
) -> None:
    _user(db, world, "patient_a", "alice@example.test")
    for _ in range(5):
        _attempt(client, world.mobile_a, "alice@example.test", "wrong-password", "10.0.0.1")
    throttle = db.scalar(select(SignInThrottle).where(SignInThrottle.blocked_until.is_not(None)))
    assert throttle is not None and throttle.failures == 5
    throttle.blocked_until = datetime.now(UTC) - timedelta(seconds=1)  # the 30 seconds have passed
    db.commit()

    signed_in = _attempt(client, world.mobile_a, "alice@example.test", PASSWORD, "10.0.0.1")

    assert signed_in.status_code == 302 and "code=" in signed_in.headers["Location"]
    db.expire_all()
    # The address's record is gone; the account's ceiling (5 of 20, no wait) forgets on its own time.
    left = db.scalars(select(SignInThrottle)).all()
    assert [(t.failures, t.blocked_until) for t in left] == [(5, None)]


def test_failing_after_the_wait_waits_longer_up_to_fifteen_minutes(
    client: FlaskClient, db: Session, world: World
) -> None:
    for _ in range(12):
        db.expire_all()  # read what the requests wrote
        for throttle in db.scalars(select(SignInThrottle)):
            throttle.blocked_until = None  # each wait has passed
        db.commit()
        _attempt(client, world.mobile_a, "nobody@example.test", "wrong-password", "10.0.0.1")
    refused = _attempt(client, world.mobile_a, "nobody@example.test", "wrong-password", "10.0.0.1")
    assert refused.status_code == 429 and 890 <= int(refused.headers["Retry-After"]) <= 900
    db.expire_all()
    assert db.scalar(select(func.max(SignInThrottle.failures))) == 12


# --- Found by the contract fuzzer: a required body must be sent; a user's links must exist ----------------
def test_a_patch_without_a_body_is_422_not_an_empty_change(
    client: FlaskClient, portal: Headers, world: World
) -> None:
    etag = client.get(f"/v1/patients/{world.patient_a1}", headers=portal).headers["ETag"]
    response = client.patch(f"/v1/patients/{world.patient_a1}", headers={**portal, "If-Match": etag})
    assert _pointers(response, 422) == ["/"]
    empty_object = client.patch(
        f"/v1/patients/{world.patient_a1}", json={}, headers={**portal, "If-Match": etag}
    )
    assert empty_object.status_code == 200  # an empty change is still a change request


def test_an_optional_body_may_be_left_out(client: FlaskClient, portal: Headers, world: World) -> None:
    body = {"patient_id": world.patient_a1, "conditions": ["ocd"], "patient_location_state": "NY"}
    consultation = client.post("/v1/consultations", json=body, headers=portal).get_json()["id"]
    assert client.post(f"/v1/consultations/{consultation}/cancel", headers=portal).status_code == 200


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"role": "provider", "provider_id": "prv_nobody"}, ["/provider_id"]),
        ({"role": "provider"}, ["/provider_id"]),
        ({"role": "admin", "provider_id": "prv_x", "patient_id": "pat_x"}, ["/patient_id", "/provider_id"]),
        ({"role": "patient", "patient_id": "pat_nobody"}, ["/patient_id"]),
    ],
)
def test_a_users_links_must_name_existing_records_of_its_role(
    client: FlaskClient, world: World, body: dict[str, str], pointers: list[str]
) -> None:
    admin = bearer(cc_token(client, world.admin))
    response = client.post(
        "/v1/users", json={"email": "new@example.test", "password": PASSWORD, **body}, headers=admin
    )
    assert sorted(_pointers(response, 422)) == pointers


# --- Found by the contract fuzzer: a boolean is JSON true or false, not 0, 1 or "yes" ---------------------
@pytest.mark.parametrize("value", [0, 1, "yes", "true", None])
def test_a_boolean_field_takes_json_booleans_only(client: FlaskClient, world: World, value: Any) -> None:
    admin = bearer(cc_token(client, world.admin))
    body = {"name": "Portal", "grant_type": "client_credentials", "scope": "patients:read", "public": value}
    response = client.post(f"/v1/partners/{world.partner_a}/clients", json=body, headers=admin)
    assert response.status_code == 422, response.get_json()
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/public"]


# --- Found by the live rate-limit test: the server's workers racing to create the development key --------
def test_processes_starting_together_share_one_development_key(tmp_path: Path) -> None:
    """Each worker process creates the key if it is missing; one must win and the others read its key,
    never a half-written file (a worker crashed with "Could not deserialize key data")."""
    path = tmp_path / "instance" / "jwt-dev-key.pem"
    script = (
        "import sys; from pathlib import Path; from api.auth.keys import load_signing_keys; "
        "from api.config import Settings; "
        "keys = load_signing_keys(Settings(instance_dir=Path(sys.argv[1]))); print(keys.kid)"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path.parent)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=60) for p in processes]
    assert all(p.returncode == 0 for p in processes), [err[-400:] for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    assert sorted(f.name for f in path.parent.iterdir()) == ["jwt-dev-key.pem"]


# --- Issue 14: no ping per request, yet a connection that went stale while idle is never lent ---------------
def test_a_connection_killed_while_idle_is_replaced_not_lent(monkeypatch: pytest.MonkeyPatch) -> None:
    server = postgres_server_url()
    if not server:
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL): SQLite connections do not go stale")
    import api.db

    monkeypatch.setattr(api.db, "IDLE_BEFORE_PING_SECONDS", 0.0)
    engine = make_engine(server, pool_size=1, max_overflow=0)
    killer = make_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with killer.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        with engine.connect() as conn:  # the pool's only connection is dead: a fresh one is lent
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        engine.dispose()
        killer.dispose()


# --- Issue 14: the in-memory rate limiter starts no thread per request --------------------------------------
def test_counting_requests_in_memory_starts_no_thread(client: FlaskClient, world: World) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    client.get("/v1/patients", headers=headers)  # the storage exists, its one start-up timer has run
    started: list[str] = []
    original = threading.Thread.start

    def spy(thread: threading.Thread) -> None:
        started.append(thread.name)
        original(thread)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(threading.Thread, "start", spy)
        for _ in range(20):
            assert client.get("/v1/patients", headers=headers).status_code == 200
    assert started == []


def test_expired_windows_are_still_swept_from_memory() -> None:
    storage = InlineExpiryMemoryStorage("memory+inline://")
    storage.SWEEP_SECONDS = 0.0
    assert storage.acquire_entry("client:x", limit=5, expiry=1)
    storage.events["client:x"][0].expiry = time.time() - 1  # the window has passed
    storage.incr("other", expiry=60)  # any counting sweeps
    assert storage.events.get("client:x") in (None, [])
