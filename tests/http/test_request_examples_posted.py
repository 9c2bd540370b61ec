"""The request examples of the committed spec, sent as a partner would copy them from the docs: those that
need no earlier object (or only the ids the previous steps returned) are accepted as they stand.
tests/unit/test_request_examples.py checks every example against its schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.helpers import bearer, cc_token
from tests.world import World

SPEC = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "v1.json").read_text())


def example(operation_id: str, **ids: str) -> dict[str, Any]:
    """The first example of the operation's request body, with the ids of this test's objects put in."""
    for item in SPEC["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                examples = operation["requestBody"]["content"]["application/json"]["examples"]
                value: dict[str, Any] = next(iter(examples.values()))["value"]
                return {**value, **{k: v for k, v in ids.items() if k in value}}
    raise AssertionError(f"no operation {operation_id}")


def test_a_partners_first_calls_accept_the_examples_as_written(client: FlaskClient, world: World) -> None:
    partner = bearer(cc_token(client, world.portal_a))
    created = client.post("/v1/patients", json=example("createPatient"), headers=partner)
    assert created.status_code == 201, created.get_json()
    patient = created.get_json()
    assert patient["email"] == "jordan@example.com" and patient["address"]["state"] == "NY"
    path = f"/v1/patients/{patient['id']}"
    consent = client.post(f"{path}/consents", json=example("createConsent"), headers=partner)
    assert consent.status_code == 201, consent.get_json()
    for kind in ("ketamine_treatment", "data_sharing"):
        other = {**example("createConsent"), "type": kind}
        assert client.post(f"{path}/consents", json=other, headers=partner).status_code == 201
    consultation = client.post(
        "/v1/consultations", json=example("createConsultation", patient_id=patient["id"]), headers=partner
    )
    assert consultation.status_code == 201, consultation.get_json()
    etag = client.get(path, headers=partner).headers["ETag"]
    updated = client.patch(path, json=example("updatePatient"), headers={**partner, "If-Match": etag})
    assert updated.status_code == 200, updated.get_json()
    endpoint = client.post("/v1/webhook-endpoints", json=example("createWebhookEndpoint"), headers=partner)
    assert endpoint.status_code == 201, endpoint.get_json()


def test_the_platforms_examples_are_accepted_as_written(client: FlaskClient, admin: dict[str, str]) -> None:
    partner = client.post("/v1/partners", json=example("createPartner"), headers=admin)
    assert partner.status_code == 201, partner.get_json()
    provider = client.post("/v1/providers", json=example("createProvider"), headers=admin)
    assert provider.status_code == 201, provider.get_json()
    availability = client.put(
        f"/v1/providers/{provider.get_json()['id']}/availability",
        json=example("setProviderAvailability"),
        headers=admin,
    )
    assert availability.status_code == 200, availability.get_json()
