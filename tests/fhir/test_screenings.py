"""Screenings as FHIR: a QuestionnaireResponse per screening pointing at the served Questionnaire of its
instrument, and an Observation (us-core-observation-screening-assessment, category survey) of its score with
the LOINC code of the total or the C-SSRS risk level, derived from the response. Every resource is
validated."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.clinical import CSSRS_LOW, GAD7_MODERATE, PHQ9_MODERATE, submit
from tests.fhir.conftest import Fhir
from tests.helpers import bearer, cc_token
from tests.world import World


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def screenings(client: FlaskClient, world: World, partner: dict[str, str]) -> dict[str, str]:
    made = {}
    for instrument, answers, at in (
        ("phq9", PHQ9_MODERATE, "2026-01-05T10:00:00Z"),
        ("gad7", GAD7_MODERATE, "2026-01-06T10:00:00Z"),
        ("cssrs", CSSRS_LOW, "2026-01-07T10:00:00Z"),
    ):
        response = submit(client, partner, world.patient_a1, instrument, answers, completed_at=at)
        assert response.status_code == 201, response.get_json()
        made[instrument] = response.get_json()["id"]
    return made


def test_screening_observations(
    fhir: Fhir, world: World, partner: dict[str, str], screenings: dict[str, str]
) -> None:
    phq9 = fhir.ok(f"Observation/{fid(screenings['phq9'])}", partner)
    assert phq9["code"]["coding"] == [{"system": "http://loinc.org", "code": "44261-6"}]
    assert phq9["valueQuantity"]["value"] == 10 and phq9["valueQuantity"]["code"] == "{score}"
    assert phq9["category"][0]["coding"][0]["code"] == "survey"
    assert phq9["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{fid(screenings['phq9'])}"}]
    assert phq9["subject"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    cssrs = fhir.ok(f"Observation/{fid(screenings['cssrs'])}", partner)
    assert cssrs["code"]["coding"][0]["code"] == "93374-7" and "valueCodeableConcept" in cssrs
    patient = f"Patient/{fid(world.patient_a1)}"
    assert len(fhir.search("Observation", partner, patient=patient, category="survey")) == 3
    assert fhir.search("Observation", partner, patient=patient, category="vital-signs") == []
    by_code = fhir.search("Observation", partner, patient=patient, code="http://loinc.org|70274-6")
    assert [o["id"] for o in by_code] == [fid(screenings["gad7"])]
    dated = fhir.search("Observation", partner, patient=patient, category="survey", date="ge2026-01-06")
    assert {o["id"] for o in dated} == {fid(screenings["gad7"]), fid(screenings["cssrs"])}
    assert fhir.search("Observation", partner, patient=f"Patient/{fid(world.patient_b1)}") == []


def test_questionnaire_responses_point_at_served_questionnaires(
    fhir: Fhir, world: World, partner: dict[str, str], screenings: dict[str, str]
) -> None:
    response = fhir.ok(f"QuestionnaireResponse/{fid(screenings['phq9'])}", partner)
    assert response["status"] == "completed"
    assert [i["answer"][0]["valueInteger"] for i in response["item"]] == PHQ9_MODERATE
    questionnaire_url = response["questionnaire"]
    assert questionnaire_url.endswith("/fhir/R4/Questionnaire/phq9")
    questionnaire = fhir.ok("Questionnaire/phq9", partner)
    assert questionnaire["url"] == questionnaire_url
    assert questionnaire["item"][8]["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    assert [q["id"] for q in fhir.search("Questionnaire", partner, url=questionnaire_url)] == ["phq9"]
    assert {q["id"] for q in fhir.search("Questionnaire", partner)} == {"phq9", "gad7", "pcl5", "cssrs"}
    assert fhir.get("Questionnaire/ketamine_intake", partner).status_code == 404
    cssrs = fhir.ok(f"QuestionnaireResponse/{fid(screenings['cssrs'])}", partner)
    assert {i["linkId"]: i["answer"][0]["valueBoolean"] for i in cssrs["item"]} == CSSRS_LOW
    patient = f"Patient/{fid(world.patient_a1)}"
    assert len(fhir.search("QuestionnaireResponse", partner, patient=patient)) == 3


def test_a_patient_token_reads_only_its_own_screenings(
    fhir: Fhir, client: FlaskClient, world: World, partner: dict[str, str], screenings: dict[str, str]
) -> None:
    readonly = bearer(cc_token(client, world.readonly_a))  # patients:read: no screenings
    assert fhir.get(f"Observation/{fid(screenings['phq9'])}", readonly).status_code == 403
    other_tenant = bearer(cc_token(client, world.portal_b))
    assert fhir.get(f"Observation/{fid(screenings['phq9'])}", other_tenant).status_code == 404
    assert fhir.get(f"QuestionnaireResponse/{fid(screenings['phq9'])}", other_tenant).status_code == 404
