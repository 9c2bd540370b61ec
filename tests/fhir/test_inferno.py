"""Checks generated from Inferno's US Core 6.1.0 requirements (tests/fhir/inferno/*.yml, Apache-2.0, from
../shared/fhir/inferno-v6.1.0): for each profile the API serves, every SHALL search answers (finding a
resource it
should find), and every must-support element and extension is present in at least one resource read — or is
declared not mapped (``Served.not_mapped`` in api/fhir/registry.py, each named in docs/fhir.md), and then
is in
none. A profile added to the registry gets these checks from the data, with no test written by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.fhir.registry import SERVED
from api.models import Patient, PracticeSite, ProviderSpecialty
from api.services import accounts
from tests.care import PASSWORD, provider_row
from tests.clinical import CSSRS_LOW, GAD7_MODERATE, PHQ9_MODERATE, submit
from tests.fhir import care_rows
from tests.fhir.conftest import Fhir
from tests.fhir.encounter_rows import arrange
from tests.helpers import bearer, cc_token
from tests.world import World

HERE = Path(__file__).resolve().parent
DOCS = (HERE.parent.parent / "docs" / "fhir.md").read_text()
REQUIREMENTS = {
    path.stem: yaml.safe_load(path.read_text()) for path in sorted((HERE / "inferno").glob("*.yml"))
}
SERVED_PROFILES = {profile: served for served in SERVED.values() for profile in served.profiles}
PROFILES = [
    pytest.param(
        name,
        marks=() if req[":profile_url"] in SERVED_PROFILES else pytest.mark.skip("not served yet"),
        id=name,
    )
    for name, req in REQUIREMENTS.items()
]


@pytest.fixture
def everything(fhir: Fhir, client: FlaskClient, db: Session, world: World) -> tuple[Fhir, dict[str, str]]:
    """Partner A's data of every kind the API serves, and its token."""
    partner = bearer(cc_token(client, world.portal_a))
    provider = provider_row(db, "1234567893")
    site = PracticeSite(provider_id=provider, name="Austin Clinic", state="TX")
    db.add(site)
    db.add(ProviderSpecialty(provider_id=provider, specialty="psychiatry"))
    patient = db.get(Patient, world.patient_a1)
    assert patient is not None
    patient.address_line1, patient.address_city, patient.address_state = "1 Main St", "Austin", "TX"
    patient.address_postal_code, patient.phone = "78701", "+15125550100"
    accounts.create_user(
        db,
        accounts.system_principal(),
        role="provider",
        email="grace@clinic.test",
        password=PASSWORD,
        provider_id=provider,
    )
    db.commit()
    arrange(db, world, provider, provider_row(db, "1245319599"), site.id)  # visits, prescriptions
    for instrument, answers in (("phq9", PHQ9_MODERATE), ("gad7", GAD7_MODERATE), ("cssrs", CSSRS_LOW)):
        assert submit(client, partner, world.patient_a1, instrument, answers).status_code == 201
    care_rows.arrange(db, world, provider)  # plans, session readings, adverse events, consents
    return fhir, partner


def _read_all(fhir: Fhir, partner: dict[str, str], resource_type: str, profile: str) -> list[dict[str, Any]]:
    found = fhir.search(resource_type, partner, _count="100")
    return [r for r in found if profile in r.get("meta", {}).get("profile", [])]


def _values(node: Any, path: list[str]) -> list[Any]:
    """The values at ``path`` (FHIR element names, ``x[x]`` any choice) under ``node``, lists flattened."""
    if not path:
        return [node]
    if isinstance(node, list):
        return [v for item in node for v in _values(item, path)]
    if not isinstance(node, dict):
        return []
    head, rest = path[0], path[1:]
    if head.endswith("[x]"):
        keys = [k for k in node if k.startswith(head[:-3])]
    else:
        keys = [head] if head in node else []
    return [v for k in keys for v in _values(node[k], rest)]


def _present(resources: list[dict[str, Any]], path: str) -> bool:
    if ":" in path:  # a slice's element (``category:VSCat.coding``): checked as the element it slices
        head, _, rest = path.partition(":")
        path = ".".join([head, *rest.split(".")[1:]])
    return any(_values(r, path.split(".")) for r in resources)


@pytest.mark.parametrize("name", PROFILES)
def test_must_support_elements_are_present_or_declared_not_mapped(
    name: str, everything: tuple[Fhir, dict[str, str]]
) -> None:
    fhir, partner = everything
    req = REQUIREMENTS[name]
    served = SERVED_PROFILES[req[":profile_url"]]
    resources = _read_all(fhir, partner, req[":resource"], req[":profile_url"])
    assert resources, f"no {req[':resource']} claiming {req[':profile_url']} was read"
    must = req[":must_supports"]
    wanted = [e[":path"] for e in must[":elements"]] + [f"extension:{e[':url']}" for e in must[":extensions"]]
    missing, stale = [], []
    for element in wanted:
        if element.startswith("extension:"):
            url = element.removeprefix("extension:")
            present = any(x.get("url") == url for r in resources for x in r.get("extension", []))
        else:
            present = _present(resources, element)
        declared = element in served.unmapped(req[":profile_url"])
        if not present and not declared:
            missing.append(element)
        if present and declared:
            stale.append(element)
    assert not missing, f"must-support elements neither sent nor declared not mapped: {missing}"
    assert not stale, f"declared not mapped but sent: {stale}"
    undocumented = [e for e in served.unmapped(req[":profile_url"]) if f"`{e}`" not in DOCS]
    assert not undocumented, f"not named in docs/fhir.md: {undocumented}"


SEARCH_VALUE_PATHS = {  # how Inferno takes a search's value from a resource it read
    "_id": lambda r: r["id"],
    "patient": lambda r: r.get("subject", {}).get("reference"),
    "category": lambda r: r["category"][0]["coding"][0]["code"],
    "code": lambda r: f"{r['code']['coding'][0]['system']}|{r['code']['coding'][0]['code']}",
    "date": lambda r: (r.get("effectiveDateTime") or r.get("period", {}).get("start") or "")[:10],
    "authored": lambda r: r["authoredOn"][:10],
    "intent": lambda r: r["intent"],
    "status": lambda r: r["status"],
    "name": lambda r: r["name"] if isinstance(r["name"], str) else r["name"][0]["family"],
    "identifier": lambda r: f"{r['identifier'][0]['system']}|{r['identifier'][0]['value']}",
    "birthdate": lambda r: r["birthDate"],
    "gender": lambda r: r["gender"],
    "specialty": lambda r: (
        f"{r['specialty'][0]['coding'][0]['system']}|{r['specialty'][0]['coding'][0]['code']}"
    ),
    "practitioner": lambda r: r["practitioner"]["reference"],
    "address": lambda r: (
        r["address"]["state"] if isinstance(r["address"], dict) else r["address"][0]["state"]
    ),
}


@pytest.mark.parametrize("name", PROFILES)
def test_shall_searches_are_answered(name: str, everything: tuple[Fhir, dict[str, str]]) -> None:
    fhir, partner = everything
    req = REQUIREMENTS[name]
    resources = _read_all(fhir, partner, req[":resource"], req[":profile_url"])
    served = SERVED_PROFILES[req[":profile_url"]]
    for search in (s for s in req[":searches"] if s[":expectation"] == "SHALL"):
        names = search[":names"]
        assert set(names) <= set(served.searches), f"{names} not all supported"
        findable = [r for r in resources if all(_try(SEARCH_VALUE_PATHS[n], r) for n in names)]
        if not findable and "address" in names:
            continue  # a partner has no address: the search answers, and finds nothing (docs/fhir.md)
        assert findable, f"no resource to search by {names}"
        target = findable[0]
        params = {n: SEARCH_VALUE_PATHS[n](target) for n in names}
        found = [r["id"] for r in fhir.search(req[":resource"], partner, **params)]
        assert target["id"] in found, (names, params)


def _try(get: Any, resource: dict[str, Any]) -> Any:
    try:
        return get(resource)
    except (KeyError, IndexError, TypeError):
        return None
