"""Getting real tokens from the real endpoints, as a client application would."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask.testing import FlaskClient

from tests.world import REDIRECT, Creds

PATIENT_BODY: dict[str, Any] = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "birth_date": "1990-12-09",
    "sex_at_birth": "female",
    "email": "grace@example.test",
    "phone": "+14155550123",
    "preferred_language": "en-US",
    "address": {"line1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "78701"},
    "timezone": "America/Chicago",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_response(client: FlaskClient, creds: Creds, **form: str) -> Any:
    form.setdefault("grant_type", "client_credentials")
    return client.post("/oauth/token", data=form, auth=(creds.client_id, creds.secret or ""))


def cc_token(client: FlaskClient, creds: Creds, scope: str | None = None) -> str:
    form = {"scope": scope} if scope else {}
    response = token_response(client, creds, **form)
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(
    creds: Creds,
    challenge: str | None,
    *,
    method: str | None = "S256",
    redirect_uri: str = REDIRECT,
    scope: str = "patients:read",
    state: str = "st4te",
) -> str:
    params = {
        "response_type": "code",
        "client_id": creds.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    if challenge is not None:
        params["code_challenge"] = challenge
    if method is not None:
        params["code_challenge_method"] = method
    return urlencode(params)


def sign_in(client: FlaskClient, query: str, email: str, password: str, decision: str = "allow") -> Any:
    page = client.get(f"/oauth/authorize?{query}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return client.post(
        f"/oauth/authorize?{query}",
        data={"csrf_token": match.group(1), "email": email, "password": password, "decision": decision},
    )


def redirect_params(response: Any) -> dict[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def authorization_code(
    client: FlaskClient, creds: Creds, email: str, password: str, scope: str = "patients:read"
) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    params = redirect_params(sign_in(client, authorize_query(creds, challenge, scope=scope), email, password))
    assert params["state"] == "st4te"
    return params["code"], verifier


def exchange_code(
    client: FlaskClient, creds: Creds, code: str, verifier: str | None, redirect_uri: str = REDIRECT
) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": creds.client_id,
    }
    if verifier is not None:
        form["code_verifier"] = verifier
    return client.post("/oauth/token", data=form)


def refresh(client: FlaskClient, creds: Creds, refresh_token: str) -> Any:
    return client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": creds.client_id},
    )
