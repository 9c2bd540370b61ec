"""Record an event in the outbox, inside the caller's transaction (the caller commits).

Event types are those of the contract (§3 Webhooks and events, ``api.domain.webhooks.EventType``). The payload
is thin: the object's type and id, plus non-PHI facts a receiver routes on (a status, a risk level), never
answers or names.

The event's deliveries are queued in the same transaction, one per enabled endpoint of its partner that
subscribes to its type: a rolled-back change emits and delivers nothing, a committed one is never lost.

An endpoint deleted or disabled while the change runs is skipped, and the change stands: the endpoints are
read ``FOR KEY SHARE`` (PostgreSQL), the lock the foreign-key check of the delivery rows takes anyway, taken
at the read instead of at the insert. A deletion or a change of the endpoint (which holds it ``FOR UPDATE``)
that came first is waited for and the row read again as committed — gone, or disabled, it is left out — so
the insert can no longer meet a deleted endpoint (a foreign-key violation, a 500 that lost the write); one
that comes later waits for this transaction and then deletes or cancels its deliveries with the rest. SQLite
serialises writing transactions, so the read there is already current.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.domain.event_catalogue import check_facts
from api.domain.webhooks import EventType
from api.models import Event, WebhookDelivery, WebhookEndpoint
from api.models.resources import new_id_for

_LAST_EMITTED = "events.last_emitted_at"
# Built once (compiled once per dialect), run with fresh parameters for each event.
_INSERT_EVENT = insert(Event)
_INSERT_DELIVERIES = insert(WebhookDelivery)
_ENDPOINTS = (
    select(WebhookEndpoint.id, WebhookEndpoint.event_types)
    .where(WebhookEndpoint.partner_id == bindparam("partner_id"), WebhookEndpoint.enabled.is_(True))
    .with_for_update(read=True, key_share=True)
)


def emit(
    session: Session, *, partner_id: str, type: EventType, object_type: str, object_id: str, **facts: Any
) -> str:
    """Record the event and queue its deliveries in ``session``'s transaction; the event's id.

    Core statements on the session's connection: every write emits, and the unit of work's bookkeeping for
    the event and its deliveries would cost more than the statements. They run at once and do not flush the
    caller's pending writes, which reach the database at its commit, where their constraint violations (a
    booking's exclusion constraint) are mapped to problems; not here, as a 500.

    ``facts`` are those the type declares in the catalogue (api/domain/event_catalogue.py): the typed payloads
    of the spec and the SDKs are made from it.
    """
    check_facts(type, facts)
    event_id, created_at = new_id_for(Event), _next_timestamp(session)
    connection = session.connection()
    connection.execute(
        _INSERT_EVENT,
        {
            "id": event_id,
            "partner_id": partner_id,
            "type": type,
            "object_type": object_type,
            "object_id": object_id,
            "data": {"id": object_id, "object": object_type, **facts},
            "created_at": created_at,
        },
    )
    deliveries = [
        {
            "id": new_id_for(WebhookDelivery),
            "endpoint_id": endpoint_id,
            "event_id": event_id,
            "object_id": object_id,
            "event_created_at": created_at,
            "next_attempt_at": created_at,
            "created_at": created_at,
        }
        for endpoint_id, event_types in connection.execute(_ENDPOINTS, {"partner_id": partner_id})
        if type in event_types
    ]
    if deliveries:
        connection.execute(_INSERT_DELIVERIES, deliveries)
    return event_id


def _next_timestamp(session: Session) -> datetime:
    """Now, but strictly after the previous event of this transaction: events emitted together (a
    screening completed and flagged) keep the order they happened in, and receivers order by timestamp."""
    now = utcnow()
    last: datetime | None = session.info.get(_LAST_EMITTED)
    if last is not None and now <= last:
        now = last + timedelta(microseconds=1)
    session.info[_LAST_EMITTED] = now
    return now
