"""The whole patient path through the API alone: request, screening, review, matching, booking, the visit,
and an intranasal follow-up plan with a session, a check-in and outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.clinical import CSSRS_NONE, GAD7_MILD, intake, monitoring, submit
from tests.directory import all_day_availability, clinician_client, clinician_token, create_provider
from tests.helpers import PATIENT_BODY, bearer, cc_token
from tests.world import World

Headers = dict[str, str]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_from_request_to_a_responding_patient(client: FlaskClient, db: Session, world: World) -> None:
    partner = bearer(cc_token(client, world.portal_a))
    admin = bearer(cc_token(client, world.admin))
    now = datetime.now(UTC)

    # A partner registers the patient and their telehealth consent, then requests a consultation.
    patient = ok(client.post("/v1/patients", json=PATIENT_BODY, headers=partner), 201)["id"]
    consent = {"type": "telehealth", "version": "3", "accepted_at": (now - timedelta(days=1)).isoformat()}
    ok(client.post(f"/v1/patients/{patient}/consents", json=consent, headers=partner), 201)
    request = {
        "patient_id": patient,
        "conditions": ["treatment_resistant_depression"],
        "patient_location_state": "NY",
        "preferred_routes": ["intranasal"],
    }
    consultation = ok(client.post("/v1/consultations", json=request, headers=partner), 201)["id"]

    # Screenings: PHQ-9 19 (moderately severe), and a blood pressure that needs a clinician's eye.
    # Taken ten days ago: within the 30 days before the plan's start, so it is the plan's baseline.
    intake_day = (now - timedelta(days=10)).isoformat()
    baseline = ok(
        submit(client, partner, patient, "phq9", [3, 3, 2, 2, 3, 2, 2, 2, 0], consultation, intake_day), 201
    )
    assert baseline["score"] == {"total": 19, "severity": "moderately_severe"}
    for instrument, answers in (
        ("gad7", GAD7_MILD),
        ("cssrs", CSSRS_NONE),
        ("ketamine_intake", intake(systolic_bp=146)),
    ):
        ok(submit(client, partner, patient, instrument, answers, consultation), 201)
    eligibility = ok(client.get(f"/v1/consultations/{consultation}/eligibility", headers=partner))
    assert eligibility["outcome"] == "needs_review"
    assert [r["code"] for r in eligibility["reasons"]] == ["blood_pressure_elevated"]

    # A psychiatrist licensed in New York finds the case in their review queue and approves it.
    provider = create_provider(client, admin, all_day_availability())
    clinician = bearer(clinician_token(client, db, clinician_client(db), provider["id"], "rosa@example.test"))
    queue = ok(client.get("/v1/consultations?status=awaiting_review", headers=clinician))["data"]
    assert [c["id"] for c in queue] == [consultation]
    # The reviewer reads the patient and the case's screenings; a clinician licensed elsewhere cannot.
    on_file = ok(client.get(f"/v1/screenings?consultation_id={consultation}", headers=clinician))["data"]
    assert len(on_file) == 4
    ok(client.get(f"/v1/patients/{patient}", headers=clinician))
    elsewhere = create_provider(
        client,
        admin,
        licenses=[{"state": "CA", "number": "CA-1", "status": "active", "expires_on": "2030-01-01"}],
    )
    outsider = bearer(clinician_token(client, db, clinician_client(db), elsewhere["id"], "cal@example.test"))
    assert client.get(f"/v1/consultations/{consultation}", headers=outsider).status_code == 404
    assert client.get(f"/v1/patients/{patient}", headers=outsider).status_code == 404
    assert ok(client.get(f"/v1/screenings?consultation_id={consultation}", headers=outsider))["data"] == []
    note = {"decision": "approve", "note": "Repeat BP 132/84 at intake call; proceed."}
    assert (
        ok(client.post(f"/v1/consultations/{consultation}/review", json=note, headers=clinician))["status"]
        == "ready"
    )

    # The partner lists matches and books the best one's earliest slot.
    matches = ok(client.get(f"/v1/consultations/{consultation}/provider-matches", headers=partner))
    best = matches["data"][0]
    assert best["provider"]["id"] == provider["id"]
    slot = best["earliest_slots"][0]["start"]
    booking = {"provider_id": provider["id"], "slot_start": slot}
    appointment = ok(
        client.post(f"/v1/consultations/{consultation}/assignment", json=booking, headers=partner), 201
    )
    assert appointment["starts_at"] == slot
    assert appointment["video_url"]
    assert ok(client.get(f"/v1/consultations/{consultation}", headers=partner))["status"] == "scheduled"

    # The visit.
    visit = {
        "modality": "audio_video",
        "patient_location_state": "NY",
        "identity_verified": True,
        "identity_method": "known_patient",
    }
    started = ok(client.post(f"/v1/consultations/{consultation}/start", json=visit, headers=clinician))
    assert started["visit"]["modality"] == "audio_video"
    outcome = {"outcome": "treatment_recommended", "summary": "Start intranasal esketamine."}
    assert (
        ok(client.post(f"/v1/consultations/{consultation}/complete", json=outcome, headers=clinician))[
            "status"
        ]
        == "completed"
    )

    # The clinician writes an intranasal plan; it activates once the treatment consent is on record.
    start = now.date() - timedelta(days=7)
    plan_body = {
        "consultation_id": consultation,
        "protocol": "intranasal_esketamine",
        "route": "intranasal",
        "start_date": start.isoformat(),
        "check_in_instruments": ["phq9", "cssrs"],
        "check_in_interval_days": 7,
    }
    plan = ok(client.post("/v1/follow-up-plans", json=plan_body, headers=admin), 201)
    refused = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=admin)
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "consent_required"
    treatment = {"type": "ketamine_treatment", "version": "1", "accepted_at": now.isoformat()}
    ok(client.post(f"/v1/patients/{patient}/consents", json=treatment, headers=partner), 201)
    # Esketamine: the patient's Spravato REMS enrolment must be on record too (clinical-rules.md §4 [2e]).
    refused = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=admin)
    assert refused.get_json()["code"] == "rems_enrollment_required"
    enrolment = {"enrolled_on": (start - timedelta(days=3)).isoformat(), "enrollment_id": "REMS-1001"}
    ok(client.put(f"/v1/patients/{patient}/rems-enrollment", json=enrolment, headers=partner))
    assert ok(client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=admin))["status"] == "active"

    tasks = ok(client.get(f"/v1/follow-up-plans/{plan['id']}/tasks?limit=100", headers=partner))["data"]
    sessions = [t for t in tasks if t["kind"] == "session"]
    check_ins = [t for t in tasks if t["kind"] == "check_in"]
    assert [t["due_on"] for t in sessions[:4]] == [
        (start + timedelta(days=d)).isoformat() for d in (0, 3, 7, 10)
    ]
    assert check_ins[0]["due_on"] == (start + timedelta(days=7)).isoformat()

    # The first session, recorded with its safety checks.
    record = {
        "administered_at": (now - timedelta(days=7)).isoformat(),
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        **monitoring(),
        "escort_confirmed": True,
        "adverse_events": [],
        # At Dr. Delgado's Midtown clinic (REMS-certified, New York), she on site and monitoring.
        "site_id": provider["sites"][0]["id"],
        "monitored_by": provider["id"],
        "onsite_prescriber_id": provider["id"],
    }
    ok(
        client.post(
            f"/v1/follow-up-plans/{plan['id']}/sessions/{sessions[0]['id']}/record",
            json=record,
            headers=admin,
        )
    )

    # The first weekly check-in: PHQ-9 down from 19 to 9, and the C-SSRS since the last contact.
    answers = {
        "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 1],
        "cssrs": {
            "recall": "since_last_contact",
            "wish_to_be_dead": False,
            "suicidal_thoughts": False,
            "behavior_since_last_contact": False,
        },
    }
    screening_ids = [
        ok(
            client.post(
                "/v1/screenings",
                json={
                    "patient_id": patient,
                    "plan_id": plan["id"],
                    "instrument": instrument,
                    "answers": given,
                    "completed_at": now.isoformat(),
                },
                headers=partner,
            ),
            201,
        )["id"]
        for instrument, given in answers.items()
    ]
    done = {"screening_ids": screening_ids}
    ok(
        client.post(
            f"/v1/follow-up-plans/{plan['id']}/tasks/{check_ins[0]['id']}/complete",
            json=done,
            headers=partner,
        )
    )
    phq9 = ok(client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=partner))["instruments"][
        "phq9"
    ]
    assert (phq9["baseline"], phq9["latest"]) == (19, 9)
    assert phq9["response"] is True  # a drop of 52.6 %
    assert phq9["remission"] is False
