"""Patients, consents and invitations: behaviour and tenancy."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.models import Invitation
from tests.helpers import PATIENT_BODY, authorization_code, bearer, cc_token, exchange_code
from tests.world import World


@pytest.fixture
def a(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def b(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_b))


def test_create_and_read_a_patient(client: FlaskClient, a: dict[str, str], world: World) -> None:
    created = client.post("/v1/patients", json={**PATIENT_BODY, "email": "Grace@Example.TEST"}, headers=a)
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"].startswith("pat_") and len(body["id"]) > 20
    assert body["partner_id"] == world.partner_a
    assert body["email"] == "grace@example.test"
    assert body["address"] == PATIENT_BODY["address"]
    assert body["created_at"].endswith("Z") and body["birth_date"] == "1990-12-09"
    assert created.headers["Location"] == f"/v1/patients/{body['id']}"
    assert client.get(created.headers["Location"], headers=a).get_json() == body


def test_partner_cannot_read_or_list_another_tenants_patient(
    client: FlaskClient, a: dict[str, str], b: dict[str, str], world: World
) -> None:
    response = client.get(f"/v1/patients/{world.patient_b1}", headers=a)
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    ids = {p["id"] for p in client.get("/v1/patients?limit=100", headers=a).get_json()["data"]}
    assert world.patient_b1 not in ids and {world.patient_a1, world.patient_a2} <= ids
    assert (
        client.patch(
            f"/v1/patients/{world.patient_b1}",
            json={"phone": "+14155550100"},
            headers={"If-Match": '"x"', **a},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/v1/patients/{world.patient_b1}/consents",
            json={"type": "telehealth", "version": "1", "accepted_at": "2026-01-01T00:00:00Z"},
            headers=a,
        ).status_code
        == 404
    )
    assert client.get(f"/v1/patients/{world.patient_b1}/consents", headers=a).status_code == 404
    assert client.post(f"/v1/patients/{world.patient_b1}/invitations", headers=a).status_code == 404
    assert client.get(f"/v1/patients/{world.patient_b1}", headers=b).status_code == 200


def test_filters_by_external_id_and_email(client: FlaskClient, a: dict[str, str], b: dict[str, str]) -> None:
    client.post("/v1/patients", json={**PATIENT_BODY, "external_id": "emr-77"}, headers=a)
    client.post("/v1/patients", json={**PATIENT_BODY, "external_id": "emr-77"}, headers=b)
    mine = client.get("/v1/patients?external_id=emr-77", headers=a).get_json()["data"]
    assert len(mine) == 1 and mine[0]["external_id"] == "emr-77"
    by_email = client.get("/v1/patients?email=ALICE@example.test", headers=a).get_json()["data"]
    assert [p["given_name"] for p in by_email] == ["Alice"]


def test_external_id_is_unique_per_partner(client: FlaskClient, a: dict[str, str]) -> None:
    assert (
        client.post("/v1/patients", json={**PATIENT_BODY, "external_id": "dup"}, headers=a).status_code == 201
    )
    response = client.post("/v1/patients", json={**PATIENT_BODY, "external_id": "dup"}, headers=a)
    assert response.status_code == 409 and response.get_json()["code"] == "external_id_taken"


def test_partner_cannot_create_for_another_partner(
    client: FlaskClient, a: dict[str, str], world: World
) -> None:
    response = client.post("/v1/patients", json={**PATIENT_BODY, "partner_id": world.partner_b}, headers=a)
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/partner_id"


def test_admin_creates_for_a_named_partner(client: FlaskClient, world: World) -> None:
    admin = bearer(cc_token(client, world.admin))
    missing = client.post("/v1/patients", json=PATIENT_BODY, headers=admin)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["pointer"] == "/partner_id"
    created = client.post("/v1/patients", json={**PATIENT_BODY, "partner_id": world.partner_b}, headers=admin)
    assert created.status_code == 201 and created.get_json()["partner_id"] == world.partner_b
    ids = {p["id"] for p in client.get("/v1/patients?limit=100", headers=admin).get_json()["data"]}
    assert {world.patient_a1, world.patient_b1} <= ids


def test_birth_date_in_the_future_is_refused(client: FlaskClient, a: dict[str, str]) -> None:
    response = client.post("/v1/patients", json={**PATIENT_BODY, "birth_date": "2999-01-01"}, headers=a)
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/birth_date"


def test_patch_clears_optional_and_refuses_null_required(
    client: FlaskClient, a: dict[str, str], world: World
) -> None:
    url = f"/v1/patients/{world.patient_a1}"
    etag = client.get(url, headers=a).headers["ETag"]
    refused = client.patch(url, json={"given_name": None}, headers={"If-Match": etag, **a})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/given_name"
    cleared = client.patch(
        url, json={"email": None, "address": PATIENT_BODY["address"]}, headers={"If-Match": etag, **a}
    )
    assert cleared.status_code == 200
    assert cleared.get_json()["email"] is None and cleared.get_json()["address"]["state"] == "TX"


def test_consents_are_recorded_and_listed(client: FlaskClient, a: dict[str, str], world: World) -> None:
    url = f"/v1/patients/{world.patient_a2}/consents"
    created = client.post(
        url,
        json={"type": "ketamine_treatment", "version": "2026-03", "accepted_at": "2026-03-01T10:00:00-05:00"},
        headers=a,
    )
    assert created.status_code == 201
    assert created.get_json()["accepted_at"] == "2026-03-01T15:00:00Z"
    types = {c["type"] for c in client.get(url, headers=a).get_json()["data"]}
    assert types == {"telehealth", "ketamine_treatment"}
    bad = client.post(
        url, json={"type": "marketing", "version": "1", "accepted_at": "2026-03-01T10:00:00"}, headers=a
    )
    assert {e["pointer"] for e in bad.get_json()["errors"]} == {"/type", "/accepted_at"}


def test_invitation_activation_then_sign_in_reads_only_own_record(
    client: FlaskClient, a: dict[str, str], world: World, db: Session
) -> None:
    invited = client.post(f"/v1/patients/{world.patient_a1}/invitations", headers=a)
    assert invited.status_code == 201
    url = urlsplit(invited.get_json()["activation_url"])
    assert url.path == "/activate" and url.query.startswith("token=")
    token = url.query.removeprefix("token=")
    assert db.query(Invitation).filter_by(patient_id=world.patient_a1).one().token_digest != token
    page = client.get(f"/activate?{url.query}")
    assert page.status_code == 200 and "alice@example.test" in page.get_data(as_text=True)
    csrf = _csrf_token(page.get_data(as_text=True))
    short = client.post("/activate", data={"csrf_token": csrf, "token": token, "password": "short"})
    assert short.status_code == 422
    done = client.post(
        "/activate", data={"csrf_token": csrf, "token": token, "password": "a-long-new-password"}
    )
    assert done.status_code == 200 and "ready" in done.get_data(as_text=True)
    # One-time: the link is spent.
    assert client.get(f"/activate?{url.query}").status_code == 400
    # The patient signs in through the partner's app with PKCE and sees only themselves.
    code, verifier = authorization_code(
        client,
        world.mobile_a,
        "alice@example.test",
        "a-long-new-password",
        scope="patients:read patients:write",
    )
    headers = bearer(exchange_code(client, world.mobile_a, code, verifier).get_json()["access_token"])
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 200
    assert client.get(f"/v1/patients/{world.patient_a2}", headers=headers).status_code == 404
    # A patient may edit contact details only.
    etag = client.get(f"/v1/patients/{world.patient_a1}", headers=headers).headers["ETag"]
    renamed = client.patch(
        f"/v1/patients/{world.patient_a1}", json={"family_name": "X"}, headers={"If-Match": etag, **headers}
    )
    assert renamed.status_code == 422 and renamed.get_json()["errors"][0]["code"] == "read_only"


def test_invitation_needs_an_email(client: FlaskClient, a: dict[str, str]) -> None:
    body = {k: v for k, v in PATIENT_BODY.items() if k != "email"}
    patient = client.post("/v1/patients", json=body, headers=a).get_json()
    response = client.post(f"/v1/patients/{patient['id']}/invitations", headers=a)
    assert response.status_code == 422 and response.get_json()["code"] == "email_required"


def test_invalid_activation_token_is_refused(client: FlaskClient) -> None:
    assert client.get("/activate?token=not-a-real-token").status_code == 400


# --- invitations are single-use and superseded (issue 22, finding 8) ---------------------------------------
def _csrf_token(page: str) -> str:
    """The activation form's CSRF token (the test fails here if the page has none)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the activation page has no csrf_token field"
    return found.group(1)


def _invite(client: FlaskClient, headers: dict[str, str], patient_id: str) -> str:
    invited = client.post(f"/v1/patients/{patient_id}/invitations", headers=headers)
    assert invited.status_code == 201, invited.get_json()
    return str(urlsplit(invited.get_json()["activation_url"]).query.removeprefix("token="))


def _activate(client: FlaskClient, token: str, password: str) -> tuple[int, str]:
    """Open the link and set the password, as the patient's browser does: (status, page text)."""
    page = client.get(f"/activate?token={token}")
    if page.status_code != 200:
        return page.status_code, page.get_data(as_text=True)
    csrf = _csrf_token(page.get_data(as_text=True))
    done = client.post("/activate", data={"csrf_token": csrf, "token": token, "password": password})
    return done.status_code, done.get_data(as_text=True)


def _signs_in(client: FlaskClient, world: World, password: str) -> bool:
    from tests.helpers import authorize_query, pkce_pair, sign_in

    _, challenge = pkce_pair()
    answer = sign_in(client, authorize_query(world.mobile_a, challenge), "alice@example.test", password)
    return answer.status_code == 302 and "code=" in answer.headers["Location"]


def test_a_newer_invitation_supersedes_the_older_ones(
    client: FlaskClient, a: dict[str, str], world: World
) -> None:
    older = _invite(client, a, world.patient_a1)
    newer = _invite(client, a, world.patient_a1)

    status, page = _activate(client, older, "someone-elses-password")
    assert status == 400 and "not valid" in page
    status, page = _activate(client, newer, "the-patients-own-password")
    assert status == 200 and "ready" in page
    assert _signs_in(client, world, "the-patients-own-password")


def test_an_older_invitation_link_sets_no_password_after_the_patient_activated(
    client: FlaskClient, a: dict[str, str], world: World, db: Session
) -> None:
    """Two links the patient may both have received (one created before this rule, or while the other was
    being created): once an account exists, neither sets a password any more."""
    from datetime import timedelta

    from api.auth.secrets import digest
    from api.db import utcnow

    token = _invite(client, a, world.patient_a1)
    db.add(
        Invitation(
            patient_id=world.patient_a1,
            token_digest=digest("an-older-link"),
            expires_at=utcnow() + timedelta(hours=72),
        )
    )
    db.commit()
    status, _ = _activate(client, token, "the-patients-own-password")
    assert status == 200

    status, page = _activate(client, "an-older-link", "the-attackers-password")

    assert status == 400 and "not valid" in page
    assert _signs_in(client, world, "the-patients-own-password")
    assert not _signs_in(client, world, "the-attackers-password")


def test_inviting_a_patient_who_already_has_an_account_is_a_409(
    client: FlaskClient, a: dict[str, str], world: World
) -> None:
    status, _ = _activate(client, _invite(client, a, world.patient_a1), "the-patients-own-password")
    assert status == 200

    again = client.post(f"/v1/patients/{world.patient_a1}/invitations", headers=a)

    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    problem = again.get_json()
    assert problem["code"] == "patient_already_active" and "already" in problem["detail"]
    assert _signs_in(client, world, "the-patients-own-password")
