"""Webhook endpoints and events (webhooks:manage): docs/webhooks.md."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.config import get_settings
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.models import WebhookEndpoint
from api.schemas.common import PageArgsSchema
from api.schemas.webhooks import (
    DeliveryAttemptPageSchema,
    DeliveryAttemptQueryArgsSchema,
    EventPageSchema,
    EventQueryArgsSchema,
    EventSchema,
    RedeliverSchema,
    RedeliveryQueuedSchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointPageSchema,
    WebhookEndpointSchema,
    WebhookEndpointUpdateSchema,
    WebhookEndpointWithSecretSchema,
    WebhookTestQueuedSchema,
)
from api.services import events as event_service
from api.services import webhooks as service
from api.services.inputs import NewWebhookEndpoint, Redelivery, WebhookEndpointChanges

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/v1",
    description="Events and signed webhooks: what happened to a partner's patients, pushed as it happens",
)
SCOPE = ["webhooks:manage"]


@blp.route("/webhook-endpoints")
class WebhookEndpoints(MethodView):
    @blp.operation("createWebhookEndpoint", scopes=SCOPE, creates=WebhookEndpoint)
    @blp.arguments(WebhookEndpointCreateSchema)
    @blp.response(201, WebhookEndpointWithSecretSchema)
    def post(self, data: NewWebhookEndpoint) -> Any:
        """Register a webhook endpoint

        Events of the listed types are signed (Standard Webhooks) and posted to `url`. The signing
        `secret` is in this response only: store it. The URL must be https and public (422 `url_not_allowed`
        at `/url` otherwise).
        """
        created = service.create_endpoint(
            get_session(),
            current_principal(),
            data,
            secret_key=get_settings().secret_key,
            allow_loopback=get_settings().webhook_allow_loopback,
        )
        return created

    @blp.operation("listWebhookEndpoints", scopes=SCOPE)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, WebhookEndpointPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List webhook endpoints

        Newest first, cursor-paginated. Secrets are never shown again.
        """
        page = service.list_endpoints(
            get_session(), current_principal(), page_request("webhook_endpoints", args)
        )
        return page_body("webhook_endpoints", page)


@blp.route("/webhook-endpoints/<string:endpoint_id>")
class WebhookEndpointById(MethodView):
    @blp.operation("getWebhookEndpoint", scopes=SCOPE)
    @blp.etag
    @blp.response(200, WebhookEndpointSchema)
    def get(self, endpoint_id: str) -> Any:
        """Get a webhook endpoint

        Returns a strong `ETag`; send it in `If-Match` to update the endpoint.
        """
        return service.get_endpoint(get_session(), current_principal(), endpoint_id)

    @blp.operation("updateWebhookEndpoint", scopes=SCOPE)
    @blp.etag
    @blp.arguments(WebhookEndpointUpdateSchema)
    @blp.response(200, WebhookEndpointSchema)
    def patch(self, changes: WebhookEndpointChanges, endpoint_id: str) -> Any:
        """Update a webhook endpoint

        Requires `If-Match` (428 without, 412 when it changed). Change the URL, the event types or the
        description; `enabled: false` stops deliveries and cancels those waiting, `enabled: true` resumes
        with the events emitted from then on (redeliver earlier ones from `GET /v1/events`).
        """
        return service.update_endpoint(
            get_session(),
            current_principal(),
            endpoint_id,
            changes,
            precondition=blp.precondition(WebhookEndpointSchema),
            allow_loopback=get_settings().webhook_allow_loopback,
        )

    @blp.operation("deleteWebhookEndpoint", scopes=SCOPE)
    @blp.response(204)
    def delete(self, endpoint_id: str) -> None:
        """Delete a webhook endpoint

        Nothing more is sent to it; its delivery history goes with it.
        """
        service.delete_endpoint(get_session(), current_principal(), endpoint_id)


@blp.route("/webhook-endpoints/<string:endpoint_id>/rotate-secret")
class WebhookEndpointSecret(MethodView):
    @blp.operation("rotateWebhookEndpointSecret", scopes=SCOPE)
    @blp.response(200, WebhookEndpointWithSecretSchema)
    def post(self, endpoint_id: str) -> Any:
        """Rotate a webhook endpoint's signing secret

        The new `secret` is in this response only. For 24 hours the old secret signs too: each delivery's
        `webhook-signature` carries both signatures, so receivers can switch secrets without a gap.
        """
        return service.rotate_secret(
            get_session(), current_principal(), endpoint_id, secret_key=get_settings().secret_key
        )


@blp.route("/webhook-endpoints/<string:endpoint_id>/test")
class WebhookEndpointTest(MethodView):
    @blp.operation("sendWebhookTestEvent", scopes=SCOPE, errors=[409])
    @blp.response(202, WebhookTestQueuedSchema)
    def post(self, endpoint_id: str) -> Any:
        """Send a test event to a webhook endpoint

        Queues a `webhook.test` event (`data`: the endpoint's id) to this endpoint only, due now, signed
        with its secret like every delivery: check that your receiver answers 2xx and verifies the
        signature. The attempt shows in the endpoint's delivery attempts (409 `endpoint_disabled` when the
        endpoint is disabled). Delivery is by the worker (`telemedical worker`; `make run` starts one).
        """
        delivery = event_service.send_test_event(get_session(), current_principal(), endpoint_id)
        return {"event_id": delivery.event_id, "delivery": delivery}


@blp.route("/webhook-endpoints/<string:endpoint_id>/deliveries")
class WebhookEndpointDeliveries(MethodView):
    @blp.operation("listWebhookDeliveryAttempts", scopes=SCOPE)
    @blp.arguments(DeliveryAttemptQueryArgsSchema, location="query")
    @blp.response(200, DeliveryAttemptPageSchema)
    def get(self, args: dict[str, Any], endpoint_id: str) -> Any:
        """List the delivery attempts made to an endpoint

        Newest first: the status the endpoint answered (or why there was no answer), how long it took,
        the start of its response, and when the next retry is due.
        """
        page = service.list_attempts(
            get_session(), current_principal(), endpoint_id, args, page_request("webhook_attempts", args)
        )
        return page_body("webhook_attempts", page)


@blp.route("/events")
class Events(MethodView):
    @blp.operation("listEvents", scopes=SCOPE)
    @blp.arguments(EventQueryArgsSchema, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List events

        The partner's events, newest first, whether or not an endpoint received them: poll this to catch
        up after an outage. Filter by `type` and `object_id`.
        """
        page = event_service.list_events(
            get_session(), current_principal(), args, page_request("events", args)
        )
        return page_body("events", page)


@blp.route("/events/<string:event_id>")
class EventById(MethodView):
    @blp.operation("getEvent", scopes=SCOPE)
    @blp.response(200, EventSchema)
    def get(self, event_id: str) -> Any:
        """Get an event

        The same `type`, `timestamp` and `data` its webhook deliveries carried; its `id` is their
        `webhook-id`.
        """
        return event_service.get_event(get_session(), current_principal(), event_id)


@blp.route("/events/<string:event_id>/redeliver")
class EventRedelivery(MethodView):
    @blp.operation("redeliverEvent", scopes=SCOPE, errors=[409])
    @blp.arguments(RedeliverSchema, required=False)
    @blp.response(202, RedeliveryQueuedSchema)
    def post(self, data: Redelivery, event_id: str) -> Any:
        """Redeliver an event

        Queues a new delivery, due now, to `endpoint_id` or to every enabled endpoint subscribed to the
        event's type (409 `no_endpoint` when there is none, `endpoint_disabled` when the one named is
        disabled). It keeps the event's `webhook-id`, so receivers that drop ids they have seen stay correct.
        """
        queued = event_service.redeliver(get_session(), current_principal(), event_id, data)
        return {"event_id": event_id, "deliveries": queued}
