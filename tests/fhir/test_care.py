"""Follow-up plans as FHIR (api/fhir/map_care.py): each session monitoring reading as vital-sign Observations
(us-core-blood-pressure, us-core-heart-rate, us-core-pulse-oximetry) beside the screening scores, the plan as
a CarePlan (us-core-careplan), its adverse events and the patient's consents (base R4) — read, searched,
paged, kept to their tenant and their scope, audited. Every resource read is validated by both validators."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEvent
from api.services import accounts
from tests.care import Care, provider_row
from tests.clinical import CSSRS_LOW, GAD7_MODERATE, PHQ9_MODERATE, monitoring, submit
from tests.fhir.care_rows import CareRows, arrange
from tests.fhir.conftest import Fhir
from tests.helpers import bearer, cc_token
from tests.world import Creds, World

LOINC = "http://loinc.org"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"
Headers = dict[str, str]


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


@pytest.fixture
def partner(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def rows(db: Session, world: World) -> CareRows:
    return arrange(db, world, provider_row(db, "1234567893"))


def _token(client: FlaskClient, db: Session, world: World, scope: str) -> Headers:
    row, secret = accounts.create_client(
        db,
        accounts.system_principal(),
        world.partner_a,
        name=scope,
        grant_type="client_credentials",
        scope=scope,
    )
    db.commit()
    return bearer(cc_token(client, Creds(row.id, secret)))


def _ids(resources: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in resources]


# --- vital signs ----------------------------------------------------------------------------------------


def test_each_reading_is_a_blood_pressure_a_heart_rate_and_an_spo2(
    fhir: Fhir, world: World, partner: Headers, rows: CareRows
) -> None:
    task = fid(rows.task)
    bp = fhir.ok(f"Observation/{task}.bp.40", partner)
    assert bp["meta"]["profile"] == [f"{US_CORE}/us-core-blood-pressure"]
    assert bp["status"] == "final" and bp["category"][0]["coding"][0]["code"] == "vital-signs"
    assert bp["code"]["coding"][0]["code"] == "85354-9"
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]) for c in bp["component"]] == [
        ("8480-6", {"value": 138, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}),
        ("8462-4", {"value": 88, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}),
    ]
    assert bp["effectiveDateTime"] == "2026-01-06T15:40:00Z"  # administered_at + 40 minutes
    assert bp["subject"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    heart = fhir.ok(f"Observation/{task}.hr.120", partner)
    assert heart["meta"]["profile"] == [f"{US_CORE}/us-core-heart-rate"]
    assert heart["code"]["coding"][0]["code"] == "8867-4"
    assert heart["valueQuantity"]["value"] == 74 and heart["valueQuantity"]["code"] == "/min"
    assert heart["effectiveDateTime"] == "2026-01-06T17:00:00Z"
    spo2 = fhir.ok(f"Observation/{task}.spo2.0", partner)
    assert [c["code"] for c in spo2["code"]["coding"]] == ["59408-5", "2708-6"]
    assert spo2["valueQuantity"]["value"] == 98 and spo2["valueQuantity"]["code"] == "%"
    assert fhir.get(f"Observation/{task}.spo2.120", partner).status_code == 404  # not taken at 120
    assert fhir.get(f"Observation/{task}.bp.41", partner).status_code == 404
    assert fhir.get(f"Observation/{task}.xx.40", partner).status_code == 404
    assert fhir.get(f"Observation/{fid(rows.other_task)}.bp.40", partner).status_code == 404


def test_vital_signs_are_searched_by_category_code_and_date_beside_the_screenings(
    fhir: Fhir, client: FlaskClient, world: World, partner: Headers, rows: CareRows
) -> None:
    for instrument, answers in (("phq9", PHQ9_MODERATE), ("gad7", GAD7_MODERATE)):
        assert submit(client, partner, world.patient_a1, instrument, answers).status_code == 201
    patient, task = f"Patient/{fid(world.patient_a1)}", fid(rows.task)
    everything = fhir.search("Observation", partner, patient=patient, _count="100")
    assert len(everything) == 2 + 8  # two scores; 3 blood pressures, 3 heart rates, 2 SpO2
    vitals = fhir.search("Observation", partner, patient=patient, category="vital-signs")
    assert len(vitals) == 8 and all(o["category"][0]["coding"][0]["code"] == "vital-signs" for o in vitals)
    assert len(fhir.search("Observation", partner, patient=patient, category="survey")) == 2
    by_code = fhir.search("Observation", partner, patient=patient, code=f"{LOINC}|85354-9")
    assert sorted(_ids(by_code)) == sorted(f"{task}.bp.{m}" for m in (0, 40, 120))
    assert len(fhir.search("Observation", partner, patient=patient, code="2708-6")) == 2
    assert len(fhir.search("Observation", partner, patient=patient, code="8867-4,44261-6")) == 4
    assert fhir.search("Observation", partner, patient=patient, code="http://other.example|8867-4") == []
    late = fhir.search(
        "Observation", partner, patient=patient, category="vital-signs", date="ge2026-01-06T16:00:00Z"
    )
    assert sorted(_ids(late)) == [f"{task}.bp.120", f"{task}.hr.120"]
    early = fhir.search(
        "Observation", partner, patient=patient, category="vital-signs", date="lt2026-01-06T15:01:00Z"
    )
    assert sorted(_ids(early)) == [f"{task}.bp.0", f"{task}.hr.0", f"{task}.spo2.0"]
    assert (
        len(fhir.search("Observation", partner, patient=patient, category="vital-signs", date="2026-01-06"))
        == 8
    )
    assert (
        fhir.search("Observation", partner, patient=patient, category="vital-signs", date="2026-01-07") == []
    )
    assert _ids(fhir.search("Observation", partner, _id=f"{task}.hr.40")) == [f"{task}.hr.40"]
    other = f"Patient/{fid(world.patient_b1)}"
    assert fhir.search("Observation", partner, patient=other) == []


def test_observation_pages_run_through_the_scores_then_the_vital_signs(
    fhir: Fhir, client: FlaskClient, world: World, partner: Headers, rows: CareRows
) -> None:
    for instrument, answers in (("phq9", PHQ9_MODERATE), ("gad7", GAD7_MODERATE), ("cssrs", CSSRS_LOW)):
        assert submit(client, partner, world.patient_a1, instrument, answers).status_code == 201
    seen: list[str] = []
    query: dict[str, str] = {"patient": fid(world.patient_a1), "_count": "3"}
    pages = 0
    while True:
        response = fhir.get("Observation", partner, **query)
        assert response.status_code == 200
        bundle = response.get_json()
        entries = [e["resource"]["id"] for e in bundle.get("entry", [])]
        assert len(entries) <= 3
        seen += entries
        pages += 1
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        if "next" not in links:
            break
        query = {k: v[0] for k, v in parse_qs(urlsplit(links["next"]).query).items()}
    assert len(seen) == 3 + 8 and len(set(seen)) == 11 and pages == 4
    assert all("." not in i for i in seen[:3]) and all("." in i for i in seen[3:])


def test_each_part_of_observation_needs_the_scope_of_its_data(
    fhir: Fhir, client: FlaskClient, db: Session, world: World, partner: Headers, rows: CareRows
) -> None:
    assert submit(client, partner, world.patient_a1, "phq9", PHQ9_MODERATE).status_code == 201
    patient, task = fid(world.patient_a1), fid(rows.task)
    screenings = _token(client, db, world, "screenings:read")
    assert all("." not in i for i in _ids(fhir.search("Observation", screenings, patient=patient)))
    assert len(fhir.search("Observation", screenings, patient=patient)) == 1
    response = fhir.get(f"Observation/{task}.bp.0", screenings)
    assert response.status_code == 403 and response.get_json()["resourceType"] == "OperationOutcome"
    plans = _token(client, db, world, "plans:read")
    assert len(fhir.search("Observation", plans, patient=patient)) == 8
    fhir.ok(f"Observation/{task}.bp.0", plans)
    smart = _token(client, db, world, "system/Observation.rs")
    assert len(fhir.search("Observation", smart, patient=patient)) == 9
    patients_only = _token(client, db, world, "patients:read")
    assert fhir.get("Observation", patients_only).status_code == 403
    assert fhir.get("CarePlan", patients_only).status_code == 403


def test_a_session_recorded_through_the_api_is_served(
    fhir: Fhir, client: FlaskClient, db: Session, world: World
) -> None:
    care = Care(client, db, world)
    plan = care.active_plan()
    task = care.tasks(plan["id"], "kind=session")[0]
    body = {
        "administered_at": f"{task['due_on']}T15:00:00Z",
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        "escort_confirmed": True,
        **monitoring(),
        **care.setting(),
    }
    recorded = client.post(
        f"/v1/follow-up-plans/{plan['id']}/sessions/{task['id']}/record", json=body, headers=care.provider
    )
    assert recorded.status_code in (200, 201), recorded.get_json()
    vitals = fhir.search("Observation", care.partner, patient=fid(care.patient_id), category="vital-signs")
    assert len(vitals) == 9  # three readings, each with heart rate and SpO2
    assert {o["performer"][0]["reference"] for o in vitals} == {f"Practitioner/{fid(care.provider_id)}"}
    [care_plan] = fhir.search("CarePlan", care.partner, patient=fid(care.patient_id))
    assert care_plan["id"] == fid(plan["id"]) and care_plan["status"] == "active"
    consents = fhir.search("Consent", care.partner, patient=fid(care.patient_id))
    assert {c["status"] for c in consents} == {"active"}  # telehealth, and ketamine treatment given above
    assert {c["category"][0]["text"] for c in consents} == {
        "Consent to telehealth",
        "Consent to ketamine treatment",
    }


# --- CarePlan ------------------------------------------------------------------------------------------


def test_care_plan_with_a_generated_narrative(
    fhir: Fhir, world: World, partner: Headers, rows: CareRows
) -> None:
    plan = fhir.ok(f"CarePlan/{fid(rows.plan)}", partner)
    assert plan["meta"]["profile"] == [f"{US_CORE}/us-core-careplan"]
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["category"][0]["coding"][0] == {
        "system": "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
        "code": "assess-plan",
    }
    assert plan["period"] == {"start": "2026-01-05", "end": "2026-03-01"}
    assert plan["subject"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    assert plan["text"]["status"] == "generated"
    div = plan["text"]["div"]
    assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml">') and div.endswith("</div>")
    assert "56 mg &lt;then&gt; 84 mg &amp; review" in div and "<then>" not in div
    # Neither validator parses the narrative (docs/fhir.md): an XML parser does, and gets the note back.
    parsed = ElementTree.fromstring(div)
    assert parsed.tag == "{http://www.w3.org/1999/xhtml}div"
    assert "56 mg <then> 84 mg & review" in "".join(parsed.itertext())
    assert "Intranasal esketamine" in div
    assert fhir.get(f"CarePlan/{fid(rows.other_plan)}", partner).status_code == 404


def test_care_plan_searches(fhir: Fhir, world: World, partner: Headers, rows: CareRows) -> None:
    patient, plan = fid(world.patient_a1), fid(rows.plan)
    assert _ids(fhir.search("CarePlan", partner, patient=patient, category="assess-plan")) == [plan]
    assert fhir.search("CarePlan", partner, patient=patient, category="other") == []
    assert _ids(
        fhir.search("CarePlan", partner, patient=patient, category="assess-plan", status="active,on-hold")
    ) == [plan]
    assert fhir.search("CarePlan", partner, patient=patient, status="completed") == []
    assert _ids(fhir.search("CarePlan", partner, patient=patient, date="ge2026-02-01")) == [plan]
    assert fhir.search("CarePlan", partner, patient=patient, date="ge2026-03-02") == []
    assert _ids(fhir.search("CarePlan", partner, patient=patient, date="lt2026-01-06")) == [plan]
    assert fhir.search("CarePlan", partner, patient=patient, date="lt2026-01-05") == []
    assert fhir.search("CarePlan", partner, patient=fid(world.patient_b1)) == []


# --- AdverseEvent and Consent --------------------------------------------------------------------------


def test_adverse_events(fhir: Fhir, world: World, partner: Headers, rows: CareRows) -> None:
    nausea = fhir.ok(f"AdverseEvent/{fid(rows.nausea)}", partner)
    assert nausea["actuality"] == "actual"
    assert nausea["event"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "422587007",
        "display": "Nausea",
    }
    assert nausea["event"]["text"] == "Nausea after the second spray"
    assert nausea["severity"]["coding"][0]["code"] == "mild"
    assert nausea["seriousness"]["coding"][0]["code"] == "non-serious"
    assert nausea["date"] == "2026-01-06T15:20:00Z"
    assert nausea["suspectEntity"] == [{"instance": {"display": "esketamine given at the session"}}]
    serious = fhir.ok(f"AdverseEvent/{fid(rows.serious)}", partner)
    assert serious["seriousness"]["coding"][0]["code"] == "serious"
    assert "severity" not in serious and "suspectEntity" not in serious
    assert serious["event"]["coding"][0]["code"] == "other"  # our code; no SNOMED CT for "other"
    patient = fid(world.patient_a1)
    assert len(fhir.search("AdverseEvent", partner, patient=patient)) == 2
    assert _ids(fhir.search("AdverseEvent", partner, patient=patient, seriousness="serious")) == [
        fid(rows.serious)
    ]
    assert _ids(fhir.search("AdverseEvent", partner, patient=patient, severity="mild")) == [fid(rows.nausea)]
    assert _ids(fhir.search("AdverseEvent", partner, patient=patient, date="ge2026-01-07")) == [
        fid(rows.serious)
    ]
    assert fhir.search("AdverseEvent", partner, patient=fid(world.patient_b1)) == []


def test_consents_are_inactive_once_withdrawn(
    fhir: Fhir, world: World, partner: Headers, rows: CareRows
) -> None:
    telehealth = fhir.ok(f"Consent/{fid(rows.telehealth)}", partner)
    assert telehealth["status"] == "active"
    assert telehealth["scope"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/consentscope",
        "code": "treatment",
    }
    assert telehealth["category"][0]["coding"][0]["code"] == "59284-0"
    assert telehealth["patient"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    assert telehealth["organization"] == [{"reference": f"Organization/{fid(world.partner_a)}"}]
    assert telehealth["dateTime"] == "2026-01-02T09:00:00Z" and telehealth["policy"][0]["uri"]
    assert "end" not in telehealth["provision"]["period"]
    withdrawn = fhir.ok(f"Consent/{fid(rows.withdrawn)}", partner)
    assert withdrawn["status"] == "inactive"
    assert withdrawn["provision"]["period"]["end"] == "2026-01-09T12:00:00Z"
    assert withdrawn["scope"]["coding"][0]["code"] == "patient-privacy"
    patient = fid(world.patient_a1)
    active = _ids(fhir.search("Consent", partner, patient=patient, status="active"))
    assert fid(rows.telehealth) in active and fid(rows.withdrawn) not in active
    assert len(active) == 2  # the world's telehealth consent too
    assert _ids(fhir.search("Consent", partner, patient=patient, status="inactive")) == [fid(rows.withdrawn)]
    assert _ids(fhir.search("Consent", partner, patient=patient, category=f"{LOINC}|64292-6")) == [
        fid(rows.withdrawn)
    ]
    assert fhir.get(f"Consent/{fid(rows.other_consent)}", partner).status_code == 404
    assert fhir.search("Consent", partner, patient=fid(world.patient_b1)) == []


def test_reads_are_audited_as_the_v1_reads_of_their_rows(
    fhir: Fhir, db: Session, world: World, partner: Headers, rows: CareRows
) -> None:
    fhir.ok(f"Observation/{fid(rows.task)}.bp.0", partner)
    fhir.search("Observation", partner, patient=fid(world.patient_a1), category="vital-signs")
    fhir.ok(f"CarePlan/{fid(rows.plan)}", partner)
    fhir.get(f"Consent/{fid(rows.other_consent)}", partner)
    audited = db.scalars(select(AuditEvent).where(AuditEvent.operation.like("%Fhir%"))).all()
    by = {(r.operation, r.status): r for r in audited}
    vital = by[("readFhirObservation", 200)]
    assert vital.resource_id == rows.task and vital.patient_ids == [world.patient_a1]
    assert by[("listFhirObservation", 200)].resource_ids == [rows.task]  # one session, read once
    assert by[("readFhirCarePlan", 200)].resource_id == rows.plan
    assert by[("readFhirConsent", 404)].resource_id == rows.other_consent


def test_the_validators_fail_broken_resources_of_these_types(
    fhir: Fhir, partner: Headers, rows: CareRows
) -> None:
    """Both validators check these resources (the profile's slices, R4's invariants, required elements);
    what neither checks — a vital sign's fixed UCUM code, the narrative's XHTML, a required binding's code —
    the tests above assert themselves (docs/fhir.md, "How it is checked")."""
    from tests.fhir.validators import problems

    bp = fhir.ok(f"Observation/{fid(rows.task)}.bp.0", partner)
    no_diastolic = {**bp, "component": bp["component"][:1]}
    assert any("slice 'diastolic'" in p for p in problems(no_diastolic)), problems(no_diastolic)
    spo2 = fhir.ok(f"Observation/{fid(rows.task)}.spo2.0", partner)
    only_arterial = {**spo2, "code": {"coding": spo2["code"]["coding"][1:]}}
    assert any("slice 'PulseOx'" in p for p in problems(only_arterial))
    consent = fhir.ok(f"Consent/{fid(rows.telehealth)}", partner)
    no_policy = {k: v for k, v in consent.items() if k != "policy"}
    assert any("ppc-1" in p for p in problems(no_policy))
    event = fhir.ok(f"AdverseEvent/{fid(rows.nausea)}", partner)
    no_actuality = {k: v for k, v in event.items() if k != "actuality"}
    assert any(p.startswith("fhir.resources: actuality") for p in problems(no_actuality))
    plan = fhir.ok(f"CarePlan/{fid(rows.plan)}", partner)
    no_subject = {k: v for k, v in plan.items() if k != "subject"}
    assert any("CarePlan.subject" in p for p in problems(no_subject))
