"""A FHIR client nobody here wrote (``fhirpy``) against a live server (``telemedical run``, the live-server
fixtures of tests/concurrency): a partner's client-credentials token, a Patient read, a search paged through
by the client following the Bundle ``next`` links, every mapped type of the tenant's patients read, and
another tenant's resource 404 through the client. Every resource the client gets passes both validators."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import requests
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import ResourceNotFound
from sqlalchemy.orm import Session

from api.models import Patient
from tests.care import provider_row
from tests.clinical import GAD7_MODERATE, PHQ9_MODERATE
from tests.concurrency.conftest import (  # the live server, reused
    arrange,
    live_database_url,
    live_engine,
    live_server,
    live_token,
)
from tests.concurrency.server import REQUEST_TIMEOUT, LiveServer
from tests.fhir import care_rows
from tests.fhir.validators import assert_valid
from tests.world import build_world

__all__ = ["arrange", "live_database_url", "live_engine", "live_server"]  # fixtures, used by name


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


def submit_live(server: LiveServer, token: str, patient_id: str, instrument: str, answers: Any) -> None:
    response = requests.post(
        server.url("/v1/screenings"),
        json={
            "patient_id": patient_id,
            "instrument": instrument,
            "answers": answers,
            "completed_at": "2026-01-05T10:00:00Z",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 201, response.text


def _plain(resource: Any) -> dict[str, Any]:
    body: dict[str, Any] = resource.serialize()
    assert_valid(body)
    return body


def test_a_fhir_client_reads_and_pages_through_the_tenants_data(
    live_server: LiveServer, arrange: Session
) -> None:
    world = build_world(arrange)
    rows = care_rows.arrange(arrange, world, provider_row(arrange, "1234567893"))
    for n in range(5):  # enough patients for three pages of two
        arrange.add(
            Patient(
                partner_id=world.partner_a,
                given_name=f"Paged{n}",
                family_name="Client",
                birth_date=date(1990, 1, 1),
                sex_at_birth="male",
                preferred_language="en",
            )
        )
    arrange.commit()
    token = live_token(live_server, world.portal_a)
    client = SyncFHIRClient(live_server.url("/fhir/R4"), authorization=f"Bearer {token}")

    alice = _plain(client.reference("Patient", fid(world.patient_a1)).to_resource())
    assert alice["id"] == fid(world.patient_a1) and alice["name"][0]["family"] == "Test"

    # fhirpy iterates every page, following each Bundle's next link (built from ISSUER, the live server).
    paged = [_plain(p) for p in client.resources("Patient").search(family="client").limit(2)]
    assert len(paged) == 5 and len({p["id"] for p in paged}) == 5
    assert len(client.resources("Patient").search(family="client").limit(2).fetch()) == 2  # one page: two
    everyone = client.resources("Patient").limit(3).fetch_all()
    assert {p.id for p in everyone} >= {fid(world.patient_a1), fid(world.patient_a2)}
    assert fid(world.patient_b1) not in {p.id for p in everyone}

    # Every mapped type of the tenant's patients, through the client.
    patient = f"Patient/{fid(world.patient_a1)}"
    for instrument, answers in (("phq9", PHQ9_MODERATE), ("gad7", GAD7_MODERATE)):
        submit_live(live_server, token, world.patient_a1, instrument, answers)
    observations = [_plain(o) for o in client.resources("Observation").search(patient=patient).limit(4)]
    categories = [o["category"][0]["coding"][0]["code"] for o in observations]
    assert categories.count("survey") == 2 and categories.count("vital-signs") == 8
    responses = client.resources("QuestionnaireResponse").search(patient=patient).fetch_all()
    assert len([_plain(r) for r in responses]) == 2
    _plain(client.reference("Questionnaire", "phq9").to_resource())
    [plan] = [_plain(p) for p in client.resources("CarePlan").search(patient=patient, category="assess-plan")]
    assert plan["id"] == fid(rows.plan)
    events = [_plain(e) for e in client.resources("AdverseEvent").search(patient=patient).fetch_all()]
    assert {e["id"] for e in events} == {fid(rows.nausea), fid(rows.serious)}
    consents = [_plain(c) for c in client.resources("Consent").search(patient=patient).fetch_all()]
    assert {c["status"] for c in consents} == {"active", "inactive"}
    bp = _plain(client.reference("Observation", f"{fid(rows.task)}.bp.40").to_resource())
    assert bp["component"][0]["valueQuantity"]["value"] == 138
    organization = _plain(client.reference("Organization", fid(world.partner_a)).to_resource())
    assert organization["name"] == "Partner A"

    # Another tenant's: not found, through the client.
    for resource_type, other in (
        ("Patient", world.patient_b1),
        ("CarePlan", rows.other_plan),
        ("Consent", rows.other_consent),
        ("Observation", f"{rows.other_task}.bp.0"),
    ):
        with pytest.raises(ResourceNotFound):
            client.reference(resource_type, fid(other)).to_resource()
    assert client.resources("Patient").search(_id=fid(world.patient_b1)).fetch() == []
