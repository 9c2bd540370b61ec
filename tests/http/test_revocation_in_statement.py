"""A hot read checks its token's revocation in its own statement (api/auth/store.py ``token_is_live``): a
patient or a consultation by id, a page of the provider directory, a FHIR read by id. A live token costs no
read of its own; a
revoked or unknown one is answered 401 ``invalid_token`` whatever the operation found (a row, a 404, a 403, a
304, a 422), with no data, and recorded as a token refused up front is; a token found revoked is refused from
memory afterwards, and the rate limiter no longer counts its requests against its client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, select, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from api.auth.tokens import unverified_claims
from api.http.ratelimit import rate_limit_key
from api.models import AuditEvent, OAuthToken
from tests.helpers import bearer, cc_token
from tests.world import World

REVOKED = "The access token has been revoked."


@contextmanager
def statements(connection: Connection) -> Iterator[list[str]]:
    """The SQL statements run on the test's connection meanwhile (the app's sessions run on it)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def token_reads(seen: list[str]) -> list[str]:
    """The statements that read the tokens' table."""
    return [s for s in seen if "oauth_tokens" in s]


def revoke(client: FlaskClient, world: World, token: str) -> None:
    portal = (world.portal_a.client_id, world.portal_a.secret)
    assert client.post("/oauth/revoke", data={"token": token}, auth=portal).status_code == 200


def assert_refused(response: TestResponse, *secrets: str) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.get_json()["code"] == "invalid_token"
    assert response.get_json()["detail"] == REVOKED
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "ETag" not in response.headers
    body = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in body


def test_a_live_token_is_checked_by_the_reads_own_statement(
    client: FlaskClient, world: World, connection: Connection
) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    reads: dict[str, list[str]] = {}
    for name, path in (
        ("getPatient", f"/v1/patients/{world.patient_a1}"),
        ("listProviders", "/v1/providers?limit=5"),
        ("listPatients", "/v1/patients?limit=5"),
    ):
        with statements(connection) as seen:
            assert client.get(path, headers=headers).status_code == 200
        reads[name] = token_reads(seen)

    # The hot reads: one statement reads the token, and it is the read's own (the patient's, the version's).
    for name, table in (("getPatient", "FROM patients"), ("listProviders", "FROM directory_version")):
        assert len(reads[name]) == 1 and table in reads[name][0], (name, reads[name])
    # Any other operation reads the token's row on its own, first, as before.
    assert len(reads["listPatients"]) == 1
    assert reads["listPatients"][0].startswith("SELECT oauth_tokens.revoked_at FROM oauth_tokens")


def test_a_revoked_token_is_refused_by_the_reads_own_statement(
    client: FlaskClient, world: World, db: Session, connection: Connection
) -> None:
    token = cc_token(client, world.portal_a)
    path = f"/v1/patients/{world.patient_a1}"
    assert client.get(path, headers=bearer(token)).status_code == 200
    revoke(client, world, token)

    with statements(connection) as seen:
        refused = client.get(path, headers={**bearer(token), "X-Request-ID": "revoked-read"})
    assert_refused(refused, world.patient_a1, "Test")
    assert len(token_reads(seen)) == 2  # the read's own statement (no row), then the token's row: revoked

    # Recorded as a token refused up front is (listPatients never defers its check): no actor, denied, 401.
    up_front = client.get("/v1/patients", headers={**bearer(token), "X-Request-ID": "revoked-list"})
    assert_refused(up_front)
    rows = {
        row.request_id: row
        for row in db.scalars(
            select(AuditEvent).where(AuditEvent.request_id.in_(["revoked-read", "revoked-list"]))
        )
    }
    read, listed = rows["revoked-read"], rows["revoked-list"]
    assert (read.operation, read.actor_type, read.client_id, read.outcome, read.status) == (
        "getPatient",
        listed.actor_type,
        listed.client_id,
        listed.outcome,
        401,
    )
    assert read.actor_type == "anonymous" and read.outcome == "denied"
    assert read.patient_id is None  # the refused caller's audit rows do not name the patient it asked for

    # Found revoked once, the token is refused from memory: no statement reads its row again.
    with statements(connection) as seen:
        assert_refused(client.get(path, headers=bearer(token)))
    assert token_reads(seen) == []


def test_a_token_revoked_in_the_database_by_another_process_is_refused_at_once(
    client: FlaskClient, world: World, db: Session
) -> None:
    """This process checked the token before (its signature and claims are kept); another process revoked
    it: the next read's own statement sees the revocation, committed before it."""
    token = cc_token(client, world.portal_a)
    headers = bearer(token)
    for path in (f"/v1/patients/{world.patient_a1}", "/v1/providers?limit=5"):
        assert client.get(path, headers=headers).status_code == 200
    jti = unverified_claims(token)["jti"]
    db.execute(update(OAuthToken).where(OAuthToken.jti == jti).values(revoked_at=OAuthToken.issued_at))
    db.commit()

    assert_refused(client.get("/v1/providers?limit=5", headers=headers), "npi")


@pytest.mark.parametrize(
    ("case", "live_status"),
    [
        ("another tenant's patient", 404),
        ("an unknown consultation", 404),
        ("the current ETag in If-None-Match", 304),
        ("a query parameter that is not a number", 422),
        ("a token without the operation's scope", 403),
    ],
)
def test_a_revoked_token_is_401_whatever_the_operation_found(
    app: Flask, client: FlaskClient, world: World, case: str, live_status: int
) -> None:
    scope = "consultations:read" if "scope" in case else None
    token = cc_token(client, world.portal_a, scope=scope)
    headers = bearer(token)
    own = f"/v1/patients/{world.patient_a1}"
    requests: dict[str, Callable[[], TestResponse]] = {
        "another tenant's patient": lambda: client.get(f"/v1/patients/{world.patient_b1}", headers=headers),
        "an unknown consultation": lambda: client.get("/v1/consultations/con_unknown", headers=headers),
        "the current ETag in If-None-Match": lambda: client.get(
            own, headers={**headers, "If-None-Match": etag}
        ),
        "a query parameter that is not a number": lambda: client.get(
            "/v1/providers?limit=many", headers=headers
        ),
        "a token without the operation's scope": lambda: client.get(own, headers=headers),
    }
    etag = ""
    if "ETag" in case:
        etag = client.get(own, headers=headers).headers["ETag"]
    assert requests[case]().status_code == live_status  # what the live token gets

    revoke(client, world, token)
    assert_refused(requests[case](), world.patient_b1)


def test_the_rate_limiter_counts_a_token_found_revoked_by_address(
    app: Flask, client: FlaskClient, world: World
) -> None:
    token = cc_token(client, world.portal_a)
    path = f"/v1/patients/{world.patient_a1}"

    def key() -> str:
        with app.test_request_context(path, headers=bearer(token)):
            return rate_limit_key()

    assert key() == f"client:{world.portal_a.client_id}"
    revoke(client, world, token)
    assert_refused(client.get(path, headers=bearer(token)))
    assert key().startswith("ip:")  # no longer its client's: a revoked token cannot spend its client's budget


def test_an_unknown_token_is_refused_as_a_revoked_one(client: FlaskClient, world: World, db: Session) -> None:
    """A token this server signed whose row is gone (the database restored from before it was issued)."""
    token = cc_token(client, world.portal_a)
    jti = unverified_claims(token)["jti"]
    db.execute(OAuthToken.__table__.delete().where(OAuthToken.__table__.c.jti == jti))
    db.commit()

    assert_refused(client.get(f"/v1/patients/{world.patient_a1}", headers=bearer(token)), world.patient_a1)


# --- the FHIR read (api/resources/fhir.py): the same, through its own boundary (api/http/fhir.py) ----------


def fhir_id(our_id: str) -> str:
    return our_id.replace("_", "-")


def assert_fhir_refused(response: TestResponse, *secrets: str) -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    body = response.get_data(as_text=True)
    assert REVOKED in body
    for secret in secrets:
        assert secret not in body


def test_a_fhir_read_checks_the_token_in_its_own_statement(
    client: FlaskClient, world: World, db: Session, connection: Connection
) -> None:
    token = cc_token(client, world.portal_a)
    patient = f"/fhir/R4/Patient/{fhir_id(world.patient_a1)}"
    with statements(connection) as seen:
        assert client.get(patient, headers=bearer(token)).status_code == 200
    reads = token_reads(seen)
    assert len(reads) == 1 and "FROM patients" in reads[0], reads

    revoke(client, world, token)
    assert_fhir_refused(
        client.get(patient, headers={**bearer(token), "X-Request-ID": "revoked-fhir"}), world.patient_a1
    )
    row = db.scalars(select(AuditEvent).where(AuditEvent.request_id == "revoked-fhir")).one()
    assert (row.operation, row.actor_type, row.outcome, row.status) == (
        "readFhirPatient",
        "anonymous",
        "denied",
        401,
    )


@pytest.mark.parametrize(
    ("path", "live_status"),
    [
        ("/fhir/R4/Questionnaire/phq9", 200),  # served from memory: no statement of its own checks the token
        ("/fhir/R4/Patient/pat-unknown", 404),  # no row
    ],
)
def test_a_fhir_read_with_a_revoked_token_is_401_whatever_it_found(
    client: FlaskClient, world: World, path: str, live_status: int
) -> None:
    token = cc_token(client, world.portal_a)
    assert client.get(path, headers=bearer(token)).status_code == live_status
    revoke(client, world, token)
    assert_fhir_refused(client.get(path, headers=bearer(token)), "PHQ-9")
