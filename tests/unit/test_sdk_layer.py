"""The Python SDK's hand-written layer (clients/helpers/runtime.py and auth.py, as make sdk copies them into
clients/python) against a scripted transport: raise-on-error with the typed Problem and Retry-After,
Idempotency-Keys kept across retries, what is and is not retried, pagination, ETags, token errors, rotation
callbacks, PKCE."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from telemedical_api_client import (
    ApiError,
    AuthenticatedClient,
    NotModified,
    Pkce,
    RefreshToken,
    RetryPolicy,
    Tagged,
    TokenError,
    paginate,
)
from telemedical_api_client.api.patients import create_patient, get_patient, list_patients, update_patient
from telemedical_api_client.models import PatientCreate, PatientUpdate, SexAtBirth
from telemedical_api_client.runtime import RetryTransport, parse_retry_after

ROOT = Path(__file__).resolve().parents[2]
Answer = httpx.Response | type[Exception]

SCHEMAS = json.loads((ROOT / "openapi" / "v1.json").read_text())["components"]["schemas"]


def fake(schema: dict[str, Any]) -> Any:
    """The least JSON a schema accepts (null where it may be; required properties only): so these tests
    follow the Patient schema as it changes."""
    if "$ref" in schema:
        return fake(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    if any(option.get("type") == "null" for option in schema.get("anyOf", [])):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind:
            return None
        kind = kind[0]
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {name: fake(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "string":
        return {"date": "1985-12-10", "date-time": "2026-01-05T10:00:00Z"}.get(schema.get("format", ""), "x")
    return {"integer": 0, "number": 0, "boolean": False, "array": []}.get(str(kind))


PATIENT = {**fake(SCHEMAS["Patient"]), "id": "pat_1"}


def problem(status: int, code: str) -> dict[str, Any]:
    return {
        "type": f"/problems/{code}",
        "title": code,
        "status": status,
        "code": code,
        "detail": "d",
        "request_id": "r1",
    }


class Script:
    """An inner transport answering from a script, recording what it was sent."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = list(answers)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, type):
            raise answer("scripted failure")
        return answer


def client_for(script: Script) -> tuple[AuthenticatedClient, list[float]]:
    slept: list[float] = []
    transport = RetryTransport(RetryPolicy(attempts=4, base_delay=0.01), httpx.MockTransport(script))
    transport.sleep = slept.append
    client = AuthenticatedClient(base_url="http://api.test", token="t")
    client.set_httpx_client(httpx.Client(base_url="http://api.test", transport=transport))
    return client, slept


def ok(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


BODY = PatientCreate(
    given_name="Ada", family_name="Lovelace", birth_date=date(1985, 12, 10), sex_at_birth=SexAtBirth.FEMALE
)


def test_a_post_is_keyed_and_keeps_its_key_across_a_503_and_a_network_error() -> None:
    script = Script(
        [
            ok(503, problem(503, "service_unavailable"), **{"Retry-After": "2"}),
            httpx.ConnectError,
            ok(201, PATIENT),
        ]
    )
    client, slept = client_for(script)
    patient = create_patient.sync(client=client, body=BODY)
    assert patient.id == "pat_1"
    keys = {request.headers["idempotency-key"] for request in script.seen}
    assert len(script.seen) == 3 and len(keys) == 1
    assert slept[0] == 2  # Retry-After honoured
    assert json.loads(script.seen[2].content)["given_name"] == "Ada"


def test_a_callers_own_key_is_kept() -> None:
    script = Script([ok(201, PATIENT)])
    client, _ = client_for(script)
    create_patient.sync(client=client, body=BODY, idempotency_key="mine")
    assert script.seen[0].headers["idempotency-key"] == "mine"


def test_an_unkeyed_patch_is_not_retried_and_raises_the_typed_problem() -> None:
    script = Script([ok(503, problem(503, "service_unavailable"), **{"Retry-After": "7"})])
    client, _ = client_for(script)
    with pytest.raises(ApiError) as raised:
        update_patient.sync("pat_1", client=client, if_match='"e1"', body=PatientUpdate())
    assert (raised.value.status, raised.value.code, raised.value.retry_after) == (
        503,
        "service_unavailable",
        7,
    )
    assert raised.value.problem.request_id == "r1"
    assert len(script.seen) == 1


@pytest.mark.parametrize(
    ("answers", "sent", "status"),
    [
        pytest.param(
            [ok(429, problem(429, "rate_limited"))] * 4, 4, 429, id="429-until-the-attempts-run-out"
        ),
        pytest.param([ok(429, problem(429, "rate_limited")), ok(200, PATIENT)], 2, 200, id="429-then-ok"),
        pytest.param([ok(404, problem(404, "not_found"))], 1, 404, id="404-is-not-retried"),
        pytest.param([ok(500, problem(500, "internal_error"))], 1, 500, id="500-is-not-retried"),
    ],
)
def test_what_a_get_retries(answers: list[Answer], sent: int, status: int) -> None:
    script = Script(answers)
    client, _ = client_for(script)
    if status == 200:
        assert get_patient.sync("pat_1", client=client).id == "pat_1"
    else:
        with pytest.raises(ApiError) as raised:
            get_patient.sync("pat_1", client=client)
        assert raised.value.status == status
    assert len(script.seen) == sent


def test_a_network_error_on_the_last_attempt_is_raised() -> None:
    client, _ = client_for(Script([httpx.ReadError] * 4))
    with pytest.raises(httpx.ReadError):
        get_patient.sync("pat_1", client=client)


def test_a_body_that_is_not_a_problem_still_raises_api_error() -> None:
    client, _ = client_for(Script([httpx.Response(502, text="<html>bad gateway</html>")]))
    with pytest.raises(ApiError) as raised:
        get_patient.sync("pat_1", client=client)
    assert raised.value.code == "http_502" and "bad gateway" in raised.value.problem.detail


def test_if_changed_gives_the_etag_then_not_modified() -> None:
    script = Script([ok(200, PATIENT, ETag='"e1"'), httpx.Response(304, headers={"ETag": '"e1"'})])
    client, _ = client_for(script)
    first = get_patient.sync_if_changed("pat_1", client=client)
    assert isinstance(first, Tagged) and first.etag == '"e1"' and first.value.id == "pat_1"
    assert get_patient.sync_if_changed("pat_1", client=client, if_none_match='"e1"') == NotModified('"e1"')
    assert script.seen[1].headers["if-none-match"] == '"e1"'


def test_paginate_follows_the_cursor() -> None:
    page = {"has_more": True, "next_cursor": "c2", "data": [PATIENT, {**PATIENT, "id": "pat_2"}]}
    last = {"has_more": False, "next_cursor": None, "data": [{**PATIENT, "id": "pat_3"}]}
    script = Script([ok(200, page), ok(200, last)])
    client, _ = client_for(script)
    assert [p.id for p in paginate(list_patients.sync, client=client, limit=2)] == ["pat_1", "pat_2", "pat_3"]
    assert "cursor" not in script.seen[0].url.params and script.seen[1].url.params["cursor"] == "c2"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 0 ", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def token_server(
    monkeypatch: pytest.MonkeyPatch, answers: list[httpx.Response]
) -> list[dict[str, list[str]]]:
    """httpx.post (the token endpoint) answering from a script; the forms it was sent."""
    forms: list[dict[str, list[str]]] = []

    def post(url: str, data: dict[str, str], **_: Any) -> httpx.Response:
        forms.append({k: [v] for k, v in data.items()})
        return answers.pop(0)

    monkeypatch.setattr(httpx, "post", post)
    return forms


def test_a_wrong_secret_is_a_token_error_an_api_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from telemedical_api_client import ClientCredentials

    token_server(
        monkeypatch,
        [ok(401, {"error": "invalid_client", "error_description": "Client authentication failed"})],
    )
    with pytest.raises(ApiError) as raised:
        ClientCredentials("http://api.test", "cli_x", "wrong").access_token()
    assert isinstance(raised.value, TokenError)
    assert (raised.value.status, raised.value.code) == (401, "invalid_client")


def test_a_rotating_refresh_token_calls_on_rotate_and_sends_the_newest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forms = token_server(
        monkeypatch,
        [
            ok(200, {"access_token": "a1", "expires_in": 1, "refresh_token": "r2"}),
            ok(200, {"access_token": "a2", "expires_in": 1, "refresh_token": "r3"}),
        ],
    )
    rotated: list[str] = []
    tokens = RefreshToken("http://api.test", "cli_app", "r1", on_rotate=rotated.append)
    assert [tokens.access_token(), tokens.access_token()] == ["a1", "a2"]
    assert rotated == ["r2", "r3"] and tokens.refresh_token == "r3"
    assert [form["refresh_token"] for form in forms] == [["r1"], ["r2"]]


def test_pkce_s256_and_the_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    forms = token_server(
        monkeypatch, [ok(200, {"access_token": "a1", "expires_in": 900, "refresh_token": "r1"})]
    )
    pkce = Pkce.new()
    expected = base64.urlsafe_b64encode(hashlib.sha256(pkce.verifier.encode()).digest()).rstrip(b"=").decode()
    query = parse_qs(
        urlsplit(pkce.authorization_url("http://api.test", "cli_app", "http://app/cb", "x")).query
    )
    assert query["code_challenge"] == [expected] and query["code_challenge_method"] == ["S256"]
    assert query["state"] == [pkce.state]
    stored: list[str] = []
    tokens = pkce.exchange("http://api.test", "cli_app", "code1", "http://app/cb", on_rotate=stored.append)
    assert tokens.access_token() == "a1" and stored == ["r1"]
    assert forms[0]["code_verifier"] == [pkce.verifier] and forms[0]["grant_type"] == ["authorization_code"]


def test_the_copies_in_clients_python_are_the_helpers() -> None:
    """make sdk copies clients/helpers/*.py in; an edit to a copy would be lost at the next generation."""
    for name in ("auth.py", "runtime.py"):
        helper = (ROOT / "clients" / "helpers" / name).read_text()
        assert (ROOT / "clients" / "python" / "telemedical_api_client" / name).read_text() == helper
