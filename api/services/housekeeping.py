"""Periodic clean-up run by ``telemedical worker``: rows whose purpose has expired."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from api.db import rows_changed, utcnow
from api.domain.sign_in import FORGET_AFTER
from api.models import (
    AuthorizationCode,
    Event,
    IdempotencyKey,
    OAuthToken,
    SignInThrottle,
    WebhookAttempt,
    WebhookDelivery,
)
from api.models.webhook import DeliveryStatus

# Spent codes and dead tokens are kept a while after expiry so replays are still recognised.
RETENTION = timedelta(days=1)
# Webhook delivery history (attempts, finished deliveries) is kept for partners to debug with, then dropped.
DELIVERY_HISTORY = timedelta(days=30)
# Events (GET /v1/events, redelivery) are kept as long, as Stripe keeps its events: a partner that was down
# longer than that catches up from the resources themselves. An event still waiting for a delivery stays
# until that delivery ends (its delivery history is then kept DELIVERY_HISTORY more).
EVENT_RETENTION = timedelta(days=30)


def purge_expired(session: Session) -> dict[str, int]:
    """Delete what has expired, in the caller's transaction (the worker's job commits); how many of each."""
    now = utcnow()
    cutoff = now - RETENTION
    counts = {
        "idempotency_keys": rows_changed(
            session, delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)
        ),
        "authorization_codes": rows_changed(
            session, delete(AuthorizationCode).where(AuthorizationCode.expires_at <= cutoff)
        ),
        "tokens": rows_changed(
            session,
            delete(OAuthToken).where(
                OAuthToken.access_expires_at <= cutoff,
                (OAuthToken.refresh_expires_at.is_(None)) | (OAuthToken.refresh_expires_at <= cutoff),
            ),
        ),
        # Past any wait and past the window in which another failure would still count.
        "sign_in_throttles": rows_changed(
            session, delete(SignInThrottle).where(SignInThrottle.last_failure_at <= now - FORGET_AFTER)
        ),
        "webhook_attempts": rows_changed(
            session, delete(WebhookAttempt).where(WebhookAttempt.created_at <= now - DELIVERY_HISTORY)
        ),
        "webhook_deliveries": rows_changed(
            session,
            delete(WebhookDelivery).where(
                WebhookDelivery.status != DeliveryStatus.PENDING,
                WebhookDelivery.created_at <= now - DELIVERY_HISTORY,
                ~WebhookDelivery.id.in_(select(WebhookAttempt.delivery_id)),
            ),
        ),
        # After the deliveries above: an event any delivery or attempt still names stays.
        "events": rows_changed(
            session,
            delete(Event).where(
                Event.created_at <= now - EVENT_RETENTION,
                ~exists().where(WebhookDelivery.event_id == Event.id),
                ~exists().where(WebhookAttempt.event_id == Event.id),
            ),
        ),
    }
    return counts
