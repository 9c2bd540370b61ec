"""Follow-up plans through the API: protocol schedules, the life cycle, changes, tenancy and roles."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.protocols import (
    CLINIC_FASTING_INSTRUCTION,
    ESCORT_INSTRUCTION,
    INTRANASAL_FASTING_INSTRUCTION,
    IV_INFUSION_INSTRUCTION,
    NO_DRIVING_INSTRUCTION,
)
from api.models import Event
from tests.care import START, Care, completed_consultation
from tests.helpers import bearer, cc_token
from tests.world import World


@pytest.fixture
def care(client: FlaskClient, db: Session, world: World) -> Care:
    return Care(client, db, world)


def days(*offsets: int) -> list[str]:
    return [(START + timedelta(days=offset)).isoformat() for offset in offsets]


def dates_of(tasks: list[dict[str, Any]], kind: str) -> list[str]:
    return [task["due_on"] for task in tasks if task["kind"] == kind]


def events(db: Session, object_id: str) -> list[tuple[str, dict[str, Any]]]:
    rows = db.scalars(select(Event).where(Event.object_id == object_id).order_by(Event.created_at, Event.id))
    return [(event.type, event.data) for event in rows]


WEEKLY_CHECK_INS_12_WEEKS = days(*range(7, 85, 7))

PROTOCOL_SESSIONS = [
    ("iv_induction", "intravenous", {}, days(0, 2, 4, 7, 9, 11)),
    ("im_induction", "intramuscular", {}, days(0, 2, 4, 7, 9, 11)),
    # Weeks 1-4 twice weekly, weeks 5-8 weekly, then every 14 days up to the default end (day 84).
    (
        "intranasal_esketamine",
        "intranasal",
        {},
        days(0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 63, 77),
    ),
    # A longer plan keeps the every-14-days tail going; the end date itself is included (day 119).
    (
        "intranasal_esketamine",
        "intranasal",
        {"end_date": (START + timedelta(days=119)).isoformat()},
        days(0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49, 63, 77, 91, 105, 119),
    ),
    # An 8-week plan ends before the tail starts.
    (
        "intranasal_esketamine",
        "intranasal",
        {"end_date": (START + timedelta(days=55)).isoformat()},
        days(0, 3, 7, 10, 14, 17, 21, 24, 28, 35, 42, 49),
    ),
    ("oral_at_home", "oral", {}, days(0, 7, 14, 21, 28, 35, 42, 49)),
    ("oral_at_home", "sublingual", {}, days(0, 7, 14, 21, 28, 35, 42, 49)),
    ("custom", "intramuscular", {"sessions": days(10, 0, 30)}, days(0, 10, 30)),
]


@pytest.mark.parametrize(("protocol", "route", "extra", "expected_sessions"), PROTOCOL_SESSIONS)
def test_each_protocol_generates_its_sessions_and_weekly_check_ins(
    client: FlaskClient,
    care: Care,
    protocol: str,
    route: str,
    extra: dict[str, Any],
    expected_sessions: list[str],
) -> None:
    plan = care.create_plan(protocol=protocol, route=route, **extra)
    tasks = care.tasks(plan["id"])
    assert dates_of(tasks, "session") == expected_sessions
    end = date.fromisoformat(plan["end_date"])
    assert dates_of(tasks, "check_in") == [d for d in days(*range(7, 366, 7)) if date.fromisoformat(d) <= end]
    # In due order, a day's session before its check-in, numbered from 1.
    assert [(t["due_on"], t["kind"] == "check_in") for t in tasks] == sorted(
        (t["due_on"], t["kind"] == "check_in") for t in tasks
    )
    assert [t["sequence"] for t in tasks] == list(range(1, len(tasks) + 1))
    assert {t["status"] for t in tasks} == {"pending"}
    assert all(t["instruments"] == ["phq9", "cssrs"] for t in tasks if t["kind"] == "check_in")
    assert all(t["instruments"] == [] and t["session"] is None for t in tasks if t["kind"] == "session")


def test_defaults_and_what_a_new_plan_looks_like(client: FlaskClient, care: Care, db: Session) -> None:
    response = client.post(
        "/v1/follow-up-plans", json=care.plan_body(dose_note="56 mg"), headers=care.provider
    )
    assert response.status_code == 201
    plan = response.get_json()
    assert response.headers["Location"] == f"/v1/follow-up-plans/{plan['id']}"
    assert plan["id"].startswith("pln_")
    assert plan["end_date"] == "2026-03-30"  # 12 weeks after the start
    assert plan["check_in_interval_days"] == 7
    assert (plan["status"], plan["allowed_actions"]) == ("draft", ["activate", "revoke"])
    assert (plan["partner_id"], plan["patient_id"], plan["provider_id"], plan["consultation_id"]) == (
        care.world.partner_a,
        care.patient_id,
        care.provider_id,
        care.consultation_id,
    )
    assert plan["dose_note"] == "56 mg" and plan["activated_at"] is None
    assert care.tasks(plan["id"])[-1]["due_on"] == "2026-03-30"  # the last weekly check-in, on the end date
    assert [kind for kind, _ in events(db, plan["id"])] == ["follow_up_plan.created"]


def test_check_in_interval_and_no_check_ins(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan(protocol="iv_induction", route="intravenous", check_in_interval_days=14)
    assert dates_of(care.tasks(plan["id"]), "check_in") == days(14, 28, 42, 56, 70, 84)
    care.client.post(f"/v1/follow-up-plans/{plan['id']}/revoke", headers=care.provider)
    # [2e] A plan without check-ins is refused: PHQ-9 and C-SSRS are re-screened throughout.
    refused = client.post(
        "/v1/follow-up-plans",
        json=care.plan_body(protocol="iv_induction", route="intravenous", check_in_instruments=[]),
        headers=care.provider,
    )
    assert (refused.status_code, refused.get_json()["code"]) == (422, "check_in_instruments_required")


def test_every_session_carries_its_instructions(client: FlaskClient, care: Care) -> None:
    intranasal = care.tasks(care.create_plan()["id"], "kind=session")[0]
    assert intranasal["instructions"] == [
        INTRANASAL_FASTING_INSTRUCTION,
        ESCORT_INSTRUCTION,
        NO_DRIVING_INSTRUCTION,
    ]
    client.post(f"/v1/follow-up-plans/{intranasal['plan_id']}/revoke", headers=care.provider)
    iv = care.tasks(care.create_plan(protocol="iv_induction", route="intravenous")["id"], "kind=session")[0]
    assert iv["instructions"] == [
        CLINIC_FASTING_INSTRUCTION,
        IV_INFUSION_INSTRUCTION,
        ESCORT_INSTRUCTION,
        NO_DRIVING_INSTRUCTION,
    ]
    assert "40 minutes" in IV_INFUSION_INSTRUCTION and "2 hours" in INTRANASAL_FASTING_INSTRUCTION


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"route": "intravenous"}, "/route", "route_not_allowed_for_protocol"),
        ({"route": "inhaled"}, "/route", "invalid_choice"),
        ({"protocol": "ayahuasca"}, "/protocol", "invalid_choice"),
        (
            {"check_in_instruments": ["phq9", "ketamine_intake"]},
            "/check_in_instruments/1",
            "unknown_instrument",
        ),
        ({"check_in_instruments": ["phq9", "phq9"]}, "/check_in_instruments/1", "duplicate"),
        ({"check_in_interval_days": 0}, "/check_in_interval_days", "out_of_range"),
        ({"end_date": "2026-01-05"}, "/end_date", "end_date_not_after_start"),
        ({"end_date": "2027-06-01"}, "/end_date", "plan_too_long"),
        ({"sessions": ["2026-01-06"]}, "/sessions", "sessions_not_allowed"),
        ({"protocol": "custom"}, "/sessions", "sessions_required"),
        ({"protocol": "custom", "sessions": ["2026-01-04"]}, "/sessions/0", "session_outside_plan"),
        ({"protocol": "custom", "sessions": ["2026-01-06", "2026-01-06"]}, "/sessions/1", "duplicate"),
        ({"start_date": "05/01/2026"}, "/start_date", "wrong_type"),
        ({"shoe_size": 9}, "/shoe_size", "unknown_field"),
        ({"consultation_id": None}, "/consultation_id", "required"),
    ],
)
def test_an_invalid_plan_is_refused_with_a_pointer(
    client: FlaskClient, care: Care, changes: dict[str, Any], pointer: str, code: str
) -> None:
    body = care.plan_body(**changes)
    response = client.post("/v1/follow-up-plans", json=body, headers=care.provider)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert (pointer, code) in [(e["pointer"], e["code"]) for e in problem["errors"]]


@pytest.mark.parametrize(
    ("status", "outcome", "code"),
    [
        ("in_progress", None, "consultation_not_completed"),
        ("completed", "not_recommended", "treatment_not_recommended"),
        ("completed", "referred_out", "treatment_not_recommended"),
    ],
)
def test_a_plan_follows_only_a_completed_consultation_recommending_treatment(
    client: FlaskClient, care: Care, db: Session, status: str, outcome: str | None, code: str
) -> None:
    consultation = completed_consultation(
        db, care.world.partner_a, care.patient_id, care.provider_id, status=status, outcome=outcome
    )
    response = client.post(
        "/v1/follow-up-plans", json=care.plan_body(consultation_id=consultation), headers=care.provider
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == code
    assert response.get_json()["errors"][0]["pointer"] == "/consultation_id"


def test_an_admin_needs_a_consultation_with_an_assigned_provider(
    client: FlaskClient, care: Care, db: Session
) -> None:
    consultation = completed_consultation(db, care.world.partner_a, care.patient_id, None)
    response = client.post(
        "/v1/follow-up-plans", json=care.plan_body(consultation_id=consultation), headers=care.admin
    )
    assert (response.status_code, response.get_json()["code"]) == (422, "provider_required")
    created = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=care.admin)
    assert created.status_code == 201
    assert created.get_json()["provider_id"] == care.provider_id  # copied from the consultation


def test_only_the_assigned_provider_or_an_admin_creates_a_plan(client: FlaskClient, care: Care) -> None:
    for headers in (care.partner, care.patient):
        response = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")
    # Another provider cannot even see the consultation.
    response = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=care.other_provider)
    assert response.status_code == 422
    assert response.get_json()["errors"][0] == {
        "pointer": "/consultation_id",
        "code": "not_found",
        "message": "No such consultation.",
    }


def test_one_open_plan_per_consultation(client: FlaskClient, care: Care) -> None:
    first = care.create_plan()
    second = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=care.provider)
    assert (second.status_code, second.get_json()["code"]) == (409, "plan_exists")
    assert client.post(f"/v1/follow-up-plans/{first['id']}/revoke", headers=care.provider).status_code == 200
    assert client.post("/v1/follow-up-plans", json=care.plan_body(), headers=care.provider).status_code == 201


def test_create_is_idempotent(client: FlaskClient, care: Care) -> None:
    headers = {**care.provider, "Idempotency-Key": "plan-1"}
    first = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=headers)
    again = client.post("/v1/follow-up-plans", json=care.plan_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]


# --- the life cycle ------------------------------------------------------------------------------


def test_activation_needs_both_consents(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.create_plan()
    refused = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider)
    assert refused.status_code == 422
    problem = refused.get_json()
    assert (problem["code"], problem["missing_consents"]) == ("consent_required", ["ketamine_treatment"])
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()["status"] == "draft"
    )
    care.consent_to_treatment()
    activated = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider)
    assert activated.status_code == 200
    body = activated.get_json()
    assert (body["status"], body["allowed_actions"]) == ("active", ["complete", "hold", "revoke"])
    assert body["activated_at"] is not None
    assert events(db, plan["id"])[-1] == (
        "follow_up_plan.status_changed",
        {"id": plan["id"], "object": "follow_up_plan", "status": "active", "previous_status": "draft"},
    )


def test_hold_resume_complete(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.active_plan(protocol="iv_induction", route="intravenous")
    url = f"/v1/follow-up-plans/{plan['id']}"
    held = client.post(f"{url}/hold", json={"reason": "Travelling for two weeks"}, headers=care.provider)
    assert (held.get_json()["status"], held.get_json()["status_reason"]) == (
        "on_hold",
        "Travelling for two weeks",
    )
    resumed = client.post(f"{url}/activate", headers=care.provider).get_json()
    assert (resumed["status"], resumed["status_reason"]) == ("active", None)
    assert resumed["activated_at"] == plan["activated_at"]  # the first activation is kept
    completed = client.post(f"{url}/complete", headers=care.provider).get_json()
    assert (completed["status"], completed["allowed_actions"]) == ("completed", [])
    assert completed["completed_at"] is not None
    assert {t["status"] for t in care.tasks(plan["id"])} == {"cancelled"}
    again = client.post(f"{url}/complete", headers=care.provider)
    assert (again.status_code, again.get_json()["code"]) == (409, "invalid_transition")
    assert again.get_json()["allowed_actions"] == []
    statuses = [
        data["status"] for kind, data in events(db, plan["id"]) if kind == "follow_up_plan.status_changed"
    ]
    assert statuses == ["active", "on_hold", "active", "completed"]


def test_revoke_a_draft_keeps_the_reason(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    revoked = client.post(
        f"/v1/follow-up-plans/{plan['id']}/revoke", json={"reason": "Patient moved away"}, headers=care.admin
    ).get_json()
    assert (revoked["status"], revoked["status_reason"]) == ("revoked", "Patient moved away")
    assert revoked["revoked_at"] is not None
    hold = client.post(f"/v1/follow-up-plans/{plan['id']}/hold", headers=care.provider)
    assert (hold.status_code, hold.get_json()["code"]) == (409, "invalid_transition")


def test_actions_honour_if_match(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    url = f"/v1/follow-up-plans/{plan['id']}"
    etag = client.get(url, headers=care.provider).headers["ETag"]
    care.consent_to_treatment()
    client.patch(url, json={"dose_note": "84 mg"}, headers={**care.provider, "If-Match": etag})
    stale = client.post(f"{url}/activate", headers={**care.provider, "If-Match": etag})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "precondition_failed")
    current = client.get(url, headers=care.provider).headers["ETag"]
    done = client.post(f"{url}/activate", headers={**care.provider, "If-Match": current})
    assert done.status_code == 200
    assert done.headers["ETag"] == client.get(url, headers=care.provider).headers["ETag"]


def test_only_the_provider_or_an_admin_moves_a_plan(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    care.consent_to_treatment()
    for headers in (care.partner, care.patient):
        response = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")
    for headers in (care.other_provider, care.partner_b, care.other_patient):
        assert client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=headers).status_code == 404
    assert client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.admin).status_code == 200


# --- changing a plan -----------------------------------------------------------------------------


def test_patch_requires_if_match(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    url = f"/v1/follow-up-plans/{plan['id']}"
    missing = client.patch(url, json={"dose_note": "84 mg"}, headers=care.provider)
    assert (missing.status_code, missing.get_json()["code"]) == (428, "precondition_required")
    etag = client.get(url, headers=care.provider).headers["ETag"]
    assert client.get(url, headers={**care.provider, "If-None-Match": etag}).status_code == 304
    changed = client.patch(url, json={"dose_note": "84 mg"}, headers={**care.provider, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["dose_note"] == "84 mg"
    assert changed.headers["ETag"] != etag
    stale = client.patch(url, json={"dose_note": "56 mg"}, headers={**care.provider, "If-Match": etag})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "precondition_failed")


def _patch(
    client: FlaskClient, care: Care, plan_id: str, changes: dict[str, Any], headers: Any = None
) -> Any:
    headers = headers or care.provider
    etag = client.get(f"/v1/follow-up-plans/{plan_id}", headers=headers).headers["ETag"]
    return client.patch(f"/v1/follow-up-plans/{plan_id}", json=changes, headers={**headers, "If-Match": etag})


def test_a_draft_moves_its_whole_schedule(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan(protocol="iv_induction", route="intravenous")
    before = {(t["due_on"], t["kind"]): t["id"] for t in care.tasks(plan["id"])}
    response = _patch(client, care, plan["id"], {"start_date": "2026-01-07", "end_date": "2026-02-04"})
    assert response.status_code == 200, response.get_json()
    tasks = [t for t in care.tasks(plan["id"]) if t["status"] != "cancelled"]
    assert dates_of(tasks, "session") == [
        "2026-01-07",
        "2026-01-09",
        "2026-01-11",
        "2026-01-14",
        "2026-01-16",
        "2026-01-18",
    ]
    assert dates_of(tasks, "check_in") == ["2026-01-14", "2026-01-21", "2026-01-28", "2026-02-04"]
    # A task still on the schedule keeps its id.
    kept = [t for t in tasks if (t["due_on"], t["kind"]) in before]
    assert kept and all(t["id"] == before[(t["due_on"], t["kind"])] for t in kept)


def test_extending_a_running_intranasal_plan_adds_the_maintenance_tail(
    client: FlaskClient, care: Care
) -> None:
    plan = care.active_plan(end_date="2026-02-23")  # 8 weeks: no tail yet
    assert dates_of(care.tasks(plan["id"]), "session")[-1] == "2026-02-23"
    first_check_in = care.tasks(plan["id"], "kind=check_in")[0]
    # Once the plan runs, the start is fixed.
    moved = _patch(client, care, plan["id"], {"start_date": "2026-01-12"})
    assert (moved.status_code, moved.get_json()["code"]) == (409, "plan_started")
    instruments = ["phq9", "cssrs", "gad7"]
    changes = {"end_date": "2026-04-20", "check_in_instruments": instruments}
    response = _patch(client, care, plan["id"], changes)
    assert response.status_code == 200
    assert response.get_json()["check_in_instruments"] == instruments
    tasks = care.tasks(plan["id"])
    assert dates_of(tasks, "session")[-5:] == [
        "2026-02-23",
        "2026-03-09",
        "2026-03-23",
        "2026-04-06",
        "2026-04-20",
    ]
    assert dates_of(tasks, "check_in")[-1] == "2026-04-20"
    assert {tuple(t["instruments"]) for t in tasks if t["kind"] == "check_in"} == {tuple(instruments)}
    assert tasks[[t["id"] for t in tasks].index(first_check_in["id"])]["status"] == "pending"
    # Shortening cancels what no longer fits; lengthening again reopens it.
    _patch(client, care, plan["id"], {"end_date": "2026-03-10"})
    by_day = {(t["due_on"], t["kind"]): t["status"] for t in care.tasks(plan["id"])}
    assert by_day[("2026-03-09", "session")] == "pending"
    assert by_day[("2026-03-23", "session")] == "cancelled"
    _patch(client, care, plan["id"], {"end_date": "2026-04-20"})
    assert {t["status"] for t in care.tasks(plan["id"])} == {"pending"}


def test_a_custom_plan_changes_its_sessions(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan(protocol="custom", route="intramuscular", sessions=["2026-01-05", "2026-01-19"])
    response = _patch(client, care, plan["id"], {"sessions": ["2026-01-05", "2026-01-12", "2026-01-26"]})
    assert response.status_code == 200
    open_sessions = [t["due_on"] for t in care.tasks(plan["id"], "kind=session") if t["status"] == "pending"]
    assert open_sessions == ["2026-01-05", "2026-01-12", "2026-01-26"]
    bad = _patch(client, care, plan["id"], {"sessions": ["2025-12-31"]})
    assert (bad.status_code, bad.get_json()["errors"][0]["pointer"]) == (422, "/sessions/0")


def test_a_closed_plan_cannot_change_and_only_clinicians_change_plans(
    client: FlaskClient, care: Care
) -> None:
    plan = care.create_plan()
    for headers in (care.partner, care.patient):
        response = _patch(client, care, plan["id"], {"dose_note": "x"}, headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")
    client.post(f"/v1/follow-up-plans/{plan['id']}/revoke", headers=care.provider)
    closed = _patch(client, care, plan["id"], {"dose_note": "x"})
    assert (closed.status_code, closed.get_json()["code"]) == (409, "plan_closed")


# --- reading: tenancy and lists ------------------------------------------------------------------


def test_who_sees_a_plan(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    url = f"/v1/follow-up-plans/{plan['id']}"
    for headers in (care.provider, care.patient, care.partner, care.admin):
        assert client.get(url, headers=headers).status_code == 200
        assert client.get(f"{url}/tasks", headers=headers).status_code == 200
    for headers in (care.partner_b, care.other_patient, care.other_provider):
        for path in (
            "",
            "/tasks",
            "/outcomes",
            "/adverse-events",
            f"/tasks/{care.tasks(plan['id'])[0]['id']}",
        ):
            response = client.get(f"{url}{path}", headers=headers)
            assert (response.status_code, response.get_json()["code"]) == (404, "not_found"), path
    assert client.get("/v1/follow-up-plans/pln_nope", headers=care.admin).status_code == 404


def test_lists_are_scoped_and_filtered(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.create_plan()
    other_consultation = completed_consultation(
        db, care.world.partner_a, care.world.patient_a2, care.provider_id
    )
    other = care.create_plan(consultation_id=other_consultation)

    def ids(headers: Any, query: str = "") -> list[str]:
        response = client.get(f"/v1/follow-up-plans?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [p["id"] for p in response.get_json()["data"]]

    assert ids(care.provider) == [other["id"], plan["id"]]  # newest first
    assert ids(care.partner) == [other["id"], plan["id"]]
    assert ids(care.patient) == [plan["id"]]
    assert ids(care.other_provider) == ids(care.partner_b) == []
    assert ids(care.partner, f"patient_id={care.world.patient_a2}") == [other["id"]]
    assert ids(care.partner, f"provider_id={care.other_provider_id}") == []
    assert ids(care.partner, "status=draft") == [other["id"], plan["id"]]
    assert ids(care.partner, "status=active") == []
    assert ids(care.partner, "limit=1") == [other["id"]]
    bad = client.get("/v1/follow-up-plans?status=paused", headers=care.partner)
    assert (bad.status_code, bad.get_json()["errors"][0]["pointer"]) == (422, "/status")


def test_tasks_page_in_due_order_with_filters(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    everything = care.tasks(plan["id"])
    pages: list[str] = []
    url = f"/v1/follow-up-plans/{plan['id']}/tasks?limit=5"
    while True:
        response = client.get(url, headers=care.patient)
        body = response.get_json()
        pages += [t["id"] for t in body["data"]]
        if not body["has_more"]:
            assert "Link" not in response.headers
            break
        assert response.headers["Link"].endswith('rel="next"')
        url = f"/v1/follow-up-plans/{plan['id']}/tasks?limit=5&cursor={body['next_cursor']}"
    assert pages == [t["id"] for t in everything]
    window = care.tasks(plan["id"], "due_from=2026-01-12&due_to=2026-01-19")
    assert [(t["due_on"], t["kind"]) for t in window] == [
        ("2026-01-12", "session"),
        ("2026-01-12", "check_in"),
        ("2026-01-15", "session"),
        ("2026-01-19", "session"),
        ("2026-01-19", "check_in"),
    ]
    assert {t["kind"] for t in care.tasks(plan["id"], "kind=check_in")} == {"check_in"}
    plans_cursor = client.get("/v1/follow-up-plans?limit=1", headers=care.provider).get_json()["next_cursor"]
    foreign = client.get(
        f"/v1/follow-up-plans/{plan['id']}/tasks?cursor={plans_cursor}", headers=care.provider
    )
    assert plans_cursor is None or foreign.status_code == 400
    tampered = client.get(f"/v1/follow-up-plans/{plan['id']}/tasks?cursor=abc.def", headers=care.provider)
    assert (tampered.status_code, tampered.get_json()["code"]) == (400, "invalid_cursor")


def test_a_single_task_has_an_etag(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    task = care.tasks(plan["id"])[0]
    response = client.get(f"/v1/follow-up-plans/{plan['id']}/tasks/{task['id']}", headers=care.patient)
    assert response.status_code == 200 and response.get_json() == task
    etag = response.headers["ETag"]
    again = client.get(
        f"/v1/follow-up-plans/{plan['id']}/tasks/{task['id']}",
        headers={**care.patient, "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}/tasks/tsk_nope", headers=care.patient).status_code
        == 404
    )


def test_reading_needs_the_plans_scope(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    readonly = bearer(cc_token(client, care.world.readonly_a))
    response = client.get(f"/v1/follow-up-plans/{plan['id']}", headers=readonly)
    assert (response.status_code, response.get_json()["code"]) == (403, "insufficient_scope")
    assert client.get(f"/v1/follow-up-plans/{plan['id']}").status_code == 401
