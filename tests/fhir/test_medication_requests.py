"""Prescriptions as MedicationRequest (us-core-medicationrequest): one issued and cancelled through /v1, read
through /fhir/R4 (intent order, reported false, status as of now, the visit it follows as its encounter,
dosage and dispense request, RxNorm for Spravato), the SHALL searches (patient + intent [+ status]) and the
others, tenancy and the plans:read scope. Every resource read is validated by both validators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.db import utcnow
from api.models import PracticeSite, Prescription
from tests.care import provider_row
from tests.fhir.conftest import Fhir
from tests.fhir.encounter_rows import Arranged, arrange
from tests.helpers import bearer, cc_token
from tests.prescribing import Prescribing, rules_file
from tests.world import World

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


@pytest.fixture
def in_force(
    client: FlaskClient, db: Session, world: World, make_app: Callable[..., Flask], tmp_path: Path
) -> Prescribing:
    """The prescribing world through an app whose telemedicine flexibilities run a year past today."""
    until = utcnow().date() + timedelta(days=365)
    rx = Prescribing(client, db, world)
    return rx.on(make_app(telemedicine_rules_file=rules_file(tmp_path, flexibilities_until=until)))


def test_a_prescription_issued_and_cancelled_through_v1(in_force: Prescribing, world: World) -> None:
    rx = in_force
    fhir = Fhir(rx.client)
    issued = rx.prescription()
    request = fhir.ok(f"MedicationRequest/{fid(issued['id'])}", rx.partner)
    assert request["meta"]["profile"] == [f"{US_CORE}/us-core-medicationrequest"]
    assert request["status"] == "active" and request["intent"] == "order"
    assert request["reportedBoolean"] is False
    assert request["category"][0]["coding"][0]["code"] == "community"  # dispensed by a pharmacy
    assert request["medicationCodeableConcept"] == {"text": "ketamine (oral)"}  # compounded: no RxNorm drug
    assert request["subject"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    assert request["requester"] == {"reference": f"Practitioner/{fid(rx.provider_id)}"}
    assert request["encounter"] == {"reference": f"Encounter/{fid(issued['visit_id'])}"}
    assert request["authoredOn"] == issued["issued_at"].replace("+00:00", "Z")[:19] + "Z"
    dosage = request["dosageInstruction"][0]
    assert dosage["text"] == "100 mg ketamine by mouth, dispensed by the pharmacy"
    assert dosage["route"]["coding"][0]["code"] == "26643006"
    assert dosage["doseAndRate"][0]["doseQuantity"] == {
        "value": 100,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    dispense = request["dispenseRequest"]
    assert dispense["numberOfRepeatsAllowed"] == 1 and dispense["quantity"] == {"value": 8}
    assert dispense["expectedSupplyDuration"]["value"] == 28
    assert dispense["validityPeriod"]["end"][:10] == issued["active_until"][:10]
    assert [r["coding"][0]["code"] for r in request["reasonCode"]] == ["370143000", "47505003"]
    encounter = fhir.ok(f"Encounter/{fid(issued['visit_id'])}", rx.partner)  # the visit it follows
    assert encounter["type"][0]["coding"][0]["code"] == "390906007"
    # Whose data: the patient and the plan's provider read it; another patient, another provider do not.
    for reader in (rx.patient, rx.provider):
        fhir.ok(f"MedicationRequest/{fid(issued['id'])}", reader)
        fhir.ok(f"Encounter/{fid(issued['visit_id'])}", reader)
    for stranger in (rx.other_patient, rx.other_provider):
        assert fhir.get(f"MedicationRequest/{fid(issued['id'])}", stranger).status_code == 404
        assert fhir.get(f"Encounter/{fid(issued['visit_id'])}", stranger).status_code == 404
    assert fhir.search("MedicationRequest", rx.other_patient) == []
    url = f"/v1/follow-up-plans/{rx.plan['id']}/prescriptions/{issued['id']}"
    etag = rx.client.get(url, headers=rx.provider).headers["ETag"]
    cancelled = rx.client.post(
        f"{url}/cancel", json={"reason": "Wrong pharmacy."}, headers={**rx.provider, "If-Match": etag}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    request = fhir.ok(f"MedicationRequest/{fid(issued['id'])}", rx.partner)
    assert request["status"] == "cancelled" and request["statusReason"] == {"text": "Wrong pharmacy."}
    assert fhir.get(f"MedicationRequest/{fid(issued['id'])}", rx.partner_b).status_code == 404
    statement = fhir.ok("metadata")
    listed = {r["type"]: r for r in statement["rest"][0]["resource"]}["MedicationRequest"]
    assert listed["supportedProfile"] == [f"{US_CORE}/us-core-medicationrequest"]


@pytest.fixture
def rows(db: Session, world: World) -> Arranged:
    provider = provider_row(db, "1234567893")
    other = provider_row(db, "1245319599")
    site = PracticeSite(provider_id=provider, name="Austin Clinic", state="TX", rems_certified=True)
    db.add(site)
    db.commit()
    return arrange(db, world, provider, other, site.id)


def test_spravato_and_the_searches(
    fhir: Fhir, client: FlaskClient, db: Session, world: World, rows: Arranged
) -> None:
    partner = bearer(cc_token(client, world.portal_a))
    esketamine = fhir.ok(f"MedicationRequest/{fid(rows.esketamine)}", partner)
    assert esketamine["medicationCodeableConcept"]["coding"] == [
        {"system": RXNORM, "code": "2201623", "display": "esketamine Nasal Spray"},
        {"system": RXNORM, "code": "2201625", "display": "esketamine Nasal Spray [Spravato]"},
    ]
    assert esketamine["category"][0]["coding"][0]["code"] == "outpatient"  # administered at the clinic
    assert esketamine["dosageInstruction"][0]["route"]["coding"][0]["code"] == "46713006"
    assert esketamine["dosageInstruction"][0]["text"] == (
        "56 mg esketamine intranasally, administered at the clinic under supervision"
    )
    alice = f"Patient/{fid(world.patient_a1)}"
    both = {fid(rows.esketamine), fid(rows.cancelled)}

    def found(**params: str) -> set[str]:
        return {r["id"] for r in fhir.search("MedicationRequest", partner, **params)}

    assert found(patient=alice, intent="order") == both
    assert found(patient=alice, intent="proposal,plan") == set()
    assert found(patient=alice, intent="order", status="active") == {fid(rows.esketamine)}
    assert found(patient=alice, intent="order", status="active,cancelled") == both
    assert found(patient=alice, intent="order", encounter=f"Encounter/{fid(rows.in_person_visit)}") == both
    assert found(patient=alice, intent="order", authoredon="ge2026-01-12") == both
    assert found(patient=alice, intent="order", authoredon="lt2026-01-12") == set()
    assert found(patient=f"Patient/{fid(world.patient_b1)}", intent="order") == set()
    # An expired prescription can no longer be filled: its order is over.
    row = db.get(Prescription, rows.esketamine)
    assert row is not None
    row.active_until = utcnow() - timedelta(days=1)
    db.commit()
    assert fhir.ok(f"MedicationRequest/{fid(rows.esketamine)}", partner)["status"] == "completed"
    assert found(patient=alice, intent="order", status="completed") == {fid(rows.esketamine)}
    assert found(patient=alice, intent="order", status="active") == set()
    consultations_only = bearer(cc_token(client, world.readonly_a))
    assert fhir.get(f"MedicationRequest/{fid(rows.esketamine)}", consultations_only).status_code == 403
