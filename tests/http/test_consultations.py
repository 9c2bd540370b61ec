"""Consultations through the API: request, screening to a decision, review, cancel, tenancy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Consent, Consultation, Event, Patient
from api.services import accounts
from tests.clinical import (
    CSSRS_HIGH,
    CSSRS_MODERATE,
    CSSRS_NONE,
    ELIGIBLE_SET,
    PCL5_33,
    PHQ9_LOW_WITH_ITEM_9,
    PHQ9_MILD,
    PHQ9_MODERATE,
    intake,
    submit,
)
from tests.helpers import authorization_code, bearer, cc_token, exchange_code
from tests.world import World

Headers = dict[str, str]


@pytest.fixture
def a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def b(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_b))


def request_consultation(client: FlaskClient, headers: Headers, patient_id: str, **body: Any) -> Any:
    payload = {"patient_id": patient_id, "conditions": ["major_depression"], "patient_location_state": "CA"}
    payload.update(body)
    return client.post("/v1/consultations", json=payload, headers=headers)


def new_consultation(client: FlaskClient, headers: Headers, patient_id: str, **body: Any) -> str:
    response = request_consultation(client, headers, patient_id, **body)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def screen_all(
    client: FlaskClient, headers: Headers, patient_id: str, consultation_id: str, **overrides: Any
) -> dict[str, Any]:
    """Submit the eligible set with ``overrides``; returns the last response body per instrument."""
    bodies = {}
    for instrument, answers in {**ELIGIBLE_SET, **overrides}.items():
        response = submit(client, headers, patient_id, instrument, answers, consultation_id)
        assert response.status_code == 201, response.get_json()
        bodies[instrument] = response.get_json()
    return bodies


def get(client: FlaskClient, headers: Headers, path: str) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def events(db: Session, object_id: str) -> list[tuple[str, dict[str, Any]]]:
    rows = db.scalars(select(Event).where(Event.object_id == object_id).order_by(Event.created_at, Event.id))
    return [(event.type, event.data) for event in rows]


# --- request -------------------------------------------------------------------------------------------


def test_request_starts_submitted_with_every_screening_missing(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    response = request_consultation(
        client,
        a,
        world.patient_a1,
        conditions=["major_depression", "generalized_anxiety"],
        preferred_routes=["intranasal", "oral"],
        preferred_times=[{"start": "2026-12-01T17:00:00+01:00", "end": "2026-12-01T19:00:00+01:00"}],
        notes="Referred by Dr. Ames",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/v1/consultations/{body['id']}"
    assert body["id"].startswith("con_")
    assert body["status"] == "submitted"
    assert body["eligibility_outcome"] == "pending"
    assert body["partner_id"] == world.partner_a
    assert body["preferred_language"] == "en"  # the patient's
    assert body["preferred_times"] == [{"start": "2026-12-01T16:00:00Z", "end": "2026-12-01T18:00:00Z"}]
    eligibility = get(client, a, f"/v1/consultations/{body['id']}/eligibility")
    assert eligibility["outcome"] == "pending"
    assert eligibility["missing_screenings"] == ["phq9", "gad7", "cssrs", "ketamine_intake"]
    assert eligibility["crisis_resources"] == []
    assert events(db, body["id"]) == [
        ("consultation.created", {"id": body["id"], "object": "consultation", "status": "submitted"})
    ]


def test_a_patient_turning_18_today_may_request_one_a_day_younger_may_not(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    today = datetime.now(UTC).date()
    patient = db.get(Patient, world.patient_a1)
    assert patient is not None
    patient.birth_date = date(today.year - 18, today.month, today.day) + timedelta(days=1)
    db.commit()
    refused = request_consultation(client, a, world.patient_a1)
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "patient_underage"
    patient.birth_date = patient.birth_date - timedelta(days=1)
    db.commit()
    assert request_consultation(client, a, world.patient_a1).status_code == 201


def test_a_patient_without_the_telehealth_consent_is_refused(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    db.query(Consent).filter(Consent.patient_id == world.patient_a1).delete()
    db.add(
        Consent(patient_id=world.patient_a1, type="data_sharing", version="1", accepted_at=datetime.now(UTC))
    )
    db.commit()
    refused = request_consultation(client, a, world.patient_a1)
    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["code"] == "consent_required"
    assert problem["missing_consents"] == ["telehealth"]
    assert db.scalar(select(func.count()).select_from(Consultation)) == 0


@pytest.mark.parametrize(
    ("body", "pointer", "code"),
    [
        ({"patient_location_state": "XX"}, "/patient_location_state", "invalid_choice"),
        ({"patient_location_state": "ca"}, "/patient_location_state", "invalid_choice"),
        ({"patient_location_state": None}, "/patient_location_state", "null_not_allowed"),
        ({"conditions": []}, "/conditions", "invalid_length"),
        ({"conditions": ["insomnia"]}, "/conditions/0", "invalid_choice"),
        ({"preferred_routes": ["rectal"]}, "/preferred_routes/0", "invalid_choice"),
        ({"preferred_language": "english!"}, "/preferred_language", "invalid_format"),
        (
            {"preferred_times": [{"start": "2026-12-01T10:00:00Z", "end": "2026-12-01T09:00:00Z"}]},
            "/preferred_times/0/end",
            None,
        ),
        ({"score": 12}, "/score", "unknown_field"),
    ],
)
def test_invalid_requests_point_at_the_field(
    client: FlaskClient, a: Headers, world: World, body: dict[str, Any], pointer: str, code: str | None
) -> None:
    response = request_consultation(client, a, world.patient_a1, **body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert pointer in [e["pointer"] for e in errors], errors
    if code:
        assert code in [e["code"] for e in errors if e["pointer"] == pointer]


def test_location_state_is_required(client: FlaskClient, a: Headers, world: World) -> None:
    response = client.post(
        "/v1/consultations", json={"patient_id": world.patient_a1, "conditions": ["ocd"]}, headers=a
    )
    assert response.status_code == 422
    assert {"pointer": "/patient_location_state", "code": "required"}.items() <= response.get_json()[
        "errors"
    ][0].items()


def test_create_is_idempotent(client: FlaskClient, a: Headers, world: World, db: Session) -> None:
    headers = {**a, "Idempotency-Key": "consult-1"}
    first = request_consultation(client, headers, world.patient_a1)
    again = request_consultation(client, headers, world.patient_a1)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert db.scalar(select(func.count()).select_from(Consultation)) == 1
    reused = request_consultation(client, headers, world.patient_a2)
    assert reused.status_code == 422
    assert reused.get_json()["code"] == "idempotency_key_reused"


# --- tenancy -------------------------------------------------------------------------------------------


def test_another_partner_sees_nothing(client: FlaskClient, a: Headers, b: Headers, world: World) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    assert request_consultation(client, b, world.patient_a1).status_code == 404
    for path in ("", "/eligibility"):
        response = client.get(f"/v1/consultations/{consultation}{path}", headers=b)
        assert response.status_code == 404
        assert response.get_json()["code"] == "not_found"
    assert client.post(f"/v1/consultations/{consultation}/cancel", json={}, headers=b).status_code == 404
    assert get(client, b, "/v1/consultations")["data"] == []
    assert submit(client, b, world.patient_a1, "phq9", PHQ9_MODERATE).status_code == 404
    own = new_consultation(client, b, world.patient_b1)
    # B cannot attach its screening to A's consultation, nor A's to B's.
    assert submit(client, b, world.patient_b1, "phq9", PHQ9_MODERATE, consultation).status_code == 404
    assert submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE, own).status_code == 404


def test_a_screening_cannot_be_attached_to_another_patients_consultation(
    client: FlaskClient, a: Headers, world: World
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    response = submit(client, a, world.patient_a2, "phq9", PHQ9_MODERATE, consultation)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "pointer": "/consultation_id",
            "code": "patient_mismatch",
            "message": "This consultation is another patient's.",
        }
    ]


@pytest.fixture
def patient_a1(client: FlaskClient, db: Session, world: World) -> Headers:
    """Alice (patient_a1) signed in through partner A's mobile app."""
    accounts.create_user(
        db,
        accounts.system_principal(),
        role="patient",
        email="alice@example.test",
        password="correct horse battery",
        patient_id=world.patient_a1,
    )
    db.commit()
    scope = "consultations:read consultations:write screenings:read screenings:write"
    code, verifier = authorization_code(
        client, world.mobile_a, "alice@example.test", "correct horse battery", scope
    )
    return bearer(exchange_code(client, world.mobile_a, code, verifier).get_json()["access_token"])


def test_a_patient_requests_and_screens_for_themselves_only(
    client: FlaskClient, a: Headers, patient_a1: Headers, world: World
) -> None:
    other = new_consultation(client, a, world.patient_a2)
    consultation = new_consultation(client, patient_a1, world.patient_a1)
    screen_all(client, patient_a1, world.patient_a1, consultation)
    assert get(client, patient_a1, f"/v1/consultations/{consultation}")["status"] == "ready"
    assert request_consultation(client, patient_a1, world.patient_a2).status_code == 404
    assert client.get(f"/v1/consultations/{other}", headers=patient_a1).status_code == 404
    assert submit(client, patient_a1, world.patient_a2, "phq9", PHQ9_MODERATE).status_code == 404
    listed = get(client, patient_a1, "/v1/consultations")["data"]
    assert [c["id"] for c in listed] == [consultation]
    screenings = get(client, patient_a1, "/v1/screenings")["data"]
    assert {s["patient_id"] for s in screenings} == {world.patient_a1}
    # Only a clinician reviews.
    review = client.post(
        f"/v1/consultations/{consultation}/review",
        json={"decision": "approve", "note": "x"},
        headers=patient_a1,
    )
    assert review.status_code == 403


# --- screening to a decision ---------------------------------------------------------------------------


def test_clean_screenings_make_the_case_ready(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    bodies = screen_all(client, a, world.patient_a1, consultation)
    assert bodies["phq9"]["score"] == {"total": 10, "severity": "moderate"}
    assert bodies["phq9"]["loinc"] == {"panel": "44249-1", "total": "44261-6", "item_9": "44260-8"}
    assert bodies["cssrs"]["score"] == {"total": None, "severity": "none"}
    assert bodies["ketamine_intake"]["score"] == {"total": None, "severity": None}
    assert bodies["ketamine_intake"]["flags"] == []
    body = get(client, a, f"/v1/consultations/{consultation}")
    assert (body["status"], body["eligibility_outcome"]) == ("ready", "eligible")
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert eligibility["outcome"] == "eligible"
    assert eligibility["reasons"] == []
    assert eligibility["missing_screenings"] == []
    assert eligibility["consultation_status"] == "ready"
    changes = [data for kind, data in events(db, consultation) if kind == "consultation.status_changed"]
    assert changes == [
        {
            "id": consultation,
            "object": "consultation",
            "previous_status": "submitted",
            "status": "ready",
            "eligibility_outcome": "eligible",
        }
    ]


def test_the_decision_waits_for_the_last_required_screening(
    client: FlaskClient, a: Headers, world: World
) -> None:
    consultation = new_consultation(client, a, world.patient_a1, conditions=["ptsd"])
    screen_all(client, a, world.patient_a1, consultation, phq9=PHQ9_MILD)
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert (eligibility["outcome"], eligibility["missing_screenings"]) == ("pending", ["pcl5"])
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "submitted"
    pcl5 = submit(client, a, world.patient_a1, "pcl5", PCL5_33, consultation).get_json()
    assert pcl5["score"] == {"total": 33, "severity": "probable_ptsd"}
    assert "probable_ptsd" in pcl5["flags"]
    # [2e] PTSD is an off-label indication: decided, for a clinician's review.
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "awaiting_review"
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert [(r["code"], r["screening_id"], r["field"]) for r in eligibility["reasons"]] == [
        ("off_label_indication", pcl5["id"], "/answers")
    ]


def test_elevated_blood_pressure_needs_review_and_names_the_answer(
    client: FlaskClient, a: Headers, world: World
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    bodies = screen_all(client, a, world.patient_a1, consultation, ketamine_intake=intake(systolic_bp=141))
    intake_id = bodies["ketamine_intake"]["id"]
    assert bodies["ketamine_intake"]["flags"] == ["blood_pressure_elevated"]
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert eligibility["outcome"] == "needs_review"
    assert [(r["code"], r["screening_id"], r["field"]) for r in eligibility["reasons"]] == [
        ("blood_pressure_elevated", intake_id, "/answers/systolic_bp")
    ]
    assert "141" in eligibility["reasons"][0]["detail"]
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "awaiting_review"


def test_every_reason_is_listed_and_the_first_matching_outcome_wins(
    client: FlaskClient, a: Headers, world: World
) -> None:
    consultation = new_consultation(client, a, world.patient_a1, conditions=["bipolar_depression"])
    bodies = screen_all(
        client,
        a,
        world.patient_a1,
        consultation,
        phq9=PHQ9_LOW_WITH_ITEM_9,
        cssrs=CSSRS_MODERATE,
        ketamine_intake=intake(current_psychotic_symptoms=True, psychosis_history=True, diastolic_bp=95),
    )
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert eligibility["outcome"] == "ineligible"
    reasons = [(r["code"], r["screening_id"], r["field"]) for r in eligibility["reasons"]]
    assert reasons[0] == (
        "current_psychotic_symptoms",
        bodies["ketamine_intake"]["id"],
        "/answers/current_psychotic_symptoms",
    )
    assert {code for code, _, _ in reasons} == {
        "current_psychotic_symptoms",
        "psychosis_history",
        "blood_pressure_elevated",
        "bipolar_depression",
        "suicide_risk_moderate",
        "suicidal_ideation",
        "no_qualifying_screen",
    }
    assert ("bipolar_depression", None, "/conditions") in reasons
    assert ("suicidal_ideation", bodies["phq9"]["id"], "/answers/8") in reasons
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "declined"


def test_a_high_cssrs_escalates_at_once_with_crisis_resources(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    response = submit(client, a, world.patient_a1, "cssrs", CSSRS_HIGH, consultation)
    assert response.status_code == 201
    screening = response.get_json()
    assert screening["score"] == {"total": None, "severity": "high"}
    assert screening["flags"] == ["suicide_risk_high", "active_suicidal_ideation"]
    assert screening["loinc"] == {"risk_level": "93374-7"}
    assert screening["crisis_resources"][0]["contact"] == "Call or text 988"
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "escalated"
    eligibility = get(client, a, f"/v1/consultations/{consultation}/eligibility")
    assert eligibility["outcome"] == "escalate"
    assert eligibility["missing_screenings"] == ["phq9", "gad7", "ketamine_intake"]
    assert eligibility["crisis_resources"][0]["name"] == "988 Suicide & Crisis Lifeline"
    assert [(r["code"], r["screening_id"], r["field"]) for r in eligibility["reasons"]] == [
        ("suicide_risk_high", screening["id"], "/answers/intent"),
        ("active_suicidal_ideation", screening["id"], "/answers/suicidal_thoughts"),
    ]
    kinds = [kind for kind, _ in events(db, screening["id"])]
    assert kinds == ["screening.completed", "screening.risk_flagged"]
    # The crisis resources are part of the screening, on every read.
    assert (
        get(client, a, f"/v1/screenings/{screening['id']}")["crisis_resources"]
        == screening["crisis_resources"]
    )
    # Screenings no longer move an escalated case: a psychiatrist's review does (test_escalation.py).
    later = submit(client, a, world.patient_a1, "cssrs", CSSRS_NONE, consultation, "2026-01-06T10:00:00Z")
    assert later.status_code == 201
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "escalated"


def test_a_high_cssrs_after_ready_is_flagged_but_keeps_the_status(
    client: FlaskClient, a: Headers, world: World, db: Session
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    screen_all(client, a, world.patient_a1, consultation)
    late = submit(client, a, world.patient_a1, "cssrs", CSSRS_HIGH, consultation, "2026-01-07T10:00:00Z")
    assert late.status_code == 201
    assert late.get_json()["crisis_resources"]
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "ready"
    assert (
        "screening.risk_flagged",
        {
            "id": late.get_json()["id"],
            "object": "screening",
            "instrument": "cssrs",
            "consultation_id": consultation,
            "risk_level": "high",
        },
    ) in events(db, late.get_json()["id"])


def test_the_latest_answer_counts_while_the_case_is_under_review(
    client: FlaskClient, a: Headers, world: World
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    screen_all(client, a, world.patient_a1, consultation, ketamine_intake=intake(systolic_bp=150))
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "awaiting_review"
    # A re-measured blood pressure, completed later, replaces the first reading.
    retaken = submit(
        client, a, world.patient_a1, "ketamine_intake", intake(), consultation, "2026-01-06T09:00:00Z"
    )
    assert retaken.status_code == 201
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "ready"
    # An older reading sent late does not override the newer one.
    stale = submit(
        client,
        a,
        world.patient_a1,
        "ketamine_intake",
        intake(systolic_bp=150),
        consultation,
        "2026-01-01T09:00:00Z",
    )
    assert stale.status_code == 201
    assert get(client, a, f"/v1/consultations/{consultation}")["status"] == "ready"


# --- review --------------------------------------------------------------------------------------------


def _awaiting_review(client: FlaskClient, headers: Headers, patient_id: str) -> str:
    consultation = new_consultation(client, headers, patient_id)
    screen_all(client, headers, patient_id, consultation, ketamine_intake=intake(diastolic_bp=91))
    assert get(client, headers, f"/v1/consultations/{consultation}")["status"] == "awaiting_review"
    return consultation


@pytest.mark.parametrize(("decision", "status"), [("approve", "ready"), ("decline", "declined")])
def test_an_admin_reviews_a_flagged_case(
    client: FlaskClient, a: Headers, admin: Headers, world: World, decision: str, status: str
) -> None:
    consultation = _awaiting_review(client, a, world.patient_a1)
    response = client.post(
        f"/v1/consultations/{consultation}/review",
        json={"decision": decision, "note": "BP re-checked in clinic: 128/84."},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == status
    assert body["review_decision"] == decision
    assert body["review_note"] == "BP re-checked in clinic: 128/84."
    assert body["reviewed_at"]
    assert body["eligibility_outcome"] == "needs_review"  # what the rules said stays on record
    again = client.post(
        f"/v1/consultations/{consultation}/review",
        json={"decision": "approve", "note": "again"},
        headers=admin,
    )
    assert again.status_code == 409
    assert again.get_json()["code"] == "invalid_transition"


def test_review_is_for_clinicians_and_flagged_cases_only(
    client: FlaskClient, a: Headers, admin: Headers, world: World
) -> None:
    flagged = _awaiting_review(client, a, world.patient_a1)
    by_partner = client.post(
        f"/v1/consultations/{flagged}/review", json={"decision": "approve", "note": "ok"}, headers=a
    )
    assert by_partner.status_code == 403
    fresh = new_consultation(client, a, world.patient_a2)
    not_flagged = client.post(
        f"/v1/consultations/{fresh}/review", json={"decision": "approve", "note": "ok"}, headers=admin
    )
    assert not_flagged.status_code == 409
    assert not_flagged.get_json()["code"] == "invalid_transition"
    no_note = client.post(f"/v1/consultations/{flagged}/review", json={"decision": "approve"}, headers=admin)
    assert no_note.status_code == 422
    assert no_note.get_json()["errors"][0]["pointer"] == "/note"
    bad = client.post(
        f"/v1/consultations/{flagged}/review", json={"decision": "maybe", "note": "x"}, headers=admin
    )
    assert bad.get_json()["errors"][0]["pointer"] == "/decision"


# --- cancel --------------------------------------------------------------------------------------------


def test_cancel_with_if_match(client: FlaskClient, a: Headers, world: World, db: Session) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    read = client.get(f"/v1/consultations/{consultation}", headers=a)
    etag = read.headers["ETag"]
    assert (
        client.get(f"/v1/consultations/{consultation}", headers={**a, "If-None-Match": etag}).status_code
        == 304
    )
    submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE, consultation)
    stale = client.post(
        f"/v1/consultations/{consultation}/cancel", json={"reason": "x"}, headers={**a, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    current = client.get(f"/v1/consultations/{consultation}", headers=a).headers["ETag"]
    assert current != etag
    done = client.post(
        f"/v1/consultations/{consultation}/cancel",
        json={"reason": "Patient chose another clinic"},
        headers={**a, "If-Match": current},
    )
    assert done.status_code == 200
    body = done.get_json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "Patient chose another clinic")
    assert done.headers["ETag"] == client.get(f"/v1/consultations/{consultation}", headers=a).headers["ETag"]
    twice = client.post(f"/v1/consultations/{consultation}/cancel", headers=a)
    assert twice.status_code == 409
    assert twice.get_json()["code"] == "invalid_transition"
    assert "cancelled is final" in twice.get_json()["detail"]
    kinds = [kind for kind, _ in events(db, consultation)]
    assert kinds.count("consultation.status_changed") == 1


@pytest.mark.parametrize(
    "overrides", [{}, {"cssrs": CSSRS_HIGH}, {"ketamine_intake": intake(systolic_bp=150)}]
)
def test_cancel_is_allowed_before_the_visit(
    client: FlaskClient, a: Headers, world: World, overrides: dict[str, Any]
) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    screen_all(client, a, world.patient_a1, consultation, **overrides)
    response = client.post(f"/v1/consultations/{consultation}/cancel", json={}, headers=a)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"


def test_a_declined_case_cannot_be_cancelled(client: FlaskClient, a: Headers, world: World) -> None:
    consultation = new_consultation(client, a, world.patient_a1)
    screen_all(client, a, world.patient_a1, consultation, ketamine_intake=intake(current_mania=True))
    response = client.post(f"/v1/consultations/{consultation}/cancel", json={}, headers=a)
    assert response.status_code == 409


# --- lists ---------------------------------------------------------------------------------------------


def test_list_filters(client: FlaskClient, a: Headers, world: World) -> None:
    first = new_consultation(client, a, world.patient_a1)
    screen_all(client, a, world.patient_a1, first)
    second = new_consultation(client, a, world.patient_a2)
    third = new_consultation(client, a, world.patient_a2)

    def ids(query: str) -> list[str]:
        return [c["id"] for c in get(client, a, f"/v1/consultations?{query}")["data"]]

    assert ids("") == [third, second, first]
    assert ids(f"patient_id={world.patient_a2}") == [third, second]
    assert ids("status=ready") == [first]
    assert ids("status=ready,submitted") == [third, second, first]
    created = get(client, a, f"/v1/consultations/{second}")["created_at"]
    assert ids(f"created_after={created}") == [third]
    page = client.get("/v1/consultations?limit=2", headers=a)
    assert page.get_json()["has_more"] is True
    rest = get(client, a, f"/v1/consultations?limit=2&cursor={page.get_json()['next_cursor']}")
    assert [c["id"] for c in rest["data"]] == [first]
    bad = client.get("/v1/consultations?status=lost", headers=a)
    assert bad.status_code == 422
