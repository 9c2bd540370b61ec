"""The lean read path (issue 28): GET /v1/patients/{id} and GET /v1/consultations/{id} send what the schema's
dump through flask-smorest sends (the same bytes, the same strong ETag, 304 and If-Match as before), from a
statement built once per kind of principal that still finds only what the principal may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_smorest.etag import EtagMixin
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.models import Consultation, Escalation, Patient, Visit
from api.schemas.consultations import ConsultationSchema
from api.schemas.patients import PatientSchema
from api.services.access import ScopeLeak, prepared, scope_patients
from tests.care import completed_consultation, provider_row
from tests.helpers import PATIENT_BODY, bearer, cc_token
from tests.world import World

Headers = dict[str, str]


@pytest.fixture
def a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def b(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_b))


def _as_smorest_sends(app: Flask, document: dict[str, object]) -> tuple[bytes, str]:
    """The body and ETag flask-smorest makes of a schema's dump (``@blp.response`` and ``@blp.etag``)."""
    with app.app_context():
        return app.json.response(document).get_data(), EtagMixin._generate_etag(document)


def test_a_patient_is_sent_as_the_schemas_dump_would_be(
    app: Flask, client: FlaskClient, db: Session, a: Headers
) -> None:
    body = {
        **PATIENT_BODY,
        "given_name": "Zoë Ørsted-Nguyễn 🌿",
        "external_id": None,
        "phone": None,
        "timezone": "Asia/Kolkata",
    }
    created = client.post("/v1/patients", json=body, headers=a).get_json()
    path = f"/v1/patients/{created['id']}"
    enrolment = {"enrollment_id": "REMS-ünï-1", "enrolled_on": "2026-01-02"}
    assert client.put(f"{path}/rems-enrollment", json=enrolment, headers=a).status_code == 200
    response = client.get(path, headers=a)
    assert response.status_code == 200 and response.mimetype == "application/json"
    patient = db.scalar(
        select(Patient).where(Patient.id == created["id"]).execution_options(populate_existing=True)
    )
    expected_body, expected_etag = _as_smorest_sends(app, PatientSchema().dump(patient))
    assert response.get_data() == expected_body
    assert response.headers["ETag"] == f'"{expected_etag}"'
    assert response.get_json()["rems_enrollment"] == enrolment and response.get_json()["phone"] is None

    # The ETag works as before: 304 with it (and the ETag again), 200 with another, If-Match on PATCH.
    not_modified = client.get(path, headers={**a, "If-None-Match": response.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.headers["ETag"] == response.headers["ETag"]
    assert not not_modified.get_data()
    assert client.get(path, headers={**a, "If-None-Match": '"stale"'}).status_code == 200
    head = client.head(path, headers=a)
    assert head.status_code == 200 and head.headers["ETag"] == response.headers["ETag"]
    patched = client.patch(
        path, json={"phone": "+14155550100"}, headers={**a, "If-Match": response.headers["ETag"]}
    )
    assert patched.status_code == 200
    assert client.get(path, headers=a).headers["ETag"] == patched.headers["ETag"] != response.headers["ETag"]


def test_a_consultation_with_its_escalations_and_visit_is_sent_as_the_schemas_dump_would_be(
    app: Flask, client: FlaskClient, db: Session, world: World, a: Headers, b: Headers
) -> None:
    provider = provider_row(db, "1234567893")
    consultation_id = completed_consultation(db, world.partner_a, world.patient_a1, provider)
    consultation = db.get(Consultation, consultation_id)
    assert consultation is not None
    consultation.eligibility = {
        "reasons": [
            {"code": "phq9_qualifies", "detail": "PHQ-9 ≥ 10 ✓", "screening_id": None, "field": None}
        ],
        "missing_screenings": [],
        "crisis_resources": [
            {"name": "988", "contact": "Call or text 988", "description": "Línea de crisis"}
        ],
    }  # an older decision: no "considerations" key (the schema's dump_default writes [])
    consultation.notes = "Prefers afternoons — 午後"
    for hour, note in ((9, "first"), (11, "the latest, acknowledged")):
        db.add(
            Escalation(
                partner_id=world.partner_a,
                patient_id=world.patient_a1,
                consultation_id=consultation_id,
                escalated_at=datetime(2026, 1, 2, hour, 0, tzinfo=UTC),
                acknowledged_at=datetime(2026, 1, 2, hour, 30, tzinfo=UTC),
                acknowledged_by=provider,
                note=note,
            )
        )
    db.add(
        Visit(
            partner_id=world.partner_a,
            patient_id=world.patient_a1,
            consultation_id=consultation_id,
            provider_id=provider,
            modality="audio_video",
            patient_location_state="TX",
            identity_verified=True,
            identity_method="photo_id",
            started_at=datetime(2026, 1, 2, 15, 0, tzinfo=UTC),
            completed_at=datetime(2026, 1, 2, 16, 0, tzinfo=UTC),
        )
    )
    db.commit()
    db.expire_all()
    response = client.get(f"/v1/consultations/{consultation_id}", headers=a)
    assert response.status_code == 200
    expected_body, expected_etag = _as_smorest_sends(
        app, ConsultationSchema().dump(db.get(Consultation, consultation_id))
    )
    assert response.get_data() == expected_body
    assert response.headers["ETag"] == f'"{expected_etag}"'
    shown = response.get_json()
    assert (
        shown["escalation"]["note"] == "the latest, acknowledged"
        and shown["visit"]["modality"] == "audio_video"
    )
    assert shown["eligibility"]["considerations"] == []
    assert client.get(f"/v1/consultations/{consultation_id}", headers=b).status_code == 404
    cancel = client.post(
        f"/v1/consultations/{consultation_id}/cancel", json={}, headers={**a, "If-Match": '"stale"'}
    )
    assert cancel.status_code in (409, 412)  # a completed consultation: refused either way, never applied


def test_a_statement_built_for_one_partner_finds_nothing_of_theirs_for_another(
    client: FlaskClient, world: World, a: Headers, b: Headers
) -> None:
    # A's read builds the statement for partner clients; B runs the same statement with B's own values.
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=a).status_code == 200
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=b).status_code == 404
    mine = client.get(f"/v1/patients/{world.patient_b1}", headers=b)
    assert mine.status_code == 200 and mine.get_json()["partner_id"] == world.partner_b
    assert client.get(f"/v1/patients/{world.patient_b1}", headers=a).status_code == 404


PARTNER = Principal(
    kind="partner_client", client_id="cli_x", subject="cli_x", scopes=frozenset(), partner_id="par_x"
)


def test_a_scope_that_writes_a_principals_value_outside_its_parameters_is_refused() -> None:
    def leaky(principal: Principal):  # type: ignore[no-untyped-def]
        return select(Patient).where(Patient.partner_id == principal.partner_id)

    with pytest.raises(ScopeLeak):
        prepared("test_leaky_patients", PARTNER, leaky)


def test_a_prepared_statement_is_built_once_per_kind_of_principal() -> None:
    def build(principal: Principal):  # type: ignore[no-untyped-def]
        return scope_patients(select(Patient), principal)

    first = prepared("test_patients", PARTNER, build)
    other = Principal(
        kind="partner_client", client_id="cli_y", subject="cli_y", scopes=frozenset(), partner_id="par_y"
    )
    assert prepared("test_patients", other, build) is first
    patient = Principal(
        kind="patient", client_id="cli_y", subject="usr_y", scopes=frozenset(), patient_id="pat_y"
    )
    assert prepared("test_patients", patient, build) is not first


def test_a_new_consultation_is_answered_without_asking_for_escalations_or_a_visit_it_cannot_have(
    client: FlaskClient, db: Session, world: World, a: Headers
) -> None:
    """The 201 of ``POST /v1/consultations`` shows ``escalation`` and ``visit`` as null without a SELECT of
    either (two lazy loads a request before), and is the body a GET of the same consultation sends."""
    sent: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        created = client.post(
            "/v1/consultations",
            json={
                "patient_id": world.patient_a1,
                "conditions": ["major_depression"],
                "patient_location_state": "CA",
            },
            headers=a,
        )
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["escalation"] is None and body["visit"] is None
    read = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in read if "FROM escalations" in s or "FROM visits" in s], read
    fetched = client.get(f"/v1/consultations/{body['id']}", headers=a)
    assert fetched.status_code == 200
    assert fetched.get_json() == body
