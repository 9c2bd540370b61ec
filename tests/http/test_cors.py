"""CORS for browser portals: only the origins in ``CORS_ORIGINS`` may call /v1 and /oauth/token; none by
default; every origin compared exactly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.config import ConfigurationError, load_settings
from tests.helpers import bearer, cc_token
from tests.world import World

PORTAL = "https://portal.clinic.example"
LOCAL = "http://[::1]:5173"


@pytest.fixture
def cors_client(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(cors_origins=(PORTAL, LOCAL)).test_client()


def test_an_allowed_origin_reads_responses_and_their_headers(cors_client: FlaskClient, world: World) -> None:
    token = cc_token(cors_client, world.portal_a)

    answer = cors_client.get("/v1/patients?limit=1", headers={**bearer(token), "Origin": PORTAL})

    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Origin" in answer.headers["Vary"]
    exposed = {h.strip().lower() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "location", "link", "x-request-id", "ratelimit", "retry-after"} <= exposed
    assert "Access-Control-Allow-Credentials" not in answer.headers  # bearer tokens, never cookies


def test_a_preflight_names_the_methods_and_headers_the_api_takes(cors_client: FlaskClient) -> None:
    preflight = cors_client.options(
        "/v1/patients/pat_x",
        headers={
            "Origin": LOCAL,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type, if-match, idempotency-key",
        },
    )

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == LOCAL
    assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-match", "idempotency-key"} <= allowed
    assert preflight.headers["Access-Control-Max-Age"] == "600"


def test_the_token_endpoint_answers_an_allowed_origin(cors_client: FlaskClient, world: World) -> None:
    answer = cors_client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(world.portal_a.client_id, world.portal_a.secret),
        headers={"Origin": PORTAL},
    )
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == PORTAL


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://portal.clinic.example.evil.example",  # a prefix of an allowed origin is not it
        "http://portal.clinic.example",  # another scheme
        "https://portal.clinic.example:8443",  # another port
        "http://[::1]:51730",
        "null",
    ],
)
def test_any_other_origin_gets_no_cors_headers(cors_client: FlaskClient, world: World, origin: str) -> None:
    token = cc_token(cors_client, world.portal_a)
    answer = cors_client.get("/v1/patients?limit=1", headers={**bearer(token), "Origin": origin})
    assert "Access-Control-Allow-Origin" not in answer.headers
    preflight = cors_client.options(
        "/v1/patients", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_no_origin_is_allowed_by_default_nor_on_the_sign_in_pages(
    client: FlaskClient, cors_client: FlaskClient
) -> None:
    assert (
        "Access-Control-Allow-Origin"
        not in client.get("/v1/openapi.json", headers={"Origin": PORTAL}).headers
    )
    sign_in = cors_client.get("/oauth/authorize", headers={"Origin": PORTAL})
    assert "Access-Control-Allow-Origin" not in sign_in.headers


@pytest.mark.parametrize(
    "value", ["https://portal.example/", "https://*.example", "portal.example", "https://portal.example/path"]
)
def test_a_malformed_origin_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CORS_ORIGINS", f"https://ok.example, {value}")
    with pytest.raises(ConfigurationError, match="CORS_ORIGINS"):
        load_settings()


def test_origins_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", f" {PORTAL} ,{LOCAL},")
    assert load_settings().cors_origins == (PORTAL, LOCAL)
