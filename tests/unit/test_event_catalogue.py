"""The event catalogue (api/domain/event_catalogue.py) and what is made from it: the committed spec's
``webhooks`` section with a typed payload per event type, ``WebhookEvent``, and ``EventData``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from api.domain.event_catalogue import CATALOGUE, FactKind, UndeclaredEventFacts, check_facts
from api.domain.webhooks import EventType, payload
from api.http.webhook_spec import HEADERS, schema_name
from api.schemas.webhooks import EventDataSchema

SPEC = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "v1.json").read_text())
SCHEMAS = SPEC["components"]["schemas"]
TYPES = [pytest.param(event_type, id=event_type.value) for event_type in EventType]


def validator(name: str) -> Any:
    return jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/components/schemas/{name}",
            "components": SPEC["components"],
        },
        validate_formats=True,
    )


def test_every_event_type_is_in_the_catalogue_and_has_a_webhook_entry() -> None:
    assert set(CATALOGUE) == set(EventType)
    assert set(SPEC["webhooks"]) == {event_type.value for event_type in EventType}


@pytest.mark.parametrize("event_type", TYPES)
def test_each_webhook_is_a_signed_post_of_its_named_payload(event_type: EventType) -> None:
    post = SPEC["webhooks"][event_type.value]["post"]
    name = schema_name(event_type)
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{name}"
    }
    headers = [SPEC["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] for p in post["parameters"]]
    assert {(h["in"], h["name"], h["required"]) for h in headers} == {
        ("header", "webhook-id", True),
        ("header", "webhook-timestamp", True),
        ("header", "webhook-signature", True),
    }
    assert set(HEADERS) == {"WEBHOOK_ID", "WEBHOOK_TIMESTAMP", "WEBHOOK_SIGNATURE"}
    assert post["operationId"] and post["summary"] == event_type.value and post["security"] == []


@pytest.mark.parametrize("event_type", TYPES)
def test_each_payload_types_what_the_catalogue_declares(event_type: EventType) -> None:
    spec = CATALOGUE[event_type]
    schema = SCHEMAS[schema_name(event_type)]
    assert schema["properties"]["type"] == {"type": "string", "const": event_type.value}
    data = schema["properties"]["data"]
    assert data["properties"]["object"]["const"] == spec.object
    assert set(data["properties"]) == {"id", "object"} | spec.fact_names()
    assert set(data["required"]) == {"id", "object"} | spec.required_names()
    assert "additionalProperties" not in data  # new members may be added within v1: receivers ignore them
    (example,) = schema["examples"]
    assert not list(validator(schema_name(event_type)).iter_errors(example))
    assert not list(validator("WebhookEvent").iter_errors(example))


def test_the_union_is_discriminated_by_type_over_every_payload() -> None:
    union = SCHEMAS["WebhookEvent"]
    mapping = union["discriminator"]["mapping"]
    assert union["discriminator"]["propertyName"] == "type"
    assert mapping == {t.value: f"#/components/schemas/{schema_name(t)}" for t in EventType}
    assert sorted(v["$ref"] for v in union["oneOf"]) == sorted(mapping.values())


def test_a_payload_breaking_its_type_is_refused() -> None:
    """The checks above can fail: a wrong status, a missing fact, a wrong object or an unknown type."""
    good = SCHEMAS["ConsultationStatusChangedEvent"]["examples"][0]
    union = validator("WebhookEvent")
    assert union.is_valid(good)
    for broken in (
        {**good, "data": {**good["data"], "status": "teleported"}},
        {**good, "data": {k: v for k, v in good["data"].items() if k != "previous_status"}},
        {**good, "data": {**good["data"], "object": "screening"}},
        {**good, "type": "consultation.exploded"},
        {k: v for k, v in good.items() if k != "timestamp"},
    ):
        assert not union.is_valid(broken), broken


def test_what_the_server_posts_for_each_type_is_its_typed_payload() -> None:
    """``api.domain.webhooks.payload`` (the body of every delivery), with each type's declared facts."""
    from datetime import UTC, datetime

    union = validator("WebhookEvent")
    for event_type in EventType:
        example = SCHEMAS[schema_name(event_type)]["examples"][0]
        body = json.loads(payload(event_type.value, datetime(2026, 12, 5, 9, tzinfo=UTC), example["data"]))
        errors = [e.message for e in union.iter_errors(body)]
        assert not errors, (event_type, errors)


def test_the_outbox_refuses_facts_the_catalogue_does_not_declare() -> None:
    check_facts(EventType.CONSULTATION_CREATED, ["status"])
    check_facts(EventType.SCREENING_RISK_FLAGGED, ["instrument", "consultation_id", "risk_level"])
    check_facts(EventType.SCREENING_RISK_FLAGGED, ["instrument", "consultation_id", "risk_level", "plan_id"])
    check_facts(EventType.WEBHOOK_TEST, [])
    with pytest.raises(UndeclaredEventFacts, match=r"undeclared \['patient_name'\]"):
        check_facts(EventType.CONSULTATION_CREATED, ["status", "patient_name"])
    with pytest.raises(UndeclaredEventFacts, match=r"missing \['previous_status'\]"):
        check_facts(EventType.CONSULTATION_STATUS_CHANGED, ["status"])


def test_event_data_of_the_events_list_carries_every_declared_fact() -> None:
    declared = {fact.name for spec in CATALOGUE.values() for fact in spec.facts}
    assert set(EventDataSchema().fields) == {"id", "object"} | declared
    assert set(SCHEMAS["EventData"]["properties"]) == {"id", "object"} | declared
    assert SCHEMAS["EventData"]["properties"]["minutes_unacknowledged"]["type"] == "integer"


def test_facts_are_never_free_text_about_the_patient() -> None:
    """Thin payloads: ids, value sets, dates, counts; the only text facts are codes (a risk level, an
    NCPDP id)."""
    texts = {fact.name for spec in CATALOGUE.values() for fact in spec.facts if fact.kind is FactKind.TEXT}
    assert texts == {"risk_level", "pharmacy_ncpdp_id"}
