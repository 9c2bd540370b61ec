"""The delivery worker's use cases: claim due deliveries, record an attempt, release what it will not send.

A claim is a lease: the delivery stays ``pending`` and names the claim (``lease_token``) until its attempt is
recorded or the lease runs out, so a worker that dies mid-delivery loses nothing (another takes it up after
the lease) and two workers never hold one delivery at once (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises the claiming transactions). Only the holder of the current lease can finish a delivery: a result
that comes back after its lease was lost is recorded as an attempt but changes nothing else.

Order: a delivery is claimed only when no earlier event of the same object waits for the same endpoint, so
the events of one object reach an endpoint in the order they happened (while it is healthy; after a failure
the later events wait behind the retries of the earlier one).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, aliased

from api.db import rows_changed
from api.domain.webhooks import (
    AttemptOutcome,
    Verdict,
    judge_attempt,
    payload,
)
from api.events.transport import SendResult
from api.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.models.webhook import DeliveryStatus, DisabledReason
from api.services.webhooks import disable_endpoint, signing_secrets


@dataclass(frozen=True)
class Job:
    """Everything needed to send one claimed delivery, read inside the claim (no session while sending)."""

    delivery_id: str
    lease_token: str
    endpoint_id: str
    event_id: str
    url: str
    secrets: tuple[str, ...]
    body: bytes
    attempt: int  # the number this attempt will have (1-based)


def _is_head_of_line() -> ColumnElement[bool]:
    """No earlier pending delivery of the same object to the same endpoint (events in order of
    occurrence; ties broken by event id, then delivery id, so one of two redeliveries goes first)."""
    d, earlier = WebhookDelivery, aliased(WebhookDelivery)
    before = or_(
        earlier.event_created_at < d.event_created_at,
        and_(
            earlier.event_created_at == d.event_created_at,
            or_(earlier.event_id < d.event_id, and_(earlier.event_id == d.event_id, earlier.id < d.id)),
        ),
    )
    return ~(
        select(earlier.id)
        .where(
            earlier.endpoint_id == d.endpoint_id,
            earlier.object_id == d.object_id,
            earlier.status == DeliveryStatus.PENDING,
            before,
        )
        .exists()
    )


def claim_due(session: Session, *, now: datetime, limit: int, lease: timedelta, secret_key: str) -> list[Job]:
    """Lease up to ``limit`` deliveries due at ``now`` and read what sending them takes. The caller commits
    the leases before sending (the dispatcher, each step a transaction of its own)."""
    d = WebhookDelivery
    stmt = (
        select(d, WebhookEndpoint, Event)
        .join(WebhookEndpoint, WebhookEndpoint.id == d.endpoint_id)
        .join(Event, Event.id == d.event_id)
        .where(
            d.status == DeliveryStatus.PENDING,
            d.next_attempt_at <= now,
            or_(d.lease_expires_at.is_(None), d.lease_expires_at < now),
            WebhookEndpoint.enabled.is_(True),
            _is_head_of_line(),
        )
        .order_by(d.next_attempt_at, d.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=d, skip_locked=True)
    jobs = []
    for delivery, endpoint, event in session.execute(stmt):
        delivery.lease_token = secrets.token_hex(16)
        delivery.lease_expires_at = now + lease
        jobs.append(
            Job(
                delivery_id=delivery.id,
                lease_token=delivery.lease_token,
                endpoint_id=endpoint.id,
                event_id=event.id,
                url=endpoint.url,
                secrets=tuple(signing_secrets(endpoint, secret_key=secret_key, now=now)),
                body=payload(event.type, event.created_at, event.data),
                attempt=delivery.attempts + 1,
            )
        )
    session.flush()
    return jobs


def record_attempt(
    session: Session, job: Job, result: SendResult, *, now: datetime, jitter: float
) -> AttemptOutcome | None:
    """Store the attempt and, if ``job`` still holds its lease, move the delivery on: done, retry at the
    next time on the schedule, or given up (and the endpoint disabled on 410 or after the last retry).
    None when the delivery no longer exists (its endpoint was deleted while the attempt was in flight)."""
    delivery = session.scalar(
        select(WebhookDelivery.id).where(WebhookDelivery.id == job.delivery_id).with_for_update()
    )
    if delivery is None:  # its endpoint was deleted meanwhile: nothing to record against
        return None
    outcome = judge_attempt(
        attempt=job.attempt,
        status_code=result.status_code,
        now=now,
        jitter=jitter,
        retry_after_header=result.retry_after,
    )
    session.add(
        WebhookAttempt(
            delivery_id=job.delivery_id,
            endpoint_id=job.endpoint_id,
            event_id=job.event_id,
            attempt=job.attempt,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
            response_excerpt=result.excerpt,
            next_attempt_at=outcome.next_attempt_at,
            created_at=now,
        )
    )
    status = {
        Verdict.SUCCEEDED: DeliveryStatus.SUCCEEDED,
        Verdict.RETRY: DeliveryStatus.PENDING,
        Verdict.GONE: DeliveryStatus.FAILED,
        Verdict.EXHAUSTED: DeliveryStatus.FAILED,
    }[outcome.verdict]
    moved = rows_changed(
        session,
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == job.delivery_id,
            WebhookDelivery.lease_token == job.lease_token,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(
            status=status,
            attempts=job.attempt,
            next_attempt_at=outcome.next_attempt_at or now,
            lease_token=None,
            lease_expires_at=None,
        ),
    )
    if moved and outcome.verdict in (Verdict.GONE, Verdict.EXHAUSTED):
        endpoint = session.scalar(
            select(WebhookEndpoint).where(WebhookEndpoint.id == job.endpoint_id).with_for_update()
        )
        if endpoint is not None and endpoint.enabled:
            reason = (
                DisabledReason.GONE if outcome.verdict is Verdict.GONE else DisabledReason.RETRIES_EXHAUSTED
            )
            disable_endpoint(session, endpoint, reason)
    session.flush()
    return outcome


def release(session: Session, jobs: list[Job]) -> None:
    """Give back leases this worker will not use (it is stopping): due again at once, for any worker."""
    for job in jobs:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == job.delivery_id, WebhookDelivery.lease_token == job.lease_token)
            .values(lease_token=None, lease_expires_at=None)
        )
