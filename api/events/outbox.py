"""Record an event in the outbox, inside the caller's transaction (the caller commits).

Event types are those of the contract (§3 Webhooks and events). The payload is thin: the object's type
and id, plus non-PHI facts a receiver routes on (a status, a risk level), never answers or names.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from api.models import Event

EVENT_TYPES: Final = frozenset(
    {
        "consultation.created",
        "consultation.status_changed",
        "screening.completed",
        "screening.risk_flagged",
        "follow_up_plan.created",
        "follow_up_plan.status_changed",
        "follow_up_task.due",
        "follow_up_task.overdue",
        "adverse_event.reported",
    }
)


def emit(
    session: Session, *, partner_id: str, type: str, object_type: str, object_id: str, **facts: Any
) -> Event:
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")  # a programming error
    event = Event(
        partner_id=partner_id,
        type=type,
        object_type=object_type,
        object_id=object_id,
        data={"id": object_id, "object": object_type, **facts},
    )
    session.add(event)
    return event
