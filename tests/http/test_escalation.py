"""Clinical rules 2e through the API (issue 24, clinical-rules.md §1 and §2): the C-SSRS recall versions, the
new intake answers and eligibility reasons, escalated consultations acknowledged by a provider, cleared by a
psychiatrist, announced by the worker while unacknowledged, and escalated again on a new crisis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import ConfigurationError, load_settings
from api.models import Consultation, Escalation, Event, Screening
from api.services.escalations import announce_unacknowledged_escalations
from tests.care import Care
from tests.clinical import (
    CSSRS_HIGH,
    CSSRS_NONE,
    CSSRS_SINCE_NONE,
    ELIGIBLE_SET,
    PHQ9_MODERATE,
    intake,
    monitoring,
    submit,
)
from tests.directory import all_day_availability, clinician_client, clinician_token, create_provider
from tests.helpers import bearer, cc_token
from tests.world import World

Headers = dict[str, str]
ACK = {
    "note": "Called the patient: safe at home with her sister; safety plan reviewed.",
    "contact_outcome": "reached",
}
APPROVE = {
    "decision": "approve",
    "note": "Passive ideation after the acute crisis; safety plan documented. Esketamine under supervision.",
    "safety_plan_documented": True,
}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def problem(response: Any, status: int, code: str) -> Any:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["code"] == code, body
    return body


def events(db: Session, type: str, object_id: str | None = None) -> list[Event]:
    stmt = select(Event).where(Event.type == type).order_by(Event.created_at, Event.id)
    if object_id:
        stmt = stmt.where(Event.object_id == object_id)
    return list(db.scalars(stmt))


class Clinic:
    """Partner A's patient Alice, her consultation in New York, and clinicians licensed there."""

    def __init__(self, client: FlaskClient, db: Session, world: World, admin: Headers) -> None:
        self.client, self.db, self.world, self.admin = client, db, world, admin
        self.partner = bearer(cc_token(client, world.portal_a))
        self.patient_id = world.patient_a1
        self._app = clinician_client(db)

    def clinician(self, email: str, **provider: Any) -> tuple[dict[str, Any], Headers]:
        record = create_provider(self.client, self.admin, all_day_availability(), **provider)
        return record, bearer(clinician_token(self.client, self.db, self._app, record["id"], email))

    def consultation(self, **body: Any) -> str:
        payload = {
            "patient_id": self.patient_id,
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
        }
        payload.update(body)
        return str(ok(self.client.post("/v1/consultations", json=payload, headers=self.partner), 201)["id"])

    def screen(
        self, consultation_id: str, instrument: str, answers: object, at: str = "2026-01-05T10:00:00Z"
    ) -> Any:
        return submit(self.client, self.partner, self.patient_id, instrument, answers, consultation_id, at)

    def screen_all(self, consultation_id: str, **overrides: Any) -> None:
        for instrument, answers in {**ELIGIBLE_SET, **overrides}.items():
            ok(self.screen(consultation_id, instrument, answers), 201)

    def read(self, consultation_id: str, headers: Headers | None = None) -> Any:
        return ok(self.client.get(f"/v1/consultations/{consultation_id}", headers=headers or self.partner))

    def escalated(self) -> str:
        consultation = self.consultation()
        ok(self.screen(consultation, "cssrs", CSSRS_HIGH), 201)
        assert self.read(consultation)["status"] == "escalated"
        return consultation

    def acknowledge(self, consultation_id: str, headers: Headers, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/v1/consultations/{consultation_id}/acknowledge-escalation", json=body or ACK, headers=headers
        )

    def review(self, consultation_id: str, headers: Headers, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/v1/consultations/{consultation_id}/review", json=body or APPROVE, headers=headers
        )


@pytest.fixture
def clinic(client: FlaskClient, db: Session, world: World, admin: Headers) -> Clinic:
    return Clinic(client, db, world, admin)


# --- C-SSRS recall (clinical-rules.md §1 [2e]) ----------------------------------------------------------


@pytest.mark.parametrize("with_consultation", [True, False], ids=["consultation", "stand-alone"])
def test_an_intake_cssrs_must_ask_lifetime_recent(clinic: Clinic, with_consultation: bool) -> None:
    consultation = clinic.consultation() if with_consultation else None
    refused = problem(clinic.screen(consultation, "cssrs", CSSRS_SINCE_NONE), 422, "recall_mismatch")  # type: ignore[arg-type]
    assert refused["errors"] == [
        {
            "pointer": "/answers/recall",
            "code": "recall_mismatch",
            "message": "A C-SSRS given as a intake uses recall lifetime_recent.",
        }
    ]
    assert refused["expected_recall"] == "lifetime_recent"
    explicit = {**CSSRS_NONE, "recall": "lifetime_recent"}
    stored = ok(clinic.screen(consultation, "cssrs", explicit), 201)  # type: ignore[arg-type]
    assert stored["answers"]["recall"] == "lifetime_recent"
    assert ok(clinic.screen(consultation, "cssrs", CSSRS_NONE), 201)["score"]["severity"] == "none"  # type: ignore[arg-type]


def test_a_check_in_cssrs_must_ask_since_last_contact(client: FlaskClient, db: Session, world: World) -> None:
    care = Care(client, db, world)
    plan = care.create_plan()
    body = {
        "patient_id": care.patient_id,
        "plan_id": plan["id"],
        "instrument": "cssrs",
        "completed_at": "2026-01-12T10:00:00Z",
    }
    refused = client.post("/v1/screenings", json={**body, "answers": CSSRS_NONE}, headers=care.partner)
    assert problem(refused, 422, "recall_mismatch")["expected_recall"] == "since_last_contact"
    accepted = ok(
        client.post("/v1/screenings", json={**body, "answers": CSSRS_SINCE_NONE}, headers=care.partner), 201
    )
    assert accepted["score"]["severity"] == "none"
    # The old act a "past 3 months" screener would re-flag every week: since the last contact, only new acts.
    again = {**CSSRS_SINCE_NONE, "behavior_since_last_contact": True}
    flagged = ok(client.post("/v1/screenings", json={**body, "answers": again}, headers=care.partner), 201)
    assert flagged["score"]["severity"] == "high"
    assert [e.object_id for e in events(db, "screening.risk_flagged")] == [flagged["id"]]


def test_one_risk_flag_event_per_screening_whatever_the_findings(clinic: Clinic, db: Session) -> None:
    consultation = clinic.consultation()
    many = {**CSSRS_HIGH, "plan": True, "behavior_lifetime": True, "behavior_past_3_months": True}
    screening = ok(clinic.screen(consultation, "cssrs", many), 201)
    assert len([f for f in screening["flags"] if f]) == 2
    assert len(events(db, "screening.risk_flagged", screening["id"])) == 1


# --- The new intake answers and eligibility reasons (§2 [2e]) --------------------------------------------


def test_a_new_intake_needs_the_new_answers(clinic: Clinic) -> None:
    consultation = clinic.consultation()
    answers = {k: v for k, v in intake().items() if k != "medication_classes"}
    refused = problem(clinic.screen(consultation, "ketamine_intake", answers), 422, "validation_failed")
    assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
        ("/answers/medication_classes", "required")
    ]
    duplicate = intake(medication_classes=["opioid", "opioid"])
    refused = problem(clinic.screen(consultation, "ketamine_intake", duplicate), 422, "validation_failed")
    assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
        ("/answers/medication_classes/1", "duplicate")
    ]


def test_review_reasons_and_considerations_through_the_api(clinic: Clinic) -> None:
    consultation = clinic.consultation()
    clinic.screen_all(
        consultation,
        ketamine_intake=intake(
            heart_rate=48,
            untreated_sleep_apnea=True,
            medication_classes=["naltrexone", "maoi", "benzodiazepine", "lamotrigine"],
            antidepressant_trials_current_episode=1,
        ),
    )
    eligibility = ok(
        clinic.client.get(f"/v1/consultations/{consultation}/eligibility", headers=clinic.partner)
    )
    assert eligibility["outcome"] == "needs_review"
    assert [(r["code"], r["field"]) for r in eligibility["reasons"]] == [
        ("heart_rate_abnormal", "/answers/heart_rate"),
        ("untreated_sleep_apnea", "/answers/untreated_sleep_apnea"),
        ("interaction_blood_pressure", "/answers/medication_classes/1"),
        ("interaction_sedation", "/answers/medication_classes/2"),
        ("treatment_resistance_not_established", "/answers/antidepressant_trials_current_episode"),
    ]
    assert [c["code"] for c in eligibility["considerations"]] == ["naltrexone", "lamotrigine"]
    on_case = clinic.read(consultation)
    assert on_case["status"] == "awaiting_review"
    assert on_case["eligibility"]["considerations"] == eligibility["considerations"]
    assert on_case["escalation"] is None


def test_an_intake_stored_before_the_second_edition_is_decided_again_without_error(
    clinic: Clinic, db: Session
) -> None:
    """Migration 0014 gives stored intakes no value for the new answers: a newer screening re-decides the case
    over such an intake, which never makes it eligible (the trials are unknown)."""
    consultation = clinic.consultation()
    clinic.screen_all(consultation, phq9=[2, 2, 2, 2, 1, 0, 0, 0, 0])  # 9: no qualifying screen
    legacy = {
        k: v
        for k, v in intake().items()
        if k
        not in (
            "current_psychotic_symptoms",
            "ketamine_or_pcp_misuse_history",
            "untreated_sleep_apnea",
            "antidepressant_trials_current_episode",
            "medication_classes",
        )
    }
    row = db.scalar(
        select(Screening).where(
            Screening.consultation_id == consultation, Screening.instrument == "ketamine_intake"
        )
    )
    assert row is not None
    row.answers = legacy
    db.commit()
    assert ok(clinic.client.get(f"/v1/screenings/{row.id}", headers=clinic.partner))["answers"] == legacy
    ok(clinic.screen(consultation, "phq9", PHQ9_MODERATE, "2026-01-06T10:00:00Z"), 201)
    eligibility = ok(
        clinic.client.get(f"/v1/consultations/{consultation}/eligibility", headers=clinic.partner)
    )
    assert (eligibility["outcome"], [r["code"] for r in eligibility["reasons"]]) == (
        "needs_review",
        ["treatment_resistance_not_established"],
    )


# --- Escalation: visible, acknowledged (§2 [2e]) -----------------------------------------------------------


def test_an_escalated_case_is_in_every_licensed_providers_queue(clinic: Clinic) -> None:
    consultation = clinic.escalated()
    _, nurse = clinic.clinician("np@example.test", credential="NP", specialties=["psychiatric_mental_health"])
    queue = ok(clinic.client.get("/v1/consultations?status=escalated", headers=nurse))["data"]
    assert [c["id"] for c in queue] == [consultation]
    assert ok(clinic.client.get(f"/v1/screenings?consultation_id={consultation}", headers=nurse))["data"]
    _, elsewhere = clinic.clinician(
        "ca@example.test",
        licenses=[{"state": "CA", "number": "CA-77", "status": "active", "expires_on": "2030-01-01"}],
    )
    assert clinic.client.get(f"/v1/consultations/{consultation}", headers=elsewhere).status_code == 404


def test_a_provider_acknowledges_an_escalation_once(clinic: Clinic, db: Session) -> None:
    consultation = clinic.escalated()
    escalation = clinic.read(consultation)["escalation"]
    assert escalation["escalated_at"]
    assert {
        k: escalation[k] for k in ("acknowledged_at", "acknowledged_by", "contact_outcome", "note")
    } == dict.fromkeys(("acknowledged_at", "acknowledged_by", "contact_outcome", "note"))
    provider, nurse = clinic.clinician(
        "np@example.test", credential="NP", specialties=["psychiatric_mental_health"]
    )
    problem(clinic.acknowledge(consultation, clinic.partner), 403, "forbidden")
    problem(clinic.acknowledge(consultation, clinic.admin), 403, "forbidden")
    bad = clinic.acknowledge(consultation, nurse, {**ACK, "contact_outcome": "left_voicemail"})
    assert [e["pointer"] for e in problem(bad, 422, "validation_failed")["errors"]] == ["/contact_outcome"]
    no_note = clinic.acknowledge(consultation, nurse, {"contact_outcome": "reached"})
    assert [e["pointer"] for e in problem(no_note, 422, "validation_failed")["errors"]] == ["/note"]
    body = ok(clinic.acknowledge(consultation, nurse))
    assert body["status"] == "escalated"
    assert body["escalation"]["escalated_at"] == escalation["escalated_at"]
    assert body["escalation"]["acknowledged_by"] == provider["id"]
    assert (body["escalation"]["contact_outcome"], body["escalation"]["note"]) == ("reached", ACK["note"])
    assert body["escalation"]["acknowledged_at"]
    again = problem(
        clinic.acknowledge(consultation, nurse, {**ACK, "contact_outcome": "not_reached"}),
        409,
        "already_acknowledged",
    )
    assert again["acknowledged_at"] == body["escalation"]["acknowledged_at"]
    assert clinic.read(consultation)["escalation"] == body["escalation"]


def test_a_case_never_escalated_has_nothing_to_acknowledge(clinic: Clinic) -> None:
    consultation = clinic.consultation()
    clinic.screen_all(consultation, ketamine_intake=intake(systolic_bp=150))
    _, doctor = clinic.clinician("md@example.test")
    problem(clinic.acknowledge(consultation, doctor), 409, "not_escalated")


def test_another_tenant_cannot_touch_an_escalation(clinic: Clinic, client: FlaskClient, world: World) -> None:
    consultation = clinic.escalated()
    other = bearer(cc_token(client, world.portal_b))
    problem(clinic.acknowledge(consultation, other), 404, "not_found")
    problem(clinic.review(consultation, other), 404, "not_found")


# --- The worker's announcement (ESCALATION_ACK_MINUTES) ---------------------------------------------------


def test_an_unacknowledged_escalation_is_announced_at_each_interval(clinic: Clinic, db: Session) -> None:
    consultation = clinic.escalated()
    row = db.scalar(select(Escalation).where(Escalation.consultation_id == consultation))
    assert row is not None
    start = row.escalated_at
    hour = timedelta(minutes=60)

    def announce(after: timedelta) -> int:
        return announce_unacknowledged_escalations(db, interval=hour, now=start + after)

    assert announce(timedelta(minutes=59)) == 0
    assert announce(timedelta(minutes=60)) == 1
    assert announce(timedelta(minutes=119)) == 0  # never twice within one interval
    assert announce(timedelta(minutes=120)) == 1
    sent = events(db, "consultation.escalation_unacknowledged", consultation)
    assert [e.data for e in sent] == [
        {
            "id": consultation,
            "object": "consultation",
            "escalated_at": start.isoformat().replace("+00:00", "Z"),
            "minutes_unacknowledged": minutes,
        }
        for minutes in (60, 120)
    ]
    _, doctor = clinic.clinician("md@example.test")
    ok(clinic.acknowledge(consultation, doctor))
    assert announce(timedelta(minutes=240)) == 0


def test_a_cancelled_escalated_case_is_no_longer_announced(clinic: Clinic, db: Session) -> None:
    consultation = clinic.escalated()
    ok(clinic.client.post(f"/v1/consultations/{consultation}/cancel", json={}, headers=clinic.partner))
    row = db.scalar(select(Escalation).where(Escalation.consultation_id == consultation))
    assert row is not None
    assert (
        announce_unacknowledged_escalations(
            db, interval=timedelta(minutes=1), now=row.escalated_at + timedelta(days=1)
        )
        == 0
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("", 60), ("1", 1), ("90", 90), ("0", None), ("-5", None), ("soon", None)]
)
def test_escalation_ack_minutes_is_at_least_one(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None
) -> None:
    monkeypatch.setenv("ESCALATION_ACK_MINUTES", value)
    if expected is None:
        with pytest.raises(ConfigurationError, match="ESCALATION_ACK_MINUTES"):
            load_settings()
    else:
        assert load_settings().escalation_ack_minutes == expected


# --- A psychiatrist's review of an escalated case ----------------------------------------------------------


def test_only_a_psychiatrist_decides_an_escalated_case(clinic: Clinic) -> None:
    consultation = clinic.escalated()
    _, nurse = clinic.clinician("np@example.test", credential="NP", specialties=["psychiatry"])
    _, family = clinic.clinician("fm@example.test", credential="MD", specialties=["family_medicine"])
    ok(clinic.acknowledge(consultation, nurse))
    for headers in (nurse, family, clinic.admin):
        problem(clinic.review(consultation, headers), 403, "psychiatrist_required")
        decline = {"decision": "decline", "note": "Refer to inpatient care."}
        problem(clinic.review(consultation, headers, decline), 403, "psychiatrist_required")
    problem(clinic.review(consultation, clinic.partner), 403, "forbidden")
    assert clinic.read(consultation)["status"] == "escalated"


def test_approving_an_escalated_case_needs_every_screening_a_safety_plan_and_the_contact(
    clinic: Clinic,
) -> None:
    consultation = clinic.escalated()  # the crisis came before the other screenings
    _, psychiatrist = clinic.clinician("psy@example.test")
    refused = problem(
        clinic.review(consultation, psychiatrist, {**APPROVE, "safety_plan_documented": False}),
        422,
        "safety_plan_required",
    )
    assert [e["code"] for e in refused["errors"]] == [
        "safety_plan_required",
        "screenings_incomplete",
        "escalation_not_acknowledged",
    ]
    assert refused["missing_screenings"] == ["phq9", "gad7", "ketamine_intake"]
    no_flag = {k: v for k, v in APPROVE.items() if k != "safety_plan_documented"}
    problem(clinic.review(consultation, psychiatrist, no_flag), 422, "safety_plan_required")
    problem(clinic.review(consultation, psychiatrist), 422, "screenings_incomplete")
    # Screenings arriving while escalated are stored; the status waits for the psychiatrist.
    for instrument in ("phq9", "gad7", "ketamine_intake"):
        ok(clinic.screen(consultation, instrument, ELIGIBLE_SET[instrument]), 201)
    assert clinic.read(consultation)["status"] == "escalated"
    problem(clinic.review(consultation, psychiatrist), 422, "escalation_not_acknowledged")
    ok(clinic.acknowledge(consultation, psychiatrist))
    approved = ok(clinic.review(consultation, psychiatrist))
    assert (approved["status"], approved["review_decision"], approved["safety_plan_documented"]) == (
        "ready",
        "approve",
        True,
    )
    assert approved["eligibility_outcome"] == "needs_review"
    # The relative reasons, the cleared crisis among them, for the note to address.
    assert [r["code"] for r in approved["eligibility"]["reasons"]] == [
        "suicide_risk_high",
        "active_suicidal_ideation",
    ]
    eligibility = ok(
        clinic.client.get(f"/v1/consultations/{consultation}/eligibility", headers=clinic.partner)
    )
    assert eligibility["reasons"] == approved["eligibility"]["reasons"]
    assert eligibility["crisis_resources"] == []


def test_an_absolute_contraindication_leaves_only_decline(clinic: Clinic) -> None:
    consultation = clinic.escalated()
    clinic.screen_all(consultation, cssrs=CSSRS_HIGH, ketamine_intake=intake(current_psychotic_symptoms=True))
    _, psychiatrist = clinic.clinician("psy@example.test")
    ok(clinic.acknowledge(consultation, psychiatrist))
    refused = problem(clinic.review(consultation, psychiatrist), 422, "contraindicated")
    assert [c["code"] for c in refused["contraindications"]] == ["current_psychotic_symptoms"]
    declined = ok(
        clinic.review(consultation, psychiatrist, {"decision": "decline", "note": "Psychosis: refer."})
    )
    assert (declined["status"], declined["review_decision"]) == ("declined", "decline")


def test_an_approved_case_is_escalated_again_by_a_new_crisis(clinic: Clinic, db: Session) -> None:
    consultation = clinic.escalated()
    clinic.screen_all(consultation, cssrs=CSSRS_HIGH)
    _, psychiatrist = clinic.clinician("psy@example.test")
    ok(clinic.acknowledge(consultation, psychiatrist))
    ok(clinic.review(consultation, psychiatrist))
    first = clinic.read(consultation)["escalation"]
    # A calm C-SSRS changes nothing; a new high escalates again, with a new escalation to acknowledge.
    ok(clinic.screen(consultation, "cssrs", CSSRS_NONE, "2026-01-07T10:00:00Z"), 201)
    assert clinic.read(consultation)["status"] == "ready"
    crisis = ok(clinic.screen(consultation, "cssrs", CSSRS_HIGH, "2026-01-08T10:00:00Z"), 201)
    case = clinic.read(consultation)
    assert (case["status"], case["eligibility_outcome"]) == ("escalated", "escalate")
    assert case["escalation"]["acknowledged_at"] is None
    assert case["escalation"]["escalated_at"] >= first["escalated_at"]
    rows = db.scalars(select(Escalation).where(Escalation.consultation_id == consultation)).all()
    assert [r.screening_id for r in rows][-1] == crisis["id"] and len(rows) == 2
    assert len(events(db, "screening.risk_flagged", crisis["id"])) == 1


def test_an_escalated_case_not_yet_acknowledged_keeps_one_escalation(clinic: Clinic, db: Session) -> None:
    consultation = clinic.escalated()
    ok(clinic.screen(consultation, "cssrs", CSSRS_HIGH, "2026-01-06T10:00:00Z"), 201)
    assert len(db.scalars(select(Escalation).where(Escalation.consultation_id == consultation)).all()) == 1


def test_an_eligible_ready_case_is_only_flagged_by_a_later_crisis(clinic: Clinic, db: Session) -> None:
    consultation = clinic.consultation()
    clinic.screen_all(consultation)
    ok(clinic.screen(consultation, "cssrs", CSSRS_HIGH, "2026-01-07T10:00:00Z"), 201)
    case = clinic.read(consultation)
    assert (case["status"], case["escalation"]) == ("ready", None)
    assert db.get(Consultation, consultation) is not None


# --- End to end: an escalated patient treated under a psychiatrist -----------------------------------------


def test_an_escalated_patient_is_contacted_cleared_matched_booked_seen_and_treated(
    clinic: Clinic, db: Session
) -> None:
    client, partner, admin = clinic.client, clinic.partner, clinic.admin
    now = datetime.now(UTC)
    consultation = clinic.consultation(
        conditions=["treatment_resistant_depression"], preferred_routes=["intranasal"]
    )

    # The C-SSRS comes first and is high: escalated at once, crisis resources returned.
    crisis = ok(clinic.screen(consultation, "cssrs", CSSRS_HIGH), 201)
    assert crisis["crisis_resources"][0]["contact"] == "Call or text 988"
    assert clinic.read(consultation)["status"] == "escalated"

    # A nurse practitioner licensed in New York sees it in the queue and reaches the patient.
    _, nurse = clinic.clinician("np@example.test", credential="NP", specialties=["psychiatric_mental_health"])
    assert [c["id"] for c in ok(client.get("/v1/consultations?status=escalated", headers=nurse))["data"]] == [
        consultation
    ]
    ok(clinic.acknowledge(consultation, nurse))
    # The rest of the screenings: PHQ-9 19, two adequate trials, nothing else to review.
    ok(clinic.screen(consultation, "phq9", [3, 3, 2, 2, 3, 2, 2, 2, 0]), 201)
    ok(clinic.screen(consultation, "gad7", ELIGIBLE_SET["gad7"]), 201)
    ok(clinic.screen(consultation, "ketamine_intake", intake()), 201)
    # The nurse cannot clear the patient; a psychiatrist can.
    problem(clinic.review(consultation, nurse), 403, "psychiatrist_required")
    psychiatrist, doctor = clinic.clinician("psy@example.test")
    approved = ok(clinic.review(consultation, doctor))
    assert (approved["status"], approved["eligibility_outcome"]) == ("ready", "needs_review")

    # Matched to psychiatrists only, as a reviewed case: the nurse practitioner is excluded.
    matches = ok(client.get(f"/v1/consultations/{consultation}/provider-matches", headers=partner))
    assert [m["provider"]["id"] for m in matches["data"]] == [psychiatrist["id"]]
    assert matches["excluded"].get("credential", 0) >= 1
    slot = matches["data"][0]["earliest_slots"][0]["start"]
    booking = {"provider_id": psychiatrist["id"], "slot_start": slot}
    ok(client.post(f"/v1/consultations/{consultation}/assignment", json=booking, headers=partner), 201)

    # The visit, then an intranasal plan with PHQ-9 and C-SSRS check-ins.
    visit = {
        "modality": "audio_video",
        "patient_location_state": "NY",
        "identity_verified": True,
        "identity_method": "known_patient",
    }
    ok(client.post(f"/v1/consultations/{consultation}/start", json=visit, headers=doctor))
    outcome = {"outcome": "treatment_recommended", "summary": "Esketamine with weekly C-SSRS."}
    assert (
        ok(client.post(f"/v1/consultations/{consultation}/complete", json=outcome, headers=doctor))["status"]
        == "completed"
    )
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
    patient = clinic.patient_id
    treatment = {"type": "ketamine_treatment", "version": "1", "accepted_at": now.isoformat()}
    ok(client.post(f"/v1/patients/{patient}/consents", json=treatment, headers=partner), 201)
    enrolment = {"enrolled_on": (now.date() - timedelta(days=10)).isoformat(), "enrollment_id": "REMS-0042"}
    ok(client.put(f"/v1/patients/{patient}/rems-enrollment", json=enrolment, headers=partner))
    assert ok(client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=admin))["status"] == "active"

    # The first session, recorded at the psychiatrist's REMS-certified site.
    tasks = ok(client.get(f"/v1/follow-up-plans/{plan['id']}/tasks?limit=100", headers=partner))["data"]
    first = next(t for t in tasks if t["kind"] == "session")
    record = {
        "administered_at": (now - timedelta(days=7)).isoformat(),
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        **monitoring(),
        "escort_confirmed": True,
        "adverse_events": [],
        "site_id": psychiatrist["sites"][0]["id"],
        "monitored_by": psychiatrist["id"],
        "onsite_prescriber_id": psychiatrist["id"],
    }
    recorded = client.post(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{first['id']}/record", json=record, headers=admin
    )
    assert recorded.status_code == 200, recorded.get_json()
    assert events(db, "consultation.escalation_unacknowledged", consultation) == []
