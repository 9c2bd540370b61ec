from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.domain.webhooks import EventType
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType


class Event(Base):
    """The outbox: an event is written in the same transaction as the change it reports.

    The payload is thin (Standard Webhooks style): the type and the object's id, never PHI. Delivery to
    webhook endpoints reads from here; until an endpoint exists, events are kept for ``GET /v1/events``.
    """

    __tablename__ = "events"
    __resource__ = Resource("evt", "event", patient_via="object_id", path="/v1/events/{id}")
    __table_args__ = (
        Index("ix_events_partner_id_created_at_id", "partner_id", "created_at", "id"),
        Index("ix_events_object_id", "object_id"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    type: Mapped[EventType] = mapped_column(StrEnumType(EventType, 60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
