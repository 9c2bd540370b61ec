"""Regression tests of the hardening issue (#9): each finding reproduced as an attacker or a crowd would.

Each section names its finding. The generic defences (the spec-driven security matrix, the contract fuzzer
and the real-process concurrency tests) live in their own modules.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.auth.secrets import digest
from api.db import get_session, sqlite_begin_statement
from api.logs import configure_logging
from api.models import OAuthToken, Patient, Screening, User
from api.services import accounts
from tests.care import Care
from tests.clinical import PHQ9_MODERATE
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
@pytest.mark.parametrize(
    ("secret", "named"),
    [
        (None, "SECRET_KEY"),
        ("dev-insecure-secret-change-me", "SECRET_KEY"),
        ("too-short-for-production", "SECRET_KEY"),
        (STRONG_SECRET, "JWT_PRIVATE_KEY_FILE"),
    ],
    ids=["no-secret", "dev-default", "short", "no-signing-key"],
)
def test_a_real_deployment_refuses_to_start_without_its_secrets(
    tmp_path: Path, command: list[str], secret: str | None, named: str
) -> None:
    result = _start(tmp_path, command, **({"SECRET_KEY": secret} if secret else {}))

    assert result.returncode != 0
    assert named in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_loading_the_app_directly_refuses_too(tmp_path: Path) -> None:
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
    assert (
        _start(
            tmp_path, ["db", "upgrade"], SECRET_KEY=STRONG_SECRET, JWT_PRIVATE_KEY_FILE=key_file
        ).returncode
        == 0
    )

    result = _start(tmp_path, ["worker", "--once"], SECRET_KEY=STRONG_SECRET, JWT_PRIVATE_KEY_FILE=key_file)

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
        "provider": {"provider_id": "prv_signin_test"},
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
