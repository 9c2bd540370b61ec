"""Consultations as ServiceRequest (us-core-servicerequest), visits as Encounter (us-core-encounter) and
booked slots as Appointment: the mapping (SNOMED CT reasons, class VR/AMB, the visit recorded before modality
existed), the searches, tenancy, scopes, paging over the visits and the audit trail. Every resource read is
validated by both validators (tests/fhir/conftest.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEvent, PracticeSite
from api.services import accounts
from tests.care import provider_row
from tests.fhir.conftest import Fhir
from tests.fhir.encounter_rows import Arranged, arrange
from tests.helpers import bearer, cc_token
from tests.world import Creds, World

SNOMED = "http://snomed.info/sct"


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def rows(db: Session, world: World) -> Arranged:
    provider = provider_row(db, "1234567893")
    other = provider_row(db, "1245319599")
    site = PracticeSite(provider_id=provider, name="Austin Clinic", state="TX", rems_certified=True)
    db.add(site)
    db.commit()
    return arrange(db, world, provider, other, site.id)


def _token(client: FlaskClient, db: Session, world: World, scope: str) -> dict[str, str]:
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


def ids(resources: list[dict[str, object]]) -> set[str]:
    return {str(r["id"]) for r in resources}


# --- ServiceRequest -----------------------------------------------------------------------------------------


def test_a_consultation_is_a_service_request(
    fhir: Fhir, world: World, partner: dict[str, str], rows: Arranged
) -> None:
    request = fhir.ok(f"ServiceRequest/{fid(rows.completed)}", partner)
    assert request["status"] == "completed" and request["intent"] == "order"
    assert request["category"][0]["coding"][0] == {
        "system": SNOMED,
        "code": "386053000",
        "display": "Evaluation procedure",
    }
    assert request["code"]["coding"][0]["code"] == "11429006"
    assert [(r["coding"][0]["code"], r["text"]) for r in request["reasonCode"]] == [
        ("370143000", "Treatment-resistant depression"),
        ("47505003", "PTSD"),
    ]
    assert request["subject"] == {"reference": f"Patient/{fid(world.patient_a1)}"}
    assert request["requester"] == {"reference": f"Organization/{fid(world.partner_a)}"}
    assert request["performer"][0]["reference"].startswith("Practitioner/prv-")
    assert request["occurrencePeriod"] == {"start": "2026-01-05T15:00:00Z", "end": "2026-01-05T15:45:00Z"}
    scheduled = fhir.ok(f"ServiceRequest/{fid(rows.scheduled)}", partner)
    assert scheduled["status"] == "active"
    assert scheduled["occurrencePeriod"]["start"] == "2026-02-04T15:00:00Z"  # the booked slot


def test_service_request_searches(fhir: Fhir, world: World, partner: dict[str, str], rows: Arranged) -> None:
    alice = f"Patient/{fid(world.patient_a1)}"
    both = {fid(rows.completed), fid(rows.scheduled)}
    assert ids(fhir.search("ServiceRequest", partner, patient=alice)) == both
    assert ids(fhir.search("ServiceRequest", partner, patient=alice, category=f"{SNOMED}|386053000")) == both
    assert fhir.search("ServiceRequest", partner, patient=alice, category="sdoh") == []
    assert ids(fhir.search("ServiceRequest", partner, patient=alice, code=f"{SNOMED}|11429006")) == both
    assert fhir.search("ServiceRequest", partner, patient=alice, code=f"{SNOMED}|185317003") == []
    completed = fhir.search("ServiceRequest", partner, patient=alice, status="completed")
    assert ids(completed) == {fid(rows.completed)}
    authored = completed[0]["authoredOn"]
    found = fhir.search(
        "ServiceRequest", partner, patient=alice, category="386053000", authored=f"ge{authored}"
    )
    assert fid(rows.completed) in ids(found)
    assert fhir.search("ServiceRequest", partner, patient=alice, authored="lt2000-01-01") == []
    assert ids(fhir.search("ServiceRequest", partner, _id=fid(rows.other_tenant))) == set()
    assert fhir.get(f"ServiceRequest/{fid(rows.other_tenant)}", partner).status_code == 404


# --- Encounter ----------------------------------------------------------------------------------------------


def test_visits_are_encounters(fhir: Fhir, world: World, partner: dict[str, str], rows: Arranged) -> None:
    video = fhir.ok(f"Encounter/{fid(rows.video_visit)}", partner)
    assert video["class"]["code"] == "VR" and video["status"] == "finished"
    assert video["type"][0]["coding"][0]["code"] == "11429006"
    assert video["basedOn"] == [{"reference": f"ServiceRequest/{fid(rows.completed)}"}]
    assert video["appointment"] == [{"reference": f"Appointment/{fid(rows.held_appointment)}"}]
    assert video["period"] == {"start": "2026-01-05T15:00:00Z", "end": "2026-01-05T15:40:00Z"}
    assert video["participant"][0]["type"][0]["coding"][0]["code"] == "PPRF"
    assert video["identifier"][0]["value"] == rows.video_visit
    assert video["reasonCode"][0]["coding"][0]["code"] == "370143000"
    in_person = fhir.ok(f"Encounter/{fid(rows.in_person_visit)}", partner)
    assert in_person["class"]["code"] == "AMB"
    assert in_person["type"][0]["coding"][0]["code"] == "390906007"  # a plan's follow-up
    assert in_person["basedOn"] == [{"reference": f"ServiceRequest/{fid(rows.completed)}"}]  # the plan's
    assert in_person["location"] == [{"location": {"reference": f"Location/{fid(str(rows.site))}"}}]
    assert [p["type"][0]["coding"][0]["code"] for p in in_person["participant"]] == ["PPRF", "PART"]
    assert "appointment" not in in_person


def test_a_visit_recorded_before_modality_existed_is_a_virtual_encounter(
    fhir: Fhir, world: World, partner: dict[str, str], rows: Arranged
) -> None:
    encounter = fhir.ok(f"Encounter/{fid(rows.unrecorded)}", partner)
    assert encounter["class"]["code"] == "VR" and encounter["status"] == "finished"
    assert encounter["subject"] == {"reference": f"Patient/{fid(world.patient_a2)}"}
    assert encounter["basedOn"] == [{"reference": f"ServiceRequest/{fid(rows.unrecorded)}"}]
    assert encounter["period"]["start"] == "2025-11-06T15:00:00Z"


def test_encounter_searches(fhir: Fhir, world: World, partner: dict[str, str], rows: Arranged) -> None:
    alice = f"Patient/{fid(world.patient_a1)}"
    visits = {fid(rows.video_visit), fid(rows.in_person_visit)}
    # A booked consultation not yet started is no Encounter (it is an Appointment).
    assert ids(fhir.search("Encounter", partner, patient=alice)) == visits
    assert ids(fhir.search("Encounter", partner)) == visits | {fid(rows.unrecorded)}
    assert ids(fhir.search("Encounter", partner, patient=alice, date="2026-01-05")) == {fid(rows.video_visit)}
    assert ids(fhir.search("Encounter", partner, patient=alice, date="ge2026-01-06")) == {
        fid(rows.in_person_visit)
    }
    assert ids(fhir.search("Encounter", partner, **{"class": "AMB"})) == {fid(rows.in_person_visit)}
    assert ids(fhir.search("Encounter", partner, **{"class": "VR"})) == {
        fid(rows.video_visit),
        fid(rows.unrecorded),
    }
    assert ids(fhir.search("Encounter", partner, patient=alice, type=f"{SNOMED}|390906007")) == {
        fid(rows.in_person_visit)
    }
    assert ids(fhir.search("Encounter", partner, status="in-progress")) == set()
    identifier = fhir.ok(f"Encounter/{fid(rows.video_visit)}", partner)["identifier"][0]
    found = fhir.search("Encounter", partner, identifier=f"{identifier['system']}|{identifier['value']}")
    assert ids(found) == {fid(rows.video_visit)}
    assert fhir.get(f"Encounter/{fid(rows.other_tenant_visit)}", partner).status_code == 404
    assert fhir.search("Encounter", partner, _id=fid(rows.other_tenant_visit)) == []


def test_encounters_page_over_visits_and_unrecorded_consultations(
    fhir: Fhir, partner: dict[str, str], rows: Arranged
) -> None:
    seen: list[str] = []
    bundle = fhir.ok("Encounter", partner, _count="1")
    while True:
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        if "next" not in links:
            break
        query = parse_qs(urlsplit(links["next"]).query)
        bundle = fhir.ok("Encounter", partner, **{k: v[0] for k, v in query.items()})
    assert sorted(seen) == sorted([fid(rows.video_visit), fid(rows.in_person_visit), fid(rows.unrecorded)])


# --- Appointment --------------------------------------------------------------------------------------------


def test_booked_slots_are_appointments(
    fhir: Fhir, client: FlaskClient, world: World, partner: dict[str, str], rows: Arranged
) -> None:
    booked = fhir.ok(f"Appointment/{fid(rows.booked_appointment)}", partner)
    assert booked["status"] == "booked"
    assert booked["start"] == "2026-02-04T15:00:00Z" and booked["end"] == "2026-02-04T15:45:00Z"
    actors = [p["actor"]["reference"] for p in booked["participant"]]
    assert actors[0] == f"Patient/{fid(world.patient_a1)}" and actors[1].startswith("Practitioner/")
    assert booked["basedOn"] == [{"reference": f"ServiceRequest/{fid(rows.scheduled)}"}]
    response = client.get(f"/fhir/R4/Appointment/{fid(rows.booked_appointment)}", headers=partner)
    assert b"secret-token" not in response.get_data()  # never the video link
    held = fhir.ok(f"Appointment/{fid(rows.held_appointment)}", partner)
    assert held["status"] == "fulfilled"
    alice = f"Patient/{fid(world.patient_a1)}"
    both = {fid(rows.booked_appointment), fid(rows.held_appointment)}
    assert ids(fhir.search("Appointment", partner, patient=alice)) == both
    assert ids(fhir.search("Appointment", partner, patient=alice, status="booked")) == {
        fid(rows.booked_appointment)
    }
    assert ids(fhir.search("Appointment", partner, date="ge2026-02-01")) == {fid(rows.booked_appointment)}
    practitioner = actors[1]
    assert ids(fhir.search("Appointment", partner, practitioner=practitioner)) == both
    assert fhir.search("Appointment", partner, patient=f"Patient/{fid(world.patient_b1)}") == []


# --- scopes and the audit trail -----------------------------------------------------------------------------


def test_consultations_read_is_needed_and_smart_scopes_name_the_type(
    fhir: Fhir, client: FlaskClient, db: Session, world: World, rows: Arranged
) -> None:
    readonly = bearer(cc_token(client, world.readonly_a))  # patients:read
    for path in (
        f"ServiceRequest/{fid(rows.completed)}",
        f"Encounter/{fid(rows.video_visit)}",
        f"Appointment/{fid(rows.held_appointment)}",
    ):
        assert fhir.get(path, readonly).status_code == 403, path
    consultations = _token(client, db, world, "consultations:read")
    fhir.ok(f"Encounter/{fid(rows.video_visit)}", consultations)
    assert fhir.get(f"MedicationRequest/{fid(rows.esketamine)}", consultations).status_code == 403
    encounters_only = _token(client, db, world, "system/Encounter.rs")
    fhir.ok(f"Encounter/{fid(rows.video_visit)}", encounters_only)
    assert fhir.get(f"ServiceRequest/{fid(rows.completed)}", encounters_only).status_code == 403


def test_reads_are_audited_as_the_v1_reads_of_the_same_data(
    fhir: Fhir, db: Session, world: World, partner: dict[str, str], rows: Arranged
) -> None:
    fhir.ok(f"Encounter/{fid(rows.video_visit)}", partner)
    fhir.ok(f"ServiceRequest/{fid(rows.completed)}", partner)
    fhir.search("Appointment", partner, patient=f"Patient/{fid(world.patient_a1)}")
    audited = {
        r.operation: r
        for r in db.scalars(select(AuditEvent).where(AuditEvent.operation.like("%Fhir%"))).all()
        if r.status == 200
    }
    visit = audited["readFhirEncounter"]
    assert (visit.resource_type, visit.resource_id) == ("visit", rows.video_visit)
    assert visit.patient_ids == [world.patient_a1] and visit.partner_id == world.partner_a
    consultation = audited["readFhirServiceRequest"]
    assert (consultation.resource_type, consultation.resource_id) == ("consultation", rows.completed)
    listed = audited["listFhirAppointment"]
    assert set(listed.resource_ids) == {rows.booked_appointment, rows.held_appointment}
    assert listed.resource_type == "appointment" and listed.patient_ids == [world.patient_a1]


def test_the_profile_validator_checks_the_new_profiles(
    fhir: Fhir, partner: dict[str, str], rows: Arranged
) -> None:
    from tests.fhir.validators import problems

    broken = {
        f"Encounter/{fid(rows.video_visit)}": ("type", "Encounter.type"),
        f"ServiceRequest/{fid(rows.completed)}": ("code", "ServiceRequest.code"),
        f"MedicationRequest/{fid(rows.esketamine)}": ("requester", "us-core-21"),
    }
    for path, (element, finding) in broken.items():
        resource = fhir.ok(path, partner)
        assert problems(resource) == []
        found = problems({k: v for k, v in resource.items() if k != element})
        assert any("medplum" in p and finding in p for p in found), (path, found)
