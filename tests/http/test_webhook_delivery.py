"""Delivering events to a real local HTTP receiver: signatures an independent library verifies, the retry
schedule, 410, Retry-After, redirects, timeouts, order per object, and addresses refused at delivery time
without a connection. The worker's dispatcher runs in-process here, on the test's transaction; the live
tests in tests/concurrency/test_live_webhooks.py run real worker processes."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import urllib3
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.app import create_app
from api.config import Settings, get_settings
from api.db import Database, utcnow
from api.domain.webhooks import MAX_ATTEMPTS, RETRY_SCHEDULE, EventType
from api.events.dispatcher import Dispatcher
from api.events.outbox import emit
from api.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.models.webhook import DeliveryStatus, DisabledReason
from tests.helpers import bearer, cc_token
from tests.receiver import Answer, receiving
from tests.world import World

Headers = dict[str, str]
TYPES = ["consultation.created", "consultation.status_changed", "screening.risk_flagged"]


@pytest.fixture(scope="module")
def loopback_app(base_settings: Settings, engine: Engine) -> Flask:
    """An app that accepts http://127.0.0.1 endpoints, built once for the module (as shared_app is)."""
    return create_app(base_settings.with_overrides(webhook_allow_loopback=True), database=Database(engine))


@pytest.fixture
def app(loopback_app: Flask, connection: Connection) -> Flask:
    loopback_app.extensions["db"].join(connection)
    loopback_app.extensions["rate_limiter"].reset()
    return loopback_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def partner_a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


def dispatcher(app: Flask, **overrides: Any) -> Dispatcher:
    settings = get_settings(app)
    options: dict[str, Any] = {
        "secret_key": settings.secret_key,
        "allow_loopback": True,
        "lease_seconds": 60,
        "concurrency": 2,
        **overrides,
    }
    return Dispatcher(app.extensions["db"].session_factory, **options)


@pytest.fixture
def deliver(app: Flask) -> Iterator[Callable[..., int]]:
    """Run one delivery pass (as the worker does) and return the number of attempts it made."""
    made: list[Dispatcher] = []

    def run(**overrides: Any) -> int:
        d = dispatcher(app, **overrides)
        made.append(d)
        return d.run_pass()

    yield run
    for d in made:
        d.close()


def register(client: FlaskClient, headers: Headers, url: str, types: list[str] = TYPES) -> dict[str, Any]:
    response = client.post("/v1/webhook-endpoints", json={"url": url, "event_types": types}, headers=headers)
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def emit_event(db: Session, partner_id: str, object_id: str = "con_1", **facts: Any) -> str:
    event_id = emit(
        db,
        partner_id=partner_id,
        type=EventType.CONSULTATION_STATUS_CHANGED,
        object_type="consultation",
        object_id=object_id,
        **{"previous_status": "ready", "status": "scheduled", **facts},
    )
    db.commit()
    return event_id


def make_due(db: Session) -> None:
    """Bring every pending retry forward to now (instead of waiting 5 s, 5 min, …)."""
    db.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()


def attempts(db: Session) -> list[WebhookAttempt]:
    return list(
        db.scalars(select(WebhookAttempt).order_by(WebhookAttempt.created_at, WebhookAttempt.attempt))
    )


def endpoint_row(db: Session, endpoint_id: str) -> WebhookEndpoint:
    db.expire_all()
    row = db.get(WebhookEndpoint, endpoint_id)
    assert row is not None
    return row


# --- signing ------------------------------------------------------------------------------------------


def test_a_delivery_is_verified_by_the_standard_webhooks_library(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as receiver:
        endpoint = register(client, partner_a, receiver.url)
        event_id = emit_event(db, world.partner_a, status="scheduled")
        assert deliver() == 1
        (got,) = receiver.wait_for(1)
    payload = Webhook(endpoint["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "consultation.status_changed"
    assert payload["data"] == {
        "id": "con_1",
        "object": "consultation",
        "previous_status": "ready",
        "status": "scheduled",
    }
    assert payload["timestamp"].endswith("Z")
    assert got.headers["webhook-id"] == event_id
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(got.body.replace(b"scheduled", b"cancelled"), got.headers)
    (attempt,) = attempts(db)
    assert (attempt.attempt, attempt.status_code, attempt.error, attempt.next_attempt_at) == (
        1,
        200,
        None,
        None,
    )
    assert attempt.response_excerpt == "ok"
    delivery = db.scalars(select(WebhookDelivery)).one()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.lease_token is None
    assert deliver() == 0  # delivered once: nothing is sent twice for one success


def test_the_event_api_shows_what_the_receiver_got(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as receiver:
        endpoint = register(client, partner_a, receiver.url)
        event_id = emit_event(db, world.partner_a, status="scheduled")
        deliver()
        (got,) = receiver.wait_for(1)
    event = client.get(f"/v1/events/{event_id}", headers=partner_a).get_json()
    assert {k: event[k] for k in ("type", "timestamp", "data")} == got.json
    listed = client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=partner_a).get_json()
    (row,) = listed["data"]
    assert (row["event_id"], row["attempt"], row["status_code"], row["next_attempt_at"]) == (
        event_id,
        1,
        200,
        None,
    )


def test_a_rotated_secret_signs_alongside_the_new_one_for_a_day(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as receiver:
        endpoint = register(client, partner_a, receiver.url)
        old = endpoint["secret"]
        new = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=partner_a)
        new_secret = new.get_json()["secret"]
        emit_event(db, world.partner_a, object_id="con_1")
        deliver()
        during = receiver.wait_for(1)[0]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        Webhook(old).verify(during.body, during.headers)
        Webhook(new_secret).verify(during.body, during.headers)
        db.execute(update(WebhookEndpoint).values(previous_secret_expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
        emit_event(db, world.partner_a, object_id="con_2")
        deliver()
        after = receiver.wait_for(2)[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(new_secret).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


# --- retries --------------------------------------------------------------------------------------------


def test_failures_follow_the_retry_schedule_and_the_last_one_disables(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving([Answer(500, body=b"boom")]) as receiver:
        endpoint = register(client, partner_a, receiver.url)
        emit_event(db, world.partner_a)
        for number in range(1, MAX_ATTEMPTS + 1):
            assert deliver() == 1, f"attempt {number}"
            make_due(db)
        receiver.wait_for(MAX_ATTEMPTS)
        assert deliver() == 0
    made = attempts(db)
    assert [a.attempt for a in made] == list(range(1, MAX_ATTEMPTS + 1))
    assert {a.status_code for a in made} == {500} and made[0].response_excerpt == "boom"
    for attempt, wait in zip(made[:-1], RETRY_SCHEDULE[1:], strict=True):
        assert attempt.next_attempt_at is not None
        waited = attempt.next_attempt_at - attempt.created_at
        assert wait <= waited <= wait * 1.1 + timedelta(milliseconds=1), (attempt.attempt, waited)
    assert made[-1].next_attempt_at is None
    assert db.scalars(select(WebhookDelivery.status)).one() == DeliveryStatus.FAILED
    row = endpoint_row(db, endpoint["id"])
    assert (row.enabled, row.disabled_reason) == (False, DisabledReason.RETRIES_EXHAUSTED)


def test_410_disables_the_endpoint_and_cancels_what_waits(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving([Answer(410)]) as receiver:
        endpoint = register(client, partner_a, receiver.url)
        emit_event(db, world.partner_a, object_id="con_1")
        emit_event(db, world.partner_a, object_id="con_1")  # waits behind the first (same object)
        assert deliver() == 1
        receiver.wait_for(1)
    row = endpoint_row(db, endpoint["id"])
    assert (row.enabled, row.disabled_reason) == (False, DisabledReason.GONE)
    statuses = sorted(db.scalars(select(WebhookDelivery.status)))
    assert statuses == [DeliveryStatus.CANCELLED, DeliveryStatus.FAILED]
    emit_event(db, world.partner_a, object_id="con_2")
    assert deliver() == 0


def test_retry_after_delays_the_next_attempt(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving([Answer(503, headers={"Retry-After": "120"})]) as receiver:
        register(client, partner_a, receiver.url)
        emit_event(db, world.partner_a)
        deliver()
        receiver.wait_for(1)
    (attempt,) = attempts(db)
    assert attempt.next_attempt_at is not None
    assert timedelta(seconds=120) <= attempt.next_attempt_at - attempt.created_at < timedelta(seconds=121)


def test_a_redirect_is_not_followed(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as elsewhere, receiving([Answer(307, headers={"Location": elsewhere.url})]) as receiver:
        register(client, partner_a, receiver.url)
        emit_event(db, world.partner_a)
        deliver()
        receiver.wait_for(1)
        assert elsewhere.received == []
    (attempt,) = attempts(db)
    assert attempt.status_code == 307 and attempt.next_attempt_at is not None


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving([Answer(200, delay=2.0)]) as receiver:
        register(client, partner_a, receiver.url)
        emit_event(db, world.partner_a)
        deliver(timeout=0.5)
        receiver.wait_for(1)
    (attempt,) = attempts(db)
    assert (attempt.status_code, attempt.error) == (None, "timeout")
    assert attempt.next_attempt_at is not None


# --- order ------------------------------------------------------------------------------------------------


def test_the_events_of_one_object_arrive_in_order_even_after_a_failure(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving([Answer(500), Answer(200)]) as receiver:
        register(client, partner_a, receiver.url)
        for status in ("ready", "scheduled", "in_progress"):
            emit_event(db, world.partner_a, object_id="con_1", status=status)
        assert deliver() == 1  # only the first: it fails; the others wait behind it
        make_due(db)
        for _ in range(3):
            deliver()
        received = receiver.wait_for(4)
    statuses = [r.json["data"]["status"] for r in received]
    assert statuses == ["ready", "ready", "scheduled", "in_progress"]
    stamps = [r.json["timestamp"] for r in received[1:]]
    assert stamps == sorted(stamps)


def test_other_objects_are_not_held_up(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as receiver:
        register(client, partner_a, receiver.url)
        for n in range(3):
            emit_event(db, world.partner_a, object_id=f"con_{n}")
        assert deliver() == 3
        assert len(receiver.wait_for(3)) == 3


def test_another_partners_events_never_reach_an_endpoint(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    with receiving() as receiver:
        register(client, partner_a, receiver.url)
        emit_event(db, world.partner_b, object_id="con_b")
        emit_event(db, world.partner_a, object_id="con_a")
        deliver()
        (got,) = receiver.wait_for(1)
        assert deliver() == 0
    assert got.json["data"]["id"] == "con_a"


# --- addresses refused at delivery time, without a connection --------------------------------------------


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every connection the transport opens (none may be made to a refused address)."""
    opened: list[tuple[str, int]] = []

    def record(pool: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append((pool.host, pool.port))
        raise AssertionError(f"a connection was attempted to {pool.host}:{pool.port}")

    monkeypatch.setattr(urllib3.HTTPConnectionPool, "urlopen", record)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: record(*a, **k))
    return opened


def _register_direct(db: Session, client: FlaskClient, partner_a: Headers, url: str) -> str:
    return str(register(client, partner_a, url)["id"])


PUBLIC_NAME = "https://hooks.partner-a.example/x"


@pytest.mark.parametrize(
    ("url", "resolved", "allow_loopback"),
    [
        pytest.param(PUBLIC_NAME, ["10.0.0.1"], False, id="private"),
        pytest.param(PUBLIC_NAME, ["169.254.169.254"], False, id="metadata"),
        pytest.param(PUBLIC_NAME, ["::1"], False, id="ipv6-loopback"),
        pytest.param(PUBLIC_NAME, ["127.0.0.1"], False, id="loopback"),
        pytest.param(PUBLIC_NAME, ["127.0.0.1"], True, id="loopback-by-a-public-name"),
        pytest.param(PUBLIC_NAME, ["93.184.216.34", "10.0.0.1"], False, id="one-private"),
        pytest.param("http://127.0.0.1:9/x", ["127.0.0.1"], False, id="loopback-no-longer-allowed"),
    ],
)
def test_an_address_refused_at_delivery_is_never_contacted(
    client: FlaskClient,
    partner_a: Headers,
    world: World,
    db: Session,
    deliver: Callable[..., int],
    connections: list[tuple[str, int]],
    url: str,
    resolved: list[str],
    allow_loopback: bool,
) -> None:
    register(client, partner_a, url)  # accepted at registration (the name looked public, or loopback was on)
    emit_event(db, world.partner_a)
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return resolved

    assert deliver(resolver=resolver, allow_loopback=allow_loopback) == 1
    assert connections == []
    (attempt,) = attempts(db)
    assert attempt.status_code is None
    assert attempt.error in ("address_not_allowed", "url_not_allowed")
    assert attempt.next_attempt_at is not None  # DNS may be fixed: retried on the schedule


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://[::169.254.169.254]/x?token=1", id="ipv4-compatible"),
        pytest.param("https://[::ffff:0:a9fe:a9fe]/x", id="ipv4-translated"),
        pytest.param("https://[64:ff9b:1::a9fe:a9fe]/x", id="local-use-nat64"),
        pytest.param("https://0x7f.1/x", id="hex-loopback"),
        pytest.param("https://10.1/x", id="short-private"),
        pytest.param("https://[5f00::1]/x", id="srv6-sid"),
        pytest.param("https://hooks.partner-a.example:22/x", id="privileged-port"),
    ],
)
def test_a_url_registered_before_the_rules_changed_is_refused_at_delivery_without_dns(
    client: FlaskClient,
    partner_a: Headers,
    world: World,
    db: Session,
    deliver: Callable[..., int],
    connections: list[tuple[str, int]],
    url: str,
) -> None:
    """Issue 22, findings 7 and 10: delivery judges the URL with the registration's classifier; a numeric
    host is the address it spells, never a name for DNS (which might answer anything)."""
    endpoint = register(client, partner_a, PUBLIC_NAME)["id"]
    db.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint).values(url=url))
    emit_event(db, world.partner_a)
    asked: list[str] = []

    def public_dns(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    assert deliver(resolver=public_dns, allow_loopback=False) == 1
    assert connections == [] and asked == []
    (attempt,) = attempts(db)
    assert (attempt.status_code, attempt.error) == (None, "url_not_allowed")


# --- test events (issue 27, item 3) ---------------------------------------------------------------------


def test_a_test_event_reaches_only_that_endpoint_signed_with_its_secret(
    client: FlaskClient, partner_a: Headers, world: World, db: Session, deliver: Callable[..., int]
) -> None:
    """A partner checks its receiver and its signature code without waiting for real traffic: the test
    goes to the endpoint named (which subscribes to other types), never to the partner's other endpoints."""
    with receiving() as receiver, receiving() as other:
        endpoint = register(client, partner_a, receiver.url)
        register(client, partner_a, other.url)
        queued = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=partner_a)
        assert queued.status_code == 202, queued.get_json()
        body = queued.get_json()
        assert body["delivery"]["endpoint_id"] == endpoint["id"]
        assert body["delivery"]["status"] == "pending"
        assert deliver() == 1
        (got,) = receiver.wait_for(1)
        assert other.received == []
    payload = Webhook(endpoint["secret"]).verify(got.body, got.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"] == {"id": endpoint["id"], "object": "webhook_endpoint"}
    assert got.headers["webhook-id"] == body["event_id"]
    listed = client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=partner_a).get_json()
    assert [(row["event_id"], row["status_code"]) for row in listed["data"]] == [(body["event_id"], 200)]
    event = client.get(f"/v1/events/{body['event_id']}", headers=partner_a).get_json()
    assert event["type"] == "webhook.test"


def test_a_test_event_to_a_disabled_or_foreign_endpoint_is_refused(
    client: FlaskClient, partner_a: Headers, world: World
) -> None:
    endpoint = register(client, partner_a, "http://127.0.0.1:9/hooks")
    other_partner = bearer(cc_token(client, world.portal_b))
    foreign = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=other_partner)
    assert foreign.status_code == 404
    etag = client.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=partner_a).headers["ETag"]
    disabled = client.patch(
        f"/v1/webhook-endpoints/{endpoint['id']}",
        json={"enabled": False},
        headers={**partner_a, "If-Match": etag},
    )
    assert disabled.status_code == 200, disabled.get_json()
    refused = client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=partner_a)
    assert refused.status_code == 409 and refused.get_json()["code"] == "endpoint_disabled"


def test_webhook_test_is_not_a_type_to_subscribe_to(client: FlaskClient, partner_a: Headers) -> None:
    response = client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/hooks", "event_types": ["webhook.test"]},
        headers=partner_a,
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/event_types/0"]
