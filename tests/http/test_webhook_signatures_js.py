"""The JavaScript `standardwebhooks` package (npm) verifies what we sign, as a Node.js receiver would.

Needs Node.js and the package (`npm ci`, which `make spec-check` and `.ci/run` do). Without them the test is
skipped on a developer machine and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.domain.webhooks import payload, request_headers

ROOT = Path(__file__).resolve().parents[2]
VERIFY = """
const { Webhook } = require("standardwebhooks");
const [secret, body, headers] = process.argv.slice(1);
try {
  const event = new Webhook(secret).verify(body, JSON.parse(headers));
  process.stdout.write(JSON.stringify({ ok: true, type: event.type, id: event.data.id }));
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(err.message) }));
}
"""


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if not found or not (ROOT / "node_modules" / "standardwebhooks").is_dir():
        if os.environ.get("CI"):
            raise AssertionError("CI needs Node.js and `npm ci` (node_modules/standardwebhooks)")
        pytest.skip("needs Node.js and `npm ci` (node_modules/standardwebhooks)")
    return found


def verify_in_node(node: str, secret: str, body: bytes, headers: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [node, "-e", VERIFY, secret, body.decode(), json.dumps(headers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    verdict: dict[str, object] = json.loads(result.stdout)
    return verdict


CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PREVIOUS = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="


def test_node_verifies_our_signature_with_either_secret_during_a_rotation(node: str) -> None:
    body = payload("screening.risk_flagged", datetime.now(UTC), {"id": "scr_1", "object": "screening"})
    headers = request_headers([CURRENT, PREVIOUS], message_id="evt_1", sent_at=datetime.now(UTC), body=body)
    for secret in (CURRENT, PREVIOUS):
        assert verify_in_node(node, secret, body, headers) == {
            "ok": True,
            "type": "screening.risk_flagged",
            "id": "scr_1",
        }


def test_node_refuses_a_changed_body_or_another_secret(node: str) -> None:
    body = payload("consultation.created", datetime.now(UTC), {"id": "con_1", "object": "consultation"})
    headers = request_headers([CURRENT], message_id="evt_2", sent_at=datetime.now(UTC), body=body)
    tampered = body.replace(b"con_1", b"con_2")
    assert verify_in_node(node, CURRENT, tampered, headers)["ok"] is False
    assert verify_in_node(node, PREVIOUS, body, headers)["ok"] is False
