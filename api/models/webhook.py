"""Webhook endpoints, the deliveries of events to them, and each attempt at a delivery."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType


class DisabledReason(StrEnum):
    MANUAL = "manual"  # the partner (or an admin) set enabled=false
    GONE = "gone"  # the receiver answered 410 Gone
    RETRIES_EXHAUSTED = "retries_exhausted"  # a delivery failed its last retry


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or in flight, under a lease)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # gave up: 410, or the last retry failed
    CANCELLED = "cancelled"  # its endpoint was disabled before it succeeded


class WebhookEndpoint(Base):
    """A partner's receiver. The signing secret is stored encrypted (api/auth/sealing.py): the worker must
    be able to sign with it, so it cannot be hashed like a client secret."""

    __tablename__ = "webhook_endpoints"
    __resource__ = Resource("whe", "webhook_endpoint", audited=True, path="/v1/webhook-endpoints/{id}")
    __table_args__ = (
        Index("ix_webhook_endpoints_partner_id_created_at_id", "partner_id", "created_at", "id"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500))
    event_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[DisabledReason | None] = mapped_column(StrEnumType(DisabledReason, 20))
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookDelivery(Base):
    """One event on its way to one endpoint: queued in the transaction that emitted the event (or by a
    redelivery), claimed by a worker under a lease, finished once.

    ``object_id`` and ``event_created_at`` are the event's, copied so the worker can send the events of one
    object in order without a join; ``lease_token`` names the claim whose result may finish the delivery.
    """

    __tablename__ = "webhook_deliveries"
    __resource__ = Resource("whd")
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_object_id_status", "endpoint_id", "object_id", "status"),
        Index("ix_webhook_deliveries_event_id", "event_id"),
    )

    id: Mapped[str] = __resource__.id_column()
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    object_id: Mapped[str] = mapped_column(String(40))
    event_created_at: Mapped[datetime] = mapped_column()
    status: Mapped[DeliveryStatus] = mapped_column(
        StrEnumType(DeliveryStatus, 20), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_token: Mapped[str | None] = mapped_column(String(40))
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookAttempt(Base):
    """What one attempt sent and got back. ``created_at`` is when it was made (``attempted_at``)."""

    __tablename__ = "webhook_attempts"
    __resource__ = Resource("wha")
    __table_args__ = (
        Index("ix_webhook_attempts_endpoint_id_created_at_id", "endpoint_id", "created_at", "id"),
    )

    id: Mapped[str] = __resource__.id_column()
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(40))
    duration_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(String(1024))
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
