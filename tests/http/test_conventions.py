"""The cross-cutting conventions of every /v1 operation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.config import get_settings
from api.db import utcnow
from api.models import IdempotencyKey, Patient
from tests.helpers import PATIENT_BODY, bearer, cc_token, token_response
from tests.world import World


@pytest.fixture
def headers(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


def _count_patients(db: Session, partner_id: str) -> int:
    return db.query(Patient).filter_by(partner_id=partner_id).count()


# --- idempotency -----------------------------------------------------------------------------------
def test_idempotent_replay_returns_the_first_response(
    client: FlaskClient, headers: dict[str, str], db: Session, world: World
) -> None:
    before = _count_patients(db, world.partner_a)
    key = {"Idempotency-Key": "create-grace-1", **headers}
    first = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    second = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert _count_patients(db, world.partner_a) == before + 1


def test_a_recorded_response_is_stored_sealed(
    client: FlaskClient, headers: dict[str, str], db: Session, make_app: Callable[..., Flask]
) -> None:
    """It may hold PHI or a one-time secret: a copy of the database does not show it, and a server with
    another SECRET_KEY cannot replay it (409 idempotency_record_lost, not a garbled body)."""
    key = {"Idempotency-Key": "sealed-1", **headers}
    first = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    row = db.query(IdempotencyKey).filter_by(key="sealed-1").one()
    assert row.response_body and PATIENT_BODY["family_name"].encode() not in row.response_body
    assert first.get_json()["id"].encode() not in row.response_body
    other = make_app(secret_key="another-secret-key-of-at-least-32-chars").test_client()
    lost = other.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert lost.status_code == 409 and lost.get_json()["code"] == "idempotency_record_lost"


def test_same_key_with_another_body_is_422(client: FlaskClient, headers: dict[str, str]) -> None:
    key = {"Idempotency-Key": "create-grace-2", **headers}
    assert client.post("/v1/patients", json=PATIENT_BODY, headers=key).status_code == 201
    response = client.post("/v1/patients", json={**PATIENT_BODY, "given_name": "Other"}, headers=key)
    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"


def test_keys_are_scoped_to_the_client(client: FlaskClient, world: World, headers: dict[str, str]) -> None:
    other = bearer(cc_token(client, world.portal_b))
    a = client.post("/v1/patients", json=PATIENT_BODY, headers={"Idempotency-Key": "shared", **headers})
    b = client.post("/v1/patients", json=PATIENT_BODY, headers={"Idempotency-Key": "shared", **other})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"] and "Idempotent-Replayed" not in b.headers


def test_same_key_while_the_first_is_in_flight_is_409(
    app: Flask, client: FlaskClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request arrives while the first is still inside its handler."""
    from api.services import patients as service

    original = service.create_patient
    seen: dict[str, Any] = {}

    def slow_create(*args: Any, **kwargs: Any) -> Any:
        # A second client request, made while this one has claimed the key but not finished.
        nested = app.test_client().post(
            "/v1/patients", json=PATIENT_BODY, headers={"Idempotency-Key": "in-flight", **headers}
        )
        seen["status"], seen["body"] = nested.status_code, nested.get_json()
        seen["retry_after"] = nested.headers.get("Retry-After")
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "create_patient", slow_create)
    first = client.post(
        "/v1/patients", json=PATIENT_BODY, headers={"Idempotency-Key": "in-flight", **headers}
    )
    assert first.status_code == 201
    assert seen["status"] == 409 and seen["body"]["code"] == "idempotency_key_in_use" and seen["retry_after"]


def test_a_4xx_result_is_recorded_and_replayed(client: FlaskClient, headers: dict[str, str]) -> None:
    key = {"Idempotency-Key": "bad-then-bad", **headers}
    bad = client.post("/v1/patients", json={**PATIENT_BODY, "birth_date": "not-a-date"}, headers=key)
    assert bad.status_code == 422
    again = client.post("/v1/patients", json={**PATIENT_BODY, "birth_date": "not-a-date"}, headers=key)
    assert again.status_code == 422 and again.headers["Idempotent-Replayed"] == "true"


def test_a_5xx_releases_its_key_and_keeps_nothing(
    client: FlaskClient, headers: dict[str, str], db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.services import patients as service

    original = service.create_patient
    before = _count_patients(db, world.partner_a)

    def crash_after_writing(session: Any, *args: Any, **kwargs: Any) -> Any:
        session.add(
            Patient(
                partner_id=world.partner_a,
                given_name="Half",
                family_name="Written",
                birth_date=date(1990, 12, 9),
                sex_at_birth="female",
            )
        )
        session.flush()
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "create_patient", crash_after_writing)
    key = {"Idempotency-Key": "retry-after-crash", **headers}
    assert client.post("/v1/patients", json=PATIENT_BODY, headers=key).status_code == 500
    assert _count_patients(db, world.partner_a) == before
    monkeypatch.setattr(service, "create_patient", original)
    retried = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


def test_abandoned_claim_is_taken_over(
    client: FlaskClient, headers: dict[str, str], db: Session, world: World
) -> None:
    key = {"Idempotency-Key": "crashed-worker", **headers}
    first = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    row = db.query(IdempotencyKey).filter_by(key="crashed-worker").one()
    # Pretend the worker died mid-flight long ago, before committing anything: stale lock, nothing recorded.
    row.response_status, row.response_body, row.locked_at = None, None, utcnow() - timedelta(minutes=10)
    row.committed_at = None
    db.commit()
    retried = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert first.status_code == retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_a_request_that_took_effect_is_never_run_again(
    client: FlaskClient, headers: dict[str, str], db: Session, world: World
) -> None:
    """The process died after the request committed but before its response was recorded."""
    key = {"Idempotency-Key": "committed-then-crashed", **headers}
    assert client.post("/v1/patients", json=PATIENT_BODY, headers=key).status_code == 201
    row = db.query(IdempotencyKey).filter_by(key="committed-then-crashed").one()
    assert row.committed_at is not None
    before = _count_patients(db, world.partner_a)
    row.response_status, row.response_body, row.locked_at = None, None, utcnow()
    db.commit()
    running = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert running.status_code == 409 and running.get_json()["code"] == "idempotency_key_in_use"
    row.locked_at = utcnow() - timedelta(minutes=10)
    db.commit()
    retried = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert retried.status_code == 409 and retried.get_json()["code"] == "idempotency_record_lost"
    assert "Read the resource" in retried.get_json()["detail"]
    assert _count_patients(db, world.partner_a) == before


def test_the_database_failing_while_recording_keeps_the_answer_and_runs_nothing_twice(
    client: FlaskClient,
    headers: dict[str, str],
    db: Session,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy.exc import OperationalError

    from api.http import idempotency

    def database_gone(*_args: Any) -> bytes:
        raise OperationalError("UPDATE idempotency_keys", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(idempotency, "seal", database_gone)
    key = {"Idempotency-Key": "record-failed", **headers}
    created = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert created.status_code == 201  # the patient was created: the client is told so
    assert "could not record the idempotent response" in caplog.text and "Traceback" not in caplog.text
    monkeypatch.undo()
    before = _count_patients(db, world.partner_a)
    db.query(IdempotencyKey).filter_by(key="record-failed").update(
        {"locked_at": utcnow() - timedelta(minutes=10)}
    )
    db.commit()
    retried = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    assert retried.status_code == 409 and retried.get_json()["code"] == "idempotency_record_lost"
    assert _count_patients(db, world.partner_a) == before


def test_expired_keys_are_forgotten(client: FlaskClient, headers: dict[str, str], db: Session) -> None:
    key = {"Idempotency-Key": "day-old", **headers}
    first = client.post("/v1/patients", json=PATIENT_BODY, headers=key)
    row = db.query(IdempotencyKey).filter_by(key="day-old").one()
    assert timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=24)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    second = client.post("/v1/patients", json={**PATIENT_BODY, "given_name": "New"}, headers=key)
    assert second.status_code == 201 and second.get_json()["id"] != first.get_json()["id"]


def test_overlong_idempotency_key_is_400(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/patients", json=PATIENT_BODY, headers={"Idempotency-Key": "k" * 256, **headers}
    )
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_idempotency_key"


# --- pagination ------------------------------------------------------------------------------------
def _create(client: FlaskClient, headers: dict[str, str], n: int, prefix: str) -> list[str]:
    return [
        client.post(
            "/v1/patients", json={**PATIENT_BODY, "external_id": f"{prefix}-{i}"}, headers=headers
        ).get_json()["id"]
        for i in range(n)
    ]


def test_pagination_walks_every_row_once_while_rows_are_inserted(
    client: FlaskClient, headers: dict[str, str], world: World
) -> None:
    existing = {world.patient_a1, world.patient_a2}
    created = set(_create(client, headers, 5, "page"))
    seen: list[str] = []
    page = client.get("/v1/patients?limit=3", headers=headers)
    while True:
        body = page.get_json()
        assert page.status_code == 200 and len(body["data"]) <= 3
        seen.extend(p["id"] for p in body["data"])
        _create(client, headers, 1, f"during-{len(seen)}")  # concurrent inserts land before page 1
        if not body["has_more"]:
            assert body["next_cursor"] is None and "Link" not in page.headers
            break
        assert page.headers["Link"].endswith('>; rel="next"') and "cursor=" in page.headers["Link"]
        page = client.get(f"/v1/patients?limit=3&cursor={body['next_cursor']}", headers=headers)
    assert len(seen) == len(set(seen)) == len(existing | created)
    assert set(seen) == existing | created


def test_the_next_link_is_built_from_the_issuer_never_from_the_host_header(
    app: Flask, client: FlaskClient, headers: dict[str, str], world: World
) -> None:
    """Issue 22, finding 12: ``Host: evil.example`` made the next page's link point at evil.example."""
    page = client.get("/v1/patients?limit=1", headers={**headers, "Host": "evil.example"})
    issuer = get_settings(app).issuer
    assert page.status_code == 200
    assert page.headers["Link"].startswith(f"<{issuer}/v1/patients?limit=1&cursor=")
    assert "evil.example" not in page.headers["Link"]


def test_limit_is_clamped_to_100(
    client: FlaskClient, headers: dict[str, str], db: Session, world: World
) -> None:
    db.add_all(
        Patient(
            partner_id=world.partner_a,
            given_name=f"P{i}",
            family_name="Bulk",
            birth_date=date(1980, 1, 1),
            sex_at_birth="male",
            preferred_language="en",
        )
        for i in range(105)
    )
    db.commit()
    body = client.get("/v1/patients?limit=1000", headers=headers).get_json()
    assert len(body["data"]) == 100 and body["has_more"] is True


@pytest.mark.parametrize("cursor", ["garbage", "eyJsIjoicGF0aWVudHMifQ.AAAA", ""])
def test_malformed_cursor_is_400(client: FlaskClient, headers: dict[str, str], cursor: str) -> None:
    response = client.get(f"/v1/patients?cursor={cursor}x", headers=headers)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor"


def test_cursor_of_another_list_is_400(client: FlaskClient, world: World, headers: dict[str, str]) -> None:
    admin = bearer(cc_token(client, world.admin))
    client.post("/v1/partners", json={"name": "Extra"}, headers=admin)
    cursor = client.get("/v1/partners?limit=1", headers=admin).get_json()["next_cursor"]
    assert cursor
    response = client.get(f"/v1/patients?cursor={cursor}", headers=headers)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor"


# --- ETags -----------------------------------------------------------------------------------------
def test_etag_304_412_428(client: FlaskClient, headers: dict[str, str], world: World) -> None:
    url = f"/v1/patients/{world.patient_a1}"
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    not_modified = client.get(url, headers={"If-None-Match": etag, **headers})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == etag
    missing = client.patch(url, json={"phone": "+14155550199"}, headers=headers)
    assert missing.status_code == 428 and missing.get_json()["code"] == "precondition_required"
    stale = client.patch(url, json={"phone": "+14155550199"}, headers={"If-Match": '"stale"', **headers})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    assert "GET it again" in stale.get_json()["detail"]
    assert "If-Match" in missing.get_json()["detail"]
    ok = client.patch(url, json={"phone": "+14155550199"}, headers={"If-Match": etag, **headers})
    assert ok.status_code == 200 and ok.get_json()["phone"] == "+14155550199"
    assert ok.headers["ETag"] != etag
    # The old ETag no longer matches: a lost update is refused.
    assert (
        client.patch(url, json={"phone": "+14155550100"}, headers={"If-Match": etag, **headers}).status_code
        == 412
    )
    assert client.get(url, headers={"If-None-Match": etag, **headers}).status_code == 200


# --- rate limits -----------------------------------------------------------------------------------
def test_rate_limit_headers_and_429(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(rate_limit="4/minute").test_client()
    token = cc_token(client, world.portal_a)  # the token request counts (by address) too
    responses = [client.get("/v1/patients", headers=bearer(token)) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    first, limited = responses[0], responses[-1]
    assert first.headers["RateLimit-Policy"] == '"default";q=4;w=60'
    assert first.headers["RateLimit"].startswith('"default";r=3;t=')
    assert limited.get_json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["RateLimit"].startswith('"default";r=0;')
    # Limits are per client: another client is unaffected; health checks are exempt.
    other = cc_token(client, world.portal_b)
    assert client.get("/v1/patients", headers=bearer(other)).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_an_unreachable_database_is_503_and_not_a_rate_limiter_fault(
    client: FlaskClient,
    headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The rate-limit key checks the token, which reads the database: when that read fails, the request is
    counted by address and answered 503 by the view's own check; the limiter logs no error of its own and
    does not leave its store for memory."""
    from sqlalchemy.exc import OperationalError

    from api.auth import store

    def unreachable(*_args: Any) -> bool:
        raise OperationalError("SELECT revoked_at", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(store, "is_token_revoked", unreachable)
    response = client.get("/v1/patients", headers=headers)
    problem = _problem(response, 503, "service_unavailable")
    assert int(response.headers["Retry-After"]) >= 1 and "Traceback" not in str(problem)
    errors = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert not errors, [r.getMessage() for r in errors]
    assert "rate-limit storage unreachable" not in caplog.text


def test_the_token_endpoint_answers_429_in_oauth_form(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(rate_limit="2/minute").test_client()
    statuses = [token_response(client, world.portal_a).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = token_response(client, world.portal_a)
    assert limited.mimetype == "application/json"
    assert limited.get_json()["error"] == "temporarily_unavailable"
    assert "retry in" in limited.get_json()["error_description"]
    assert int(limited.headers["Retry-After"]) >= 1


# --- problems for bad input ------------------------------------------------------------------------
def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status and body["code"] == code and body["title"] and body["type"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_unknown_fields_are_422_with_pointers(client: FlaskClient, headers: dict[str, str]) -> None:
    body = _problem(
        client.post(
            "/v1/patients",
            json={**PATIENT_BODY, "ssn": "123", "address": {**PATIENT_BODY["address"], "country": "US"}},
            headers=headers,
        ),
        422,
        "validation_failed",
    )
    assert {(e["pointer"], e["code"]) for e in body["errors"]} == {
        ("/ssn", "unknown_field"),
        ("/address/country", "unknown_field"),
    }


def test_wrong_types_and_values_are_422_with_pointers(client: FlaskClient, headers: dict[str, str]) -> None:
    bad = {
        **PATIENT_BODY,
        "birth_date": 19900101,
        "given_name": "",
        "phone": "555-1234",
        "address": {**PATIENT_BODY["address"], "state": "XX"},
        "timezone": "Mars/Olympus",
        "preferred_language": "!",
    }
    body = _problem(client.post("/v1/patients", json=bad, headers=headers), 422, "validation_failed")
    pointers = {e["pointer"] for e in body["errors"]}
    assert pointers == {
        "/birth_date",
        "/given_name",
        "/phone",
        "/address/state",
        "/timezone",
        "/preferred_language",
    }


def test_malformed_json_is_a_problem(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post("/v1/patients", data="{not json", content_type="application/json", headers=headers)
    assert response.status_code in (400, 422) and response.mimetype == "application/problem+json"


def test_oversize_body_is_413(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(max_content_length=2048).test_client()
    headers = bearer(cc_token(client, world.portal_a))
    response = client.post("/v1/patients", json={**PATIENT_BODY, "family_name": "x" * 4096}, headers=headers)
    _problem(response, 413, "payload_too_large")


def test_wrong_media_type_is_415(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/patients", data="given_name=x", content_type="application/x-www-form-urlencoded", headers=headers
    )
    _problem(response, 415, "unsupported_media_type")


def test_unknown_path_is_404_problem(client: FlaskClient) -> None:
    _problem(client.get("/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.delete("/v1/patients", headers=headers)
    _problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_crash_is_500_problem_without_trace(make_app: Callable[..., Flask]) -> None:
    app = make_app()

    def boom() -> None:
        raise RuntimeError("secret internals /home/app/api/db.py line 42")

    app.add_url_rule("/boom", "boom", boom)
    response = app.test_client().get("/boom")
    body = _problem(response, 500, "internal_error")
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text and "db.py" not in text
    assert body["detail"] == "An unexpected error occurred."


def test_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert generated and " " not in generated


def test_phi_responses_are_not_cached(client: FlaskClient, headers: dict[str, str], world: World) -> None:
    response = client.get(f"/v1/patients/{world.patient_a1}", headers=headers)
    assert response.headers["Cache-Control"] == "no-store"


def test_problem_types_resolve_to_documentation(client: FlaskClient, headers: dict[str, str]) -> None:
    problem = client.get("/v1/patients/pat_nope", headers=headers).get_json()
    assert problem["type"] == "http://127.0.0.1:8000/problems/not_found"
    page = client.get("/problems/not_found")
    assert page.status_code == 200 and "another tenant" in page.get_data(as_text=True)
    assert client.get("/problems/no_such_code").status_code == 404
    # Code spans are shown as code, not as backticks, and nothing else of the text is markup.
    consent = client.get("/problems/consent_required").get_data(as_text=True)
    assert "<code>" in client.get("/problems/provider_not_qualified").get_data(as_text=True)
    assert "`" not in consent and "missing_consents" in consent


def test_each_request_authenticates_afresh(client: FlaskClient, world: World) -> None:
    """Nothing of one request's identity survives into the next (per-request g and session)."""
    a = bearer(cc_token(client, world.portal_a))
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=a).status_code == 200
    assert client.get(f"/v1/patients/{world.patient_a1}").status_code == 401
    b = bearer(cc_token(client, world.portal_b))
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=b).status_code == 404


# --- empty filters (issue 22, finding 13) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "/v1/patients?email=",
        "/v1/patients?external_id=",
        "/v1/consultations?status=",
        "/v1/consultations?patient_id=",
        "/v1/follow-up-plans?status=",
        "/v1/screenings?patient_id=",
        "/v1/patients?cursor=",
    ],
)
def test_a_filter_given_empty_is_refused_not_ignored(
    client: FlaskClient, headers: dict[str, str], query: str
) -> None:
    """``?email=`` returned every patient: a client whose variable was empty got the whole list."""
    response = client.get(query, headers=headers)
    assert response.status_code == 422, response.get_json()
    name = query.rsplit("?", 1)[1].rstrip("=")
    problem = response.get_json()
    assert problem["code"] == "validation_failed"
    assert {e["pointer"] for e in problem["errors"]} == {f"/{name}"}
    assert {e["code"] for e in problem["errors"]} & {"invalid_length", "invalid_choice"}


def test_every_text_or_list_query_parameter_is_documented_as_non_empty() -> None:
    """The committed spec says so for every list's parameters, so SDKs and fuzzers know it too."""
    spec = json.loads((Path(__file__).parents[2] / "openapi" / "v1.json").read_text())
    unchecked = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                refuses_empty = schema.get("minLength") or schema.get("pattern") or schema.get("enum")
                if schema.get("type") == "string" and not refuses_empty:
                    unchecked.append(f"{method.upper()} {path} {parameter['name']}")
                if schema.get("type") == "array" and not schema.get("minItems"):
                    unchecked.append(f"{method.upper()} {path} {parameter['name']}")
    assert unchecked == []


# --- unknown query parameters (issue 27, item 4) ----------------------------------------------------------


def test_a_misspelt_filter_is_422_not_the_newest_patient(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    """``?emial=`` was ignored: the list came back unfiltered and ``data[0]`` was somebody else."""
    response = client.get("/v1/patients?emial=ada@example.com&limit=1", headers=headers)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "unknown_parameter"
    assert "data" not in problem
    assert problem["errors"] == [
        {
            "pointer": "/emial",
            "code": "unknown_parameter",
            "message": "Unknown query parameter. Did you mean 'email'?",
        }
    ]
    assert "emial" in problem["detail"] and "email" in problem["detail"]


def test_a_query_parameter_on_an_operation_that_takes_none_is_422(
    client: FlaskClient, headers: dict[str, str], world: World
) -> None:
    response = client.get(f"/v1/patients/{world.patient_a1}?fields=name", headers=headers)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "unknown_parameter"
    assert "takes: no query parameters" in response.get_json()["detail"]


def test_the_token_is_checked_before_the_parameters(client: FlaskClient) -> None:
    assert client.get("/v1/patients?emial=x").status_code == 401
