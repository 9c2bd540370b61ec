"""Webhook endpoints and events through the API: registration, URL checks, tenancy, changes, redelivery."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from api.db import unit_of_work, utcnow
from api.domain.webhooks import EventType
from api.events.outbox import emit
from api.events.transport import SendResult
from api.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.models.webhook import DeliveryStatus
from api.services import deliveries
from api.services.housekeeping import purge_expired
from tests.conftest import Race
from tests.helpers import bearer, cc_token
from tests.world import World

Headers = dict[str, str]
ALL_TYPES = ["consultation.created", "consultation.status_changed", "screening.risk_flagged"]


@pytest.fixture
def partner_a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def partner_b(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_b))


def register(client: FlaskClient, headers: Headers, **body: Any) -> dict[str, Any]:
    body = {"url": "https://hooks.partner-a.example/telemedical", "event_types": ALL_TYPES, **body}
    response = client.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def request_consultation(client: FlaskClient, headers: Headers, patient_id: str) -> str:
    body = {"patient_id": patient_id, "conditions": ["major_depression"], "patient_location_state": "NY"}
    response = client.post("/v1/consultations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


# --- endpoints ------------------------------------------------------------------------------------------


def test_an_endpoint_is_registered_with_a_secret_shown_once(
    client: FlaskClient, partner_a: Headers, world: World
) -> None:
    created = register(client, partner_a, description="Care portal")
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["partner_id"] == world.partner_a
    assert created["enabled"] is True and created["disabled_reason"] is None
    shown = client.get(f"/v1/webhook-endpoints/{created['id']}", headers=partner_a).get_json()
    listed = client.get("/v1/webhook-endpoints", headers=partner_a).get_json()["data"]
    assert "secret" not in shown and all("secret" not in e for e in listed)
    assert {k: v for k, v in created.items() if k != "secret"} == shown
    assert [e["id"] for e in listed] == [created["id"]]


def test_the_secret_is_stored_encrypted(client: FlaskClient, partner_a: Headers, db: Session) -> None:
    created = register(client, partner_a)
    row = db.get(WebhookEndpoint, created["id"])
    assert row is not None
    secret_body = created["secret"].removeprefix("whsec_")
    assert secret_body not in row.secret_sealed and created["secret"] not in row.secret_sealed


REFUSED_URLS = [
    pytest.param("http://hooks.partner-a.example/x", id="http"),
    pytest.param("https://10.0.0.1/hooks", id="private-10"),
    pytest.param("https://192.168.1.20/hooks", id="private-192"),
    pytest.param("https://169.254.169.254/latest/meta-data", id="metadata"),
    pytest.param("https://[::1]/hooks", id="ipv6-loopback"),
    pytest.param("https://[::ffff:10.0.0.1]/hooks", id="ipv4-mapped-private"),
    pytest.param("https://[fd00:ec2::254]/hooks", id="ipv6-unique-local-metadata"),
    pytest.param("https://127.0.0.1/hooks", id="loopback"),
    pytest.param("http://127.0.0.1:9000/hooks", id="loopback-http-not-allowed"),
    pytest.param("https://localhost/hooks", id="localhost"),
    pytest.param("https://224.0.0.1/hooks", id="multicast"),
    pytest.param("https://0.0.0.0/hooks", id="unspecified"),
    pytest.param("https://100.64.0.1/hooks", id="shared-address-space"),
    pytest.param("https://metadata.google.internal/computeMetadata", id="metadata-name"),
    pytest.param("https://printer.local/hooks", id="mdns-name"),
    pytest.param("https://user:pass@hooks.partner-a.example/x", id="credentials"),
    pytest.param("https://hooks.partner-a.example/x#frag", id="fragment"),
    pytest.param("https://intranet/hooks", id="single-label"),
    pytest.param("ftp://hooks.partner-a.example/x", id="ftp"),
    pytest.param("hooks.partner-a.example/x", id="no-scheme"),
    pytest.param("https://hooks.partner-a.example:99999/x", id="bad-port"),
    # Issue 22, findings 7 and 10: IPv4 inside IPv6, IPv4 spelled as the resolver reads it, new blocks, ports.
    pytest.param("https://[::169.254.169.254]/", id="ipv4-compatible-metadata"),
    pytest.param("https://[::ffff:0:a9fe:a9fe]/", id="ipv4-translated-metadata"),
    pytest.param("https://[64:ff9b:1::a9fe:a9fe]/", id="local-use-nat64-metadata"),
    pytest.param("https://[2002:a9fe:a9fe::1]/", id="6to4-metadata"),
    pytest.param("https://127.1/", id="short-loopback"),
    pytest.param("https://0177.0.0.1/", id="octal-loopback"),
    pytest.param("https://0x7f.1/", id="hex-loopback"),
    pytest.param("https://10.1/", id="short-private"),
    pytest.param("https://2130706433/", id="integer-loopback"),
    pytest.param("https://256.1/", id="numeric-not-an-address"),
    pytest.param("https://[5f00::1]/", id="srv6-sid"),
    pytest.param("https://[3fff::1]/", id="ipv6-documentation"),
    pytest.param("https://hooks.partner-a.example:0/x", id="port-0"),
    pytest.param("https://hooks.partner-a.example:22/x", id="privileged-port"),
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail any DNS lookup or connection: refusals are made by validation alone."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise AssertionError(f"a network call was made: {args[:2]!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_url_that_could_reach_a_private_network_is_refused(
    client: FlaskClient, partner_a: Headers, db: Session, url: str, no_network: list[str]
) -> None:
    response = client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ALL_TYPES}, headers=partner_a
    )
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [("/url", "url_not_allowed")]
    assert db.scalar(select(WebhookEndpoint.id)) is None
    assert no_network == []


def test_port_0_is_refused_with_a_reason_not_read_as_443(
    client: FlaskClient, partner_a: Headers, no_network: list[str]
) -> None:
    body = {"url": "https://hooks.partner-a.example:0/x", "event_types": ALL_TYPES}
    response = client.post("/v1/webhook-endpoints", json=body, headers=partner_a)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    (error,) = response.get_json()["errors"]
    assert (error["pointer"], error["code"]) == ("/url", "url_not_allowed")
    assert "port" in error["message"].lower()


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.partner-a.example:8443/x",
        "https://[2606:2800:220:1::1]/x",
        "https://93.184.216.34:443/x",
    ],
)
def test_a_public_address_or_an_unprivileged_port_is_accepted(
    client: FlaskClient, partner_a: Headers, url: str, no_network: list[str]
) -> None:
    assert register(client, partner_a, url=url)["url"] == url


def test_loopback_http_is_allowed_only_when_configured(
    make_app: Any, world: World, no_network: list[str]
) -> None:
    app: Flask = make_app(webhook_allow_loopback=True)
    client = app.test_client()
    headers = bearer(cc_token(client, world.portal_a))
    for url in ("http://127.0.0.1:9000/hooks", "http://localhost:9000/hooks"):
        body = {"url": url, "event_types": ALL_TYPES}
        assert client.post("/v1/webhook-endpoints", json=body, headers=headers).status_code == 201
    for url in ("http://10.0.0.1/hooks", "https://169.254.169.254/", "http://[::1]:9000/hooks"):
        body = {"url": url, "event_types": ALL_TYPES}
        assert client.post("/v1/webhook-endpoints", json=body, headers=headers).status_code == 422, url
    assert no_network == []


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        pytest.param({"url": "https://h.example/x", "event_types": []}, "/event_types", id="no-types"),
        pytest.param({"url": "https://h.example/x", "event_types": ["x.y"]}, "/event_types/0", id="unknown"),
        pytest.param(
            {"url": "https://h.example/x", "event_types": ["consultation.created"] * 2},
            "/event_types",
            id="repeated",
        ),
        pytest.param({"event_types": ALL_TYPES}, "/url", id="no-url"),
        pytest.param(
            {"url": "https://h.example/x", "event_types": ALL_TYPES, "enabled": 0}, "/enabled", id="0"
        ),
        pytest.param(
            {"url": "https://h.example/x", "event_types": ALL_TYPES, "secret": "x"}, "/secret", id="secret"
        ),
    ],
)
def test_a_bad_registration_points_at_the_field(
    client: FlaskClient, partner_a: Headers, body: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/webhook-endpoints", json=body, headers=partner_a)
    assert response.status_code == 422
    assert pointer in [e["pointer"] for e in response.get_json()["errors"]]


def test_another_partners_endpoint_is_not_found(
    client: FlaskClient, partner_a: Headers, partner_b: Headers, admin: Headers
) -> None:
    created = register(client, partner_a)
    url = f"/v1/webhook-endpoints/{created['id']}"
    assert client.get(url, headers=partner_b).status_code == 404
    assert client.get("/v1/webhook-endpoints", headers=partner_b).get_json()["data"] == []
    assert client.delete(url, headers=partner_b).status_code == 404
    assert client.post(f"{url}/rotate-secret", headers=partner_b).status_code == 404
    assert client.get(f"{url}/deliveries", headers=partner_b).status_code == 404
    etag = client.get(url, headers=partner_a).headers["ETag"]
    patch = client.patch(url, json={"enabled": False}, headers={**partner_b, "If-Match": etag})
    assert patch.status_code == 404
    assert client.get(url, headers=admin).status_code == 200  # the platform sees every partner's


def test_only_partner_systems_and_admins_manage_webhooks(
    client: FlaskClient, world: World, partner_a: Headers
) -> None:
    readonly = bearer(cc_token(client, world.readonly_a))
    assert client.get("/v1/webhook-endpoints", headers=readonly).status_code == 403
    assert client.get("/v1/events", headers=readonly).status_code == 403
    assert client.get("/v1/webhook-endpoints").status_code == 401


def test_an_admin_registers_for_a_named_partner(client: FlaskClient, admin: Headers, world: World) -> None:
    body = {"url": "https://hooks.partner-a.example/x", "event_types": ALL_TYPES}
    missing = client.post("/v1/webhook-endpoints", json=body, headers=admin)
    assert missing.status_code == 422
    assert [e["pointer"] for e in missing.get_json()["errors"]] == ["/partner_id"]
    created = register(client, admin, partner_id=world.partner_a)
    assert created["partner_id"] == world.partner_a


def test_a_partner_cannot_register_for_another(client: FlaskClient, partner_a: Headers, world: World) -> None:
    body = {
        "url": "https://hooks.partner-a.example/x",
        "event_types": ALL_TYPES,
        "partner_id": world.partner_b,
    }
    response = client.post("/v1/webhook-endpoints", json=body, headers=partner_a)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/partner_id"]


def test_an_endpoint_changes_under_if_match(client: FlaskClient, partner_a: Headers) -> None:
    created = register(client, partner_a)
    url = f"/v1/webhook-endpoints/{created['id']}"
    assert client.patch(url, json={"enabled": False}, headers=partner_a).status_code == 428
    etag = client.get(url, headers=partner_a).headers["ETag"]
    changed = client.patch(
        url,
        json={"url": "https://hooks2.partner-a.example/in", "event_types": ["screening.risk_flagged"]},
        headers={**partner_a, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["url"] == "https://hooks2.partner-a.example/in"
    assert changed.get_json()["event_types"] == ["screening.risk_flagged"]
    stale = client.patch(url, json={"description": "x"}, headers={**partner_a, "If-Match": etag})
    assert stale.status_code == 412
    refused = client.patch(
        url,
        json={"url": "https://10.1.2.3/in"},
        headers={**partner_a, "If-Match": changed.headers["ETag"]},
    )
    assert refused.status_code == 422
    assert [e["pointer"] for e in refused.get_json()["errors"]] == ["/url"]


def test_disabling_cancels_what_waits_and_enabling_resumes_new_events(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    created = register(client, partner_a)
    url = f"/v1/webhook-endpoints/{created['id']}"
    request_consultation(client, partner_a, world.patient_a1)
    waiting = db.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == created["id"])).all()
    assert [d.status for d in waiting] == [DeliveryStatus.PENDING]
    etag = client.get(url, headers=partner_a).headers["ETag"]
    off = client.patch(url, json={"enabled": False}, headers={**partner_a, "If-Match": etag})
    assert off.get_json()["enabled"] is False and off.get_json()["disabled_reason"] == "manual"
    db.expire_all()
    assert [d.status for d in waiting] == [DeliveryStatus.CANCELLED]
    request_consultation(client, partner_a, world.patient_a1)  # emitted while disabled: not queued
    assert len(db.scalars(select(WebhookDelivery)).all()) == 1
    on = client.patch(url, json={"enabled": True}, headers={**partner_a, "If-Match": off.headers["ETag"]})
    assert on.get_json()["enabled"] is True and on.get_json()["disabled_reason"] is None
    request_consultation(client, partner_a, world.patient_a1)
    statuses = sorted(d.status for d in db.scalars(select(WebhookDelivery)))
    assert statuses == [DeliveryStatus.CANCELLED, DeliveryStatus.PENDING]


def test_rotating_gives_a_new_secret_once(client: FlaskClient, partner_a: Headers, db: Session) -> None:
    created = register(client, partner_a)
    rotated = client.post(f"/v1/webhook-endpoints/{created['id']}/rotate-secret", headers=partner_a)
    assert rotated.status_code == 200
    secret = rotated.get_json()["secret"]
    assert secret.startswith("whsec_") and secret != created["secret"]
    row = db.get(WebhookEndpoint, created["id"])
    assert row is not None and row.previous_secret_expires_at is not None


def test_a_deleted_endpoint_is_gone_with_its_queue(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    created = register(client, partner_a)
    request_consultation(client, partner_a, world.patient_a1)
    url = f"/v1/webhook-endpoints/{created['id']}"
    assert client.delete(url, headers=partner_a).status_code == 204
    assert client.get(url, headers=partner_a).status_code == 404
    assert db.scalars(select(WebhookDelivery)).all() == []


# --- events ---------------------------------------------------------------------------------------------


def test_a_partner_reads_its_own_events_and_never_anothers(
    client: FlaskClient, partner_a: Headers, partner_b: Headers, world: World
) -> None:
    mine = request_consultation(client, partner_a, world.patient_a1)
    theirs = request_consultation(client, partner_b, world.patient_b1)
    listed = client.get("/v1/events", headers=partner_a).get_json()["data"]
    assert [(e["type"], e["data"]["id"]) for e in listed] == [("consultation.created", mine)]
    event = listed[0]
    assert event["partner_id"] == world.partner_a
    assert event["data"] == {"id": mine, "object": "consultation", "status": event["data"]["status"]}
    assert event["timestamp"].endswith("Z")
    assert client.get(f"/v1/events/{event['id']}", headers=partner_a).get_json() == event
    their_event = client.get("/v1/events", headers=partner_b).get_json()["data"][0]
    assert their_event["data"]["id"] == theirs
    assert client.get(f"/v1/events/{their_event['id']}", headers=partner_a).status_code == 404
    assert client.post(f"/v1/events/{their_event['id']}/redeliver", headers=partner_a).status_code == 404


def test_events_filter_by_type_and_object_and_paginate(
    client: FlaskClient, partner_a: Headers, world: World
) -> None:
    ids = [request_consultation(client, partner_a, world.patient_a1) for _ in range(3)]
    page = client.get("/v1/events?limit=2", headers=partner_a).get_json()
    assert page["has_more"] is True and len(page["data"]) == 2
    rest = client.get(f"/v1/events?limit=2&cursor={page['next_cursor']}", headers=partner_a).get_json()
    seen = [e["data"]["id"] for e in page["data"] + rest["data"]]
    assert seen == list(reversed(ids))  # newest first
    one = client.get(f"/v1/events?object_id={ids[0]}", headers=partner_a).get_json()["data"]
    assert [e["data"]["id"] for e in one] == [ids[0]]
    none = client.get("/v1/events?type=screening.completed", headers=partner_a).get_json()["data"]
    assert none == []
    created = client.get("/v1/events?type=consultation.created", headers=partner_a).get_json()["data"]
    assert len(created) == 3
    bad = client.get("/v1/events?type=nope", headers=partner_a)
    assert bad.status_code == 422


def test_redelivery_queues_a_new_delivery(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    request_consultation(client, partner_a, world.patient_a1)
    event = client.get("/v1/events", headers=partner_a).get_json()["data"][0]
    url = f"/v1/events/{event['id']}/redeliver"
    nobody = client.post(url, headers=partner_a)
    assert nobody.status_code == 409 and nobody.get_json()["code"] == "no_endpoint"
    endpoint = register(client, partner_a)
    queued = client.post(url, headers=partner_a)
    assert queued.status_code == 202, queued.get_json()
    body = queued.get_json()
    assert body["event_id"] == event["id"]
    assert [(d["endpoint_id"], d["status"]) for d in body["deliveries"]] == [(endpoint["id"], "pending")]
    named = client.post(url, json={"endpoint_id": endpoint["id"]}, headers=partner_a)
    assert named.status_code == 202
    foreign = client.post(url, json={"endpoint_id": "whe_nope"}, headers=partner_a)
    assert foreign.status_code == 422
    assert [e["pointer"] for e in foreign.get_json()["errors"]] == ["/endpoint_id"]
    assert len(db.scalars(select(WebhookDelivery)).all()) == 2


def test_a_redelivery_to_a_disabled_endpoint_is_refused(
    client: FlaskClient, partner_a: Headers, world: World
) -> None:
    endpoint = register(client, partner_a, enabled=False)
    assert endpoint["disabled_reason"] == "manual"
    request_consultation(client, partner_a, world.patient_a1)
    event = client.get("/v1/events", headers=partner_a).get_json()["data"][0]
    refused = client.post(
        f"/v1/events/{event['id']}/redeliver", json={"endpoint_id": endpoint["id"]}, headers=partner_a
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "endpoint_disabled"


# --- the outbox -----------------------------------------------------------------------------------------


def test_a_rolled_back_change_emits_and_queues_nothing(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    register(client, partner_a)
    emit(
        db,
        partner_id=world.partner_a,
        type=EventType.CONSULTATION_CREATED,
        object_type="consultation",
        object_id="con_rolled_back",
        status="submitted",
    )
    db.flush()
    db.rollback()
    assert db.scalars(select(Event)).all() == []
    assert db.scalars(select(WebhookDelivery)).all() == []
    emit(
        db,
        partner_id=world.partner_a,
        type=EventType.CONSULTATION_CREATED,
        object_type="consultation",
        object_id="con_committed",
        status="submitted",
    )
    db.commit()
    assert [d.object_id for d in db.scalars(select(WebhookDelivery))] == ["con_committed"]


def test_events_of_one_transaction_keep_their_order(db: Session, world: World) -> None:
    for status in ("a", "b", "c", "d"):
        emit(
            db,
            partner_id=world.partner_a,
            type=EventType.CONSULTATION_STATUS_CHANGED,
            object_type="consultation",
            object_id="con_x",
            previous_status="ready",
            status=status,
        )
    db.commit()
    rows = db.scalars(select(Event).order_by(Event.created_at)).all()
    assert [r.data["status"] for r in rows] == ["a", "b", "c", "d"]
    assert len({r.created_at for r in rows}) == 4


def test_only_subscribed_types_are_queued(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    register(client, partner_a, event_types=["screening.risk_flagged"])
    request_consultation(client, partner_a, world.patient_a1)
    assert db.scalars(select(WebhookDelivery)).all() == []


def test_delivery_history_is_purged_after_thirty_days_but_not_what_waits(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    endpoint = register(client, partner_a)
    for _ in range(3):
        request_consultation(client, partner_a, world.patient_a1)
    old, recent, waiting = db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)).all()
    long_ago = utcnow() - timedelta(days=31)
    for delivery, status in ((old, DeliveryStatus.SUCCEEDED), (recent, DeliveryStatus.SUCCEEDED)):
        delivery.status = status
    old.created_at = waiting.created_at = long_ago
    db.add(
        WebhookAttempt(
            delivery_id=old.id,
            endpoint_id=endpoint["id"],
            event_id=old.event_id,
            attempt=1,
            status_code=200,
            duration_ms=12,
            created_at=long_ago,
        )
    )
    db.commit()
    purged = purge_expired(db)
    assert (purged["webhook_attempts"], purged["webhook_deliveries"]) == (1, 1)
    assert {d.id for d in db.scalars(select(WebhookDelivery))} == {recent.id, waiting.id}
    assert len(db.scalars(select(Event)).all()) == 3  # their events are younger than 30 days: they stay


def test_events_are_purged_after_thirty_days_unless_a_delivery_still_names_them(
    client: FlaskClient, partner_a: Headers, world: World, db: Session
) -> None:
    register(client, partner_a)
    for _ in range(4):
        request_consultation(client, partner_a, world.patient_a1)
    old, old_waiting, old_delivered, recent = db.scalars(select(Event).order_by(Event.created_at)).all()
    long_ago = utcnow() - timedelta(days=31)
    for event in (old, old_waiting, old_delivered):
        event.created_at = long_ago
    by_event = {d.event_id: d for d in db.scalars(select(WebhookDelivery))}
    db.delete(by_event[old.id])  # its delivery history already purged
    by_event[old_delivered.id].status = DeliveryStatus.SUCCEEDED  # finished, but only a day ago
    db.commit()
    purged = purge_expired(db)
    assert purged["events"] == 1
    assert {e.id for e in db.scalars(select(Event))} == {old_waiting.id, old_delivered.id, recent.id}
    assert client.get(f"/v1/events/{old.id}", headers=partner_a).status_code == 404
    assert client.get(f"/v1/events/{recent.id}", headers=partner_a).status_code == 200


def test_an_endpoint_deleted_while_an_attempt_is_recorded_deadlocks_neither(
    race: Race, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL, commits for real: a worker records an attempt (it holds the delivery's row lock, then
    inserts the attempt, whose foreign key needs the endpoint) while the endpoint is deleted (which deletes
    the deliveries, waiting for that row lock). The deletion must not hold the endpoint against the
    foreign-key check meanwhile: that was a deadlock, one of the two failing."""
    client = race.app.test_client()
    headers = bearer(cc_token(client, race.portal))
    endpoint = register(client, headers)["id"]
    with Session(race.engine, expire_on_commit=False) as session:
        emit(
            session,
            partner_id=race.partner_id,
            type=EventType.CONSULTATION_CREATED,
            object_type="consultation",
            object_id="con_1",
            status="submitted",
        )
        session.commit()
        with unit_of_work(session):
            (job,) = deliveries.claim_due(
                session, now=utcnow(), limit=5, lease=timedelta(minutes=1), secret_key="race-secret"
            )
    locked, go_on = threading.Event(), threading.Event()
    real_judge = deliveries.judge_attempt

    def judge_when_told(**kwargs: Any) -> Any:
        locked.set()  # the delivery's row is locked by now
        go_on.wait(10)
        return real_judge(**kwargs)

    monkeypatch.setattr(deliveries, "judge_attempt", judge_when_told)
    recorded: list[object] = []

    def record() -> None:
        with Session(race.engine) as session:
            try:
                with unit_of_work(session):
                    recorded.append(
                        deliveries.record_attempt(session, job, SendResult(200, 5), now=utcnow(), jitter=0.0)
                    )
            except Exception as exc:  # a deadlock victim
                recorded.append(exc)

    recorder = threading.Thread(target=record)
    recorder.start()
    assert locked.wait(10)
    deleted: list[int] = []
    deleter = threading.Thread(
        target=lambda: deleted.append(
            race.app.test_client().delete(f"/v1/webhook-endpoints/{endpoint}", headers=headers).status_code
        )
    )
    deleter.start()
    _wait_for_a_lock_wait(race.engine)  # the deletion waits for the delivery's row
    go_on.set()
    recorder.join(30)
    deleter.join(30)
    assert deleted == [204]
    assert len(recorded) == 1 and not isinstance(recorded[0], Exception), recorded
    with Session(race.engine) as session:
        assert session.get(WebhookEndpoint, endpoint) is None
        assert session.scalars(select(WebhookDelivery.id)).all() == []
        assert session.scalars(select(WebhookAttempt.id)).all() == []


def _wait_for_a_lock_wait(engine: Engine, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.scalar(query):
                return
        time.sleep(0.02)
    raise AssertionError("the deletion never waited for the delivery's row lock")
