"""The pure webhook rules: which URLs and addresses may receive, signing, the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from api.domain.webhooks import (
    JITTER,
    MAX_ATTEMPTS,
    MAX_RETRY_AFTER,
    RETRY_SCHEDULE,
    Verdict,
    address_allowed,
    check_url,
    first_refused,
    judge_attempt,
    payload,
    request_headers,
    retry_after,
    signature,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


# --- addresses and URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.1", False),
        ("127.0.0.1", False),
        ("127.8.8.8", False),
        ("169.254.169.254", False),
        ("100.100.100.200", False),  # Alibaba's metadata service, in shared address space
        ("0.0.0.0", False),
        ("255.255.255.255", False),
        ("224.0.0.251", False),
        ("192.0.2.1", False),  # documentation
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),  # AWS's IPv6 metadata service
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("not an address", False),
    ],
)
def test_only_public_unicast_addresses_are_allowed(address: str, allowed: bool) -> None:
    assert address_allowed(address, allow_loopback=False) is allowed


def test_loopback_allowance_covers_loopback_only() -> None:
    assert address_allowed("127.0.0.1", allow_loopback=True)
    assert address_allowed("::1", allow_loopback=True)
    for address in ("10.0.0.1", "169.254.169.254", "127.0.0.2", "0.0.0.0"):
        assert not address_allowed(address, allow_loopback=True), address


def test_every_resolved_address_must_pass() -> None:
    assert first_refused(["93.184.216.34", "10.0.0.1"], allow_loopback=False) == "10.0.0.1"
    assert first_refused(["93.184.216.34"], allow_loopback=False) is None


@pytest.mark.parametrize(
    ("url", "host", "port", "path"),
    [
        ("https://hooks.example.com/in", "hooks.example.com", 443, "/in"),
        ("https://Hooks.Example.COM.", "hooks.example.com", 443, "/"),
        ("https://hooks.example.com:8443/a/b?x=1", "hooks.example.com", 8443, "/a/b?x=1"),
        ("https://93.184.216.34/in", "93.184.216.34", 443, "/in"),
    ],
)
def test_a_public_https_url_is_a_target(url: str, host: str, port: int, path: str) -> None:
    target, problem = check_url(url, allow_loopback=False)
    assert problem is None and target is not None
    assert (target.scheme, target.host, target.port, target.path, target.loopback) == (
        "https",
        host,
        port,
        path,
        False,
    )


@pytest.mark.parametrize(
    ("url", "allow_loopback"),
    [
        ("http://hooks.example.com/in", False),
        ("http://hooks.example.com/in", True),  # loopback allowance is for loopback URLs only
        ("http://10.0.0.1/in", True),
        ("https://127.0.0.1/in", False),
        ("http://localhost:8080/in", False),
        ("https://api.localhost/in", False),
        ("https://metadata.google.internal/", False),
        ("https://[fe80::1%25eth0]/", False),
        ("https://u@hooks.example.com/", False),
        ("https://hooks.example.com/in#x", False),
        ("https://hooks.example.com/in x", False),
        ("https://hooks.example.com/\x00", False),
        ("https:///in", False),
        ("https://" + "a" * 2100 + ".com/", False),
        ("javascript:alert(1)", False),
        ("https://hooks.example.com:0x50/", False),
    ],
)
def test_a_url_that_may_not_receive_says_why(url: str, allow_loopback: bool) -> None:
    target, problem = check_url(url, allow_loopback=allow_loopback)
    assert target is None and problem


def test_a_loopback_url_when_allowed() -> None:
    target, problem = check_url("http://localhost:9000/hooks", allow_loopback=True)
    assert problem is None and target is not None
    assert (target.host, target.port, target.loopback) == ("localhost", 9000, True)


# --- signing ------------------------------------------------------------------------------------------

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_the_signature_is_the_standard_webhooks_test_vector() -> None:
    # From the Standard Webhooks specification's example.
    signed = signature(
        SECRET, message_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=b'{"test": 2432232314}'
    )
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_headers_carry_every_secret_in_force_and_the_library_verifies_each() -> None:
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
    body = payload("consultation.created", NOW, {"id": "con_1", "object": "consultation"})
    sent_at = datetime.now(UTC)
    headers = request_headers([SECRET, other], message_id="evt_1", sent_at=sent_at, body=body)
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == str(int(sent_at.timestamp()))
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (SECRET, other):
        assert Webhook(secret).verify(body, headers)["data"]["id"] == "con_1"


def test_the_payload_is_thin() -> None:
    body = payload(
        "screening.risk_flagged", NOW, {"id": "scr_1", "object": "screening", "risk_level": "high"}
    )
    assert body == (
        b'{"data":{"id":"scr_1","object":"screening","risk_level":"high"},'
        b'"timestamp":"2026-12-03T12:00:00Z","type":"screening.risk_flagged"}'
    )


# --- retries ------------------------------------------------------------------------------------------


def test_the_schedule_is_the_contracts() -> None:
    hours = [w.total_seconds() / 3600 for w in RETRY_SCHEDULE[4:]]
    assert RETRY_SCHEDULE[:4] == (
        timedelta(0),
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
    )
    assert hours == [2, 5, 10, 14, 20, 24]


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_a_success(status: int) -> None:
    assert judge_attempt(attempt=1, status_code=status, now=NOW, jitter=0.5).verdict is Verdict.SUCCEEDED


@pytest.mark.parametrize("status", [None, 301, 302, 400, 401, 404, 429, 500, 502, 503])
def test_anything_else_is_retried_on_the_schedule_with_jitter(status: int | None) -> None:
    for attempt in range(1, MAX_ATTEMPTS):
        low = judge_attempt(attempt=attempt, status_code=status, now=NOW, jitter=0.0)
        high = judge_attempt(attempt=attempt, status_code=status, now=NOW, jitter=0.999)
        assert low.verdict is Verdict.RETRY
        assert low.next_attempt_at == NOW + RETRY_SCHEDULE[attempt]
        assert high.next_attempt_at is not None
        assert (
            NOW + RETRY_SCHEDULE[attempt]
            <= high.next_attempt_at
            <= NOW + RETRY_SCHEDULE[attempt] * (1 + JITTER)
        )


def test_the_last_attempt_gives_up_and_410_stops_at_once() -> None:
    assert (
        judge_attempt(attempt=MAX_ATTEMPTS, status_code=500, now=NOW, jitter=0).verdict is Verdict.EXHAUSTED
    )
    assert judge_attempt(attempt=1, status_code=410, now=NOW, jitter=0).verdict is Verdict.GONE


def test_retry_after_asks_for_more_never_less() -> None:
    longer = judge_attempt(attempt=1, status_code=429, now=NOW, jitter=0, retry_after_header="600")
    assert longer.next_attempt_at == NOW + timedelta(seconds=600)
    shorter = judge_attempt(attempt=3, status_code=503, now=NOW, jitter=0, retry_after_header="1")
    assert shorter.next_attempt_at == NOW + RETRY_SCHEDULE[3]
    ignored = judge_attempt(attempt=1, status_code=500, now=NOW, jitter=0, retry_after_header="600")
    assert ignored.next_attempt_at == NOW + RETRY_SCHEDULE[1]


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("120", timedelta(seconds=120)),
        (" 7 ", timedelta(seconds=7)),
        ("99999999999999999999", MAX_RETRY_AFTER),
        ("Thu, 03 Dec 2026 12:10:00 GMT", timedelta(minutes=10)),
        ("Thu, 03 Dec 2026 11:00:00 GMT", timedelta(0)),
        ("Fri, 01 Jan 2100 00:00:00 GMT", MAX_RETRY_AFTER),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_a_date(header: str | None, wait: timedelta | None) -> None:
    assert retry_after(header, NOW) == wait
