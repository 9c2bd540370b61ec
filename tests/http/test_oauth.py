"""The authorization server, end to end, with tokens from the real token endpoint."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.errors import JoseError
from sqlalchemy.orm import Session

from api.auth.secrets import digest
from api.db import utcnow
from api.models import AuthorizationCode, OAuthToken
from api.services import accounts
from tests.helpers import (
    authorization_code,
    authorize_query,
    bearer,
    cc_token,
    exchange_code,
    pkce_pair,
    redirect_params,
    refresh,
    sign_in,
    token_response,
)
from tests.world import REDIRECT, World

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(db: Session, world: World) -> str:
    accounts.create_user(
        db,
        accounts.system_principal(),
        role="patient",
        email="alice@example.test",
        password=PASSWORD,
        patient_id=world.patient_a1,
    )
    return "alice@example.test"


def _claims(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(header))), json.loads(
        base64.urlsafe_b64decode(pad(payload))
    )


# --- client credentials ----------------------------------------------------------------------------
def test_client_credentials_issues_rfc9068_jwt(client: FlaskClient, world: World) -> None:
    response = token_response(client, world.portal_a, scope="patients:read")
    assert response.status_code == 200
    body = response.get_json()
    assert (
        body["token_type"].lower() == "bearer" and body["expires_in"] == 900 and "refresh_token" not in body
    )
    assert response.headers["Cache-Control"] == "no-store"
    header, claims = _claims(body["access_token"])
    assert header["typ"] == "at+jwt" and header["alg"] == "RS256" and header["kid"]
    assert {"iss", "aud", "exp", "iat", "jti", "sub", "client_id", "scope"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 900
    assert claims["sub"] == claims["client_id"] == world.portal_a.client_id
    assert claims["aud"] == "http://127.0.0.1:8000/v1" and claims["iss"] == "http://127.0.0.1:8000"
    assert claims["scope"] == "patients:read"
    assert (
        client.get(f"/v1/patients/{world.patient_a1}", headers=bearer(body["access_token"])).status_code
        == 200
    )


def test_client_credentials_secret_post_and_default_scope(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.readonly_a.client_id,
            "client_secret": world.readonly_a.secret,
        },
    )
    assert response.status_code == 200
    assert response.get_json()["scope"] == "patients:read"


def test_wrong_secret_is_invalid_client(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(world.portal_a.client_id, "wrong")
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    described = response.get_json()["error_description"]
    assert described.startswith("Client authentication failed") and "[" not in described


def test_scope_beyond_the_client_is_not_granted(client: FlaskClient, world: World) -> None:
    response = token_response(client, world.readonly_a, scope="patients:read admin")
    assert response.status_code == 200
    assert response.get_json()["scope"] == "patients:read"


def test_only_disallowed_scopes_is_invalid_scope(client: FlaskClient, world: World) -> None:
    response = token_response(client, world.readonly_a, scope="admin")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"


def test_public_client_cannot_use_client_credentials(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": world.mobile_a.client_id}
    )
    assert response.status_code in (400, 401)
    assert response.get_json()["error"] in ("invalid_client", "unauthorized_client")


def test_client_secrets_are_stored_hashed(db: Session, world: World) -> None:
    from api.models import OAuthClient

    row = db.get(OAuthClient, world.portal_a.client_id)
    assert row is not None and row.secret_digest == digest(world.portal_a.secret or "")
    assert world.portal_a.secret not in (row.secret_digest or "")


# --- authorization code + PKCE ---------------------------------------------------------------------
def test_authorization_code_with_pkce_end_to_end(
    client: FlaskClient, world: World, alice: str, db: Session
) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    response = exchange_code(client, world.mobile_a, code, verifier)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["refresh_token"] and body["scope"] == "patients:read"
    _, claims = _claims(body["access_token"])
    assert claims["sub"].startswith("usr_") and claims["client_id"] == world.mobile_a.client_id
    # Refresh tokens and codes are stored as digests only.
    assert db.query(OAuthToken).filter_by(refresh_digest=digest(body["refresh_token"])).count() == 1
    assert db.query(AuthorizationCode).filter_by(code_digest=digest(code)).count() == 1
    # The patient reads their own record, and nobody else's (404, not 403).
    headers = bearer(body["access_token"])
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 200
    assert client.get(f"/v1/patients/{world.patient_a2}", headers=headers).status_code == 404
    assert client.get(f"/v1/patients/{world.patient_b1}", headers=headers).status_code == 404
    listed = client.get("/v1/patients", headers=headers).get_json()["data"]
    assert [p["id"] for p in listed] == [world.patient_a1]


def test_confidential_client_authorization_code(client: FlaskClient, world: World, alice: str) -> None:
    code, verifier = authorization_code(client, world.confidential_app_a, alice, PASSWORD)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    response = client.post(
        "/oauth/token", data=form, auth=(world.confidential_app_a.client_id, world.confidential_app_a.secret)
    )
    assert response.status_code == 200


def test_wrong_password_shows_the_form_again(client: FlaskClient, world: World, alice: str) -> None:
    _, challenge = pkce_pair()
    response = sign_in(client, authorize_query(world.mobile_a, challenge), alice, "not-the-password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_deny_redirects_with_access_denied(client: FlaskClient, world: World, alice: str) -> None:
    _, challenge = pkce_pair()
    params = redirect_params(sign_in(client, authorize_query(world.mobile_a, challenge), alice, "", "deny"))
    assert params["error"] == "access_denied" and params["state"] == "st4te"


def test_consent_post_without_csrf_token_is_refused(client: FlaskClient, world: World, alice: str) -> None:
    _, challenge = pkce_pair()
    query = authorize_query(world.mobile_a, challenge)
    response = client.post(
        f"/oauth/authorize?{query}", data={"email": alice, "password": PASSWORD, "decision": "allow"}
    )
    assert response.status_code == 400 and "Location" not in response.headers


def test_the_sign_in_session_cookie_is_read_back_and_api_calls_get_none(
    client: FlaskClient, world: World, alice: str
) -> None:
    """The sign-in page's CSRF token lives in Flask's signed session cookie (``CookieSessions``, opened only
    when a request carries it): the page sets it, its POST is accepted with it and refused with a cookie
    that was tampered with; an API call neither reads nor sets one."""
    _, challenge = pkce_pair()
    query = authorize_query(world.mobile_a, challenge)
    page = client.get(f"/oauth/authorize?{query}")
    cookie = client.get_cookie("session")
    assert cookie is not None and "Set-Cookie" in page.headers
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf
    form = {"csrf_token": csrf.group(1), "email": alice, "password": PASSWORD, "decision": "allow"}
    client.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert client.post(f"/oauth/authorize?{query}", data=form).status_code == 400
    client.set_cookie("session", cookie.value)
    assert client.post(f"/oauth/authorize?{query}", data=form).status_code == 302
    client.delete_cookie("session")
    api = client.get("/v1/patients", headers=bearer(cc_token(client, world.portal_a)))
    assert api.status_code == 200 and "Set-Cookie" not in api.headers
    assert "Cookie" not in api.headers.get("Vary", "")


def test_pkce_plain_is_refused(client: FlaskClient, world: World) -> None:
    verifier, _ = pkce_pair()
    response = client.get(f"/oauth/authorize?{authorize_query(world.mobile_a, verifier, method='plain')}")
    assert redirect_params(response)["error"] == "invalid_request"


@pytest.mark.parametrize("method", [None, "S256"])
def test_missing_code_challenge_is_refused(client: FlaskClient, world: World, method: str | None) -> None:
    response = client.get(f"/oauth/authorize?{authorize_query(world.mobile_a, None, method=method)}")
    assert redirect_params(response)["error"] == "invalid_request"


def test_missing_code_verifier_is_refused(client: FlaskClient, world: World, alice: str) -> None:
    code, _ = authorization_code(client, world.mobile_a, alice, PASSWORD)
    response = exchange_code(client, world.mobile_a, code, None)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_wrong_code_verifier_is_refused(client: FlaskClient, world: World, alice: str) -> None:
    code, _ = authorization_code(client, world.mobile_a, alice, PASSWORD)
    other_verifier, _ = pkce_pair()
    response = exchange_code(client, world.mobile_a, code, other_verifier)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_verifier_for_a_code_issued_without_challenge_is_refused(
    client: FlaskClient, world: World, alice: str, db: Session
) -> None:
    """Downgrade: a code with no challenge on record is not redeemed with a verifier (RFC 9700 §4.8)."""
    from api.models import User

    user = db.query(User).filter_by(email=alice).one()
    db.add(
        AuthorizationCode(
            code_digest=digest("legacy-code"),
            client_id=world.mobile_a.client_id,
            user_id=user.id,
            redirect_uri=REDIRECT,
            scope="patients:read",
            expires_at=utcnow() + timedelta(minutes=5),
        )
    )
    db.commit()
    verifier, _ = pkce_pair()
    response = exchange_code(client, world.mobile_a, "legacy-code", verifier)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_redirect_uri_mismatch_at_authorize_is_not_redirected(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    for uri in (
        "http://127.0.0.1:8765/callback/",
        "http://evil.example/callback",
        "http://127.0.0.1:8765/Callback",
    ):
        response = client.get(
            f"/oauth/authorize?{authorize_query(world.mobile_a, challenge, redirect_uri=uri)}"
        )
        assert response.status_code == 400 and "Location" not in response.headers


def test_a_native_app_signs_in_on_whatever_loopback_port_it_listens(
    client: FlaskClient, world: World, alice: str
) -> None:
    """RFC 8252 §7.3: the registered loopback redirect (REDIRECT, http://127.0.0.1:8765/callback) matches any
    port the app names at the time of the request; the code is then exchanged with that same URI."""
    verifier, challenge = pkce_pair()
    listening = "http://127.0.0.1:53124/callback"
    answer = sign_in(
        client, authorize_query(world.mobile_a, challenge, redirect_uri=listening), alice, PASSWORD
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == listening
    code = parse_qs(location.query)["code"][0]

    assert exchange_code(client, world.mobile_a, code, verifier, redirect_uri=REDIRECT).status_code == 400
    token = exchange_code(client, world.mobile_a, code, verifier, redirect_uri=listening)
    assert token.status_code == 200, token.get_json()


def test_redirect_uri_mismatch_at_token_is_refused(client: FlaskClient, world: World, alice: str) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    response = exchange_code(
        client, world.mobile_a, code, verifier, redirect_uri="http://127.0.0.1:8765/other"
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_reused_code_is_refused_and_its_tokens_revoked(client: FlaskClient, world: World, alice: str) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    first = exchange_code(client, world.mobile_a, code, verifier).get_json()
    headers = bearer(first["access_token"])
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 200
    replay = exchange_code(client, world.mobile_a, code, verifier)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 401
    assert refresh(client, world.mobile_a, first["refresh_token"]).status_code == 400


def test_expired_code_is_refused(client: FlaskClient, world: World, alice: str, db: Session) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    row = db.query(AuthorizationCode).filter_by(code_digest=digest(code)).one()
    assert row.expires_at - row.created_at <= timedelta(minutes=5)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert exchange_code(client, world.mobile_a, code, verifier).get_json()["error"] == "invalid_grant"


# --- refresh tokens --------------------------------------------------------------------------------
def test_refresh_rotates_and_reuse_revokes_the_family(client: FlaskClient, world: World, alice: str) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    first = exchange_code(client, world.mobile_a, code, verifier).get_json()
    second = refresh(client, world.mobile_a, first["refresh_token"])
    assert second.status_code == 200
    second_body = second.get_json()
    assert second_body["refresh_token"] != first["refresh_token"]
    new_headers = bearer(second_body["access_token"])
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=new_headers).status_code == 200
    # The spent refresh token comes back: refused, and everything of that family is revoked.
    reuse = refresh(client, world.mobile_a, first["refresh_token"])
    assert reuse.status_code == 400 and reuse.get_json()["error"] == "invalid_grant"
    assert "used twice revokes" in reuse.get_json()["error_description"]
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=new_headers).status_code == 401
    assert refresh(client, world.mobile_a, second_body["refresh_token"]).status_code == 400


def test_refresh_token_of_another_client_is_refused(client: FlaskClient, world: World, alice: str) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    body = exchange_code(client, world.mobile_a, code, verifier).get_json()
    response = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=(world.confidential_app_a.client_id, world.confidential_app_a.secret),
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


# --- revocation and introspection --------------------------------------------------------------------
def test_revoked_access_token_is_401(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.portal_a)
    assert (
        client.post(
            "/oauth/revoke", data={"token": token}, auth=(world.portal_a.client_id, world.portal_a.secret)
        ).status_code
        == 200
    )
    response = client.get("/v1/patients", headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["code"] == "invalid_token"


def test_revoking_a_refresh_token_ends_its_access_tokens(
    client: FlaskClient, world: World, alice: str
) -> None:
    code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
    body = exchange_code(client, world.mobile_a, code, verifier).get_json()
    response = client.post(
        "/oauth/revoke",
        data={
            "token": body["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": world.mobile_a.client_id,
        },
    )
    assert response.status_code == 200
    assert client.get("/v1/patients", headers=bearer(body["access_token"])).status_code == 401
    assert refresh(client, world.mobile_a, body["refresh_token"]).status_code == 400


def test_a_client_cannot_revoke_another_clients_token(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.portal_a)
    client.post(
        "/oauth/revoke", data={"token": token}, auth=(world.portal_b.client_id, world.portal_b.secret)
    )
    assert client.get("/v1/patients", headers=bearer(token)).status_code == 200


def test_introspection_is_authenticated_and_restricted(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.portal_a)
    admin = (world.admin.client_id, world.admin.secret)
    active = client.post("/oauth/introspect", data={"token": token}, auth=admin).get_json()
    assert active["active"] is True and active["client_id"] == world.portal_a.client_id
    assert active["scope"] and active["exp"] > time.time()
    assert client.post("/oauth/introspect", data={"token": token}).status_code == 401
    refused = client.post(
        "/oauth/introspect", data={"token": token}, auth=(world.portal_a.client_id, world.portal_a.secret)
    )
    assert refused.status_code == 403 and refused.get_json()["error"] == "unauthorized_client"
    client.post(
        "/oauth/revoke", data={"token": token}, auth=(world.portal_a.client_id, world.portal_a.secret)
    )
    assert client.post("/oauth/introspect", data={"token": token}, auth=admin).get_json() == {"active": False}
    assert client.post("/oauth/introspect", data={"token": "garbage"}, auth=admin).get_json() == {
        "active": False
    }


# --- bad tokens ------------------------------------------------------------------------------------
def test_expired_token_is_401(make_app: Callable[..., Flask], world: World) -> None:
    app: Flask = make_app(access_token_ttl=-120)
    client = app.test_client()
    token = cc_token(client, world.portal_a)
    response = client.get("/v1/patients", headers=bearer(token))
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"
    detail = response.get_json()["detail"]
    assert detail.startswith("The access token expired at ") and "Get a new one" in detail, detail
    assert "expired at" in response.headers["WWW-Authenticate"]


def test_a_token_within_the_documented_leeway_is_still_accepted(
    make_app: Callable[..., Flask], world: World
) -> None:
    """docs/oauth.md: 30 s of clock skew. A token 20 s past its exp is accepted; 40 s past, refused."""
    for ttl, status in ((-20, 200), (-40, 401)):
        client = make_app(access_token_ttl=ttl).test_client()
        response = client.get("/v1/patients", headers=bearer(cc_token(client, world.portal_a)))
        assert response.status_code == status, (ttl, response.get_json())


def test_a_forged_token_does_not_read_as_expired(client: FlaskClient) -> None:
    response = client.get("/v1/patients", headers=bearer("eyJhbGciOiJub25lIn0.eyJleHAiOjF9."))
    assert response.status_code == 401
    assert "expired" not in response.get_json()["detail"]


def test_a_token_verified_once_is_still_checked_for_expiry_and_revocation_each_time(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """The signature of a token is verified once per process (AccessTokenValidator keeps the result); its
    times are checked again on every request, and revocation is looked up every time."""
    validator = app.extensions["oauth"].validator
    token = cc_token(client, world.portal_a)
    assert client.get("/v1/patients", headers=bearer(token)).status_code == 200
    hits = validator._verified.cache_info().hits
    first, second = validator.authenticate_token(token), validator.authenticate_token(token)
    assert validator._verified.cache_info().hits == hits + 2
    assert first == second and first is not second
    first["scope"] = "admin"  # a caller changing its copy changes nothing kept
    assert validator.authenticate_token(token)["scope"] == second["scope"]
    with pytest.raises(JoseError):
        second.validate(now=second["exp"] + 31, leeway=30)  # what the protector runs on each request

    portal = (world.portal_a.client_id, world.portal_a.secret)
    assert client.post("/oauth/revoke", data={"token": token}, auth=portal).status_code == 200
    assert client.get("/v1/patients", headers=bearer(token)).status_code == 401


def test_a_token_checked_once_is_refused_once_past_its_time_or_revoked(
    app: Flask, client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a token's first use checked and granted is kept per process (its signature, issuer, audience,
    claims, role: they do not change); every later request checks its times and its revocation again."""
    from api.auth import protector

    validator = app.extensions["oauth"].validator
    token = cc_token(client, world.portal_a)
    assert client.get("/v1/patients", headers=bearer(token)).status_code == 200
    kept = validator.checked[token]
    assert kept.principal.client_id == world.portal_a.client_id
    assert client.get("/v1/patients", headers=bearer(token)).status_code == 200
    assert validator.checked[token] is kept  # the second request used what the first checked
    for offset, status in ((29, 200), (31, 401)):  # the documented leeway, 30 s past exp
        monkeypatch.setattr(protector.time, "time", lambda o=offset: kept.expires + o)
        response = client.get("/v1/patients", headers=bearer(token))
        assert response.status_code == status, (offset, response.get_json())
    assert response.get_json()["detail"].startswith("The access token expired at ")
    # Issued in the future, as far as this clock can tell (a clock set back): refused, not expired.
    monkeypatch.setattr(protector.time, "time", lambda: kept.not_before - 31)
    early = client.get("/v1/patients", headers=bearer(token))
    assert early.status_code == 401 and "times do not hold" in early.get_json()["detail"]
    monkeypatch.undo()
    portal = (world.portal_a.client_id, world.portal_a.secret)
    assert client.post("/oauth/revoke", data={"token": token}, auth=portal).status_code == 200
    revoked = client.get("/v1/patients", headers=bearer(token))
    assert revoked.status_code == 401 and revoked.get_json()["detail"] == "The access token has been revoked."


def test_a_token_refused_on_its_first_use_is_never_kept(app: Flask, client: FlaskClient) -> None:
    validator = app.extensions["oauth"].validator
    now = int(time.time())
    refused = {
        "forged": _forge(app, {}) + "x",
        "expired": _forge(app, {"exp": now - 60, "jti": "expired"}),
        "another issuer": _forge(app, {"iss": "https://elsewhere.example", "jti": "iss"}),
        "no known role": _forge(app, {"role": "superuser", "jti": "role"}),
        "not yet valid": _forge(app, {"nbf": now + 3600, "jti": "nbf"}),
    }
    for name, token in refused.items():
        for _ in range(2):
            assert client.get("/v1/patients", headers=bearer(token)).status_code == 401, name
        assert token not in validator.checked, name


def test_a_forged_token_is_refused_every_time_and_never_kept(app: Flask, client: FlaskClient) -> None:
    validator = app.extensions["oauth"].validator
    forged = _forge(app, {}) + "x"
    size = validator._verified.cache_info().currsize
    for _ in range(2):
        assert client.get("/v1/patients", headers=bearer(forged)).status_code == 401
    assert validator._verified.cache_info().currsize == size


def _forge(app: Flask, claims_update: dict, header_update: dict | None = None) -> str:
    keys = app.extensions["oauth"].keys
    now = int(time.time())
    claims = {
        "iss": "http://127.0.0.1:8000",
        "aud": "http://127.0.0.1:8000/v1",
        "exp": now + 600,
        "iat": now,
        "jti": "forged",
        "sub": "x",
        "client_id": "x",
        "scope": "patients:read",
        "role": "admin",
    }
    claims.update(claims_update)
    header = {"alg": "RS256", "typ": "at+jwt", **(header_update or {})}
    return jwt.encode(header, claims, keys.private)


def test_wrong_audience_is_401(app: Flask, client: FlaskClient, world: World, db: Session) -> None:
    token = cc_token(client, world.portal_a)
    _, real = _claims(token)
    forged = _forge(app, {**real, "aud": "https://other-api.example"})
    assert client.get("/v1/patients", headers=bearer(forged)).status_code == 401


def test_wrong_issuer_and_missing_typ_are_401(app: Flask, client: FlaskClient, world: World) -> None:
    _, real = _claims(cc_token(client, world.portal_a))
    assert (
        client.get("/v1/patients", headers=bearer(_forge(app, {**real, "iss": "https://evil"}))).status_code
        == 401
    )
    assert client.get("/v1/patients", headers=bearer(_forge(app, real, {"typ": "JWT"}))).status_code == 401


def test_alg_none_is_401(client: FlaskClient, world: World) -> None:
    _, claims = _claims(cc_token(client, world.portal_a))
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    unsigned = f"{enc({'alg': 'none', 'typ': 'at+jwt'})}.{enc(claims)}."
    response = client.get("/v1/patients", headers=bearer(unsigned))
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_tampered_token_is_401(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.readonly_a)
    _, claims = _claims(token)
    claims["scope"] = "patients:read patients:write admin"
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    head, _, signature = token.split(".")
    response = client.get("/v1/patients", headers=bearer(f"{head}.{payload}.{signature}"))
    assert response.status_code == 401


def test_token_signed_by_another_key_is_401(client: FlaskClient, world: World) -> None:
    from joserfc.jwk import RSAKey

    _, claims = _claims(cc_token(client, world.portal_a))
    other = RSAKey.generate_key(2048, private=True)
    forged = jwt.encode({"alg": "RS256", "typ": "at+jwt"}, claims, other)
    assert client.get("/v1/patients", headers=bearer(forged)).status_code == 401


def test_no_token_is_401_without_error_code(client: FlaskClient) -> None:
    response = client.get("/v1/patients")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="telemedical"'
    assert response.mimetype == "application/problem+json"


def test_missing_scope_is_403_with_challenge(client: FlaskClient, world: World) -> None:
    token = cc_token(client, world.readonly_a)
    response = client.post("/v1/patients", json={}, headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"
    challenge = response.headers["WWW-Authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="patients:write"' in challenge


# --- discovery -------------------------------------------------------------------------------------
def test_metadata_and_jwks(client: FlaskClient, world: World) -> None:
    meta = client.get("/.well-known/oauth-authorization-server").get_json()
    assert meta["issuer"] == "http://127.0.0.1:8000"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert set(meta["grant_types_supported"]) == {"authorization_code", "client_credentials", "refresh_token"}
    jwks = client.get(meta["jwks_uri"].removeprefix("http://127.0.0.1:8000")).get_json()
    (key,) = jwks["keys"]
    assert key["kty"] == "RSA" and "d" not in key and key["kid"]
    header, _ = _claims(cc_token(client, world.portal_a))
    assert header["kid"] == key["kid"]


# --- client registration: redirect URIs (issue 22, finding 17) ---------------------------------------
def test_a_redirect_uri_with_userinfo_or_another_trick_is_refused_at_registration(
    client: FlaskClient, world: World
) -> None:
    admin = bearer(cc_token(client, world.admin))
    uris = [
        "https://app.example/cb",
        "https://user:pw@evil.example/cb",
        "https://app.example\\@evil.example/cb",
        "https://app.example/cb#frag",
        "http://app.example/cb",
        "http://127.0.0.1:8765/callback",
    ]
    response = client.post(
        f"/v1/partners/{world.partner_a}/clients",
        json={
            "name": "App",
            "grant_type": "authorization_code",
            "scope": "patients:read",
            "redirect_uris": uris,
        },
        headers=admin,
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = {e["pointer"]: e for e in response.get_json()["errors"]}
    assert sorted(errors) == ["/redirect_uris/1", "/redirect_uris/2", "/redirect_uris/3", "/redirect_uris/4"]
    assert {e["code"] for e in errors.values()} == {"invalid_redirect_uri"}
    assert "user name or password" in errors["/redirect_uris/1"]["message"]


# --- a password set ends every sign-in of the user (issue 22, finding 8) ---------------------------------
def test_setting_a_password_ends_every_sign_in_the_user_had(
    client: FlaskClient, world: World, alice: str, db: Session
) -> None:
    from api.models import User

    sessions = []
    for _ in range(2):  # two devices
        code, verifier = authorization_code(client, world.mobile_a, alice, PASSWORD)
        sessions.append(exchange_code(client, world.mobile_a, code, verifier).get_json())
    rotated = refresh(client, world.mobile_a, sessions[1]["refresh_token"]).get_json()
    user = db.query(User).filter_by(email=alice).one()

    accounts.set_password(db, user, "a-brand-new-password")
    db.commit()

    for tokens in (*sessions, rotated):
        assert client.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
    for token in (sessions[0]["refresh_token"], rotated["refresh_token"]):
        answer = refresh(client, world.mobile_a, token)
        assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_grant"
    code, verifier = authorization_code(client, world.mobile_a, alice, "a-brand-new-password")
    assert exchange_code(client, world.mobile_a, code, verifier).status_code == 200


# --- sign-in throttling: a guesser elsewhere does not lock the patient out (issue 22) ----------------------
def _attempt_from(client: FlaskClient, world: World, email: str, password: str, address: str) -> Any:
    """One sign-in on the authorization page, from the client address ``address``."""
    _, challenge = pkce_pair()
    query = authorize_query(world.mobile_a, challenge)
    page = client.get(f"/oauth/authorize?{query}", environ_base={"REMOTE_ADDR": address})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf
    return client.post(
        f"/oauth/authorize?{query}",
        data={"csrf_token": csrf.group(1), "email": email, "password": password, "decision": "allow"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_guesser_at_another_address_does_not_lock_the_patient_out(
    client: FlaskClient, world: World, alice: str
) -> None:
    for _ in range(5):
        assert _attempt_from(client, world, alice, "a-wrong-guess", "203.0.113.9").status_code == 401
    guesser = _attempt_from(client, world, alice, PASSWORD, "203.0.113.9")
    assert guesser.status_code == 429 and 25 <= int(guesser.headers["Retry-After"]) <= 30
    assert "Location" not in guesser.headers  # no code, even with the right password

    patient = _attempt_from(client, world, alice, PASSWORD, "198.51.100.7")

    assert patient.status_code == 302 and "code=" in patient.headers["Location"]


def test_guessing_from_many_addresses_meets_the_accounts_ceiling(
    client: FlaskClient, world: World, alice: str
) -> None:
    """Each address stays under its own limit; together they fill the account's ceiling (20 at once), after
    which every address waits, the password unchecked, until one failure is forgotten (90 s)."""
    for n in range(20):
        assert _attempt_from(client, world, alice, "a-wrong-guess", f"203.0.113.{n}").status_code == 401

    refused = _attempt_from(client, world, alice, PASSWORD, "198.51.100.7")

    assert refused.status_code == 429 and 85 <= int(refused.headers["Retry-After"]) <= 90
    assert "Location" not in refused.headers and "Too many attempts" in refused.get_data(as_text=True)
