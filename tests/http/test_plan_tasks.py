"""A running plan: session safety checks, adverse events, check-ins, outcomes and overdue tasks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cli import main
from api.models import Event, Patient, PlanTask
from api.services.escalations import announce_unacknowledged_escalations
from api.services.task_reminders import announce_due_tasks, mark_overdue_tasks
from tests.care import Care, Headers, screening_row
from tests.clinical import (
    CALM_READINGS,
    CSSRS_SINCE_NONE,
    PCL5_33,
    calm_readings,
    iv_session,
    monitoring,
)
from tests.world import World

PHQ9_TEN = [2, 2, 2, 2, 2, 0, 0, 0, 0]


@pytest.fixture
def care(client: FlaskClient, db: Session, world: World) -> Care:
    return Care(client, db, world)


def events_of_type(db: Session, type: str) -> list[Event]:
    return list(db.scalars(select(Event).where(Event.type == type).order_by(Event.created_at, Event.id)))


def session_body(task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "administered_at": f"{task['due_on']}T15:00:00Z",
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        "escort_confirmed": True,
        **monitoring(),
    }
    body.update(changes)
    return body


def record(client: FlaskClient, care: Care, task: dict[str, Any], headers: Any = None, **changes: Any) -> Any:
    """Record the session at Dr. Grace's Texas clinic (the setting every supervised session names)."""
    return client.post(
        f"/v1/follow-up-plans/{task['plan_id']}/sessions/{task['id']}/record",
        json=session_body(task, **{**care.setting(), **changes}),
        headers=headers or care.provider,
    )


def first(care: Care, plan: dict[str, Any], kind: str) -> dict[str, Any]:
    return care.tasks(plan["id"], f"kind={kind}")[0]


def errors(response: Any) -> list[tuple[str, str]]:
    return [(e["pointer"], e["code"]) for e in response.get_json().get("errors", [])]


# --- session safety checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("systolic", "diastolic", "refused_at"),
    [
        (140, 90, []),  # exactly at the threshold: dose
        (141, 90, ["/pre_systolic"]),
        (140, 91, ["/pre_diastolic"]),
        (141, 91, ["/pre_systolic", "/pre_diastolic"]),
    ],
)
def test_pre_dose_blood_pressure_threshold(
    client: FlaskClient, care: Care, systolic: int, diastolic: int, refused_at: list[str]
) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(client, care, task, pre_systolic=systolic, pre_diastolic=diastolic)
    if not refused_at:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["session"]["blood_pressure_overridden"] is False
        return
    assert response.status_code == 422
    assert response.get_json()["code"] == "blood_pressure_above_threshold"
    assert errors(response) == [(pointer, "blood_pressure_above_threshold") for pointer in refused_at]
    assert care.tasks(task["plan_id"], "kind=session")[0]["status"] == "pending"


def test_a_provider_overrides_the_threshold_with_a_reason(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    blank = record(client, care, task, pre_systolic=152, override_reason="  ")
    assert (blank.status_code, blank.get_json()["code"]) == (422, "blood_pressure_above_threshold")
    reason = "Baseline hypertension, treated; cardiology cleared"
    response = record(client, care, task, pre_systolic=152, override_reason=reason)
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert (done["status"], done["completed_at"] is not None) == ("done", True)
    session = done["session"]
    assert (session["pre_systolic"], session["override_reason"], session["blood_pressure_overridden"]) == (
        152,
        reason,
        True,
    )
    assert session["recorded_by"]["type"] == "provider"
    assert session["recorded_at"].endswith("Z") and session["adverse_events"] == []


def test_an_override_needs_a_provider(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    chart = {"headers": care.admin, "monitored_by": care.provider_id}  # an admin names who monitored
    response = record(client, care, task, **chart, pre_systolic=152, override_reason="Judgement call")
    assert (response.status_code, response.get_json()["code"]) == (422, "override_requires_provider")
    assert errors(response) == [("/override_reason", "override_requires_provider")]
    # Below the threshold an admin may record (e.g. entering a paper chart), without an override.
    assert record(client, care, task, **chart).status_code == 200


@pytest.mark.parametrize(("minutes", "status"), [(119, 422), (120, 200)])
def test_intranasal_observation_needs_120_minutes(
    client: FlaskClient, care: Care, minutes: int, status: int
) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(client, care, task, observation_minutes=minutes, readings=calm_readings(minutes))
    assert response.status_code == status
    if status == 422:
        assert response.get_json()["code"] == "observation_too_short"
        assert errors(response) == [("/observation_minutes", "observation_too_short")]


def test_an_intravenous_session_is_observed_for_the_infusion_plus_30_and_needs_an_escort(
    client: FlaskClient, care: Care
) -> None:
    task = first(care, care.active_plan(protocol="iv_induction", route="intravenous"), "session")
    short = calm_readings(40)
    short[1]["minute"] = 35
    body = iv_session(observation_minutes=40, readings=short, escort_confirmed=False)
    refused = record(client, care, task, **body)
    assert (refused.status_code, refused.get_json()["code"]) == (422, "observation_too_short")
    assert errors(refused) == [
        ("/observation_minutes", "observation_too_short"),
        ("/escort_confirmed", "escort_not_confirmed"),
    ]
    assert record(client, care, task, **iv_session()).status_code == 200


def test_every_failure_is_reported_at_once(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(
        client,
        care,
        task,
        pre_diastolic=95,
        observation_minutes=60,
        readings=calm_readings(60),
        escort_confirmed=False,
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "blood_pressure_above_threshold"
    assert errors(response) == [
        ("/pre_diastolic", "blood_pressure_above_threshold"),
        ("/observation_minutes", "observation_too_short"),
        ("/escort_confirmed", "escort_not_confirmed"),
    ]


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"pre_systolic": 400}, "/pre_systolic", "out_of_range"),
        ({"administered_at": "2099-01-01T00:00:00Z"}, "/administered_at", "in_future"),
        ({"administered_at": "2025-12-01T00:00:00Z"}, "/administered_at", "before_plan"),
        ({"escort_confirmed": None}, "/escort_confirmed", "null_not_allowed"),
        ({"observation_minutes": "two hours"}, "/observation_minutes", "wrong_type"),
        (
            {"adverse_events": [{"type": "other", "severity": "mild", "onset_at": "2026-01-05T16:00:00Z"}]},
            "/adverse_events/0/description",
            "required",
        ),
        (
            {"adverse_events": [{"type": "itch", "severity": "mild", "onset_at": "2026-01-05T16:00:00Z"}]},
            "/adverse_events/0/type",
            "invalid_choice",
        ),
        ({"blood_type": "O"}, "/blood_type", "unknown_field"),
    ],
)
def test_an_implausible_record_is_invalid(
    client: FlaskClient, care: Care, changes: dict[str, Any], pointer: str, code: str
) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(client, care, task, **changes)
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_failed"
    assert (pointer, code) in errors(response)


def test_who_records_which_task_and_when(client: FlaskClient, care: Care) -> None:
    draft = care.create_plan()
    draft_task = first(care, draft, "session")
    not_yet = record(client, care, draft_task)
    assert (not_yet.status_code, not_yet.get_json()["code"]) == (409, "plan_not_active")
    care.consent_to_treatment()
    care.enrol_in_rems()
    client.post(f"/v1/follow-up-plans/{draft['id']}/activate", headers=care.provider)
    for headers in (care.patient, care.partner):
        response = record(client, care, draft_task, headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")
    for headers in (care.other_provider, care.partner_b):
        assert record(client, care, draft_task, headers=headers).status_code == 404
    check_in = first(care, draft, "check_in")
    wrong_kind = record(client, care, check_in)
    assert (wrong_kind.status_code, wrong_kind.get_json()["code"]) == (409, "task_kind_mismatch")
    assert record(client, care, draft_task).status_code == 200
    twice = record(client, care, draft_task)
    assert (twice.status_code, twice.get_json()["code"]) == (409, "task_already_done")
    unknown = client.post(
        f"/v1/follow-up-plans/{draft['id']}/sessions/tsk_nope/record",
        json=session_body(draft_task),
        headers=care.provider,
    )
    assert unknown.status_code == 404


# --- adverse events ------------------------------------------------------------------------------


def test_a_severe_adverse_event_at_a_session_holds_the_plan(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    first_session, second_session = care.tasks(plan["id"], "kind=session")[:2]
    event = {"type": "hypertension", "severity": "severe", "onset_at": "2026-01-05T15:20:00Z"}
    mild = {"type": "nausea", "severity": "mild", "onset_at": "2026-01-05T15:40:00Z"}
    response = record(client, care, first_session, adverse_events=[event, mild])
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()["session"]["adverse_events"]
    assert [(e["type"], e["severity"], e["put_plan_on_hold"]) for e in stored] == [
        ("hypertension", "severe", True),
        ("nausea", "mild", False),
    ]
    assert all(e["task_id"] == first_session["id"] and e["id"].startswith("ade_") for e in stored)
    held = client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.partner).get_json()
    assert held["status"] == "on_hold"
    assert held["status_reason"] == f"A severe adverse event ({stored[0]['id']})."
    reported = events_of_type(db, "adverse_event.reported")
    assert [(e.object_id, e.data["severity"], e.data["plan_id"], e.data["task_id"]) for e in reported] == [
        (stored[0]["id"], "severe", plan["id"], first_session["id"]),
        (stored[1]["id"], "mild", plan["id"], first_session["id"]),
    ]
    assert [e.data["status"] for e in events_of_type(db, "follow_up_plan.status_changed")] == [
        "active",
        "on_hold",
    ]
    paused = record(client, care, second_session)
    assert (paused.status_code, paused.get_json()["code"]) == (409, "plan_not_active")
    # Held for the patient's safety: an admin cannot resume it; the clinician does, saying why.
    resume = f"/v1/follow-up-plans/{plan['id']}/activate"
    by_admin = client.post(resume, json={"reason": "Paperwork done."}, headers=care.admin)
    assert (by_admin.status_code, by_admin.get_json()["code"]) == (422, "reactivation_requires_provider")
    unexplained = client.post(resume, json={}, headers=care.provider)
    assert (unexplained.status_code, errors(unexplained)) == (422, [("/reason", "required")])
    resumed = client.post(
        resume, json={"reason": "Reviewed: BP settled, dose reduced."}, headers=care.provider
    )
    assert resumed.status_code == 200, resumed.get_json()
    assert record(client, care, second_session).status_code == 200


def test_the_patient_reports_an_adverse_event_on_their_own(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    url = f"/v1/follow-up-plans/{plan['id']}/adverse-events"
    mild = client.post(
        url,
        json={"type": "headache", "severity": "moderate", "onset_at": "2026-01-06T08:00:00Z"},
        headers=care.patient,
    )
    assert mild.status_code == 201, mild.get_json()
    body = mild.get_json()
    assert (body["reported_by"]["type"], body["task_id"], body["put_plan_on_hold"]) == (
        "patient",
        None,
        False,
    )
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.patient).get_json()["status"] == "active"
    )
    session_task = first(care, plan, "session")
    serious = client.post(
        url,
        json={
            "type": "respiratory_depression",
            "severity": "serious",
            "onset_at": "2026-01-05T17:00:00Z",
            "description": "Shallow breathing after the session",
            "task_id": session_task["id"],
        },
        headers=care.partner,
    )
    assert serious.status_code == 201
    assert serious.get_json()["put_plan_on_hold"] is True
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.patient).get_json()["status"]
        == "on_hold"
    )
    listed = client.get(url, headers=care.provider).get_json()
    assert [e["id"] for e in listed["data"]] == [serious.get_json()["id"], body["id"]]  # newest first
    assert len(events_of_type(db, "adverse_event.reported")) == 2
    # On hold already: another severe event is recorded, the plan simply stays on hold.
    again = client.post(
        url,
        json={"type": "sedation", "severity": "severe", "onset_at": "2026-01-06T09:00:00Z"},
        headers=care.patient,
    )
    assert (again.status_code, again.get_json()["put_plan_on_hold"]) == (201, False)


@pytest.mark.parametrize(
    ("body", "pointer", "code"),
    [
        (
            {"type": "other", "severity": "mild", "onset_at": "2026-01-06T08:00:00Z"},
            "/description",
            "required",
        ),
        (
            {"type": "nausea", "severity": "mild", "onset_at": "2099-01-06T08:00:00Z"},
            "/onset_at",
            "in_future",
        ),
        (
            {"type": "nausea", "severity": "awful", "onset_at": "2026-01-06T08:00:00Z"},
            "/severity",
            "invalid_choice",
        ),
        (
            {"type": "nausea", "severity": "mild", "onset_at": "2026-01-06T08:00:00"},
            "/onset_at",
            "wrong_type",
        ),
        (
            {"type": "nausea", "severity": "mild", "onset_at": "2026-01-06T08:00:00Z", "task_id": "tsk_x"},
            "/task_id",
            "not_found",
        ),
    ],
)
def test_an_invalid_adverse_event_is_refused(
    client: FlaskClient, care: Care, body: dict[str, Any], pointer: str, code: str
) -> None:
    plan = care.active_plan()
    response = client.post(
        f"/v1/follow-up-plans/{plan['id']}/adverse-events", json=body, headers=care.patient
    )
    assert response.status_code == 422
    assert (pointer, code) in errors(response), response.get_json()


def test_adverse_events_need_a_started_plan_and_a_tenant(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan()
    body = {"type": "nausea", "severity": "mild", "onset_at": "2026-01-06T08:00:00Z"}
    url = f"/v1/follow-up-plans/{plan['id']}/adverse-events"
    draft = client.post(url, json=body, headers=care.patient)
    assert (draft.status_code, draft.get_json()["code"]) == (409, "plan_not_active")
    for headers in (care.other_patient, care.partner_b, care.other_provider):
        assert client.post(url, json=body, headers=headers).status_code == 404
        assert client.get(url, headers=headers).status_code == 404


# --- check-ins -----------------------------------------------------------------------------------


def test_the_patient_completes_a_check_in_with_their_screenings(client: FlaskClient, care: Care) -> None:
    """[2e] One screening per instrument of the task (PHQ-9 and a since-last-contact C-SSRS at least)."""
    plan = care.active_plan()
    check_in = first(care, plan, "check_in")
    assert check_in["instruments"] == ["phq9", "cssrs"] and check_in["purpose"] == "routine"
    done = care.answer_check_in(plan["id"], check_in["id"], {"phq9": PHQ9_TEN, "cssrs": CSSRS_SINCE_NONE})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "done" and len(body["screening_ids"]) == 2
    assert body["screening_id"] == body["screening_ids"][0] and body["review"] is None
    url = f"/v1/follow-up-plans/{plan['id']}/tasks/{check_in['id']}/complete"
    twice = client.post(url, json={"screening_ids": body["screening_ids"]}, headers=care.patient)
    assert (twice.status_code, twice.get_json()["code"]) == (409, "task_already_done")
    next_check_in = care.tasks(plan["id"], "kind=check_in")[1]
    reused = client.post(
        f"/v1/follow-up-plans/{plan['id']}/tasks/{next_check_in['id']}/complete",
        json={"screening_ids": body["screening_ids"]},
        headers=care.patient,
    )
    assert (reused.status_code, reused.get_json()["code"]) == (409, "screening_already_linked")


def test_a_check_in_needs_every_instrument(client: FlaskClient, care: Care) -> None:
    """[2e] 422 check_in_incomplete naming each missing instrument."""
    plan = care.active_plan(check_in_instruments=["phq9", "cssrs", "gad7"])
    check_in = first(care, plan, "check_in")
    url = f"/v1/follow-up-plans/{plan['id']}/tasks/{check_in['id']}/complete"
    phq9 = care.submit_for_plan(plan["id"], "phq9", PHQ9_TEN).get_json()["id"]
    only_phq9 = client.post(url, json={"screening_ids": [phq9]}, headers=care.patient)
    assert (only_phq9.status_code, only_phq9.get_json()["code"]) == (422, "check_in_incomplete")
    assert only_phq9.get_json()["missing_instruments"] == ["cssrs", "gad7"]
    # The old {screening_id} is a one-screening answer: incomplete for a task of three instruments.
    old_form = client.post(url, json={"screening_id": phq9}, headers=care.patient)
    assert (old_form.status_code, old_form.get_json()["code"]) == (422, "check_in_incomplete")
    cssrs = care.submit_for_plan(plan["id"], "cssrs", CSSRS_SINCE_NONE).get_json()["id"]
    gad7 = care.submit_for_plan(plan["id"], "gad7", [1, 1, 1, 1, 0, 0, 0]).get_json()["id"]
    done = client.post(url, json={"screening_ids": [gad7, phq9, cssrs]}, headers=care.patient)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["screening_ids"] == [gad7, phq9, cssrs]


def test_the_old_screening_id_still_completes_a_one_instrument_check_in(
    client: FlaskClient, care: Care, db: Session
) -> None:
    """A check-in stored before the second edition may ask one instrument: {screening_id} still answers it."""
    plan = care.active_plan()
    check_in = first(care, plan, "check_in")
    task = db.get(PlanTask, check_in["id"])
    assert task is not None
    task.instruments = ["phq9"]
    db.commit()
    phq9 = care.submit_for_plan(plan["id"], "phq9", PHQ9_TEN).get_json()["id"]
    done = client.post(
        f"/v1/follow-up-plans/{plan['id']}/tasks/{check_in['id']}/complete",
        json={"screening_id": phq9},
        headers=care.patient,
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["screening_ids"] == [phq9]


def test_a_check_in_takes_only_fitting_screenings(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.active_plan()
    check_in = first(care, plan, "check_in")
    url = f"/v1/follow-up-plans/{plan['id']}/tasks/{check_in['id']}/complete"
    when = datetime(2026, 1, 12, 8, tzinfo=UTC)
    pcl5 = care.submit_for_plan(plan["id"], "pcl5", PCL5_33, headers=care.partner).get_json()["id"]
    others = screening_row(db, care.world.partner_a, care.world.patient_a2, "phq9", 9, when)
    not_for_plan = screening_row(db, care.world.partner_a, care.patient_id, "phq9", 9, when)
    partner, patient = care.world.partner_a, care.patient_id
    early = datetime(2026, 1, 4, tzinfo=UTC)
    before = screening_row(db, partner, patient, "phq9", 9, early, plan_id=plan["id"])
    lifetime = screening_row(db, partner, patient, "cssrs", 0, when, plan_id=plan["id"])
    cases = [
        (pcl5, "instrument_not_requested"),
        (others, "not_found"),
        ("scr_nope", "not_found"),
        (not_for_plan, "screening_not_for_plan"),
        (before, "screening_before_plan"),
        (lifetime, "recall_mismatch"),  # a routine check-in's C-SSRS asks since the last contact
    ]
    response = client.post(url, json={"screening_ids": [sid for sid, _ in cases]}, headers=care.partner)
    assert response.status_code == 422, response.get_json()
    assert errors(response) == [(f"/screening_ids/{i}", code) for i, (_, code) in enumerate(cases)]
    session_task = first(care, plan, "session")
    wrong_kind = client.post(
        f"/v1/follow-up-plans/{plan['id']}/tasks/{session_task['id']}/complete",
        json={"screening_ids": [pcl5]},
        headers=care.partner,
    )
    assert (wrong_kind.status_code, wrong_kind.get_json()["code"]) == (409, "task_kind_mismatch")
    for headers in (care.other_patient, care.partner_b):
        assert client.post(url, json={"screening_ids": [others]}, headers=headers).status_code == 404


def test_check_ins_go_on_while_on_hold_but_not_before_the_start(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.create_plan()
    check_in = first(care, plan, "check_in")
    url = f"/v1/follow-up-plans/{plan['id']}/tasks/{check_in['id']}/complete"
    draft = client.post(url, json={"screening_ids": ["scr_any"]}, headers=care.patient)
    assert (draft.status_code, draft.get_json()["code"]) == (409, "plan_not_active")
    care.consent_to_treatment()
    client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider)
    client.post(f"/v1/follow-up-plans/{plan['id']}/hold", headers=care.provider)
    done = care.answer_check_in(plan["id"], check_in["id"], {"phq9": PHQ9_TEN, "cssrs": CSSRS_SINCE_NONE})
    assert done.status_code == 200, done.get_json()


# --- outcomes ------------------------------------------------------------------------------------


def _follow_up(db: Session, care: Care, plan: dict[str, Any], instrument: str, total: int, day: int) -> None:
    screening_row(
        db,
        care.world.partner_a,
        care.patient_id,
        instrument,
        total,
        datetime(2026, 1, day, 9, tzinfo=UTC),
        plan_id=plan["id"],
    )


def outcomes(client: FlaskClient, care: Care, plan: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["plan_id"] == plan["id"]
    return dict(body["instruments"])


def test_outcomes_before_any_check_in(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan()
    result = outcomes(client, care, plan)
    # pcl5 is not re-screened by this plan, but the consultation has a baseline for it.
    assert set(result) == {"phq9", "gad7", "pcl5"}
    assert result["phq9"] == {
        "baseline": 20,
        "latest": None,
        "series": [{"on": "2026-01-02", "total": 20}],
        "percent_change": None,
        "response": None,
        "remission": None,
        "relapse": None,
        "worsening": None,
    }
    assert "remission" not in result["gad7"] and "clinically_meaningful" not in result["gad7"]
    assert set(result["pcl5"]) == {"baseline", "latest", "series", "percent_change", "clinically_meaningful"}


def test_phq9_response_at_exactly_half_and_remission_below_five(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    _follow_up(db, care, plan, "phq9", 11, 12)  # 45 % drop: no response yet
    phq9 = outcomes(client, care, plan)["phq9"]
    assert (phq9["latest"], phq9["percent_change"], phq9["response"], phq9["remission"]) == (
        11,
        -45.0,
        False,
        False,
    )
    _follow_up(db, care, plan, "phq9", 10, 19)  # exactly 50 %
    phq9 = outcomes(client, care, plan)["phq9"]
    assert (phq9["latest"], phq9["percent_change"], phq9["response"], phq9["remission"]) == (
        10,
        -50.0,
        True,
        False,
    )
    _follow_up(db, care, plan, "phq9", 5, 26)
    assert outcomes(client, care, plan)["phq9"]["remission"] is False
    _follow_up(db, care, plan, "phq9", 4, 30)
    phq9 = outcomes(client, care, plan)["phq9"]
    assert (phq9["latest"], phq9["percent_change"], phq9["response"], phq9["remission"]) == (
        4,
        -80.0,
        True,
        True,
    )
    assert phq9["series"] == [
        {"on": "2026-01-02", "total": 20},
        {"on": "2026-01-12", "total": 11},
        {"on": "2026-01-19", "total": 10},
        {"on": "2026-01-26", "total": 5},
        {"on": "2026-01-30", "total": 4},
    ]


def test_gad7_response_and_pcl5_meaningful_change(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.active_plan(check_in_instruments=["phq9", "cssrs", "gad7", "pcl5"])
    _follow_up(db, care, plan, "gad7", 8, 12)  # 14 -> 8: 42.9 % down
    _follow_up(db, care, plan, "pcl5", 31, 12)  # 40 -> 31: 9 points
    result = outcomes(client, care, plan)
    assert (result["gad7"]["percent_change"], result["gad7"]["response"]) == (-42.9, False)
    assert (result["pcl5"]["latest"], result["pcl5"]["clinically_meaningful"]) == (31, False)
    _follow_up(db, care, plan, "gad7", 7, 19)  # exactly half
    _follow_up(db, care, plan, "pcl5", 30, 19)  # 10 points
    result = outcomes(client, care, plan)
    assert (result["gad7"]["percent_change"], result["gad7"]["response"]) == (-50.0, True)
    assert (result["pcl5"]["percent_change"], result["pcl5"]["clinically_meaningful"]) == (-25.0, True)
    assert "response" not in result["pcl5"] and "relapse" not in result["gad7"]


def test_the_latest_consultation_screening_is_the_baseline(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    screening_row(
        db,
        care.world.partner_a,
        care.patient_id,
        "phq9",
        16,
        datetime(2026, 1, 3, 9, tzinfo=UTC),
        consultation_id=care.consultation_id,
    )
    _follow_up(db, care, plan, "phq9", 8, 12)
    phq9 = outcomes(client, care, plan)["phq9"]
    assert (phq9["baseline"], phq9["percent_change"], phq9["response"]) == (16, -50.0, True)
    assert phq9["series"][0] == {"on": "2026-01-03", "total": 16}
    for headers in (care.partner_b, care.other_patient):
        assert client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=headers).status_code == 404


# --- overdue tasks -------------------------------------------------------------------------------


def test_overdue_marking_happens_once(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.active_plan()
    monday = care.tasks(plan["id"], "kind=session")[0]
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 5, 23, 59, tzinfo=UTC)) == 0  # due today: on time
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 6, 0, 1, tzinfo=UTC)) == 1
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 6, 12, 0, tzinfo=UTC)) == 0
    overdue = care.tasks(plan["id"], "status=overdue")
    assert [t["id"] for t in overdue] == [monday["id"]]
    assert overdue[0]["overdue_at"] == "2026-01-06T00:01:00Z"
    [event] = events_of_type(db, "follow_up_task.overdue")
    assert (event.object_id, event.data) == (
        monday["id"],
        {
            "id": monday["id"],
            "object": "follow_up_task",
            "plan_id": plan["id"],
            "kind": "session",
            "due_on": "2026-01-05",
        },
    )
    # An overdue session can still be recorded; it is then done and never marked again.
    assert record(client, care, monday).status_code == 200
    # Thursday's session, next Monday's session and check-in.
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 13, 12, tzinfo=UTC)) == 3
    late = [(t["due_on"], t["kind"]) for t in care.tasks(plan["id"], "status=overdue")]
    assert late == [("2026-01-08", "session"), ("2026-01-12", "session"), ("2026-01-12", "check_in")]
    assert len(events_of_type(db, "follow_up_task.overdue")) == 4


def test_overdue_is_judged_in_the_patients_time_zone_and_only_for_running_plans(
    client: FlaskClient, care: Care, db: Session
) -> None:
    patient = db.get(Patient, care.patient_id)
    assert patient is not None
    patient.timezone = "America/Los_Angeles"
    db.commit()
    draft_consultation_plan = care.create_plan()
    # A draft's tasks are not late: treatment has not started.
    assert mark_overdue_tasks(db, now=datetime(2026, 2, 1, tzinfo=UTC)) == 0
    care.consent_to_treatment()
    client.post(f"/v1/follow-up-plans/{draft_consultation_plan['id']}/activate", headers=care.provider)
    # 05:00 UTC on Tuesday is still Monday evening in Los Angeles.
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 6, 5, 0, tzinfo=UTC)) == 0
    assert mark_overdue_tasks(db, now=datetime(2026, 1, 6, 8, 30, tzinfo=UTC)) == 1
    client.post(f"/v1/follow-up-plans/{draft_consultation_plan['id']}/hold", headers=care.provider)
    assert mark_overdue_tasks(db, now=datetime(2026, 3, 1, tzinfo=UTC)) == 0  # on hold: nothing is late


def test_a_task_is_announced_due_once_on_its_day_where_the_patient_is(care: Care, db: Session) -> None:
    patient = db.get(Patient, care.patient_id)
    assert patient is not None
    patient.timezone = "America/Los_Angeles"
    db.commit()
    plan = care.active_plan()
    monday = care.tasks(plan["id"], "kind=session")[0]
    assert monday["due_on"] == "2026-01-05"
    # 07:00 UTC on Monday is still Sunday in Los Angeles.
    assert announce_due_tasks(db, now=datetime(2026, 1, 5, 7, 0, tzinfo=UTC)) == 0
    assert announce_due_tasks(db, now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == 1
    assert announce_due_tasks(db, now=datetime(2026, 1, 5, 20, 0, tzinfo=UTC)) == 0
    [event] = events_of_type(db, "follow_up_task.due")
    assert (event.object_id, event.data["due_on"], event.data["kind"]) == (
        monday["id"],
        "2026-01-05",
        "session",
    )
    # A day missed by the job is not announced late; the overdue job speaks for it.
    assert announce_due_tasks(db, now=datetime(2026, 1, 9, 9, 0, tzinfo=UTC)) == 0  # Thursday's was the 8th
    assert len(events_of_type(db, "follow_up_task.due")) == 1


def test_the_worker_marks_overdue_tasks(app: Flask, care: Care, db: Session) -> None:
    plan = care.active_plan(protocol="iv_induction", route="intravenous", end_date="2026-01-20")
    result = app.test_cli_runner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output.strip().splitlines()[-1])
    tasks = care.tasks(plan["id"])
    # 6 sessions, 2 check-ins and the end-of-induction review, all in the past
    assert counts["overdue_tasks"] == len(tasks) == 9
    assert {t["status"] for t in tasks} == {"overdue"}
    again = app.test_cli_runner().invoke(main, ["worker", "--once"])
    assert json.loads(again.output.strip().splitlines()[-1])["overdue_tasks"] == 0
    assert counts["due_tasks"] == 0  # every task of that course is in the past


# --- a whole course ------------------------------------------------------------------------------


def test_a_whole_iv_course_through_the_api(client: FlaskClient, care: Care) -> None:
    """A clinician runs an IV induction; the patient checks in; anyone with access reads where it stands."""
    plan = care.active_plan(protocol="iv_induction", route="intravenous", end_date="2026-02-27")
    check_in_scores = iter(
        [[2, 2, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0, 0, 0, 0]]
    )
    for task in care.tasks(plan["id"]):
        if task["kind"] == "session":
            response = record(client, care, task, **iv_session())
        elif task["kind"] == "review":  # [2e] the day after the 6th session
            assert task["due_on"] == "2026-01-17" and task["purpose"] == "induction_review"
            response = client.post(
                f"/v1/follow-up-plans/{plan['id']}/tasks/{task['id']}/complete",
                json={"decision": "continue", "note": "PHQ-9 halved; continue with maintenance."},
                headers=care.provider,
            )
        elif task["due_on"] <= "2026-01-26":
            response = care.answer_check_in(
                plan["id"],
                task["id"],
                {"phq9": next(check_in_scores), "cssrs": CSSRS_SINCE_NONE},
                completed_at=f"{task['due_on']}T08:00:00Z",
            )
        else:
            continue
        assert response.status_code == 200, response.get_json()
    still_due = care.tasks(plan["id"], "status=pending", headers=care.patient)
    assert [t["due_on"] for t in still_due] == ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]
    phq9 = outcomes(client, care, plan)["phq9"]
    assert (phq9["baseline"], phq9["latest"], phq9["percent_change"]) == (20, 3, -85.0)
    assert (phq9["response"], phq9["remission"]) == (True, True)
    assert [p["total"] for p in phq9["series"]] == [20, 10, 8, 3]
    completed = client.post(f"/v1/follow-up-plans/{plan['id']}/complete", headers=care.provider).get_json()
    assert completed["status"] == "completed"
    statuses = [t["status"] for t in care.tasks(plan["id"], headers=care.partner)]
    assert statuses.count("done") == 10 and statuses.count("cancelled") == 4


def test_a_screening_may_name_only_a_visible_plan_of_its_patient(care: Care, client: FlaskClient) -> None:
    plan = care.create_plan()

    def send(headers: Headers, patient_id: str) -> Any:
        body = {
            "patient_id": patient_id,
            "instrument": "phq9",
            "answers": [1] * 9,
            "plan_id": plan["id"],
            "completed_at": "2026-01-12T09:00:00Z",
        }
        return client.post("/v1/screenings", json=body, headers=headers)

    accepted = send(care.partner, care.patient_id)
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["plan_id"] == plan["id"]
    refused = send(care.partner, care.world.patient_a2)  # another patient of the same partner
    assert refused.status_code == 422
    assert [(e["pointer"], e["code"]) for e in refused.get_json()["errors"]] == [("/plan_id", "not_found")]
    # Another partner cannot even name the patient.
    assert send(care.partner_b, care.patient_id).status_code == 404


# --- session monitoring (clinical-rules.md §4) --------------------------------------------------------------


def test_a_monitored_intranasal_session_is_stored_with_its_readings(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(client, care, task, ready_to_leave_minute=95)
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()["session"]
    assert (stored["dose_mg"], stored["lot_number"], stored["disposition"]) == (
        56,
        "LOT-2026-11A",
        "discharged",
    )
    assert stored["readings"] == CALM_READINGS  # as sent, the 40-minute reading included
    assert (stored["post_systolic"], stored["post_diastolic"]) == (130, 84)  # the last reading's
    assert stored["ready_to_leave_minute"] == 95 and stored["discharge_overridden"] is False
    assert stored["adverse_events"] == []


def test_the_completion_pressure_is_the_last_readings(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    response = record(client, care, task, post_systolic=146, post_diastolic=84)
    assert response.status_code == 422
    assert errors(response) == [("/post_systolic", "mismatch")]


def test_the_40_minute_reading_is_required_for_a_supervised_session(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    readings = calm_readings()
    del readings[1]
    response = record(client, care, task, readings=readings)
    assert (response.status_code, response.get_json()["code"]) == (422, "monitoring_reading_missing")
    assert errors(response) == [("/readings", "monitoring_reading_missing")]


def test_the_clinic_is_told_exactly_why_the_patient_may_not_leave(client: FlaskClient, care: Care) -> None:
    task = first(care, care.active_plan(), "session")
    readings = calm_readings()
    readings[-1].update(sedation_moaas=4, dissociation="mild", spo2=93)
    response = record(client, care, task, readings=readings)
    assert (response.status_code, response.get_json()["code"]) == (422, "not_stable_for_discharge")
    assert errors(response) == [
        ("/readings/2/sedation_moaas", "not_stable_for_discharge"),
        ("/readings/2/dissociation", "not_stable_for_discharge"),
        ("/readings/2/spo2", "not_stable_for_discharge"),
    ]
    by_admin = record(
        client,
        care,
        task,
        headers=care.admin,
        monitored_by=care.provider_id,
        readings=readings,
        discharge_override_reason="Fine.",
    )
    assert errors(by_admin) == [("/discharge_override_reason", "override_requires_provider")]
    overridden = record(
        client,
        care,
        task,
        readings=readings,
        discharge_override_reason="Escorted by a nurse; reviewed at 120.",
    )
    assert overridden.status_code == 200, overridden.get_json()
    assert overridden.get_json()["session"]["discharge_overridden"] is True


def test_readings_that_show_harm_record_adverse_events_and_hold_the_plan(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    task = first(care, plan, "session")
    readings = calm_readings()
    readings[1].update(spo2=88, systolic=182, sedation_moaas=1)
    readings.insert(2, {**readings[1], "minute": 60, "spo2": 86})  # the same harms again: one event per type
    response = record(client, care, task, readings=readings)
    assert response.status_code == 200, response.get_json()
    events = response.get_json()["session"]["adverse_events"]
    assert sorted((e["type"], e["severity"]) for e in events) == [
        ("hypertension", "severe"),
        ("respiratory_depression", "serious"),
        ("sedation", "severe"),
    ]
    held = client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()
    assert held["status"] == "on_hold"
    assert len(events_of_type(db, "adverse_event.reported")) == 3


def test_an_emergency_transfer_is_recorded_as_a_serious_adverse_event(
    client: FlaskClient, care: Care
) -> None:
    plan = care.active_plan()
    task = first(care, plan, "session")
    readings = calm_readings(75)
    readings[-1].update(sedation_moaas=2, dissociation="severe", spo2=91)
    response = record(client, care, task, readings=readings, disposition="emergency_transfer")
    assert response.status_code == 200, response.get_json()
    events = {e["type"]: e for e in response.get_json()["session"]["adverse_events"]}
    assert {kind: e["severity"] for kind, e in events.items()} == {
        "sedation": "severe",  # MOAA/S 2: deep sedation
        "dissociation": "severe",
        "other": "serious",
    }
    assert "transfer" in events["other"]["description"]
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()["status"]
        == "on_hold"
    )


# --- a crisis at a check-in (clinical-rules.md §4) ----------------------------------------------------------


def check_in_screening(
    client: FlaskClient, care: Care, plan: dict[str, Any], instrument: str, answers: Any
) -> Any:
    body = {
        "patient_id": plan["patient_id"],
        "instrument": instrument,
        "answers": answers,
        "completed_at": f"{plan['start_date']}T12:00:00Z",
        "plan_id": plan["id"],
    }
    return client.post("/v1/screenings", json=body, headers=care.partner)


CSSRS_SINCE_HIGH = {
    "recall": "since_last_contact",
    "wish_to_be_dead": True,
    "suicidal_thoughts": True,
    "thoughts_with_method": True,
    "intent": True,
    "plan": False,
    "behavior_since_last_contact": False,
}
CSSRS_SINCE_MODERATE = {**CSSRS_SINCE_HIGH, "intent": False}  # thoughts with a method
CSSRS_SINCE_ACTIVE_IDEATION = {**CSSRS_SINCE_HIGH, "thoughts_with_method": False, "intent": False}


def test_a_high_suicide_risk_at_a_check_in_holds_and_escalates_the_plan(
    client: FlaskClient, care: Care, db: Session
) -> None:
    """[2e] C-SSRS high: hold, flag, crisis resources, an escalation acknowledged by a provider, and a
    psychiatrist's clearance with a reason and a documented safety plan."""
    plan = care.active_plan()
    response = check_in_screening(client, care, plan, "cssrs", CSSRS_SINCE_HIGH)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["crisis_resources"]
    held = client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()
    assert held["status"] == "on_hold" and "Crisis at a check-in" in held["status_reason"]
    assert held["escalation"]["acknowledged_at"] is None
    flagged = events_of_type(db, "screening.risk_flagged")
    assert [(e.object_id, e.data["risk_level"], e.data["plan_id"]) for e in flagged] == [
        (response.get_json()["id"], "high", plan["id"])
    ]
    # The worker announces it unacknowledged after ESCALATION_ACK_MINUTES.
    escalated_at = datetime.fromisoformat(held["escalation"]["escalated_at"].replace("Z", "+00:00"))
    assert announce_unacknowledged_escalations(db, interval=timedelta(minutes=60), now=escalated_at) == 0
    later = escalated_at + timedelta(minutes=61)
    assert announce_unacknowledged_escalations(db, interval=timedelta(minutes=60), now=later) == 1
    [overdue] = events_of_type(db, "follow_up_plan.escalation_unacknowledged")
    assert overdue.object_id == plan["id"]
    resume = f"/v1/follow-up-plans/{plan['id']}/activate"
    cleared = {"reason": "Seen today; safety plan agreed.", "safety_plan_documented": True}
    for headers in (care.provider, care.admin):  # Dr. Grace is no psychiatrist yet
        refused = client.post(resume, json=cleared, headers=headers)
        assert (refused.status_code, refused.get_json()["code"]) == (403, "psychiatrist_required")
    care.make_psychiatrist()
    not_acknowledged = client.post(resume, json=cleared, headers=care.provider)
    assert (not_acknowledged.status_code, not_acknowledged.get_json()["code"]) == (
        422,
        "escalation_not_acknowledged",
    )
    acknowledge = f"/v1/follow-up-plans/{plan['id']}/acknowledge-escalation"
    contact = {"note": "Called; she is with her sister tonight.", "contact_outcome": "reached"}
    for headers in (care.admin, care.partner):
        assert client.post(acknowledge, json=contact, headers=headers).status_code == 403
    acknowledged = client.post(acknowledge, json=contact, headers=care.provider)
    assert acknowledged.status_code == 200, acknowledged.get_json()
    assert acknowledged.get_json()["escalation"]["contact_outcome"] == "reached"
    again = client.post(acknowledge, json=contact, headers=care.provider)
    assert (again.status_code, again.get_json()["code"]) == (409, "already_acknowledged")
    no_safety_plan = client.post(resume, json={"reason": cleared["reason"]}, headers=care.provider)
    assert (no_safety_plan.status_code, no_safety_plan.get_json()["code"]) == (422, "safety_plan_required")
    resumed = client.post(resume, json=cleared, headers=care.provider)
    assert resumed.status_code == 200, resumed.get_json()
    assert resumed.get_json()["status"] == "active"


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        pytest.param(CSSRS_SINCE_MODERATE, "moderate", id="moderate"),
        pytest.param(CSSRS_SINCE_ACTIVE_IDEATION, "active_suicidal_ideation", id="active-ideation"),
    ],
)
def test_a_moderate_risk_at_a_check_in_needs_a_review_before_the_next_session(
    client: FlaskClient, care: Care, db: Session, answers: dict[str, Any], level: str
) -> None:
    """[2e] Flag, crisis resources and a provider's review task due the same day; no hold, but no session
    is recorded until the review is done (422 risk_review_pending)."""
    plan = care.active_plan()
    response = check_in_screening(client, care, plan, "cssrs", answers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["crisis_resources"]
    assert [e.data["risk_level"] for e in events_of_type(db, "screening.risk_flagged")] == [level]
    current = client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()
    assert current["status"] == "active" and current["escalation"] is None
    [review] = [t for t in care.tasks(plan["id"], "kind=review") if t["purpose"] == "risk_review"]
    assert review["screening_ids"] == [response.get_json()["id"]] and review["status"] == "pending"
    # A second finding before the review is done joins the same review.
    second = check_in_screening(client, care, plan, "cssrs", answers)
    reviews = [t for t in care.tasks(plan["id"], "kind=review") if t["purpose"] == "risk_review"]
    assert [t["screening_ids"] for t in reviews] == [[response.get_json()["id"], second.get_json()["id"]]]
    session_task = first(care, plan, "session")
    blocked = record(client, care, session_task)
    assert (blocked.status_code, blocked.get_json()["code"]) == (422, "risk_review_pending")
    done = client.post(
        f"/v1/follow-up-plans/{plan['id']}/tasks/{review['id']}/complete",
        json={"decision": "continue", "note": "Passive thoughts, no plan; safety plan reviewed."},
        headers=care.provider,
    )
    assert done.status_code == 200, done.get_json()
    assert record(client, care, session_task).status_code == 200


def test_thoughts_of_self_harm_on_a_phq9_check_in_are_flagged_without_a_hold(
    client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()
    answers = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # item 9 answered 1 of 3
    response = check_in_screening(client, care, plan, "phq9", answers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["crisis_resources"]
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()["status"]
        == "active"
    )
    flagged = events_of_type(db, "screening.risk_flagged")
    assert [e.data["risk_level"] for e in flagged] == ["ideation"]
    calm = check_in_screening(client, care, plan, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    assert calm.get_json()["crisis_resources"] == []
    assert len(events_of_type(db, "screening.risk_flagged")) == 1


# --- the REMS monitoring form, its reminder, the sessions' trend --------------------------------------------


def test_a_recorded_intranasal_session_reads_back_as_its_rems_form(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan()
    task = first(care, plan, "session")
    assert record(client, care, task, ready_to_leave_minute=95).status_code == 200
    form = client.get(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form", headers=care.provider
    )
    assert form.status_code == 200, form.get_json()
    body = form.get_json()
    assert body["patient"]["id"] == plan["patient_id"]
    assert (body["dose_mg"], body["lot_number"], body["total_monitoring_minutes"]) == (
        56,
        "LOT-2026-11A",
        120,
    )
    assert body["ready_to_leave_minute"] == 95 and body["disposition"] == "discharged"
    assert body["blood_pressure"] == {
        "before": {"systolic": 128, "diastolic": 82},
        "at_40_minutes": {"systolic": 138, "diastolic": 88, "minute": 40},
        "at_completion": {"systolic": 130, "diastolic": 84},
    }
    assert body["sedation"] == {"occurred": True, "lowest_moaas": 4}
    assert body["dissociation"] == {"occurred": True, "peak": "mild"}
    assert body["respiratory_depression"] == {"occurred": False, "lowest_spo2": 97}
    assert body["blood_pressure_increase"]["occurred"] is False
    assert body["vital_signs_acceptable_before"] and body["vital_signs_acceptable_at_completion"]
    session_day = date.fromisoformat(task["due_on"])
    assert body["session_date"] == session_day.isoformat()
    assert body["due_by"] == (session_day + timedelta(days=7)).isoformat() and body["submitted_at"] is None
    assert body["concomitant_medications"]["benzodiazepines"] is False
    assert body["monitoring_provider"]["id"] == care.provider_id  # monitored_by: the recording provider
    assert body["setting"]["id"] == care.site_id and body["setting"]["state"] == "TX"


def test_only_intranasal_sessions_have_a_rems_form(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan(protocol="iv_induction", route="intravenous")
    task = first(care, plan, "session")
    assert record(client, care, task, **iv_session()).status_code == 200
    url = f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form"
    assert client.get(url, headers=care.provider).status_code == 404
    unrecorded = care.tasks(plan["id"], "kind=session")[1]
    assert client.get(url.replace(task["id"], unrecorded["id"]), headers=care.provider).status_code == 404


def test_the_form_due_event_goes_out_once_and_not_after_it_was_sent(
    app: Flask, client: FlaskClient, care: Care, db: Session
) -> None:
    plan = care.active_plan()  # started in the past: its first sessions' forms are overdue already
    sessions = care.tasks(plan["id"], "kind=session")[:2]
    for task in sessions:
        assert record(client, care, task).status_code == 200
    submitted = client.post(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{sessions[1]['id']}/rems-form/submitted",
        headers=care.provider,
    )
    assert submitted.status_code == 200 and submitted.get_json()["submitted_at"]
    for _ in range(2):
        result = app.test_cli_runner().invoke(main, ["worker", "--once"])
        assert result.exit_code == 0, result.output
    due = events_of_type(db, "rems_form.due")
    assert [(e.data["task_id"], e.data["plan_id"]) for e in due] == [(sessions[0]["id"], plan["id"])]
    assert (
        due[0].data["due_by"] == (date.fromisoformat(sessions[0]["due_on"]) + timedelta(days=7)).isoformat()
    )


def test_a_partner_cannot_mark_a_form_sent(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan()
    task = first(care, plan, "session")
    assert record(client, care, task).status_code == 200
    url = f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form/submitted"
    assert client.post(url, headers=care.partner).status_code == 403
    assert client.post(url, headers=care.other_provider).status_code in (403, 404)


def test_outcomes_show_the_trend_of_the_sessions(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan()
    first_session, second_session = care.tasks(plan["id"], "kind=session")[:2]
    assert record(client, care, first_session).status_code == 200
    drowsier = calm_readings()
    drowsier[1].update(sedation_moaas=3, dissociation="moderate", spo2=95, systolic=150, diastolic=92)
    assert (
        record(client, care, second_session, readings=drowsier, ready_to_leave_minute=110).status_code == 200
    )
    sessions = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.provider).get_json()[
        "sessions"
    ]
    assert [
        (
            s["task_id"],
            s["peak_dissociation"],
            s["lowest_moaas"],
            s["lowest_spo2"],
            s["highest_blood_pressure"],
        )
        for s in sessions
    ] == [
        (first_session["id"], "mild", 4, 97, {"systolic": 138, "diastolic": 88}),
        (second_session["id"], "moderate", 3, 95, {"systolic": 150, "diastolic": 92}),
    ]
    assert sessions[1]["ready_to_leave_minute"] == 110 and sessions[1]["dose_mg"] == 56
