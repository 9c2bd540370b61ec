"""Telemedicine visits, in-person evaluations, PDMP checks and prescriptions through HTTP (clinical-rules.md
§5): each check with a failing and a passing case, who may do what, tenancy, events, and the rules table
controlled through TELEMEDICINE_RULES_FILE (never the server's clock)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.config import ConfigurationError
from api.db import utcnow
from api.domain.telemedicine import add_months
from api.models import Appointment, Consultation, Provider, Visit
from tests.clinical import NO_SEDATING_MEDICATIONS
from tests.prescribing import NCPDP, Prescribing, iso, rules_file
from tests.world import World

Headers = dict[str, str]


@pytest.fixture
def rx(client: FlaskClient, db: Session, world: World) -> Prescribing:
    return Prescribing(client, db, world)


@pytest.fixture
def in_force(rx: Prescribing, make_app: Callable[..., Flask], tmp_path: Path) -> Prescribing:
    """The world through an app whose flexibilities run a year past today: the date is the file's."""
    today = utcnow().date()
    return rx.on(
        make_app(
            telemedicine_rules_file=rules_file(tmp_path, flexibilities_until=today + timedelta(days=365))
        )
    )


@pytest.fixture
def ended(rx: Prescribing, make_app: Callable[..., Flask], tmp_path: Path) -> Prescribing:
    """Through an app whose flexibility rule ended yesterday: only the permanent exceptions remain."""
    yesterday = utcnow().date() - timedelta(days=1)
    return rx.on(make_app(telemedicine_rules_file=rules_file(tmp_path, flexibilities_until=yesterday)))


def codes(response: Any) -> list[str]:
    return [error["code"] for error in response.get_json()["errors"]]


def problem(response: Any, status: int, code: str) -> None:
    body = response.get_json()
    assert response.status_code == status and body["code"] == code, body


def scheduled_consultation(rx: Prescribing) -> str:
    """A consultation of Alice booked with Dr. Grace (Texas), about to start."""
    start = utcnow() + timedelta(hours=1)
    consultation = Consultation(
        partner_id=rx.world.partner_a,
        patient_id=rx.patient_id,
        status="scheduled",
        conditions=["major_depression"],
        patient_location_state="TX",
        provider_id=rx.provider_id,
        eligibility_outcome="eligible",
    )
    rx.db.add(consultation)
    rx.db.flush()
    rx.db.add(
        Appointment(
            partner_id=rx.world.partner_a,
            consultation_id=consultation.id,
            provider_id=rx.provider_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            video_url="https://video.example/x",
        )
    )
    provider = rx.db.get(Provider, rx.provider_id)
    assert provider is not None
    provider.active_patients = 1
    rx.db.commit()
    return consultation.id


def start_body(**changes: Any) -> dict[str, Any]:
    body = {
        "modality": "audio_video",
        "patient_location_state": "TX",
        "identity_verified": True,
        "identity_method": "photo_id",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def arranged_visit(
    rx: Prescribing,
    *,
    days_ago: float,
    state: str = "TX",
    provider_id: str | None = None,
    patient_id: str | None = None,
) -> str:
    """A plan visit held ``days_ago`` (arranged: the API records visits held now)."""
    held = utcnow() - timedelta(days=days_ago)
    visit = Visit(
        partner_id=rx.world.partner_a,
        patient_id=patient_id or rx.patient_id,
        plan_id=rx.plan["id"],
        provider_id=provider_id or rx.provider_id,
        modality="audio_video",
        patient_location_state=state,
        identity_verified=True,
        identity_method="photo_id",
        started_at=held,
        completed_at=held,
    )
    rx.db.add(visit)
    rx.db.commit()
    return visit.id


# --- visits: the consultation's --------------------------------------------------------------------------


def test_start_records_the_visit_and_a_completed_in_person_visit_an_evaluation(rx: Prescribing) -> None:
    consultation = scheduled_consultation(rx)
    base = f"/v1/consultations/{consultation}"
    started = rx.client.post(
        f"{base}/start",
        json=start_body(modality="in_person", patient_site_id=rx.texas_site),
        headers=rx.provider,
    )
    assert started.status_code == 200, started.get_json()
    visit = started.get_json()["visit"]
    assert visit["id"].startswith("vis_") and visit["modality"] == "in_person"
    assert visit["patient_location_state"] == "TX" and visit["patient_site_id"] == rx.texas_site
    assert visit["identity_method"] == "photo_id" and visit["started_at"] and visit["completed_at"] is None
    assert visit["consultation_id"] == consultation and visit["provider_id"] == rx.provider_id
    done = rx.client.post(
        f"{base}/complete",
        json={"outcome": "treatment_recommended", "summary": "Start oral."},
        headers=rx.provider,
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["visit"]["completed_at"]
    evaluations = rx.client.get(
        f"/v1/patients/{rx.patient_id}/in-person-evaluations", headers=rx.partner
    ).get_json()["data"]
    assert [(e["provider_id"], e["visit_id"], e["site_id"]) for e in evaluations] == [
        (rx.provider_id, visit["id"], rx.texas_site)
    ]
    assert rx.client.get(base, headers=rx.partner).get_json()["visit"]["id"] == visit["id"]


def test_a_completed_video_visit_records_no_evaluation(rx: Prescribing) -> None:
    base = f"/v1/consultations/{scheduled_consultation(rx)}"
    assert rx.client.post(f"{base}/start", json=start_body(), headers=rx.provider).status_code == 200
    done = rx.client.post(
        f"{base}/complete", json={"outcome": "referred_out", "summary": "x"}, headers=rx.provider
    )
    assert done.status_code == 200, done.get_json()
    assert (
        rx.client.get(f"/v1/patients/{rx.patient_id}/in-person-evaluations", headers=rx.partner).get_json()[
            "data"
        ]
        == []
    )


def test_start_needs_its_body_and_a_provider(rx: Prescribing) -> None:
    base = f"/v1/consultations/{scheduled_consultation(rx)}"
    problem(rx.client.post(f"{base}/start", headers=rx.provider), 422, "validation_failed")
    missing = rx.client.post(f"{base}/start", json={}, headers=rx.provider)
    assert {e["pointer"] for e in missing.get_json()["errors"]} >= {"/modality", "/identity_verified"}
    problem(rx.client.post(f"{base}/start", json=start_body(), headers=rx.partner), 403, "forbidden")
    problem(rx.client.post(f"{base}/start", json=start_body(), headers=rx.admin), 403, "forbidden")
    problem(rx.client.post(f"{base}/start", json=start_body(), headers=rx.other_provider), 404, "not_found")
    problem(rx.client.post(f"{base}/start", json=start_body(), headers=rx.partner_b), 404, "not_found")


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        pytest.param(
            {"patient_location_state": "NM"},
            "/patient_location_state",
            "provider_not_licensed_in_state",
            id="elsewhere-unlicensed",
        ),
        pytest.param(
            {"patient_site_id": "OK"}, "/patient_site_id", "site_not_in_state", id="site-in-another-state"
        ),
        pytest.param(
            {"present_practitioner_id": "other", "patient_location_state": "OK"},
            "/present_practitioner_id",
            "practitioner_not_registered_in_state",
            id="practitioner-unregistered",
        ),
        pytest.param(
            {"identity_verified": False}, "/identity_verified", "identity_not_verified", id="identity"
        ),
    ],
)
def test_each_visit_check_refuses(rx: Prescribing, changes: dict[str, Any], pointer: str, code: str) -> None:
    names = {"patient_site_id": rx.oklahoma_site, "present_practitioner_id": rx.other_provider_id}
    body = start_body(**{k: names.get(k, v) for k, v in changes.items()})
    refused = rx.client.post(
        f"/v1/consultations/{scheduled_consultation(rx)}/start", json=body, headers=rx.provider
    )
    problem(refused, 422, code)
    assert [(e["pointer"], e["code"]) for e in refused.get_json()["errors"]] == [(pointer, code)]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"patient_location_state": "OK"}, id="elsewhere-licensed"),
        pytest.param({"patient_site_id": "TX"}, id="site-in-state"),
        pytest.param({"present_practitioner_id": "other"}, id="practitioner-registered"),
    ],
)
def test_each_visit_check_passes(rx: Prescribing, changes: dict[str, Any]) -> None:
    names = {"TX": rx.texas_site, "other": rx.other_provider_id}
    body = start_body(
        **{k: names.get(v, v) if k != "patient_location_state" else v for k, v in changes.items()}
    )
    started = rx.client.post(
        f"/v1/consultations/{scheduled_consultation(rx)}/start", json=body, headers=rx.provider
    )
    assert started.status_code == 200, started.get_json()


def test_every_visit_failure_at_once_and_unknown_ids(rx: Prescribing) -> None:
    base = f"/v1/consultations/{scheduled_consultation(rx)}"
    refused = rx.client.post(
        f"{base}/start",
        json=start_body(patient_location_state="NM", identity_verified=False),
        headers=rx.provider,
    )
    assert codes(refused) == ["provider_not_licensed_in_state", "identity_not_verified"]
    unknown = rx.client.post(
        f"{base}/start", json=start_body(patient_site_id="sit_nothing"), headers=rx.provider
    )
    problem(unknown, 422, "validation_failed")
    assert unknown.get_json()["errors"][0]["pointer"] == "/patient_site_id"


# --- visits on a plan -------------------------------------------------------------------------------------


def test_plan_visits_by_the_plans_provider(rx: Prescribing) -> None:
    url = f"/v1/follow-up-plans/{rx.plan['id']}/visits"
    created = rx.visit()
    assert created.status_code == 201, created.get_json()
    visit = created.get_json()
    assert visit["plan_id"] == rx.plan["id"] and visit["consultation_id"] is None and visit["note"]
    assert visit["started_at"] == visit["completed_at"]
    problem(rx.visit(headers=rx.partner), 403, "forbidden")
    problem(rx.visit(headers=rx.admin), 403, "forbidden")
    problem(rx.visit(headers=rx.other_provider), 404, "not_found")
    problem(rx.visit(identity_verified=False), 422, "identity_not_verified")
    listed = rx.client.get(url, headers=rx.partner)
    assert [v["id"] for v in listed.get_json()["data"]] == [visit["id"]]
    problem(rx.client.get(url, headers=rx.partner_b), 404, "not_found")


def test_an_in_person_plan_visit_is_an_in_person_evaluation(rx: Prescribing) -> None:
    visit = rx.visit_id(modality="in_person")
    evaluations = rx.client.get(
        f"/v1/patients/{rx.patient_id}/in-person-evaluations", headers=rx.provider
    ).get_json()["data"]
    assert [(e["visit_id"], e["evaluated_on"]) for e in evaluations] == [(visit, utcnow().date().isoformat())]


# --- in-person evaluations and PDMP checks ---------------------------------------------------------------


def test_an_evaluation_is_the_examining_providers_own(rx: Prescribing) -> None:
    today = utcnow().date()
    created = rx.evaluation(evaluated_on=today.isoformat(), provider_id=rx.provider_id, site_id=rx.texas_site)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["id"].startswith("ipe_") and created.get_json()["provider_id"] == rx.provider_id
    problem(rx.evaluation(evaluated_on=(today + timedelta(days=1)).isoformat()), 422, "validation_failed")
    problem(rx.evaluation(provider_id=rx.other_provider_id), 403, "forbidden")
    problem(rx.evaluation(headers=rx.partner), 403, "forbidden")
    problem(rx.evaluation(headers=rx.admin), 403, "forbidden")
    problem(rx.evaluation(headers=rx.partner_b), 404, "not_found")
    url = f"/v1/patients/{rx.patient_id}/in-person-evaluations"
    assert len(rx.client.get(url, headers=rx.partner).get_json()["data"]) == 1
    problem(rx.client.get(url, headers=rx.partner_b), 404, "not_found")


def test_a_pdmp_check_needs_a_note_unless_no_concerns(rx: Prescribing) -> None:
    refused = rx.pdmp(result="concerns_reviewed")
    problem(refused, 422, "validation_failed")
    assert refused.get_json()["errors"][0]["pointer"] == "/note"
    assert rx.pdmp(result="concerns_reviewed", note="Two prescribers in 2025; discussed.").status_code == 201
    assert rx.pdmp(result="unavailable", note="PDMP portal down (HTTP 503).").status_code == 201
    plain = rx.pdmp()
    assert (
        plain.status_code == 201
        and plain.get_json()["id"].startswith("pdmp_")
        and plain.get_json()["note"] is None
    )
    problem(rx.pdmp(checked_at=iso(utcnow() + timedelta(hours=1))), 422, "validation_failed")
    problem(rx.pdmp(headers=rx.partner), 403, "forbidden")
    problem(rx.pdmp(headers=rx.admin), 403, "forbidden")
    url = f"/v1/patients/{rx.patient_id}/pdmp-checks"
    assert len(rx.client.get(url, headers=rx.partner).get_json()["data"]) == 3
    problem(rx.client.get(url, headers=rx.partner_b), 404, "not_found")


# --- prescriptions: the legal basis, controlled through the rules file ------------------------------------


def test_after_a_video_visit_today_the_flexibilities_are_the_basis(in_force: Prescribing) -> None:
    rx = in_force
    issued = rx.prescription()
    assert issued["id"].startswith("rx_")
    assert issued["legal_basis"] == {"code": "dea_telemedicine_flexibilities", "source": "90 FR 61301"}
    assert issued["status"] == "active" and issued["pdmp_unverified"] is False
    assert issued["visit_modality"] == "audio_video" and issued["patient_location_state"] == "TX"
    issued_at = datetime.fromisoformat(issued["issued_at"].replace("Z", "+00:00"))
    assert datetime.fromisoformat(issued["active_until"].replace("Z", "+00:00")) == issued_at + timedelta(
        days=56
    )
    url = f"/v1/follow-up-plans/{rx.plan['id']}/prescriptions"
    fetched = rx.client.get(f"{url}/{issued['id']}", headers=rx.partner)
    assert fetched.status_code == 200 and fetched.get_json() == issued and fetched.headers["ETag"]
    assert [p["id"] for p in rx.client.get(url, headers=rx.patient).get_json()["data"]] == [issued["id"]]
    events = rx.client.get(
        f"/v1/events?type=prescription.created&object_id={issued['id']}", headers=rx.partner
    ).get_json()["data"]
    assert [e["data"] for e in events] == [
        {
            "id": issued["id"],
            "object": "prescription",
            "plan_id": rx.plan["id"],
            "patient_id": rx.patient_id,
            "prescriber_id": rx.provider_id,
            "dispensing": "pharmacy",
            "pharmacy_ncpdp_id": NCPDP,
            "status": "active",
        }
    ]


def test_once_the_flexibilities_end_a_video_visit_from_home_gives_no_basis(ended: Prescribing) -> None:
    refused = ended.prescribe()
    problem(refused, 422, "no_legal_basis")
    assert codes(refused) == ["no_legal_basis"]
    assert (
        "in-person evaluation" in refused.get_json()["detail"]
        and "telemedicine_registered_site" in refused.get_json()["detail"]
    )


def test_once_the_flexibilities_end_an_in_person_evaluation_on_record_is_the_basis(
    ended: Prescribing,
) -> None:
    assert ended.evaluation().status_code == 201
    assert ended.prescription()["legal_basis"] == {
        "code": "in_person_evaluation",
        "source": "21 U.S.C. 829(e)(2)(A)(i)",
    }


def test_the_permanent_exceptions_each_give_a_basis(ended: Prescribing) -> None:
    at_site = ended.prescription(visit_id=ended.visit_id(patient_site_id=ended.texas_site))
    assert at_site["legal_basis"] == {
        "code": "telemedicine_registered_site",
        "source": "21 U.S.C. 802(54)(A)",
    }
    present = ended.prescription(visit_id=ended.visit_id(present_practitioner_id=ended.other_provider_id))
    assert present["legal_basis"] == {
        "code": "telemedicine_practitioner_present",
        "source": "21 U.S.C. 802(54)(B)",
    }


def test_an_audio_only_visit_gives_no_basis_under_the_flexibilities(in_force: Prescribing) -> None:
    problem(in_force.prescribe(visit_id=in_force.visit_id(modality="audio_only")), 422, "no_legal_basis")


def test_a_malformed_rules_file_stops_start_up_naming_it(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    path = tmp_path / "bad-rules.json"
    fifth = {
        "code": "fifth_extension",
        "valid_from": "2027-01-01",
        "valid_until": None,
        "modalities": ["video"],
        "schedules": ["III"],
        "source": "x",
    }
    path.write_text(json.dumps([fifth]))
    with pytest.raises(ConfigurationError, match=r"TELEMEDICINE_RULES_FILE .*bad-rules\.json.*modalities"):
        make_app(telemedicine_rules_file=str(path))
    with pytest.raises(ConfigurationError, match="cannot be read"):
        make_app(telemedicine_rules_file=str(tmp_path / "missing.json"))


# --- prescriptions: each check, failing and passing -------------------------------------------------------


def test_visit_required(in_force: Prescribing) -> None:
    rx = in_force
    problem(rx.prescribe(visit_id=arranged_visit(rx, days_ago=30.01)), 422, "visit_required")
    problem(
        rx.prescribe(visit_id=arranged_visit(rx, days_ago=1, provider_id=rx.other_provider_id)),
        422,
        "visit_required",
    )
    problem(rx.prescribe(visit_id="vis_nothing"), 422, "visit_required")
    assert rx.prescribe(visit_id=arranged_visit(rx, days_ago=29.9)).status_code == 201


def test_prescriber_not_registered_in_state(in_force: Prescribing) -> None:
    rx = in_force
    refused = rx.prescribe(
        visit_id=arranged_visit(rx, days_ago=1, state="NM"), pdmp_check_id=rx.pdmp_id(state="NM")
    )
    problem(refused, 422, "prescriber_not_registered_in_state")
    passing = rx.prescribe(
        visit_id=arranged_visit(rx, days_ago=1, state="OK"), pdmp_check_id=rx.pdmp_id(state="OK")
    )
    assert passing.status_code == 201, passing.get_json()


def test_esketamine_rems(in_force: Prescribing) -> None:
    rx = in_force
    refused = rx.prescribe(medication="esketamine", dose_mg=50, refills=1)
    problem(refused, 422, "esketamine_rems_violation")
    assert [e["pointer"] for e in refused.get_json()["errors"]] == [
        "/route",
        "/dose_mg",
        "/dispensing",
        "/site_id",
        "/refills",
    ]
    uncertified = rx.prescribe(
        medication="esketamine",
        route="intranasal",
        dose_mg=56,
        refills=0,
        dispensing="clinic_administered",
        pharmacy_ncpdp_id=None,
        site_id=rx.oklahoma_site,
    )
    assert [(e["pointer"], e["code"]) for e in uncertified.get_json()["errors"]] == [
        ("/site_id", "esketamine_rems_violation")
    ]
    issued = rx.prescription(
        medication="esketamine",
        route="intranasal",
        dose_mg=56,
        refills=0,
        dispensing="clinic_administered",
        pharmacy_ncpdp_id=None,
        site_id=rx.texas_site,
    )
    assert issued["site_id"] == rx.texas_site and issued["pharmacy_ncpdp_id"] is None


def test_refills_exceed_schedule_limit(in_force: Prescribing) -> None:
    problem(in_force.prescribe(refills=6), 422, "refills_exceed_schedule_limit")
    issued = in_force.prescription(refills=5, days_supply=31)
    issued_at = datetime.fromisoformat(issued["issued_at"].replace("Z", "+00:00"))
    until = datetime.fromisoformat(issued["active_until"].replace("Z", "+00:00"))
    # 31 x 6 = 186 days, but six calendar months after issue come first (21 CFR 1306.22).
    assert until == add_months(issued_at, 6) < issued_at + timedelta(days=186)


def test_pharmacy_required(in_force: Prescribing) -> None:
    problem(in_force.prescribe(pharmacy_ncpdp_id=None), 422, "pharmacy_required")
    problem(in_force.prescribe(pharmacy_ncpdp_id="12345"), 422, "validation_failed")
    assert in_force.prescription(pharmacy_ncpdp_id="7654321")["pharmacy_ncpdp_id"] == "7654321"


def test_pdmp_check_required(in_force: Prescribing) -> None:
    rx = in_force
    old = rx.pdmp_id(checked_at=iso(utcnow() - timedelta(hours=24, minutes=5)))
    problem(rx.prescribe(pdmp_check_id=old), 422, "pdmp_check_required")
    problem(rx.prescribe(pdmp_check_id=rx.pdmp_id(state="OK")), 422, "pdmp_check_required")
    problem(rx.prescribe(pdmp_check_id="pdmp_nothing"), 422, "pdmp_check_required")
    recent = rx.pdmp_id(checked_at=iso(utcnow() - timedelta(hours=23, minutes=55)))
    assert rx.prescribe(pdmp_check_id=recent).status_code == 201
    outage = rx.pdmp_id(result="unavailable", note="State PDMP offline since 08:00.")
    assert rx.prescription(pdmp_check_id=outage)["pdmp_unverified"] is True


def test_every_failure_at_once(in_force: Prescribing) -> None:
    old = in_force.pdmp_id(checked_at=iso(utcnow() - timedelta(days=2)))
    refused = in_force.prescribe(refills=6, pharmacy_ncpdp_id=None, pdmp_check_id=old, visit_id="vis_nothing")
    assert codes(refused) == [
        "visit_required",
        "refills_exceed_schedule_limit",
        "pharmacy_required",
        "pdmp_check_required",
    ]


def test_only_the_plans_provider_prescribes(in_force: Prescribing) -> None:
    rx = in_force
    body = rx.rx_body()
    problem(rx.prescribe(body, headers=rx.partner), 403, "forbidden")
    problem(rx.prescribe(body, headers=rx.admin), 403, "forbidden")
    problem(rx.prescribe(body, headers=rx.other_provider), 404, "not_found")
    problem(rx.prescribe(body, headers=rx.partner_b), 404, "not_found")
    assert rx.prescribe(body).status_code == 201


def test_a_closed_plan_takes_no_prescription(in_force: Prescribing) -> None:
    rx = in_force
    body = rx.rx_body()
    revoked = rx.client.post(
        f"/v1/follow-up-plans/{rx.plan['id']}/revoke", json={"reason": "Declined."}, headers=rx.provider
    )
    assert revoked.status_code == 200, revoked.get_json()
    problem(rx.prescribe(body), 409, "plan_closed")


def test_cancel_with_a_reason(in_force: Prescribing) -> None:
    rx = in_force
    issued = rx.prescription()
    url = f"/v1/follow-up-plans/{rx.plan['id']}/prescriptions/{issued['id']}"
    problem(
        rx.client.post(f"{url}/cancel", json={"reason": "Wrong pharmacy."}, headers=rx.partner),
        403,
        "forbidden",
    )
    problem(rx.client.post(f"{url}/cancel", json={}, headers=rx.provider), 422, "validation_failed")
    etag = rx.client.get(url, headers=rx.provider).headers["ETag"]
    cancelled = rx.client.post(
        f"{url}/cancel", json={"reason": "Wrong pharmacy."}, headers={**rx.provider, "If-Match": etag}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    body = cancelled.get_json()
    assert (
        body["status"] == "cancelled" and body["cancel_reason"] == "Wrong pharmacy." and body["cancelled_at"]
    )
    problem(
        rx.client.post(f"{url}/cancel", json={"reason": "Again."}, headers=rx.provider),
        409,
        "invalid_transition",
    )
    events = rx.client.get(
        f"/v1/events?type=prescription.cancelled&object_id={issued['id']}", headers=rx.partner
    ).get_json()["data"]
    assert [e["data"]["status"] for e in events] == ["cancelled"]
    assert rx.client.patch(url, json={"refills": 0}, headers=rx.provider).status_code == 405


def test_prescriptions_are_audited(in_force: Prescribing, admin: Headers) -> None:
    issued = in_force.prescription()
    rows = in_force.client.get(f"/v1/audit-events?resource_id={issued['id']}", headers=admin).get_json()[
        "data"
    ]
    assert rows and rows[0]["resource_type"] == "prescription"


# --- the at-home gate ---------------------------------------------------------------------------------------


def at_home_session(rx: Prescribing, plan: dict[str, Any], dose_mg: float) -> Any:
    task = rx.tasks(plan["id"], "kind=session")[0]
    body = {
        "administered_at": f"{task['due_on']}T20:00:00Z",
        "dose_mg": dose_mg,
        "sitter_present": True,
        "sedating_medications": dict(NO_SEDATING_MEDICATIONS),
    }
    return rx.client.post(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/record", json=body, headers=rx.patient
    )


def activate(rx: Prescribing) -> dict[str, Any]:
    rx.consent_to_treatment()
    activated = rx.client.post(f"/v1/follow-up-plans/{rx.plan['id']}/activate", headers=rx.provider)
    assert activated.status_code == 200, activated.get_json()
    return dict(activated.get_json())


def test_an_at_home_session_needs_an_active_pharmacy_prescription(in_force: Prescribing) -> None:
    rx = in_force
    plan = activate(rx)
    problem(at_home_session(rx, plan, 100), 422, "prescription_required")
    esketamine = rx.prescription(
        medication="esketamine",
        route="intranasal",
        dose_mg=56,
        refills=0,
        dispensing="clinic_administered",
        pharmacy_ncpdp_id=None,
        site_id=rx.texas_site,
    )
    problem(at_home_session(rx, plan, 50), 422, "prescription_required")
    cancelled = rx.prescription(dose_mg=100)
    url = f"/v1/follow-up-plans/{plan['id']}/prescriptions/{cancelled['id']}/cancel"
    assert rx.client.post(url, json={"reason": "Dose to be lowered."}, headers=rx.provider).status_code == 200
    problem(at_home_session(rx, plan, 50), 422, "prescription_required")
    assert esketamine["status"] == "active"
    rx.prescription(route="sublingual", dose_mg=100)
    recorded = at_home_session(rx, plan, 100)
    assert recorded.status_code == 200, recorded.get_json()


def test_an_at_home_dose_may_not_exceed_the_prescription(in_force: Prescribing) -> None:
    rx = in_force
    plan = activate(rx)
    rx.prescription(dose_mg=100)
    refused = at_home_session(rx, plan, 100.5)
    problem(refused, 422, "dose_exceeds_prescription")
    assert refused.get_json()["errors"][0]["pointer"] == "/dose_mg"
    assert at_home_session(rx, plan, 100).status_code == 200
