"""Record an event in the outbox, inside the caller's transaction (the caller commits).

Event types are those of the contract (§3 Webhooks and events, ``api.domain.webhooks.EventType``). The payload
is thin: the object's type and id, plus non-PHI facts a receiver routes on (a status, a risk level), never
answers or names.

The event's deliveries are queued in the same transaction, one per enabled endpoint of its partner that
subscribes to its type: a rolled-back change emits and delivers nothing, a committed one is never lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.domain.webhooks import EventType
from api.ids import new_id
from api.models import Event, WebhookDelivery, WebhookEndpoint

_LAST_EMITTED = "events.last_emitted_at"


def emit(
    session: Session, *, partner_id: str, type: str, object_type: str, object_id: str, **facts: Any
) -> Event:
    event_type = EventType(type)  # an unknown type is a programming error (ValueError)
    event = Event(
        id=new_id("evt"),
        partner_id=partner_id,
        type=event_type.value,
        object_type=object_type,
        object_id=object_id,
        data={"id": object_id, "object": object_type, **facts},
        created_at=_next_timestamp(session),
    )
    session.add(event)
    # No autoflush: the caller's pending writes reach the database at its commit, where it maps their
    # constraint violations (a booking's exclusion constraint) to problems; not here, as a 500.
    with session.no_autoflush:
        endpoints = list(
            session.scalars(
                select(WebhookEndpoint).where(
                    WebhookEndpoint.partner_id == partner_id, WebhookEndpoint.enabled.is_(True)
                )
            )
        )
    for endpoint in endpoints:
        if event_type.value in endpoint.event_types:
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    event_id=event.id,
                    object_id=object_id,
                    event_created_at=event.created_at,
                    next_attempt_at=event.created_at,
                )
            )
    return event


def _next_timestamp(session: Session) -> datetime:
    """Now, but strictly after the previous event of this transaction: events emitted together (a
    screening completed and flagged) keep the order they happened in, and receivers order by timestamp."""
    now = utcnow()
    last: datetime | None = session.info.get(_LAST_EMITTED)
    if last is not None and now <= last:
        now = last + timedelta(microseconds=1)
    session.info[_LAST_EMITTED] = now
    return now
