"""The spec's ``webhooks`` section (OpenAPI 3.1): what we post to a partner's endpoint, one entry per type.

Made from the event catalogue (api/domain/event_catalogue.py), so a new type or fact appears here, in the
typed SDKs and in ``GET /v1/events`` alike. Each type has a named payload schema (``consultation.created``:
``ConsultationCreatedEvent``: ``type`` const, ``timestamp``, ``data`` with ``id``, ``object`` const and the
type's facts), and ``WebhookEvent`` is their union, discriminated by ``type``. Payloads stay open
(``additionalProperties`` allowed): members may be added within v1 and receivers ignore what they do not know.
Each entry documents the Standard Webhooks 1.0 headers (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``) and what an answer means (docs/webhooks.md).
"""

from __future__ import annotations

from typing import Any

from api.domain.event_catalogue import CATALOGUE, EventSpec, Fact, FactKind
from api.domain.webhooks import REQUEST_TIMEOUT_SECONDS, EventType

WEBHOOK_TAG = "webhooks"
UNION = "WebhookEvent"
_SCHEMAS = "#/components/schemas/"

HEADERS: dict[str, dict[str, Any]] = {
    "WEBHOOK_ID": {
        "description": "The event's id (`evt_…`): the same on every retry and every endpoint. Record the ids "
        "you processed and drop repeats: delivery is at least once.",
        "required": True,
        "schema": {"type": "string", "example": "evt_3k7q2x9m4d1p8w6v5n0c2b7a1e"},
    },
    "WEBHOOK_TIMESTAMP": {
        "description": "When this attempt was signed, in Unix seconds: refuse one more than 5 minutes off.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$", "example": "1764763200"},
    },
    "WEBHOOK_SIGNATURE": {
        "description": "`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed by "
        "the base64-decoded part of the endpoint's secret after `whsec_`; during a secret rotation two, "
        "separated by a space (accept if either matches). The SDKs' `verify_webhook` / `verifyWebhook` "
        "check it.",
        "required": True,
        "schema": {"type": "string", "example": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
    },
}
_EXAMPLE_IDS = {
    "consultation": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
    "screening": "scr_5n0c2b7a1e3k7q2x9m4d1p8w6v",
    "follow_up_plan": "pln_9m4d1p8w6v5n0c2b7a1e3k7q2x",
    "follow_up_task": "tsk_1p8w6v5n0c2b7a1e3k7q2x9m4d",
    "adverse_event": "ade_7a1e3k7q2x9m4d1p8w6v5n0c2b",
    "rems_form": "tsk_1p8w6v5n0c2b7a1e3k7q2x9m4d",
    "prescription": "rx_2x9m4d1p8w6v5n0c2b7a1e3k7q",
    "webhook_endpoint": "whe_6v5n0c2b7a1e3k7q2x9m4d1p8w",
    "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
    "plan_id": "pln_9m4d1p8w6v5n0c2b7a1e3k7q2x",
    "task_id": "tsk_1p8w6v5n0c2b7a1e3k7q2x9m4d",
    "patient_id": "pat_8w6v5n0c2b7a1e3k7q2x9m4d1p",
    "prescriber_id": "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m",
    "provider_id": "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m",
}


def schema_name(event_type: EventType) -> str:
    """``follow_up_task.due`` -> ``FollowUpTaskDueEvent``."""
    words = event_type.value.replace(".", "_").split("_")
    return "".join(word.capitalize() for word in words) + "Event"


def _fact_schema(fact: Fact) -> dict[str, Any]:
    schema: dict[str, Any]
    if isinstance(fact.kind, tuple):
        schema = {"type": "string", "enum": list(fact.kind)}  # named by spec_shape (VALUE_SETS)
    elif fact.kind is FactKind.INTEGER:
        schema = {"type": "integer", "minimum": 0}
    elif fact.kind is FactKind.DATE:
        schema = {"type": "string", "format": "date"}
    elif fact.kind is FactKind.DATE_TIME:
        schema = {"type": "string", "format": "date-time"}
    else:
        schema = {"type": "string"}
    if fact.nullable:
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        schema["type"] = [schema["type"], "null"]
    schema["description"] = fact.description
    return schema


def _example_fact(fact: Fact, event_type: EventType) -> Any:
    if isinstance(fact.kind, tuple):
        preferred = {
            "status": {
                EventType.CONSULTATION_CREATED: "submitted",
                EventType.CONSULTATION_STATUS_CHANGED: "scheduled",
                EventType.FOLLOW_UP_PLAN_CREATED: "draft",
                EventType.FOLLOW_UP_PLAN_STATUS_CHANGED: "active",
                EventType.PRESCRIPTION_CANCELLED: "cancelled",
            }.get(event_type),
            "previous_status": {
                EventType.CONSULTATION_STATUS_CHANGED: "ready",
                EventType.FOLLOW_UP_PLAN_STATUS_CHANGED: "draft",
            }.get(event_type),
            "instrument": "cssrs",
            "plan_status": "on_hold",
            "severity": "severe",
            "kind": "check_in",
        }.get(fact.name)
        return preferred if preferred in fact.kind else fact.kind[0]
    return {
        FactKind.ID: _EXAMPLE_IDS.get(fact.name, "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m"),
        FactKind.TEXT: {"risk_level": "high", "pharmacy_ncpdp_id": "1234567"}.get(fact.name, "text"),
        FactKind.DATE: "2026-12-10",
        FactKind.DATE_TIME: "2026-12-04T12:00:00Z",
        FactKind.INTEGER: 60,
    }[fact.kind]


def _example(event_type: EventType, spec: EventSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"id": _EXAMPLE_IDS[spec.object], "object": spec.object}
    for fact in spec.facts:
        if fact.always or fact.name in ("provider_id", "plan_id"):
            data[fact.name] = _example_fact(fact, event_type)
    return {"type": event_type.value, "timestamp": "2026-12-03T12:00:00.120000Z", "data": data}


def _payload_schema(event_type: EventType, spec: EventSpec) -> dict[str, Any]:
    data = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": f"The {spec.object.replace('_', ' ')}'s id"},
            "object": {"type": "string", "const": spec.object},
            **{fact.name: _fact_schema(fact) for fact in spec.facts},
        },
        "required": ["id", "object", *(fact.name for fact in spec.facts if fact.always)],
        "description": "The object the event is about and the facts to route on; never PHI. Fetch the object "
        "with your token for the rest.",
    }
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "const": event_type.value},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When it happened (microseconds, UTC); order by it",
            },
            "data": data,
        },
        "required": ["type", "timestamp", "data"],
        "description": f"`{event_type}`: {spec.when}",
        "examples": [_example(event_type, spec)],
    }


def _path_item(event_type: EventType, spec: EventSpec) -> dict[str, Any]:
    name = schema_name(event_type)
    return {
        "post": {
            # SDK generators name the payload after it: ConsultationCreatedWebhookPayload (hey-api).
            "operationId": name[0].lower() + name[1:].removesuffix("Event"),
            "summary": f"{event_type}",
            "description": f"{spec.when}\n\nPosted, signed, to each enabled endpoint subscribed to "
            f"`{event_type}`. Verify the signature on the raw body (`verify_webhook` / `verifyWebhook` in "
            "the SDKs) before parsing it.",
            "tags": [WEBHOOK_TAG],
            "security": [],
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in HEADERS],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"{_SCHEMAS}{name}"}}},
            },
            "responses": {
                "2XX": {
                    "description": f"Received: answer within {REQUEST_TIMEOUT_SECONDS:g} s; queue the work"
                },
                "410": {"description": "Gone: the endpoint is disabled at once"},
                "default": {
                    "description": "A failure (3xx too: redirects are not followed): retried on the "
                    "schedule, about 3 days, then the endpoint is disabled. 429 and 503 may send Retry-After."
                },
            },
        }
    }


def add_webhooks(document: dict[str, Any]) -> None:
    """Write the ``webhooks`` section, a payload schema per type and their union ``WebhookEvent``."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    parameters = components.setdefault("parameters", {})
    for name, header in HEADERS.items():
        parameters[name] = {"in": "header", "name": name.lower().replace("_", "-"), **header}
    webhooks: dict[str, Any] = {}
    mapping: dict[str, str] = {}
    for event_type, spec in CATALOGUE.items():
        name = schema_name(event_type)
        schemas[name] = _payload_schema(event_type, spec)
        mapping[event_type.value] = f"{_SCHEMAS}{name}"
        webhooks[event_type.value] = _path_item(event_type, spec)
    schemas[UNION] = {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
        "description": "What a webhook delivery posts: one of the event payloads, by `type`. New types may "
        "be added within v1: ignore a type you do not know.",
    }
    document["webhooks"] = webhooks
