"""The Python SDK's ``verify_webhook`` (clients/helpers/webhooks.py, copied into clients/python by make sdk):
Standard Webhooks 1.0 as the ``standardwebhooks`` package signs it and as the API signs it, refusals with a
typed reason, and the event parsed into its generated model."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from api.domain.webhooks import payload, request_headers, secret_from_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from telemedical_api_client import WebhookVerificationError, verify_webhook
from telemedical_api_client.models import (
    ConsultationStatus,
    ConsultationStatusChangedEvent,
    ScreeningRiskFlaggedEvent,
    WebhookTestEvent,
)
from telemedical_api_client.webhook_events import PARSERS

ROOT = Path(__file__).resolve().parents[2]
SECRET = secret_from_bytes(b"k" * 32)
OTHER = secret_from_bytes(b"o" * 32)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
CHANGED = payload(
    "consultation.status_changed",
    NOW,
    {"id": "con_1", "object": "consultation", "previous_status": "ready", "status": "scheduled"},
)


def signed(body: bytes, secrets: list[str] | None = None, at: datetime = NOW) -> dict[str, str]:
    return request_headers(secrets or [SECRET], message_id="evt_1", sent_at=at, body=body)


def refusal(secret: str, headers: dict[str, str], body: bytes | str, **options: object) -> str:
    with pytest.raises(WebhookVerificationError) as refused:
        verify_webhook(secret, headers, body, now=NOW, **options)  # type: ignore[arg-type]
    return refused.value.reason


def test_what_the_api_signs_verifies_and_comes_back_typed() -> None:
    event = verify_webhook(SECRET, signed(CHANGED), CHANGED, now=NOW)
    assert isinstance(event, ConsultationStatusChangedEvent)
    assert event.type_ == "consultation.status_changed"
    assert (
        event.data.status is ConsultationStatus.SCHEDULED
        and event.data.previous_status is ConsultationStatus.READY
    )
    assert event.timestamp == NOW


def test_what_the_standardwebhooks_package_signs_verifies() -> None:
    """The reference implementation's signature (and its header names in another case), with a str body."""
    body = payload("webhook.test", NOW, {"id": "whe_1", "object": "webhook_endpoint"}).decode()
    stamp = datetime.now(UTC)
    headers = {
        "Webhook-Id": "evt_9",
        "Webhook-Timestamp": str(int(stamp.timestamp())),
        "Webhook-Signature": Webhook(SECRET).sign("evt_9", stamp, body),
    }
    event = verify_webhook(SECRET, headers, body)
    assert isinstance(event, WebhookTestEvent) and event.data.id == "whe_1"
    # and the package accepts what the SDK accepts: the same algorithm
    assert Webhook(SECRET).verify(body, headers)["type"] == "webhook.test"


def test_during_a_rotation_either_secret_verifies() -> None:
    body = payload(
        "screening.risk_flagged",
        NOW,
        {
            "id": "scr_1",
            "object": "screening",
            "instrument": "cssrs",
            "consultation_id": None,
            "risk_level": "high",
            "plan_id": "pln_1",
        },
    )
    headers = signed(body, [OTHER, SECRET])
    assert " " in headers["webhook-signature"]
    for secret in (SECRET, OTHER):
        event = verify_webhook(secret, headers, body, now=NOW)
        assert isinstance(event, ScreeningRiskFlaggedEvent) and event.data.consultation_id is None


def test_a_tampered_body_another_secret_or_a_forged_signature_is_refused() -> None:
    headers = signed(CHANGED)
    assert refusal(SECRET, headers, CHANGED.replace(b"con_1", b"con_2")) == "no_matching_signature"
    assert refusal(OTHER, headers, CHANGED) == "no_matching_signature"
    forged = {**headers, "webhook-signature": "v1,AAAA v2," + headers["webhook-signature"][3:]}
    assert refusal(SECRET, forged, CHANGED) == "no_matching_signature"  # only v1 signatures count
    assert refusal(SECRET, {**headers, "webhook-id": "evt_2"}, CHANGED) == "no_matching_signature"


def test_the_timestamp_must_be_within_the_tolerance_either_way() -> None:
    old, new = (
        signed(CHANGED, at=NOW - timedelta(seconds=301)),
        signed(CHANGED, at=NOW + timedelta(seconds=301)),
    )
    assert refusal(SECRET, old, CHANGED) == "timestamp_too_old"
    assert refusal(SECRET, new, CHANGED) == "timestamp_too_new"
    assert verify_webhook(SECRET, signed(CHANGED, at=NOW - timedelta(seconds=299)), CHANGED, now=NOW)
    assert verify_webhook(SECRET, old, CHANGED, now=NOW, tolerance=timedelta(minutes=10))
    minute = signed(CHANGED, at=NOW - timedelta(seconds=61))
    assert refusal(SECRET, minute, CHANGED, tolerance=timedelta(minutes=1)) == "timestamp_too_old"
    assert refusal(SECRET, {**signed(CHANGED), "webhook-timestamp": "1e9"}, CHANGED) == "invalid_timestamp"


def test_missing_headers_a_bad_secret_and_bodies_that_are_no_known_event() -> None:
    headers = signed(CHANGED)
    anonymous = {k: v for k, v in headers.items() if k != "webhook-id"}
    assert refusal(SECRET, anonymous, CHANGED) == "missing_headers"
    assert refusal("whsec_not base64!", headers, CHANGED) == "invalid_secret"
    for body, reason in (
        (b"not json", "invalid_payload"),
        (b"[1, 2]", "invalid_payload"),
        (payload("consultation.status_changed", NOW, {"id": "con_1"}), "invalid_payload"),
        (
            payload("consultation.teleported", NOW, {"id": "con_1", "object": "consultation"}),
            "unknown_event_type",
        ),
    ):
        assert refusal(SECRET, signed(body), body) == reason, body


def test_every_event_type_of_the_spec_has_its_parser() -> None:
    spec = json.loads((ROOT / "openapi" / "v1.json").read_text())
    assert set(PARSERS) == set(spec["webhooks"])


def test_the_copy_in_clients_python_is_the_helper() -> None:
    helper = (ROOT / "clients" / "helpers" / "webhooks.py").read_text()
    assert (ROOT / "clients" / "python" / "telemedical_api_client" / "webhooks.py").read_text() == helper
