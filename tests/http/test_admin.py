"""Platform administration: partners, clients (secret shown once), users."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.helpers import bearer, cc_token
from tests.world import World


def test_partner_and_client_lifecycle(client: FlaskClient, admin: dict[str, str]) -> None:
    partner = client.post("/v1/partners", json={"name": "Clinic Co"}, headers=admin)
    assert partner.status_code == 201 and partner.get_json()["id"].startswith("par_")
    pid = partner.get_json()["id"]
    assert pid in {p["id"] for p in client.get("/v1/partners?limit=100", headers=admin).get_json()["data"]}
    created = client.post(
        f"/v1/partners/{pid}/clients",
        json={"name": "Portal", "grant_type": "client_credentials", "scope": "patients:read patients:write"},
        headers=admin,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["client_id"].startswith("cli_") and len(body["client_secret"]) >= 40
    listed = client.get(f"/v1/partners/{pid}/clients", headers=admin).get_json()["data"]
    assert [c["client_id"] for c in listed] == [body["client_id"]] and "client_secret" not in listed[0]
    # The new client works at once, with exactly its scopes.
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(body["client_id"], body["client_secret"]),
    ).get_json()
    assert token["scope"] == "patients:read patients:write"


def test_client_validation(client: FlaskClient, admin: dict[str, str], world: World) -> None:
    url = f"/v1/partners/{world.partner_a}/clients"
    response = client.post(
        url,
        json={
            "name": "Bad",
            "grant_type": "authorization_code",
            "scope": "admin nope",
            "redirect_uris": ["http://evil.example/cb"],
        },
        headers=admin,
    )
    assert response.status_code == 422
    codes = {(e["pointer"], e["code"]) for e in response.get_json()["errors"]}
    assert codes == {
        ("/scope", "unknown_scope"),
        ("/scope", "admin_scope_platform_only"),
        ("/redirect_uris/0", "invalid_redirect_uri"),
    }
    assert (
        client.post(
            "/v1/partners/par_missing/clients",
            json={"name": "x", "grant_type": "client_credentials", "scope": "patients:read"},
            headers=admin,
        ).status_code
        == 404
    )


def test_create_user(client: FlaskClient, admin: dict[str, str], world: World) -> None:
    created = client.post(
        "/v1/users",
        json={
            "role": "patient",
            "email": "P@Example.test",
            "password": "long-enough-password",
            "patient_id": world.patient_a2,
        },
        headers=admin,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert (
        body["email"] == "p@example.test" and body["partner_id"] == world.partner_a and "password" not in body
    )
    again = client.post(
        "/v1/users",
        json={
            "role": "patient",
            "email": "other@example.test",
            "password": "long-enough-password",
            "patient_id": world.patient_a2,
        },
        headers=admin,
    )
    assert again.status_code == 409
    weak = client.post(
        "/v1/users", json={"role": "admin", "email": "a@example.test", "password": "short"}, headers=admin
    )
    assert weak.status_code == 422 and weak.get_json()["errors"][0]["pointer"] == "/password"


def test_partners_cannot_administer(client: FlaskClient, world: World) -> None:
    partner = bearer(cc_token(client, world.portal_a))
    response = client.get("/v1/partners", headers=partner)
    assert response.status_code == 403 and response.get_json()["code"] == "insufficient_scope"
