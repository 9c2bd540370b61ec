"""Recording a session, second edition (clinical-rules.md §4), through the API: the hard stop, the dose by
weight, observation minimums, the site and the people on the record and the REMS form, at-home sessions
recorded by the patient, the completion reading, the declining-pressure discharge, ready_before_stable,
dispositions and automatic adverse events — the page's worked cases included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Event, PlanTask, SessionRecord
from tests.care import Care, Headers
from tests.clinical import calm_readings, iv_session, monitoring
from tests.prescribing import prescription_row
from tests.world import World


@pytest.fixture
def care(client: FlaskClient, db: Session, world: World) -> Care:
    return Care(client, db, world)


def first_session(care: Care, plan: dict[str, Any]) -> dict[str, Any]:
    return care.tasks(plan["id"], "kind=session")[0]


def body(care: Care, task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A calm intranasal session at Dr. Grace's Texas clinic, with ``changes``; a None value leaves the
    field out."""
    sent: dict[str, Any] = {
        "administered_at": f"{task['due_on']}T15:00:00Z",
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        "escort_confirmed": True,
        **monitoring(),
        **care.setting(),
        **changes,
    }
    return {key: value for key, value in sent.items() if value is not None}


def record(care: Care, task: dict[str, Any], headers: Headers | None = None, **changes: Any) -> Any:
    return care.client.post(
        f"/v1/follow-up-plans/{task['plan_id']}/sessions/{task['id']}/record",
        json=body(care, task, **changes),
        headers=headers or care.provider,
    )


def refused(response: Any) -> tuple[int, str, list[tuple[str, str]]]:
    problem = response.get_json()
    return (
        response.status_code,
        problem.get("code"),
        [(e["pointer"], e["code"]) for e in problem.get("errors", [])],
    )


def plan_status(care: Care, plan: dict[str, Any]) -> str:
    return str(
        care.client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()["status"]
    )


def events_of_type(db: Session, type: str) -> list[Event]:
    return list(db.scalars(select(Event).where(Event.type == type).order_by(Event.created_at, Event.id)))


def iv_plan(care: Care) -> dict[str, Any]:
    return care.active_plan(protocol="iv_induction", route="intravenous")


def im_plan(care: Care) -> dict[str, Any]:
    return care.active_plan(protocol="im_induction", route="intramuscular")


def oral_plan(care: Care) -> dict[str, Any]:
    """An active at-home plan with its prescription (clinical-rules.md §5: no at-home dose without one)."""
    plan = care.active_plan(protocol="oral_at_home", route="oral")
    prescription_row(care.db, plan, dose_mg=300)
    return plan


IM = {
    "dose_mg": 40,
    "weight_kg": 80,
    "observation_minutes": 60,
    "lot_number": None,
    "readings": calm_readings(60),
}


# --- 1. the hard stop -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("systolic", "diastolic", "expected"),
    [
        pytest.param(
            250,
            150,
            [("/pre_systolic", "blood_pressure_hard_stop"), ("/pre_diastolic", "blood_pressure_hard_stop")],
            id="250/150-worked-case",
        ),
        pytest.param(180, 90, [("/pre_systolic", "blood_pressure_hard_stop")], id="180"),
        pytest.param(140, 110, [("/pre_diastolic", "blood_pressure_hard_stop")], id="110"),
        pytest.param(179, 109, [], id="179/109-overridden"),
    ],
)
def test_the_hard_stop_is_never_overridden(
    care: Care, systolic: int, diastolic: int, expected: list[tuple[str, str]]
) -> None:
    task = first_session(care, care.active_plan())
    reason = "Cardiology cleared; benefit outweighs the risk."
    response = record(care, task, pre_systolic=systolic, pre_diastolic=diastolic, override_reason=reason)
    if not expected:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["session"]["blood_pressure_overridden"] is True
        return
    assert refused(response) == (422, "blood_pressure_hard_stop", expected)
    assert first_session(care, {"id": task["plan_id"]})["status"] == "pending"


# --- 2. the dose by weight --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "headers", "expected"),
    [
        pytest.param(
            {"dose_mg": 1000},
            "provider",
            (422, "dose_above_maximum", [("/dose_mg", "dose_above_maximum")]),
            id="1000-mg-worked-case",
        ),
        pytest.param(
            {"dose_mg": 160.8, "dose_override_reason": "Any."},
            "provider",
            (422, "dose_above_maximum", [("/dose_mg", "dose_above_maximum")]),
            id="2.01-no-override",
        ),
        pytest.param(
            {"dose_mg": 80.8},
            "provider",
            (422, "dose_above_limit", [("/dose_mg", "dose_above_limit")]),
            id="1.01",
        ),
        pytest.param(
            {"dose_mg": 80.8, "dose_override_reason": "Paper chart."},
            "admin",
            (422, "override_requires_provider", [("/dose_override_reason", "override_requires_provider")]),
            id="1.01-admin",
        ),
        pytest.param(
            {"infusion_minutes": 19},
            "provider",
            (422, "validation_failed", [("/infusion_minutes", "out_of_range")]),
            id="19-minute-bolus",
        ),
        pytest.param(
            {"weight_kg": None},
            "provider",
            (422, "validation_failed", [("/weight_kg", "required")]),
            id="no-weight",
        ),
        pytest.param(
            {"weight_kg": 29},
            "provider",
            (422, "validation_failed", [("/weight_kg", "out_of_range")]),
            id="29-kg",
        ),
        pytest.param(
            {"infusion_minutes": None},
            "provider",
            (422, "validation_failed", [("/infusion_minutes", "required")]),
            id="no-infusion-time",
        ),
    ],
)
def test_an_intravenous_dose_is_judged_by_weight(
    care: Care, changes: dict[str, Any], headers: str, expected: tuple[int, str, list[tuple[str, str]]]
) -> None:
    task = first_session(care, iv_plan(care))
    extra = {"monitored_by": care.provider_id} if headers == "admin" else {}
    response = record(care, task, getattr(care, headers), **iv_session(**changes), **extra)
    assert refused(response) == expected


@pytest.mark.parametrize(
    ("dose", "reason", "per_kg", "overridden"),
    [
        (40, None, 0.5, False),
        (80, None, 1.0, False),
        (80.8, "Partial response at 0.75 mg/kg; tolerated well.", 1.01, True),
        (160, "Supervised by anaesthesia.", 2.0, True),
    ],
)
def test_the_record_returns_the_dose_per_kilogram(
    care: Care, dose: float, reason: str | None, per_kg: float, overridden: bool
) -> None:
    task = first_session(care, iv_plan(care))
    response = record(care, task, **iv_session(dose_mg=dose, dose_override_reason=reason))
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert (session["weight_kg"], session["infusion_minutes"]) == (80, 40)
    assert (session["dose_mg_per_kg"], session["dose_overridden"]) == (per_kg, overridden)
    assert session["dose_override_reason"] == reason


def test_an_intramuscular_dose_needs_the_weight_and_has_no_infusion(care: Care) -> None:
    task = first_session(care, im_plan(care))
    assert refused(record(care, task, **{**IM, "weight_kg": None}))[2] == [("/weight_kg", "required")]
    assert refused(record(care, task, **IM, infusion_minutes=10))[2] == [
        ("/infusion_minutes", "not_applicable")
    ]
    assert refused(record(care, task, **{**IM, "dose_mg": 200}))[1] == "dose_above_maximum"  # 2.5 mg/kg
    done = record(care, task, **IM)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["session"]["dose_mg_per_kg"] == 0.5


def test_an_esketamine_dose_is_not_judged_by_weight(care: Care) -> None:
    task = first_session(care, care.active_plan())
    response = record(care, task, dose_mg=84, weight_kg=40)  # 2.1 mg/kg: esketamine is dosed flat
    assert response.status_code == 200, response.get_json()
    assert (
        response.get_json()["session"]["dose_mg_per_kg"],
        response.get_json()["session"]["dose_overridden"],
    ) == (2.1, False)


# --- 3. observation minimums -------------------------------------------------------------------------------


def test_observation_minimums_per_route(care: Care) -> None:
    iv = first_session(care, iv_plan(care))
    short = calm_readings(40)
    short[1]["minute"] = 35
    # Worked case: an IV session with 40 minutes of observation.
    assert refused(record(care, iv, **iv_session(observation_minutes=40, readings=short)))[2] == [
        ("/observation_minutes", "observation_too_short")
    ]
    assert (
        refused(record(care, iv, **iv_session(observation_minutes=69, readings=calm_readings(69))))[1]
        == "observation_too_short"
    )
    assert record(care, iv, **iv_session()).status_code == 200  # 70 = 40 + 30


def test_an_intramuscular_session_is_observed_for_60_minutes(care: Care) -> None:
    task = first_session(care, im_plan(care))
    thirty = calm_readings(30)
    del thirty[1]
    # Worked case: an IM session with 30 minutes of observation.
    assert refused(record(care, task, **{**IM, "observation_minutes": 30, "readings": thirty}))[2][0] == (
        "/observation_minutes",
        "observation_too_short",
    )
    assert (
        refused(record(care, task, **{**IM, "observation_minutes": 59, "readings": calm_readings(59)}))[1]
        == "observation_too_short"
    )
    assert record(care, task, **IM).status_code == 200


# --- 4. the site, the monitoring provider, the on-site prescriber, the REMS form ----------------------------


def test_the_site_must_be_in_the_patients_state_and_rems_certified_for_intranasal(care: Care) -> None:
    task = first_session(care, care.active_plan())
    care.setting()  # equips Dr. Grace in Texas
    oklahoma = care.add_site("OK")
    uncertified = care.add_site("TX", rems_certified=False)
    for site_id in (None, "sit_nope", oklahoma, uncertified):
        response = record(care, task, site_id=site_id)
        status, code, errors = refused(response)
        assert (status, code, errors[0]) == (422, "site_not_eligible", ("/site_id", "site_not_eligible")), (
            site_id
        )
    assert record(care, task).status_code == 200


def test_any_texas_site_will_do_for_an_intravenous_session(care: Care) -> None:
    task = first_session(care, iv_plan(care))
    care.setting()
    uncertified = care.add_site("TX", rems_certified=False)
    response = record(care, task, **iv_session(), site_id=uncertified, onsite_prescriber_id=None)
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert session["site"]["id"] == uncertified and session["onsite_prescriber_id"] is None


def test_the_monitoring_provider_needs_a_licence_in_the_sites_state(care: Care) -> None:
    plan = care.active_plan()
    task = first_session(care, plan)
    care.setting()
    assert refused(record(care, task, monitored_by=care.other_provider_id)) == (
        422,
        "monitoring_provider_not_eligible",
        [("/monitored_by", "monitoring_provider_not_eligible")],
    )
    assert refused(record(care, task, monitored_by="prv_nope"))[1] == "monitoring_provider_not_eligible"
    # An admin entering a chart must say who monitored: there is no recording provider to default to.
    assert refused(record(care, task, care.admin))[2] == [
        ("/monitored_by", "monitoring_provider_not_eligible")
    ]
    care.equip(care.other_provider_id, dea=False)  # a Texas licence, no DEA registration
    response = record(care, task, monitored_by=care.other_provider_id)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["session"]["monitored_by"] == care.other_provider_id
    form = care.client.get(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form", headers=care.provider
    )
    body = form.get_json()
    # The form names who monitored (not the plan's prescriber) and the session's own site.
    assert body["monitoring_provider"]["id"] == care.other_provider_id
    assert body["setting"] == {"id": care.site_id, "name": "TX clinic 1", "state": "TX"}


def test_intranasal_needs_an_onsite_prescriber_with_schedule_iii_there(care: Care) -> None:
    task = first_session(care, care.active_plan())
    care.setting()
    assert refused(record(care, task, onsite_prescriber_id=None)) == (
        422,
        "onsite_prescriber_required",
        [("/onsite_prescriber_id", "onsite_prescriber_required")],
    )
    care.equip(care.other_provider_id, dea=False)
    assert (
        refused(record(care, task, onsite_prescriber_id=care.other_provider_id))[1]
        == "onsite_prescriber_required"
    )
    done = record(care, task, monitored_by=care.other_provider_id)  # Grace on site, a colleague watching
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["session"]["onsite_prescriber_id"] == care.provider_id


# --- 5. at-home sessions, recorded by the patient --------------------------------------------------------


def at_home(care: Care, task: dict[str, Any], headers: Headers, **changes: Any) -> Any:
    sent = {
        "administered_at": f"{task['due_on']}T20:00:00Z",
        "dose_mg": 300,
        "sitter_present": True,
        "sedating_medications": monitoring()["sedating_medications"],
        **changes,
    }
    return care.client.post(
        f"/v1/follow-up-plans/{task['plan_id']}/sessions/{task['id']}/record",
        json={k: v for k, v in sent.items() if v is not None},
        headers=headers,
    )


def test_the_patient_records_an_at_home_session_with_a_sitter(care: Care, db: Session) -> None:
    plan = oral_plan(care)
    task = first_session(care, plan)
    assert refused(at_home(care, task, care.patient, sitter_present=None)) == (
        422,
        "sitter_required",
        [("/sitter_present", "sitter_required")],
    )
    assert refused(at_home(care, task, care.patient, sitter_present=False))[1] == "sitter_required"
    assert (
        refused(at_home(care, task, care.patient, pre_systolic=184, pre_diastolic=96))[1]
        == "blood_pressure_hard_stop"
    )
    assert refused(
        at_home(care, task, care.patient, pre_systolic=150, pre_diastolic=86, override_reason="I feel fine.")
    )[1] == ("override_requires_provider")
    assert at_home(care, task, care.partner).status_code == 403
    assert at_home(care, task, care.other_patient).status_code == 404
    response = at_home(care, task, care.patient)
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert (session["sitter_present"], session["pre_systolic"], session["observation_minutes"]) == (
        True,
        None,
        None,
    )
    assert (session["recorded_by"]["type"], session["site"], session["monitored_by"]) == (
        "patient",
        None,
        None,
    )
    stored = db.scalar(select(SessionRecord).where(SessionRecord.task_id == task["id"]))
    assert stored is not None and stored.escort_confirmed is None


@pytest.mark.parametrize("protocol", ["intranasal_esketamine", "iv_induction", "im_induction"])
def test_a_patient_may_not_record_a_clinic_session(care: Care, protocol: str) -> None:
    route = {
        "intranasal_esketamine": "intranasal",
        "iv_induction": "intravenous",
        "im_induction": "intramuscular",
    }
    task = first_session(care, care.active_plan(protocol=protocol, route=route[protocol]))
    response = record(care, task, care.patient, **(iv_session() if protocol == "iv_induction" else {}))
    assert refused(response)[:2] == (403, "forbidden")


def test_an_at_home_session_with_readings_still_raises_automatic_events(care: Care) -> None:
    plan = care.active_plan(protocol="oral_at_home", route="sublingual")
    prescription_row(care.db, plan, dose_mg=300)
    task = first_session(care, plan)
    reading = {**calm_readings()[0], "minute": 30, "spo2": 86}
    response = at_home(care, task, care.patient, readings=[reading], observation_minutes=60)
    assert response.status_code == 200, response.get_json()
    assert [e["type"] for e in response.get_json()["session"]["adverse_events"]] == ["respiratory_depression"]
    assert plan_status(care, plan) == "on_hold"


# --- 6. monitoring ------------------------------------------------------------------------------------------


def test_the_completion_reading_is_in_the_last_15_minutes(care: Care) -> None:
    task = first_session(care, care.active_plan())
    # Worked case: the "completion" reading taken at minute 41 of 120.
    early = calm_readings(41)
    assert refused(record(care, task, readings=early)) == (
        422,
        "monitoring_reading_missing",
        [("/readings/2/minute", "monitoring_reading_missing")],
    )
    assert refused(record(care, task, readings=calm_readings(104)))[1] == "monitoring_reading_missing"
    last_without_spo2 = calm_readings()
    del last_without_spo2[-1]["spo2"]
    assert refused(record(care, task, readings=last_without_spo2))[2] == [
        ("/readings/2/spo2", "monitoring_reading_missing")
    ]
    assert record(care, task, readings=calm_readings(105)).status_code == 200


def pressures(*points: tuple[int, int, int]) -> list[dict[str, Any]]:
    """Calm readings at (minute, systolic, diastolic)."""
    return [
        {"minute": m, "systolic": s, "diastolic": d, "spo2": 98, "sedation_moaas": 5, "dissociation": "none"}
        for m, s, d in points
    ]


@pytest.mark.parametrize(
    ("pre", "readings", "ready"),
    [
        pytest.param((160, 95), pressures((40, 168, 98), (120, 170, 100)), False, id="170/100-worked-case"),
        pytest.param(
            (150, 95), pressures((40, 168, 98), (120, 158, 96)), True, id="declining-10-below-the-peak"
        ),
        pytest.param(
            (150, 95), pressures((40, 168, 98), (120, 159, 96)), False, id="9-below-is-not-a-decline"
        ),
        pytest.param((150, 95), pressures((40, 175, 98), (120, 160, 96)), False, id="declining-but-160"),
        pytest.param((150, 95), pressures((40, 165, 99), (120, 150, 95)), True, id="back-to-the-pre-dose"),
        pytest.param((128, 82), pressures((40, 150, 95), (120, 140, 90)), True, id="140/90"),
    ],
)
def test_discharge_needs_a_pressure_that_is_low_back_or_declining(
    care: Care, pre: tuple[int, int], readings: list[dict[str, Any]], ready: bool
) -> None:
    task = first_session(care, care.active_plan())
    response = record(
        care,
        task,
        pre_systolic=pre[0],
        pre_diastolic=pre[1],
        override_reason="Treated hypertension, reviewed." if pre[0] > 140 else None,
        readings=readings,
    )
    if ready:
        assert response.status_code == 200, response.get_json()
    else:
        assert refused(response) == (
            422,
            "not_stable_for_discharge",
            [("/readings/1/systolic", "not_stable_for_discharge")],
        )


def test_ready_may_not_come_before_the_patient_was_stable(care: Care) -> None:
    task = first_session(care, care.active_plan())
    readings = calm_readings()
    readings[1].update(sedation_moaas=3)
    # Worked case: "ready to leave" at minute 30 and MOAA/S 3 at minute 40.
    response = record(
        care, task, readings=readings, ready_to_leave_minute=30, discharge_override_reason="Fine."
    )
    assert refused(response) == (
        422,
        "ready_before_stable",
        [("/ready_to_leave_minute", "ready_before_stable")],
    )
    assert (
        refused(record(care, task, readings=readings, ready_to_leave_minute=40))[1] == "ready_before_stable"
    )
    assert record(care, task, readings=readings, ready_to_leave_minute=41).status_code == 200


def test_an_emergency_transfer_at_minute_90_is_always_stored(care: Care, db: Session) -> None:
    """Worked case: the transfer at minute 90 of an intranasal session, once refused as too short."""
    plan = care.active_plan()
    task = first_session(care, plan)
    readings = calm_readings(75)
    readings[1].update(sedation_moaas=2, spo2=91)
    readings[2].update(sedation_moaas=3, dissociation="moderate")
    response = record(
        care,
        task,
        observation_minutes=90,
        readings=readings,
        disposition="emergency_transfer",
        disposition_reason="Unresponsive to voice, EMS called",
        escort_confirmed=False,
    )
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert (session["disposition"], session["ready_to_leave_minute"]) == ("emergency_transfer", None)
    events = {e["type"]: e for e in session["adverse_events"]}
    assert {t: e["severity"] for t, e in events.items()} == {"sedation": "severe", "other": "serious"}
    assert events["other"]["description"] == (
        "Emergency transfer from the treatment session at minute 90: Unresponsive to voice, EMS called."
    )
    assert events["other"]["onset_at"] == f"{task['due_on']}T16:30:00Z"
    assert plan_status(care, plan) == "on_hold"
    assert len(events_of_type(db, "adverse_event.reported")) == 2


def test_an_emergency_transfer_with_nothing_but_the_pre_dose_pressure(care: Care) -> None:
    """A seizure at minute 3 leaves no reading; the record is kept even on a pre-dose pressure of 185."""
    plan = care.active_plan()
    task = first_session(care, plan)
    response = record(
        care,
        task,
        pre_systolic=185,
        observation_minutes=3,
        readings=[],
        disposition="emergency_transfer",
        disposition_reason="Seizure",
        onsite_prescriber_id=None,
    )
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert (session["post_systolic"], session["post_diastolic"], session["readings"]) == (None, None, [])
    outcomes = care.client.get(f"/v1/follow-up-plans/{plan['id']}/outcomes", headers=care.provider).get_json()
    [trend] = outcomes["sessions"]
    assert (trend["task_id"], trend["lowest_moaas"], trend["highest_blood_pressure"]) == (
        task["id"],
        None,
        None,
    )


def test_a_transfer_or_a_patient_leaving_has_no_ready_minute(care: Care) -> None:
    task = first_session(care, care.active_plan())
    for disposition in ("emergency_transfer", "left_against_medical_advice"):
        response = record(
            care, task, disposition=disposition, disposition_reason="Why.", ready_to_leave_minute=60
        )
        assert refused(response)[2] == [("/ready_to_leave_minute", "not_applicable")]


def test_a_patient_who_leaves_against_medical_advice(care: Care, db: Session) -> None:
    plan = care.active_plan()
    task = first_session(care, plan)
    readings = calm_readings()[:1]  # minute 0 only
    left = {
        "observation_minutes": 35,
        "readings": readings,
        "disposition": "left_against_medical_advice",
        "escort_confirmed": False,
    }
    assert refused(record(care, task, **left)) == (
        422,
        "validation_failed",
        [("/disposition_reason", "required")],
    )
    by_admin = record(
        care, task, care.admin, **left, monitored_by=care.provider_id, disposition_reason="Left."
    )
    assert refused(by_admin)[2] == [("/disposition", "override_requires_provider")]
    assert (
        refused(record(care, task, **left, disposition_reason="Left.", pre_systolic=181))[1]
        == "blood_pressure_hard_stop"
    )
    response = record(care, task, **left, disposition_reason="Declined to wait for her ride")
    assert response.status_code == 200, response.get_json()
    session = response.get_json()["session"]
    assert session["disposition_reason"] == "Declined to wait for her ride"
    [event] = session["adverse_events"]
    assert (event["type"], event["severity"], event["put_plan_on_hold"]) == ("other", "serious", True)
    assert "against medical advice at minute 35" in event["description"]
    assert plan_status(care, plan) == "on_hold"
    rems = care.client.get(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form", headers=care.provider
    )
    assert rems.status_code == 200 and rems.get_json()["disposition"] == "left_against_medical_advice"


@pytest.mark.parametrize(
    ("change", "event"),
    [
        pytest.param({"sedation_moaas": 3}, None, id="moaas-3"),
        pytest.param({"sedation_moaas": 2}, ("sedation", "severe"), id="moaas-2"),
        pytest.param({"dissociation": "moderate"}, None, id="moderate-dissociation"),
        pytest.param({"dissociation": "severe"}, ("dissociation", "severe"), id="severe-dissociation"),
    ],
)
def test_deep_sedation_and_severe_dissociation_are_automatic_events(
    care: Care, db: Session, change: dict[str, Any], event: tuple[str, str] | None
) -> None:
    plan = care.active_plan()
    task = first_session(care, plan)
    readings = calm_readings()
    readings[1].update(change)
    response = record(care, task, readings=readings)
    assert response.status_code == 200, response.get_json()
    events = [(e["type"], e["severity"]) for e in response.get_json()["session"]["adverse_events"]]
    assert events == ([event] if event else [])
    assert plan_status(care, plan) == ("on_hold" if event else "active")
    reported = events_of_type(db, "adverse_event.reported")
    assert [(e.data["severity"], e.data["task_id"]) for e in reported] == (
        [(event[1], task["id"])] if event else []
    )


# --- 7. records made before the second edition ----------------------------------------------------------


def test_a_record_made_before_the_second_edition_reads_back(care: Care, db: Session) -> None:
    """As the migration leaves one: no weight, site, monitoring provider or on-site prescriber."""
    plan = care.active_plan()
    task = first_session(care, plan)
    row = db.get(PlanTask, task["id"])
    assert row is not None
    row.status = "done"
    db.add(
        SessionRecord(
            task_id=task["id"],
            plan_id=plan["id"],
            administered_at=datetime.fromisoformat(f"{task['due_on']}T15:00:00+00:00").astimezone(UTC),
            pre_systolic=128,
            pre_diastolic=82,
            post_systolic=130,
            post_diastolic=84,
            observation_minutes=120,
            escort_confirmed=True,
            dose_mg=56,
            lot_number="OLD-LOT",
            sedating_medications=monitoring()["sedating_medications"],
            readings=calm_readings(),
            recorded_by="usr_legacy",
            recorded_by_type="provider",
        )
    )
    db.commit()
    read = care.client.get(
        f"/v1/follow-up-plans/{plan['id']}/tasks?kind=session&limit=1", headers=care.provider
    )
    assert read.status_code == 200, read.get_json()
    session = read.get_json()["data"][0]["session"]
    assert (session["weight_kg"], session["dose_mg_per_kg"], session["site"], session["monitored_by"]) == (
        None,
        None,
        None,
        None,
    )
    assert (session["sitter_present"], session["disposition_reason"], session["dose_overridden"]) == (
        None,
        None,
        False,
    )
    form = care.client.get(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/rems-form", headers=care.provider
    )
    assert form.status_code == 200, form.get_json()
    assert (form.get_json()["monitoring_provider"], form.get_json()["setting"]) == (None, None)
