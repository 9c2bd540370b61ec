"""Events, webhook endpoints and delivery attempts (api-contract.md §3 Webhooks and events)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

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


class EventDataSchema(Schema):
    """The object the event is about, and the facts a receiver routes on; never PHI. Fetch the object
    (`GET /v1/<collection>/{id}`) for the rest. Members other than `id` and `object` appear on the event
    types that carry them, and new ones may be added within v1."""

    id = fields.String(required=True, metadata={"description": "The object's id"})
    object = fields.String(
        required=True,
        metadata={
            "description": "The object's type: `consultation`, `screening`, `follow_up_plan`, "
            "`follow_up_task`, `adverse_event` or `prescription`"
        },
    )
    status = fields.String(metadata={"description": "The object's status after the change"})
    previous_status = fields.String(metadata={"description": "`*.status_changed`: the status before"})
    consultation_id = fields.String(allow_none=True)
    plan_id = fields.String(metadata={"description": "Tasks and adverse events: their plan"})
    task_id = fields.String(
        allow_none=True,
        metadata={"description": "`adverse_event.reported`: the session it was recorded with, if any"},
    )
    provider_id = fields.String(metadata={"description": "`consultation.status_changed` to `scheduled`"})
    outcome = fields.String(metadata={"description": "`consultation.status_changed` to `completed`"})
    review_decision = fields.String(metadata={"description": "A reviewed consultation: the decision"})
    instrument = fields.String(metadata={"description": "Screenings: `phq9`, `gad7`, `pcl5`, `cssrs`, …"})
    risk_level = fields.String(metadata={"description": "`screening.risk_flagged`: the C-SSRS risk level"})
    kind = fields.String(metadata={"description": "Tasks: `session`, `check_in`, …"})
    due_on = fields.String(metadata={"description": "Tasks: the day it is due (YYYY-MM-DD)"})
    severity = fields.String(metadata={"description": "`adverse_event.reported`: its severity"})
    plan_status = fields.String(metadata={"description": "`adverse_event.reported`: the plan's status after"})
    patient_id = fields.String(metadata={"description": "`prescription.*`: the patient's id"})
    prescriber_id = fields.String(metadata={"description": "`prescription.*`: the prescriber's id"})
    dispensing = fields.String(
        metadata={"description": "`prescription.*`: `pharmacy` or `clinic_administered`"}
    )
    pharmacy_ncpdp_id = fields.String(
        allow_none=True, metadata={"description": "`prescription.*`: the dispensing pharmacy's NCPDP id"}
    )


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
    url = _url(required=True)
    event_types = _event_types(required=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    enabled = Boolean(load_default=True)
    partner_id = fields.String(
        validate=_ID,
        metadata={"description": "A platform admin names the partner; a partner's own is implied"},
    )


class WebhookEndpointUpdateSchema(StrictSchema):
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
