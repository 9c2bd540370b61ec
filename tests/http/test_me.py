"""``GET /v1/me``: who the token speaks for, for each kind of caller; any valid token, no scope needed."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.services import accounts
from tests.directory import clinician_client, clinician_token, create_provider
from tests.helpers import authorization_code, bearer, cc_token, exchange_code
from tests.world import World

PASSWORD = "correct-horse-battery"


def test_a_partner_system_is_its_client_within_its_tenant(client: FlaskClient, world: World) -> None:
    me = client.get("/v1/me", headers=bearer(cc_token(client, world.portal_a, scope="patients:read")))

    assert me.status_code == 200
    assert me.get_json() == {
        "type": "partner_client",
        "id": world.portal_a.client_id,
        "client_id": world.portal_a.client_id,
        "partner_id": world.partner_a,
        "patient_id": None,
        "provider_id": None,
        "scopes": ["patients:read"],
    }


def test_a_patient_app_learns_its_patient_id(client: FlaskClient, db: Session, world: World) -> None:
    user = accounts.create_user(
        db,
        accounts.system_principal(),
        role="patient",
        email="me@example.test",
        password=PASSWORD,
        patient_id=world.patient_a1,
    )
    code, verifier = authorization_code(client, world.mobile_a, "me@example.test", PASSWORD)
    token = exchange_code(client, world.mobile_a, code, verifier).get_json()["access_token"]

    me = client.get("/v1/me", headers=bearer(token)).get_json()

    assert (me["type"], me["id"], me["patient_id"]) == ("patient", user.id, world.patient_a1)
    assert me["partner_id"] == world.partner_a and me["provider_id"] is None
    assert me["client_id"] == world.mobile_a.client_id and me["scopes"] == ["patients:read"]


def test_a_clinician_learns_its_provider_id(client: FlaskClient, db: Session, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    provider = create_provider(client, admin)
    token = clinician_token(client, db, clinician_client(db), provider["id"], "doc@example.test")

    me = client.get("/v1/me", headers=bearer(token)).get_json()

    assert (me["type"], me["provider_id"], me["patient_id"], me["partner_id"]) == (
        "provider",
        provider["id"],
        None,
        None,
    )


def test_an_admin_is_the_platform(client: FlaskClient, world: World) -> None:
    me = client.get("/v1/me", headers=bearer(cc_token(client, world.admin))).get_json()
    assert me["type"] == "admin" and me["partner_id"] is None and "admin" in me["scopes"]


def test_no_token_or_a_bad_one_is_401(client: FlaskClient) -> None:
    assert client.get("/v1/me").status_code == 401
    refused = client.get("/v1/me", headers=bearer("not-a-token"))
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"
