"""Verify a webhook delivery and get its typed event (hand-written: ``make sdk`` copies
clients/helpers/webhooks.py in beside the generated client).

Standard Webhooks 1.0, as the API signs (docs/webhooks.md): ``webhook-signature`` holds one or more
space-separated ``v1,<base64 HMAC-SHA256>`` of ``{webhook-id}.{webhook-timestamp}.{raw body}``, keyed by the
base64-decoded secret after ``whsec_``; a timestamp more than ``tolerance`` away from now, either way, is
refused. The comparison is constant-time (``hmac.compare_digest``).

Written here (20 lines of the standard library) rather than depending on the ``standardwebhooks`` package:
its ``verify`` fixes the tolerance at 5 minutes and returns untyped JSON. The SDK's tests verify what that
package signs, and the API's real deliveries, with this.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal

from .webhook_events import PARSERS, WebhookEvent

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = timedelta(seconds=300)

Failure = Literal[
    "missing_headers",
    "invalid_timestamp",
    "timestamp_too_old",
    "timestamp_too_new",
    "invalid_secret",
    "no_matching_signature",
    "invalid_payload",
    "unknown_event_type",
]


class WebhookVerificationError(Exception):
    """The request is not a delivery of ours, signed with this secret, sent just now (``reason`` says why);
    or (``invalid_payload``, ``unknown_event_type``) it is, but its body is not an event this SDK knows: an
    event type added after this version — answer 2xx and ignore it, or upgrade."""

    def __init__(self, reason: Failure, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason: Failure = reason


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("invalid_secret", "Use the endpoint's whsec_… secret.") from None
    if not key:
        raise WebhookVerificationError("invalid_secret", "The secret is empty.")
    return key


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: datetime | None = None,
) -> WebhookEvent:
    """The delivered event, typed (``ConsultationCreatedEvent``, ``WebhookTestEvent``, …: narrow it with
    ``isinstance`` or ``event.type_``), once its signature and timestamp check out;
    ``WebhookVerificationError`` otherwise. ``body`` is the raw body as received (a body parsed and
    serialised again does not match); ``headers`` any mapping (names in any case), e.g.
    ``dict(request.headers)``."""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    named = {name.lower(): value for name, value in headers.items()}
    message_id = named.get("webhook-id", "")
    timestamp = named.get("webhook-timestamp", "")
    signatures = named.get("webhook-signature", "")
    if not (message_id and timestamp and signatures):
        raise WebhookVerificationError(
            "missing_headers", "webhook-id, webhook-timestamp and webhook-signature are required."
        )
    if not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookVerificationError("invalid_timestamp", "webhook-timestamp is Unix seconds.")
    age = (now or datetime.now(UTC)).timestamp() - int(timestamp)
    if age > tolerance.total_seconds():
        raise WebhookVerificationError("timestamp_too_old", f"Signed {age:.0f} s ago.")
    if -age > tolerance.total_seconds():
        raise WebhookVerificationError("timestamp_too_new", f"Signed {-age:.0f} s in the future.")
    expected = hmac.new(_key(secret), f"{message_id}.{timestamp}.".encode() + raw, hashlib.sha256).digest()
    if not any(_matches(candidate, expected) for candidate in signatures.split(" ")):
        raise WebhookVerificationError("no_matching_signature", "No signature matches this secret.")
    return _parse(raw)


def _matches(candidate: str, expected: bytes) -> bool:
    version, _, encoded = candidate.partition(",")
    if version != "v1":
        return False
    try:
        given = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, expected)


def _parse(raw: bytes) -> WebhookEvent:
    try:
        payload = json.loads(raw)
        event_type = payload["type"]
    except (ValueError, TypeError, KeyError):
        raise WebhookVerificationError("invalid_payload", "The body is not an event.") from None
    parser = PARSERS.get(event_type) if isinstance(event_type, str) else None
    if parser is None:
        raise WebhookVerificationError("unknown_event_type", f"{event_type!r} is newer than this SDK.")
    try:
        return parser(payload)
    except (ValueError, TypeError, KeyError) as error:
        raise WebhookVerificationError("invalid_payload", f"Not a {event_type} event: {error}") from None
