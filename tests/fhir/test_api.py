"""The FHIR API's conventions (api-contract.md, "FHIR R4 read API"): metadata and SMART discovery, ids, read
and search, paging from ISSUER, strict and lenient parameters, OperationOutcome errors, tenancy, scopes
(the /v1
ones and SMART v2), the audit trail — for the directory and Patient; every resource read is validated."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.fhir.registry import SERVED
from api.models import AuditEvent, Patient, PracticeSite
from api.services import accounts
from tests.care import PASSWORD, provider_row
from tests.fhir.conftest import Fhir
from tests.helpers import bearer, cc_token
from tests.world import Creds, World

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"


class _Settings:
    issuer = "http://127.0.0.1:8000"  # the tests' ISSUER (api/config.py default)


def get_settings() -> _Settings:
    return _Settings()


def _client(db: Session, partner: str | None, scope: str) -> Creds:
    row, secret = accounts.create_client(
        db,
        accounts.system_principal(),
        partner,
        name=f"fhir {scope}",
        grant_type="client_credentials",
        scope=scope,
    )
    db.commit()
    return Creds(row.id, secret)


def _token(client: FlaskClient, creds: Creds) -> dict[str, str]:
    return bearer(cc_token(client, creds))


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return _token(client, world.portal_a)


@pytest.fixture
def directory(db: Session) -> dict[str, str]:
    """A provider with a sign-in account and a site, and one without an account."""
    with_account = provider_row(db, "1234567893")
    db.add(PracticeSite(provider_id=with_account, name="Austin Clinic", state="TX", rems_certified=True))
    accounts.create_user(
        db,
        accounts.system_principal(),
        role="provider",
        email="grace@clinic.test",
        password=PASSWORD,
        provider_id=with_account,
    )
    without = provider_row(db, "1245319599")
    db.commit()
    site = db.scalar(select(PracticeSite.id).where(PracticeSite.provider_id == with_account))
    assert site is not None
    return {"provider": with_account, "no_account": without, "site": site}


def fid(our_id: str) -> str:
    return our_id.replace("_", "-")


# --- metadata and discovery
# ------------------------------------------------------------------------------------


def test_metadata_needs_no_token_and_lists_only_what_is_served(fhir: Fhir) -> None:
    statement = fhir.ok("metadata")
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["kind"] == "instance" and statement["implementation"]["url"].endswith("/fhir/R4")
    assert statement["fhirVersion"] == "4.0.1" and statement["format"] == ["json"]
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(resources) == set(SERVED)
    assert "MedicationRequest" not in resources or SERVED.get("MedicationRequest")
    patient = resources["Patient"]
    assert patient["supportedProfile"] == [f"{US_CORE}/us-core-patient"]
    assert [i["code"] for i in patient["interaction"]] == ["read", "search-type"]
    assert {"_id", "identifier", "name", "birthdate", "gender"} <= {p["name"] for p in patient["searchParam"]}


def test_smart_configuration_says_only_what_is_true(client: FlaskClient) -> None:
    response = client.get("/fhir/R4/.well-known/smart-configuration")
    assert response.status_code == 200
    config = response.get_json()
    issuer = get_settings().issuer
    assert config["token_endpoint"] == f"{issuer}/oauth/token"
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert "permission-v2" in config["capabilities"]
    assert not {"launch-ehr", "sso-openid-connect", "context-ehr-patient"} & set(config["capabilities"])
    assert "system/Patient.rs" in config["scopes_supported"] and "patients:read" in config["scopes_supported"]


# --- read and search
# ------------------------------------------------------------------------------------------


def test_patient_read_maps_our_id_and_birth_sex(fhir: Fhir, world: World, partner: dict[str, str]) -> None:
    patient = fhir.ok(f"Patient/{fid(world.patient_a1)}", partner)
    assert patient["id"] == fid(world.patient_a1)
    issuer = get_settings().issuer
    assert {"system": f"{issuer}/fhir/sid/patient", "value": world.patient_a1, "use": "usual"} in patient[
        "identifier"
    ]
    assert patient["gender"] == "female"
    assert patient["extension"] == [{"url": f"{US_CORE}/us-core-birthsex", "valueCode": "F"}]
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"
    assert patient["meta"]["profile"] == [f"{US_CORE}/us-core-patient"]


def test_unknown_sex_is_gender_unknown(
    fhir: Fhir, world: World, db: Session, partner: dict[str, str]
) -> None:
    patient = db.get(Patient, world.patient_a2)
    assert patient is not None
    patient.sex_at_birth = "intersex" if False else "unknown"
    db.commit()
    read = fhir.ok(f"Patient/{fid(world.patient_a2)}", partner)
    assert read["gender"] == "unknown" and read["extension"][0]["valueCode"] == "UNK"


def test_another_tenants_patient_is_404_operation_outcome(
    fhir: Fhir, world: World, partner: dict[str, str]
) -> None:
    response = fhir.get(f"Patient/{fid(world.patient_b1)}", partner)
    assert response.status_code == 404
    assert response.mimetype == "application/fhir+json"
    outcome = response.get_json()
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "not-found"
    searched = fhir.search("Patient", partner, _id=fid(world.patient_b1))
    assert searched == []


def test_patient_searches(fhir: Fhir, world: World, db: Session, partner: dict[str, str]) -> None:
    alice, amir = fid(world.patient_a1), fid(world.patient_a2)
    issuer = get_settings().issuer
    assert {p["id"] for p in fhir.search("Patient", partner)} == {alice, amir}
    assert [p["id"] for p in fhir.search("Patient", partner, _id=alice)] == [alice]
    assert [
        p["id"]
        for p in fhir.search("Patient", partner, identifier=f"{issuer}/fhir/sid/patient|{world.patient_a1}")
    ] == [alice]
    assert [p["id"] for p in fhir.search("Patient", partner, name="ali")] == [alice]
    assert {p["id"] for p in fhir.search("Patient", partner, name="TEST")} == {
        alice,
        amir,
    }  # family, any case
    assert [p["id"] for p in fhir.search("Patient", partner, name="alice", birthdate="1985-06-01")] == [alice]
    assert fhir.search("Patient", partner, name="alice", birthdate="1985-06-02") == []
    assert [p["id"] for p in fhir.search("Patient", partner, name="alice", birthdate="ge1985")] == [alice]
    assert [p["id"] for p in fhir.search("Patient", partner, name="alice", gender="female")] == [alice]
    assert fhir.search("Patient", partner, name="alice", gender="male") == []
    patient = db.get(Patient, world.patient_a1)
    assert patient is not None
    patient.external_id = "MRN-7"
    db.commit()
    assert [p["id"] for p in fhir.search("Patient", partner, identifier="MRN-7")] == [alice]
    assert fhir.search("Patient", partner, identifier="http://other.example/sid|MRN-7") == []


def test_paging_follows_next_links_built_from_the_issuer(
    fhir: Fhir, client: FlaskClient, world: World, db: Session, partner: dict[str, str]
) -> None:
    for i in range(5):
        db.add(
            Patient(
                partner_id=world.partner_a,
                given_name=f"P{i}",
                family_name="Page",
                birth_date=date(1990, 1, 1),
                sex_at_birth="male",
                preferred_language="es",
            )
        )
    db.commit()
    seen: list[str] = []
    response = client.get(
        "/fhir/R4/Patient",
        query_string={"family": "page", "_count": "2"},
        headers={**partner, "Host": "evil.example"},
    )
    bundle = response.get_json()
    while True:
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert links["self"].startswith(get_settings().issuer + "/fhir/R4/Patient?")
        if "next" not in links:
            break
        assert links["next"].startswith(get_settings().issuer + "/fhir/R4/Patient?")
        query = parse_qs(urlsplit(links["next"]).query)
        assert query["_count"] == ["2"] and query["family"] == ["page"]
        bundle = fhir.ok("Patient", partner, **{k: v[0] for k, v in query.items()})
    assert len(seen) == 5 and len(set(seen)) == 5


def test_count_is_at_most_100_and_a_whole_number(fhir: Fhir, partner: dict[str, str]) -> None:
    assert fhir.get("Patient", partner, _count="1000").status_code == 200
    for bad in ("0", "-1", "ten"):
        response = fhir.get("Patient", partner, _count=bad)
        assert response.status_code == 400, bad
        assert response.get_json()["issue"][0]["expression"] == ["_count"]


def test_a_tampered_cursor_is_400(fhir: Fhir, partner: dict[str, str]) -> None:
    response = fhir.get("Patient", partner, _cursor="abc.def")
    assert response.status_code == 400
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_unknown_parameters_are_400_unless_lenient(fhir: Fhir, world: World, partner: dict[str, str]) -> None:
    response = fhir.get("Patient", partner, nmae="alice")
    assert response.status_code == 400
    issue = response.get_json()["issue"][0]
    assert issue["code"] == "not-supported" and issue["expression"] == ["nmae"]
    lenient = fhir.client.get(
        "/fhir/R4/Patient", query_string={"nmae": "x"}, headers={**partner, "Prefer": "handling=lenient"}
    )
    assert lenient.status_code == 200
    assert len(lenient.get_json()["entry"]) == 2
    assert "nmae" not in lenient.get_json()["link"][0]["url"]
    assert fhir.get("Patient", partner, **{"name:exact": "Alice"}).status_code == 400
    assert fhir.get("Patient", partner, birthdate="yesterday").status_code == 400


def test_unknown_type_and_bad_id_are_404(fhir: Fhir, partner: dict[str, str]) -> None:
    assert fhir.get("Medication/abc", partner).status_code == 404
    assert fhir.get("Patient/pat-doesnotexist", partner).status_code == 404
    assert fhir.get("Patient/has_underscore", partner).status_code == 404


# --- tokens and scopes
# ----------------------------------------------------------------------------------------


def test_no_token_is_401_and_a_bad_one_invalid_token(fhir: Fhir, world: World) -> None:
    response = fhir.get(f"Patient/{fid(world.patient_a1)}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="telemedical"'
    assert response.get_json()["issue"][0]["code"] == "login"
    bad = fhir.get("Patient", {"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_a_v1_scope_reads_only_the_resources_of_its_data(
    fhir: Fhir, client: FlaskClient, world: World, directory: dict[str, str]
) -> None:
    readonly = _token(client, world.readonly_a)  # patients:read only
    fhir.ok(f"Patient/{fid(world.patient_a1)}", readonly)
    response = fhir.get(f"Practitioner/{fid(directory['provider'])}", readonly)
    assert response.status_code == 403
    assert response.get_json()["issue"][0]["code"] == "forbidden"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert "providers:read" in response.headers["WWW-Authenticate"]


def test_smart_system_scopes_are_granted_per_type(
    fhir: Fhir, client: FlaskClient, db: Session, world: World, directory: dict[str, str]
) -> None:
    only_patients = _token(client, _client(db, world.partner_a, "system/Patient.rs"))
    fhir.ok(f"Patient/{fid(world.patient_a1)}", only_patients)
    assert fhir.get(f"Practitioner/{fid(directory['provider'])}", only_patients).status_code == 403
    assert (
        fhir.get(f"Patient/{fid(world.patient_b1)}", only_patients).status_code == 404
    )  # still its tenant only
    everything = _token(client, _client(db, world.partner_a, "system/*.rs"))
    fhir.ok(f"Practitioner/{fid(directory['provider'])}", everything)
    assert len(fhir.search("Patient", everything)) == 2
    wrong_context = _token(client, _client(db, world.partner_a, "patient/*.rs"))
    assert fhir.get("Patient", wrong_context).status_code == 403


def test_clients_are_registered_with_smart_scopes_only_from_the_vocabulary(db: Session, world: World) -> None:
    from api.errors import ValidationFailed

    _client(db, world.partner_a, "system/Patient.rs user/*.rs patient/Patient.rs")
    for bad in ("system/Patient.read", "system/Medication.rs", "system/Patient.rsw", "admin/Patient.rs"):
        with pytest.raises(ValidationFailed):
            _client(db, world.partner_a, bad)
        db.rollback()


def test_a_fhir_read_is_audited_as_the_v1_read(
    fhir: Fhir, world: World, db: Session, partner: dict[str, str]
) -> None:
    fhir.ok(f"Patient/{fid(world.patient_a1)}", partner)
    fhir.search("Patient", partner)
    fhir.get(f"Patient/{fid(world.patient_b1)}", partner)
    rows = db.scalars(
        select(AuditEvent).where(AuditEvent.operation.like("%Fhir%")).order_by(AuditEvent.created_at)
    ).all()
    by_operation = {(r.operation, r.status): r for r in rows}
    read = by_operation[("readFhirPatient", 200)]
    assert read.resource_id == world.patient_a1 and read.resource_type == "patient"
    assert read.patient_ids == [world.patient_a1] and read.partner_id == world.partner_a
    listed = by_operation[("listFhirPatient", 200)]
    assert set(listed.resource_ids) == {world.patient_a1, world.patient_a2}
    refused = by_operation[("readFhirPatient", 404)]
    assert refused.resource_id == world.patient_b1


# --- the directory
# --------------------------------------------------------------------------------------------


def test_directory_resources(
    fhir: Fhir, world: World, partner: dict[str, str], directory: dict[str, str]
) -> None:
    provider, site = fid(directory["provider"]), fid(directory["site"])
    practitioner = fhir.ok(f"Practitioner/{provider}", partner)
    assert practitioner["identifier"] == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]
    assert "dea" not in str(practitioner).lower()
    assert [
        p["id"]
        for p in fhir.search("Practitioner", partner, identifier="http://hl7.org/fhir/sid/us-npi|1234567893")
    ] == [provider]
    assert len(fhir.search("Practitioner", partner, name="grace")) == 2
    role = fhir.ok(f"PractitionerRole/{provider}", partner)
    assert role["telecom"] == [{"system": "email", "value": "grace@clinic.test", "use": "work"}]
    assert role["location"][0]["reference"] == f"Location/{site}"
    assert fhir.get(f"PractitionerRole/{fid(directory['no_account'])}", partner).status_code == 404
    assert [
        r["id"] for r in fhir.search("PractitionerRole", partner, practitioner=f"Practitioner/{provider}")
    ] == [provider]
    location = fhir.ok(f"Location/{site}", partner)
    assert location["name"] == "Austin Clinic" and location["address"]["state"] == "TX"
    assert [s["id"] for s in fhir.search("Location", partner, **{"address-state": "TX"})] == [site]
    assert fhir.search("Location", partner, name="Dallas") == []
    organization = fhir.ok(f"Organization/{fid(world.partner_a)}", partner)
    assert organization["name"] == "Partner A"
    assert fhir.get(f"Organization/{fid(world.partner_b)}", partner).status_code == 404
    assert [o["id"] for o in fhir.search("Organization", partner, name="partner")] == [fid(world.partner_a)]
    assert fhir.search("Organization", partner, address="Austin") == []


# --- the validators themselves
# ----------------------------------------------------------------------------------


def test_the_validators_fail_a_broken_resource(fhir: Fhir, world: World, partner: dict[str, str]) -> None:
    from tests.fhir.validators import problems

    patient = fhir.ok(f"Patient/{fid(world.patient_a1)}", partner)
    assert problems(patient) == []
    no_identifier = {k: v for k, v in patient.items() if k != "identifier"}
    found = problems(no_identifier)
    assert any("medplum" in p and "Patient.identifier" in p for p in found), found
    bad_date = {**patient, "birthDate": "1985-13-01"}
    assert any(p.startswith("fhir.resources: birthDate") for p in problems(bad_date))


def test_the_known_validator_error_is_forgiven_only_where_the_rule_holds(
    fhir: Fhir, partner: dict[str, str], directory: dict[str, str]
) -> None:
    from tests.fhir.validators import problems

    role = fhir.ok(f"PractitionerRole/{fid(directory['provider'])}", partner)
    no_contact = {k: v for k, v in role.items() if k != "telecom"}
    assert any("pd-1" in p for p in problems(no_contact))
