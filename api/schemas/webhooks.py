"""Events, webhook endpoints and delivery attempts (api-contract.md §3 Webhooks and events)."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from api.domain.event_catalogue import CATALOGUE, Fact, FactKind
from api.domain.webhooks import MAX_URL_LENGTH, NOT_SUBSCRIBABLE, EventType
from api.models.webhook import DeliveryStatus, DisabledReason
from api.schemas.common import (
    Boolean,
    PageArgsSchema,
    StrictSchema,
    Timestamp,
    enum_field,
    page_schema,
    unique_list,
)

_ID = validate.Length(min=1, max=40)
# Event types are stored as text (an endpoint's list is JSON): shown as strings, documented as the enum.
_EVENT_TYPE = validate.OneOf([t.value for t in EventType])


def _event_data_fields() -> dict[str, fields.Field[Any]]:
    """``id``, ``object`` and every fact an event type carries, from the catalogue
    (api/domain/event_catalogue.py): a member is on the events of the types that carry it. The typed payload
    of each type is in the spec's ``webhooks`` section (``<Type>Event``)."""
    carried: dict[str, list[tuple[EventType, Fact]]] = {}
    for event_type, spec in CATALOGUE.items():
        for fact in spec.facts:
            carried.setdefault(fact.name, []).append((event_type, fact))
    members: dict[str, fields.Field[Any]] = {
        "id": fields.String(required=True, metadata={"description": "The object's id"}),
        "object": fields.String(
            required=True,
            metadata={
                "description": "The object's type: "
                + ", ".join(f"`{o}`" for o in sorted({spec.object for spec in CATALOGUE.values()}))
            },
        ),
    }
    for name, uses in sorted(carried.items()):
        kinds = {fact.kind for _, fact in uses}
        description = "; ".join(f"`{event_type}`: {fact.description}" for event_type, fact in uses)
        metadata: dict[str, Any] = {"description": description}
        if kinds == {FactKind.DATE}:
            metadata["format"] = "date"
        elif kinds == {FactKind.DATE_TIME}:
            metadata["format"] = "date-time"
        nullable = any(fact.nullable for _, fact in uses)
        if kinds == {FactKind.INTEGER}:
            members[name] = fields.Integer(allow_none=nullable, metadata=metadata)
        else:
            members[name] = fields.String(allow_none=nullable, metadata=metadata)
    return members


# The object the event is about, and the facts a receiver routes on; never PHI. Fetch the object
# (`GET /v1/<collection>/{id}`) for the rest; new members may be added within v1.
EventDataSchema = Schema.from_dict(_event_data_fields(), name="EventDataSchema")


class EventSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Also the `webhook-id` of its deliveries"})
    type = fields.String(required=True, validate=_EVENT_TYPE)
    timestamp = Timestamp(
        required=True, attribute="created_at", metadata={"description": "When it happened; order by it"}
    )
    partner_id = fields.String(required=True)
    data = fields.Nested(EventDataSchema, required=True)


EventPageSchema = page_schema(EventSchema, "EventPage")


class EventQueryArgsSchema(PageArgsSchema):
    type = enum_field(EventType, metadata={"description": "Only events of this type"})
    object_id = fields.String(validate=_ID, metadata={"description": "Only events about this object"})


class RedeliverSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "To every subscribed endpoint": {},
        "To one endpoint": {"endpoint_id": "whe_6v5n0c2b7a1e3k7q2x9m4d1p8w"},
    }

    endpoint_id = fields.String(
        validate=_ID,
        metadata={
            "description": "Only to this endpoint (even if not subscribed to the type); by default "
            "to every enabled endpoint subscribed to it"
        },
    )


class QueuedDeliverySchema(Schema):
    id = fields.String(required=True)
    endpoint_id = fields.String(required=True)
    event_id = fields.String(required=True)
    status = enum_field(DeliveryStatus, required=True)
    next_attempt_at = Timestamp(required=True)


class RedeliveryQueuedSchema(Schema):
    event_id = fields.String(required=True)
    deliveries = fields.List(fields.Nested(QueuedDeliverySchema), required=True)


class WebhookTestQueuedSchema(Schema):
    event_id = fields.String(
        required=True, metadata={"description": "The `webhook-id` the test arrives with"}
    )
    delivery = fields.Nested(QueuedDeliverySchema, required=True)


def _url(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=MAX_URL_LENGTH),
        metadata={
            "description": "https only, on port 443 or 1024-65535; not a private, loopback, link-local, "
            "multicast, metadata or other special-purpose address (also when written in another form, or "
            "carried in IPv6), and no credentials. Checked again before each delivery.",
            "format": "uri",
        },
        **kwargs,
    )


def _event_types(**kwargs: Any) -> fields.List[Any]:
    not_subscribable = sorted(NOT_SUBSCRIBABLE)
    return unique_list(
        enum_field(
            EventType,
            validate=validate.NoneOf(
                not_subscribable, error="Sent only on request (POST /v1/webhook-endpoints/{{id}}/test)."
            ),
        ),
        validators=[validate.Length(min=1)],
        metadata={"description": "The event types to send (at least one)"},
        **kwargs,
    )


class WebhookEndpointSchema(Schema):
    id = fields.String(required=True)
    partner_id = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(validate=_EVENT_TYPE), required=True)
    enabled = Boolean(required=True)
    disabled_reason = enum_field(
        DisabledReason,
        required=True,
        allow_none=True,
        metadata={
            "description": "Why it is disabled: `manual`, `gone` (it answered 410), `retries_exhausted`"
        },
    )
    description = fields.String(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "`whsec_…`: shown in this response only; verify signatures with it"},
    )


class WebhookEndpointCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A care-team pager": {
            "url": "https://hooks.example-clinic.com/telemedical",
            "event_types": ["screening.risk_flagged", "consultation.status_changed"],
            "description": "Care-team pager",
        }
    }

    url = _url(required=True)
    event_types = _event_types(required=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    enabled = Boolean(load_default=True)
    partner_id = fields.String(
        validate=_ID,
        metadata={"description": "A platform admin names the partner; a partner's own is implied"},
    )


class WebhookEndpointUpdateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Plan events too": {
            "event_types": [
                "screening.risk_flagged",
                "consultation.status_changed",
                "follow_up_plan.status_changed",
            ]
        }
    }

    url = _url()
    event_types = _event_types()
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    enabled = Boolean(metadata={"description": "false stops deliveries and cancels those waiting"})


WebhookEndpointPageSchema = page_schema(WebhookEndpointSchema, "WebhookEndpointPage")


class DeliveryAttemptSchema(Schema):
    id = fields.String(required=True)
    event_id = fields.String(required=True)
    attempt = fields.Integer(required=True, metadata={"description": "1 for the first attempt of a delivery"})
    status_code = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The endpoint's HTTP status; null: no answer"},
    )
    error = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Why there was no answer: `url_not_allowed`, `dns_failed`, `address_not_allowed`, "
            "`timeout`, `tls_error`, `connection_failed`"
        },
    )
    duration_ms = fields.Integer(required=True)
    response_excerpt = fields.String(
        required=True, allow_none=True, metadata={"description": "The start of the response body"}
    )
    attempted_at = Timestamp(required=True, attribute="created_at")
    next_attempt_at = Timestamp(
        required=True, allow_none=True, metadata={"description": "When the next retry is due; null: no retry"}
    )


DeliveryAttemptPageSchema = page_schema(DeliveryAttemptSchema, "DeliveryAttemptPage")


class DeliveryAttemptQueryArgsSchema(PageArgsSchema):
    event_id = fields.String(validate=_ID, metadata={"description": "Only the attempts to send this event"})
