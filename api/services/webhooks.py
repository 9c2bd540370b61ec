"""Webhook endpoints: register, list, change, delete, rotate the secret; the attempts made to each.

A partner's systems manage their own partner's endpoints; a platform admin manages any (naming the partner
on create). Patients and clinicians do not. Another partner's endpoint is not found (404).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.auth.sealing import Purpose, seal, unseal
from api.db import utcnow
from api.domain.webhooks import SECRET_BYTES, SECRET_OVERLAP, check_url, secret_from_bytes
from api.errors import FieldError, NotFound, ValidationFailed
from api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.models.webhook import DeliveryStatus, DisabledReason
from api.services.access import owning_partner, require_kind, scope_partner_rows
from api.services.inputs import NewWebhookEndpoint, WebhookEndpointChanges
from api.services.paging import Page, PageRequest, fetch_page
from api.services.precondition import Precondition


class WebhookEndpointNotFound(NotFound):
    title = "Webhook endpoint not found"


@dataclass(frozen=True)
class EndpointWithSecret:
    """An endpoint and its signing secret in clear: the one response that shows it (create, rotate)."""

    endpoint: WebhookEndpoint
    secret: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.endpoint, name)


def _check_url(url: str, *, allow_loopback: bool) -> None:
    _, problem = check_url(url, allow_loopback=allow_loopback)
    if problem:
        raise ValidationFailed(
            "This URL may not receive webhooks.", errors=[FieldError("/url", "url_not_allowed", problem)]
        )


def _seal(secret_key: str, secret: str) -> str:
    return seal(secret_key, Purpose.WEBHOOK_SECRET, secret.encode()).decode("ascii")


def _unseal(secret_key: str, sealed: str) -> str:
    return unseal(secret_key, Purpose.WEBHOOK_SECRET, sealed.encode("ascii")).decode()


def _new_secret() -> str:
    return secret_from_bytes(secrets.token_bytes(SECRET_BYTES))


def _manage(principal: Principal) -> None:
    require_kind(principal, "partner_client", "admin", action="manage webhooks")


def create_endpoint(
    session: Session, principal: Principal, data: NewWebhookEndpoint, *, secret_key: str, allow_loopback: bool
) -> EndpointWithSecret:
    _manage(principal)
    partner_id = owning_partner(session, principal, data.get("partner_id"), what="webhook endpoint")
    _check_url(data["url"], allow_loopback=allow_loopback)
    secret = _new_secret()
    endpoint = WebhookEndpoint(
        partner_id=partner_id,
        url=data["url"],
        event_types=list(data["event_types"]),
        description=data.get("description"),
        enabled=data.get("enabled", True),
        secret_sealed=_seal(secret_key, secret),
    )
    if not endpoint.enabled:
        endpoint.disabled_reason = DisabledReason.MANUAL
    session.add(endpoint)
    session.flush()
    return EndpointWithSecret(endpoint, secret)


def list_endpoints(session: Session, principal: Principal, page: PageRequest) -> Page[WebhookEndpoint]:
    _manage(principal)
    stmt = scope_partner_rows(select(WebhookEndpoint), principal, WebhookEndpoint.partner_id)
    return fetch_page(session, stmt, WebhookEndpoint, page)


def get_endpoint(
    session: Session,
    principal: Principal,
    endpoint_id: str,
    *,
    for_update: bool = False,
    for_deletion: bool = False,
) -> WebhookEndpoint:
    """``for_update`` locks the row against the outbox too (it waits, then reads the change: a disabled
    endpoint gets no new delivery); ``for_deletion`` only against other changes (``FOR NO KEY UPDATE``)."""
    _manage(principal)
    stmt = scope_partner_rows(select(WebhookEndpoint), principal, WebhookEndpoint.partner_id).where(
        WebhookEndpoint.id == endpoint_id
    )
    if for_update or for_deletion:
        stmt = stmt.with_for_update(of=WebhookEndpoint, key_share=for_deletion)
    endpoint: WebhookEndpoint | None = session.scalar(stmt)
    if endpoint is None:
        raise WebhookEndpointNotFound(f"No webhook endpoint {endpoint_id}.")
    return endpoint


def update_endpoint(
    session: Session,
    principal: Principal,
    endpoint_id: str,
    changes: WebhookEndpointChanges,
    *,
    precondition: Precondition[WebhookEndpoint],
    allow_loopback: bool,
) -> WebhookEndpoint:
    """Change the URL, the event types, the description, or enable/disable it. Disabling cancels what is
    waiting to be delivered to it; enabling it again delivers the events emitted from then on."""
    endpoint = get_endpoint(session, principal, endpoint_id, for_update=True)
    precondition(endpoint)
    if "url" in changes:
        _check_url(changes["url"], allow_loopback=allow_loopback)
        endpoint.url = changes["url"]
    if "event_types" in changes:
        endpoint.event_types = list(changes["event_types"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "enabled" in changes and changes["enabled"] != endpoint.enabled:
        if changes["enabled"]:
            endpoint.enabled, endpoint.disabled_reason = True, None
        else:
            disable_endpoint(session, endpoint, DisabledReason.MANUAL)
    endpoint.updated_at = utcnow()
    session.flush()
    return endpoint


def delete_endpoint(session: Session, principal: Principal, endpoint_id: str) -> None:
    """Gone with its deliveries and their attempts (an attempt in flight finishes and is not recorded).

    Lock order (PostgreSQL): the endpoint is held ``FOR NO KEY UPDATE`` (another change or deletion waits;
    the foreign-key checks of the rows that reference it do not) while its deliveries are deleted, which
    waits for a worker recording an attempt (it holds the delivery's row and then inserts the attempt,
    checking the endpoint's key). Holding the endpoint ``FOR UPDATE`` from the start deadlocked with that
    worker. The endpoint's own deletion comes last: it waits for the transactions that queued deliveries
    meanwhile (the outbox reads endpoints ``FOR KEY SHARE``) and removes those with it (``ON DELETE
    CASCADE``)."""
    endpoint = get_endpoint(session, principal, endpoint_id, for_deletion=True)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()


def rotate_secret(
    session: Session, principal: Principal, endpoint_id: str, *, secret_key: str
) -> EndpointWithSecret:
    """A new secret signs from now on; the one it replaces signs alongside it for ``SECRET_OVERLAP`` (the
    signature header carries both), so the receiver can switch without losing an event."""
    endpoint = get_endpoint(session, principal, endpoint_id, for_update=True)
    now = utcnow()
    secret = _new_secret()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    endpoint.previous_secret_expires_at = now + SECRET_OVERLAP
    endpoint.secret_sealed = _seal(secret_key, secret)
    endpoint.updated_at = now
    session.flush()
    return EndpointWithSecret(endpoint, secret)


def signing_secrets(endpoint: WebhookEndpoint, *, secret_key: str, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the rotated-out one while it overlaps."""
    found = [_unseal(secret_key, endpoint.secret_sealed)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed and expires is not None and expires > now:
        found.append(_unseal(secret_key, endpoint.previous_secret_sealed))
    return found


def disable_endpoint(session: Session, endpoint: WebhookEndpoint, reason: DisabledReason) -> None:
    """Stop delivering to ``endpoint``: what waits for it is cancelled (the partner can redeliver)."""
    endpoint.enabled, endpoint.disabled_reason = False, reason
    endpoint.updated_at = utcnow()
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED, lease_token=None, lease_expires_at=None)
    )


def list_attempts(
    session: Session, principal: Principal, endpoint_id: str, filters: dict[str, Any], page: PageRequest
) -> Page[WebhookAttempt]:
    """The attempts made to an endpoint, newest first; ``event_id`` narrows them to one event."""
    endpoint = get_endpoint(session, principal, endpoint_id)
    stmt = select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id)
    if filters.get("event_id"):
        stmt = stmt.where(WebhookAttempt.event_id == filters["event_id"])
    return fetch_page(session, stmt, WebhookAttempt, page)
