"""[2e] Plan guards through the API (clinical-rules.md §4): check-in instruments, session frequency and the
psychiatrist's override, the end-of-induction review and its gate, REMS patient enrolment, the PHQ-9 baseline
window and baseline check-in, relapse and worsening."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.care import Care, screening_row
from tests.clinical import CSSRS_NONE, CSSRS_SINCE_NONE, iv_session
from tests.http.test_plan_tasks import record
from tests.world import World

PHQ9_TEN = [2, 2, 2, 2, 2, 0, 0, 0, 0]


@pytest.fixture
def care(client: FlaskClient, db: Session, world: World) -> Care:
    return Care(client, db, world)


def create(client: FlaskClient, care: Care, headers: Any = None, **changes: Any) -> Any:
    return client.post(
        "/v1/follow-up-plans", json=care.plan_body(**changes), headers=headers or care.provider
    )


def patch(client: FlaskClient, care: Care, plan_id: str, body: dict[str, Any], headers: Any = None) -> Any:
    url = f"/v1/follow-up-plans/{plan_id}"
    etag = client.get(url, headers=care.provider).headers["ETag"]
    return client.patch(url, json=body, headers={**(headers or care.provider), "If-Match": etag})


def complete(client: FlaskClient, plan_id: str, task_id: str, body: dict[str, Any], headers: Any) -> Any:
    return client.post(f"/v1/follow-up-plans/{plan_id}/tasks/{task_id}/complete", json=body, headers=headers)


def problem(response: Any) -> tuple[int, str]:
    return response.status_code, response.get_json()["code"]


# --- check-in instruments ------------------------------------------------------------------------


def test_check_ins_must_include_phq9_and_cssrs(client: FlaskClient, care: Care) -> None:
    refused = create(client, care, check_in_instruments=["phq9", "gad7"])
    assert problem(refused) == (422, "check_in_instruments_required")
    assert refused.get_json()["missing_instruments"] == ["cssrs"]
    plan = care.create_plan(check_in_instruments=["cssrs", "phq9", "pcl5"])
    changed = patch(client, care, plan["id"], {"check_in_instruments": ["gad7"]})
    assert problem(changed) == (422, "check_in_instruments_required")
    assert changed.get_json()["missing_instruments"] == ["phq9", "cssrs"]


# --- session frequency ---------------------------------------------------------------------------


def test_custom_sessions_over_the_weekly_limit_and_the_psychiatrists_override(
    client: FlaskClient, care: Care
) -> None:
    sessions = ["2026-01-05", "2026-01-08", "2026-01-11"]  # 3 intranasal in 7 days
    refused = create(client, care, protocol="custom", sessions=sessions)
    assert problem(refused) == (422, "session_frequency_exceeded")
    assert refused.get_json()["errors"][0]["pointer"] == "/sessions/2"
    reason = "Inpatient series after a suicide attempt, reviewed with the team."
    for headers in (care.provider, care.admin):
        not_psychiatrist = create(
            client, care, headers, protocol="custom", sessions=sessions, frequency_override_reason=reason
        )
        assert problem(not_psychiatrist) == (403, "psychiatrist_required")
    care.make_psychiatrist()
    created = create(client, care, protocol="custom", sessions=sessions, frequency_override_reason=reason)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["frequency_override_reason"] == reason
    twice_a_day = patch(client, care, created.get_json()["id"], {"sessions": [*sessions, "2026-01-11"]})
    assert problem(twice_a_day) == (422, "validation_failed")  # a date listed twice
    # Restoring the limit is allowed to any writer; the schedule then breaks it.
    restored = patch(client, care, created.get_json()["id"], {"frequency_override_reason": None})
    assert problem(restored) == (422, "session_frequency_exceeded")


def test_a_psychiatrist_lifts_the_limit_by_patch(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan(protocol="custom", route="intravenous", sessions=["2026-01-05", "2026-01-06"])
    more = ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"]
    assert problem(patch(client, care, plan["id"], {"sessions": more})) == (422, "session_frequency_exceeded")
    refused = patch(client, care, plan["id"], {"sessions": more, "frequency_override_reason": "Series."})
    assert problem(refused) == (403, "psychiatrist_required")
    care.make_psychiatrist()
    done = patch(client, care, plan["id"], {"sessions": more, "frequency_override_reason": "Series."})
    assert done.status_code == 200, done.get_json()


def test_frequency_is_checked_again_on_the_recorded_administration_times(
    client: FlaskClient, care: Care
) -> None:
    sessions = ["2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12"]
    plan = care.active_plan(protocol="custom", route="intravenous", sessions=sessions)
    tasks = care.tasks(plan["id"], "kind=session")
    for task in tasks[:3]:
        response = record(client, care, task, **iv_session())
        assert response.status_code == 200, response.get_json()
    early = record(client, care, tasks[3], **iv_session(), administered_at="2026-01-11T15:00:00Z")
    assert problem(early) == (422, "session_frequency_exceeded")  # a 4th in Jan 5-11
    assert early.get_json()["errors"][0]["pointer"] == "/administered_at"
    on_time = record(client, care, tasks[3], **iv_session(), administered_at="2026-01-12T15:00:00Z")
    assert on_time.status_code == 200, on_time.get_json()


# --- the end-of-induction review -----------------------------------------------------------------


def test_the_induction_review_gates_the_sessions_due_from_its_day(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan()
    [review] = care.tasks(plan["id"], "kind=review")
    assert (review["due_on"], review["purpose"], review["review"]) == ("2026-02-02", "induction_review", None)
    sessions = {t["due_on"]: t for t in care.tasks(plan["id"], "kind=session")}
    day_24 = record(client, care, sessions["2026-01-29"])
    assert day_24.status_code == 200, day_24.get_json()
    day_28 = record(client, care, sessions["2026-02-02"])
    assert problem(day_28) == (422, "induction_review_pending")
    for headers in (care.admin, care.patient, care.partner):
        assert (
            complete(
                client, plan["id"], review["id"], {"decision": "continue", "note": "ok"}, headers
            ).status_code
            == 403
        )
    no_note = complete(client, plan["id"], review["id"], {"decision": "continue"}, care.provider)
    assert problem(no_note) == (422, "validation_failed")
    done = complete(
        client, plan["id"], review["id"], {"decision": "continue", "note": "PHQ-9 20 to 9."}, care.provider
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["review"]["decision"] == "continue" and done.get_json()["status"] == "done"
    assert record(client, care, sessions["2026-02-02"]).status_code == 200


def test_stop_completes_the_plan(client: FlaskClient, care: Care) -> None:
    plan = care.active_plan(protocol="im_induction", route="intramuscular")
    [review] = care.tasks(plan["id"], "kind=review")
    assert review["due_on"] == "2026-01-17"
    done = complete(
        client, plan["id"], review["id"], {"decision": "stop", "note": "No benefit."}, care.provider
    )
    assert done.status_code == 200, done.get_json()
    assert (
        client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()["status"]
        == "completed"
    )
    check_in = care.tasks(plan["id"], "kind=check_in")[0]
    wrong = complete(client, plan["id"], check_in["id"], {"decision": "stop", "note": "x"}, care.provider)
    assert problem(wrong) == (409, "task_kind_mismatch")


# --- REMS enrolment ------------------------------------------------------------------------------


def test_an_intranasal_plan_is_activated_only_with_a_rems_enrolment(client: FlaskClient, care: Care) -> None:
    url = f"/v1/patients/{care.patient_id}"
    assert client.get(url, headers=care.partner).get_json()["rems_enrollment"] is None
    plan = care.create_plan()
    care.consent_to_treatment(rems=False)
    refused = client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider)
    assert problem(refused) == (422, "rems_enrollment_required")
    body = {"enrolled_on": "2026-01-02", "enrollment_id": "REMS-77"}
    assert client.put(f"{url}/rems-enrollment", json=body, headers=care.patient).status_code == 403
    future = client.put(
        f"{url}/rems-enrollment", json={**body, "enrolled_on": "2999-01-01"}, headers=care.partner
    )
    assert problem(future) == (422, "validation_failed")
    for headers in (care.partner_b, care.other_patient):
        assert client.put(f"{url}/rems-enrollment", json=body, headers=headers).status_code in (403, 404)
    recorded = client.put(f"{url}/rems-enrollment", json=body, headers=care.admin)
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["rems_enrollment"] == body
    assert client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider).status_code == 200


def test_a_ketamine_plan_needs_no_rems_enrolment(client: FlaskClient, care: Care) -> None:
    plan = care.create_plan(protocol="iv_induction", route="intravenous")
    care.consent_to_treatment(rems=False)
    assert client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider).status_code == 200


# --- outcomes: the baseline window and the baseline check-in ------------------------------------


def test_without_a_phq9_in_the_window_activation_adds_a_baseline_check_in(
    client: FlaskClient, care: Care
) -> None:
    # The consultation's PHQ-9 (2026-01-02) is 31 days before a start on 2026-02-02.
    plan = care.active_plan(start_date="2026-02-02")
    [baseline] = [t for t in care.tasks(plan["id"], "kind=check_in") if t["purpose"] == "baseline"]
    assert (baseline["due_on"], baseline["instruments"]) == ("2026-02-02", ["phq9", "cssrs"])
    phq9 = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner).get_json()
    assert phq9["instruments"]["phq9"]["baseline"] is None
    # While it is open, the plan's C-SSRS asks lifetime / recent, as at intake.
    since = care.submit_for_plan(plan["id"], "cssrs", CSSRS_SINCE_NONE, completed_at="2026-02-01T08:00:00Z")
    assert problem(since) == (422, "recall_mismatch")
    done = care.answer_check_in(
        plan["id"],
        baseline["id"],
        {"phq9": PHQ9_TEN, "cssrs": CSSRS_NONE},
        completed_at="2026-02-01T08:00:00Z",
    )
    assert done.status_code == 200, done.get_json()
    result = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner).get_json()
    assert (result["instruments"]["phq9"]["baseline"], result["instruments"]["phq9"]["latest"]) == (10, None)
    # Then the routine check-ins ask since the last contact again.
    assert (
        care.submit_for_plan(
            plan["id"], "cssrs", CSSRS_SINCE_NONE, completed_at="2026-02-09T08:00:00Z"
        ).status_code
        == 201
    )


def test_the_phq9_baseline_window_boundaries(client: FlaskClient, care: Care, db: Session) -> None:
    # 30 days before a start on 2026-02-01 is 2026-01-02, the consultation's PHQ-9: it is the baseline.
    plan = care.active_plan(start_date="2026-02-01")
    assert [t for t in care.tasks(plan["id"], "kind=check_in") if t["purpose"] == "baseline"] == []
    result = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner).get_json()
    assert result["instruments"]["phq9"]["baseline"] == 20
    # A later PHQ-9 on the start date itself is the latest in the window; one after it is not.
    screening_row(db, care.world.partner_a, care.patient_id, "phq9", 17, datetime(2026, 2, 1, 23, tzinfo=UTC))
    screening_row(
        db, care.world.partner_a, care.patient_id, "phq9", 5, datetime(2026, 2, 2, 0, 30, tzinfo=UTC)
    )
    result = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner).get_json()
    assert result["instruments"]["phq9"]["baseline"] == 17


def test_the_worked_relapse_case_through_the_api(client: FlaskClient, care: Care, db: Session) -> None:
    plan = care.active_plan()
    partner, patient = care.world.partner_a, care.patient_id
    screening_row(db, partner, patient, "phq9", 22, datetime(2026, 1, 4, 9, tzinfo=UTC))  # the baseline
    for total, day in ((4, 12), (19, 19)):
        screening_row(
            db, partner, patient, "phq9", total, datetime(2026, 1, day, 9, tzinfo=UTC), plan_id=plan["id"]
        )
    phq9 = client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.partner).get_json()[
        "instruments"
    ]["phq9"]
    assert (phq9["baseline"], phq9["latest"], phq9["percent_change"]) == (22, 19, -13.6)
    assert (phq9["response"], phq9["remission"], phq9["relapse"], phq9["worsening"]) == (
        False,
        False,
        True,
        True,
    )
