"""Events: a partner's outbox, read back (``GET /v1/events``), and redelivered to its endpoints on request.

A partner's systems see their own partner's events and an admin every partner's; another partner's event is
not found (404). Events carry no PHI (api/events/outbox.py), only the ids and facts a receiver routes on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.webhooks import EventType
from api.errors import Conflict, FieldError, NotFound, ValidationFailed
from api.models import Event, WebhookDelivery, WebhookEndpoint
from api.services.access import require_kind, scope_partner_rows
from api.services.inputs import Redelivery
from api.services.paging import Page, PageRequest, fetch_page
from api.services.webhooks import WebhookEndpointNotFound


class EventNotFound(NotFound):
    title = "Event not found"


def _read(principal: Principal) -> None:
    require_kind(principal, "partner_client", "admin", action="read events")


def list_events(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[Event]:
    _read(principal)
    stmt = scope_partner_rows(select(Event), principal, Event.partner_id)
    if filters.get("type"):
        stmt = stmt.where(Event.type == str(filters["type"]))
    if filters.get("object_id"):
        stmt = stmt.where(Event.object_id == filters["object_id"])
    return fetch_page(session, stmt, Event, page)


def send_test_event(session: Session, principal: Principal, endpoint_id: str) -> WebhookDelivery:
    """Queue a ``webhook.test`` event to this endpoint only, due now: signed and delivered like any other
    (the same headers, retries and attempt log), so a partner checks its receiver and its signature code
    without waiting for real traffic. It is an event of the partner's own (``GET /v1/events``) about the
    endpoint, with no other data."""
    require_kind(principal, "partner_client", "admin", action="send test events")
    # Locked as the outbox locks endpoints (api/events/outbox.py): one deleted meanwhile is not found.
    endpoint = session.scalar(
        scope_partner_rows(select(WebhookEndpoint), principal, WebhookEndpoint.partner_id)
        .where(WebhookEndpoint.id == endpoint_id)
        .with_for_update(read=True, key_share=True)
    )
    if endpoint is None:
        raise WebhookEndpointNotFound(f"No webhook endpoint {endpoint_id}.")
    if not endpoint.enabled:
        raise Conflict(
            "The endpoint is disabled; enable it (PATCH enabled=true) first.", code="endpoint_disabled"
        )
    now = utcnow()
    event = Event(
        partner_id=endpoint.partner_id,
        type=EventType.WEBHOOK_TEST,
        object_type="webhook_endpoint",
        object_id=endpoint.id,
        data={"id": endpoint.id, "object": "webhook_endpoint"},
        created_at=now,
    )
    session.add(event)
    session.flush()
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=event.id,
        object_id=endpoint.id,
        event_created_at=now,
        next_attempt_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def get_event(session: Session, principal: Principal, event_id: str) -> Event:
    _read(principal)
    stmt = scope_partner_rows(select(Event), principal, Event.partner_id).where(Event.id == event_id)
    event: Event | None = session.scalar(stmt)
    if event is None:
        raise EventNotFound(f"No event {event_id}.")
    return event


def redeliver(
    session: Session, principal: Principal, event_id: str, data: Redelivery
) -> list[WebhookDelivery]:
    """Queue a new delivery of the event, due now: to the endpoint named, or to every enabled endpoint of
    its partner that subscribes to its type. Earlier deliveries keep their history; the new one goes out
    in order with the object's other events (a receiver orders by ``timestamp`` and drops ids it has seen).
    """
    event = get_event(session, principal, event_id)
    # Locked as the outbox locks them (api/events/outbox.py): an endpoint deleted or disabled meanwhile is
    # read as committed, never queued to (a foreign-key violation at the commit).
    endpoints = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.partner_id == event.partner_id)
        .with_for_update(read=True, key_share=True)
    )
    if "endpoint_id" in data:
        endpoint = session.scalar(endpoints.where(WebhookEndpoint.id == data["endpoint_id"]))
        if endpoint is None:
            raise ValidationFailed(
                errors=[FieldError("/endpoint_id", "not_found", "No such webhook endpoint of this partner.")]
            )
        if not endpoint.enabled:
            raise Conflict(
                "The endpoint is disabled; enable it (PATCH enabled=true) first.", code="endpoint_disabled"
            )
        targets = [endpoint]
    else:
        enabled = session.scalars(endpoints.where(WebhookEndpoint.enabled.is_(True)))
        targets = [e for e in enabled if event.type in e.event_types]
        if not targets:
            raise Conflict("No enabled endpoint subscribes to this event's type.", code="no_endpoint")
    now = utcnow()
    queued = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=event.id,
            object_id=event.object_id,
            event_created_at=event.created_at,
            next_attempt_at=now,
        )
        for endpoint in targets
    ]
    session.add_all(queued)
    session.flush()
    return queued
