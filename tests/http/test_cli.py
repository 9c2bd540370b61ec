"""The command line: `telemedical run` must not serve inside a pushed application context."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.cli import main
from api.config import get_settings
from api.demo import seed_demo
from api.models import Consent, OAuthClient, Patient, User
from tests.helpers import (
    authorization_code,
    authorize_query,
    bearer,
    exchange_code,
    pkce_pair,
    redirect_params,
    sign_in,
)
from tests.world import Creds


def test_run_command_does_not_push_an_app_context() -> None:
    # With an app context pushed around the server, every request in a worker would share `g`:
    # one caller's verified token and database session would leak into the next request.
    command = main.commands["run"]
    assert getattr(command.callback, "__wrapped__", None) is None


def test_seed_demo_is_idempotent_and_its_credentials_work(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    settings = get_settings(app)
    first = seed_demo(db, settings)
    counts = [db.query(m).count() for m in (OAuthClient, Patient, User, Consent)]
    second = seed_demo(db, settings)
    assert first == second
    assert [db.query(m).count() for m in (OAuthClient, Patient, User, Consent)] == counts
    portal = first["partner_portal"]
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(portal["client_id"], portal["client_secret"]),
    ).get_json()["access_token"]
    assert client.get("/v1/patients/pat_demo_ada", headers=bearer(token)).status_code == 200
    mobile = Creds(first["patient_app"]["client_id"], None)
    ada = first["users"]["patient"]
    code, verifier = authorization_code(client, mobile, ada["email"], ada["password"])
    patient_token = exchange_code(client, mobile, code, verifier).get_json()["access_token"]
    assert client.get("/v1/patients/pat_demo_ada", headers=bearer(patient_token)).status_code == 200
    assert client.get("/v1/patients/pat_demo_luis", headers=bearer(patient_token)).status_code == 404


def test_the_demo_clinician_signs_in_through_the_platform_clinician_app_only(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    seeded = seed_demo(db, get_settings(app))
    provider = seeded["users"]["provider"]
    clinician_app = Creds(seeded["clinician_app"]["client_id"], None)
    code, verifier = authorization_code(
        client, clinician_app, provider["email"], provider["password"], scope="consultations:read"
    )
    assert exchange_code(client, clinician_app, code, verifier).status_code == 200

    patient_app = Creds(seeded["patient_app"]["client_id"], None)
    _, challenge = pkce_pair()
    refused = redirect_params(
        sign_in(client, authorize_query(patient_app, challenge), provider["email"], provider["password"])
    )
    assert refused.get("error") == "access_denied" and "code" not in refused
