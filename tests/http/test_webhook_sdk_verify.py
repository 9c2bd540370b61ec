"""The API's real signed deliveries (a test event a partner asks for, and a domain event), posted by the
delivery worker to a receiver, verify with each SDK's helper — Python's ``verify_webhook`` and the built
TypeScript package's ``verifyWebhook`` (the committed clients/typescript/src, compiled by the project's tsc
into a temporary directory, as make sdk compiles it) — and come back typed; a tampered body, an old timestamp
or another secret are refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.domain.webhooks import secret_from_bytes
from tests.http import test_webhook_delivery as delivery
from tests.http.test_webhook_delivery import Headers, emit_event, register
from tests.receiver import Answer, Received, receiving
from tests.world import World

# The delivery tests' fixtures: an app that allows loopback receivers, and one pass of the delivery worker.
loopback_app, app, client = delivery.loopback_app, delivery.app, delivery.client
partner_a, deliver = delivery.partner_a, delivery.deliver

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))

from telemedical_api_client import WebhookVerificationError, verify_webhook  # noqa: E402
from telemedical_api_client.models import (  # noqa: E402
    ConsultationStatus,
    ConsultationStatusChangedEvent,
    WebhookTestEvent,
)

TS_PROJECT = ROOT / "clients" / "typescript" / "tsconfig.json"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
VERIFY_TS = """
const { verifyWebhook } = await import(process.argv[1]);
const [secret, body, headers, now] = process.argv.slice(2);
try {
  const event = await verifyWebhook(secret, JSON.parse(headers), body, { now: new Date(Number(now)) });
  process.stdout.write(JSON.stringify({ ok: true, type: event.type, id: event.data.id }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, name: error.name, reason: error.reason }));
}
"""


def delivered(
    client: FlaskClient, partner_a: Headers, deliver: Callable[..., int], db: Session, world: World
) -> tuple[dict[str, str], list[Received], str]:
    """A test event and a consultation's status change, delivered to a new endpoint: (it, what arrived,
    the test event's id)."""
    with receiving([Answer(204), Answer(204)]) as receiver:
        endpoint = register(client, partner_a, receiver.url)
        sent = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=partner_a)
        assert sent.status_code == 202, sent.get_json()
        emit_event(db, world.partner_a, object_id="con_sdk", status="scheduled")
        assert deliver() == 2
        got = receiver.wait_for(2)
    return endpoint, got, str(sent.get_json()["event_id"])


def test_a_real_delivery_verifies_with_the_python_sdk(
    client: FlaskClient, partner_a: Headers, deliver: Callable[..., int], db: Session, world: World
) -> None:
    endpoint, got, test_event_id = delivered(client, partner_a, deliver, db, world)
    events = [verify_webhook(endpoint["secret"], r.headers, r.body) for r in got]
    (test,) = [e for e in events if isinstance(e, WebhookTestEvent)]
    (change,) = [e for e in events if isinstance(e, ConsultationStatusChangedEvent)]
    assert test.data.id == endpoint["id"] and test.data.object_ == "webhook_endpoint"
    assert test_event_id in {r.headers["webhook-id"] for r in got}
    assert change.data.id == "con_sdk" and change.data.status is ConsultationStatus.SCHEDULED
    one = got[0]
    for secret, body, now, reason in (
        (endpoint["secret"], one.body.replace(b'"data"', b'"data" '), None, "no_matching_signature"),
        (secret_from_bytes(b"x" * 32), one.body, None, "no_matching_signature"),
        (endpoint["secret"], one.body, datetime.now(UTC) + timedelta(minutes=6), "timestamp_too_old"),
        (endpoint["secret"], one.body, datetime.now(UTC) - timedelta(minutes=6), "timestamp_too_new"),
    ):
        with pytest.raises(WebhookVerificationError) as refused:
            verify_webhook(secret, one.headers, body, now=now)
        assert refused.value.reason == reason


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if not found or not TSC.is_file():
        if os.environ.get("CI"):
            raise AssertionError(
                "CI needs Node.js and the project's node_modules (make node_modules/.installed)"
            )
        pytest.skip("needs Node.js and the project's node_modules (make node_modules/.installed)")
    return found


@pytest.fixture(scope="module")
def ts_sdk(node: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript SDK's committed sources compiled (strict, NodeNext) into a fresh directory: the test
    needs no earlier make sdk, and a dist/ left from another commit cannot stand in for these sources."""
    out = tmp_path_factory.mktemp("ts-sdk")
    subprocess.run(
        [str(TSC), "-p", str(TS_PROJECT), "--outDir", str(out), "--declaration", "false"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (out / "package.json").write_text('{"type": "module"}')
    return out / "index.js"


def verify_in_typescript(
    node: str, sdk: Path, secret: str, received: Received, now: datetime
) -> dict[str, object]:
    result = subprocess.run(
        [
            node,
            "--input-type=module",
            "-e",
            VERIFY_TS,
            sdk.as_uri(),
            secret,
            received.body.decode(),
            json.dumps(received.headers),
            str(int(now.timestamp() * 1000)),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    verdict: dict[str, object] = json.loads(result.stdout)
    return verdict


def test_a_real_delivery_verifies_with_the_typescript_sdk(
    node: str,
    ts_sdk: Path,
    client: FlaskClient,
    partner_a: Headers,
    deliver: Callable[..., int],
    db: Session,
    world: World,
) -> None:
    endpoint, got, _ = delivered(client, partner_a, deliver, db, world)
    now = datetime.now(UTC)
    verdicts = [verify_in_typescript(node, ts_sdk, endpoint["secret"], r, now) for r in got]
    assert sorted((v["type"], v["id"]) for v in verdicts) == [
        ("consultation.status_changed", "con_sdk"),
        ("webhook.test", endpoint["id"]),
    ]
    one = got[0]
    tampered = Received(one.path, one.headers, one.body.replace(b'"data"', b'"data" '))
    assert verify_in_typescript(node, ts_sdk, endpoint["secret"], tampered, now) == {
        "ok": False,
        "name": "WebhookVerificationError",
        "reason": "no_matching_signature",
    }
    other = secret_from_bytes(b"x" * 32)
    assert verify_in_typescript(node, ts_sdk, other, one, now)["reason"] == "no_matching_signature"
    later = now + timedelta(minutes=6)
    assert verify_in_typescript(node, ts_sdk, endpoint["secret"], one, later)["reason"] == "timestamp_too_old"
