"""The pure webhook rules: which URLs and addresses may receive, signing, the retry schedule."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
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
    host_address,
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
        # Issue 22, finding 7: IPv4 inside every IPv6 form a gateway forwards.
        ("::169.254.169.254", False),  # IPv4-compatible (::/96)
        ("::ffff:0:a9fe:a9fe", False),  # IPv4-translated (::ffff:0:0:0/96, RFC 2765)
        ("64:ff9b:1::a9fe:a9fe", False),  # local-use NAT64 (64:ff9b:1::/48, RFC 8215)
        ("64:ff9b:1::5db8:d822", False),  # ... whatever it carries: local use only
        ("2002:a9fe:a9fe::1", False),  # 6to4 of 169.254.169.254
        ("2001:0:5db8:d822::f5ff:fffe", False),  # Teredo: a public server, client 10.0.0.1
        ("2001:0:a00:1::a247:2ade", False),  # Teredo: server 10.0.0.1, a public client
        ("::5db8:d822", True),  # IPv4-compatible 93.184.216.34
        ("::ffff:93.184.216.34", True),
        ("::ffff:0:5db8:d822", True),
        ("64:ff9b::5db8:d822", True),
        ("2002:5db8:d822::1", True),
        ("2001:0:5db8:d822::a247:2ade", True),  # Teredo: server and client public
        # Issue 22, finding 10: special-purpose blocks newer than Python's table, and deprecated ones.
        ("5f00::1", False),  # SRv6 SIDs (RFC 9602)
        ("3fff::1", False),  # documentation (RFC 9637)
        ("fec0::1", False),  # site-local (RFC 3879)
        ("100:0:0:1::1", False),  # dummy prefix (RFC 9780)
        ("192.0.0.100", False),  # IETF protocol assignments
        ("192.88.99.1", False),  # 6to4 relay anycast (RFC 7526)
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
        # Issue 22, finding 10: every IPv4 spelling the resolver reads as an address is that address.
        ("https://127.1/", False),
        ("https://0177.0.0.1/", False),
        ("https://0x7f.1/", False),
        ("https://0X7F.0.0.1/", False),
        ("https://10.1/", False),
        ("https://2130706433/", False),
        ("https://0xa9fea9fe/", False),
        ("https://127.1./", False),
        ("https://256.1/", False),  # numeric, no address: never looked up as a name
        ("https://1.2.3.4.5/", False),
        ("https://hooks.0x10/", False),
        ("https://[::169.254.169.254]/", False),
        ("https://[5f00::1]/", False),
        ("https://[3fff::1]/", False),
        ("https://[2606:2800:220:1::1%25eth0]/", False),  # a zone index
        # Ports: 443, or an unprivileged one.
        ("https://hooks.example.com:0/", False),
        ("https://hooks.example.com:22/", False),
        ("https://hooks.example.com:80/", False),
        ("https://hooks.example.com:1023/", False),
        ("http://127.0.0.1:0/", True),
    ],
)
def test_a_url_that_may_not_receive_says_why(url: str, allow_loopback: bool) -> None:
    target, problem = check_url(url, allow_loopback=allow_loopback)
    assert target is None and problem


def test_a_loopback_url_when_allowed() -> None:
    target, problem = check_url("http://localhost:9000/hooks", allow_loopback=True)
    assert problem is None and target is not None
    assert (target.host, target.port, target.loopback) == ("localhost", 9000, True)


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("https://hooks.example.com:443/", "hooks.example.com", 443),
        ("https://hooks.example.com:1024/", "hooks.example.com", 1024),
        ("https://hooks.example.com:65535/", "hooks.example.com", 65535),
        ("https://1572395042/", "93.184.216.34", 443),  # an address, however it is spelled
        ("https://0x5d.0270.0xd822/", "93.184.216.34", 443),
        ("https://[::ffff:5db8:d822]/", "::ffff:5db8:d822", 443),
    ],
)
def test_a_public_address_or_port_is_accepted(url: str, host: str, port: int) -> None:
    target, problem = check_url(url, allow_loopback=False)
    assert problem is None and target is not None
    assert (target.host, target.port) == (host, port)


def test_port_0_says_so() -> None:
    _, problem = check_url("https://hooks.example.com:0/", allow_loopback=False)
    assert problem is not None and "port" in problem.lower()


# --- the classifier against Python's ipaddress, over random addresses ----------------------------------

PUBLIC_V4 = IPv4Address("93.184.216.34")
ipv4s = st.ip_addresses(v=4)
ipv6s = st.ip_addresses(v=6)


def _v6(value: int) -> IPv6Address:
    return IPv6Address(value)


def _embeddings(a: IPv4Address, rest: int) -> dict[str, IPv6Address]:
    """Every IPv6 form a gateway forwards to ``a`` (``rest``: random bits where the form leaves any)."""
    v4 = int(a)
    return {
        "compatible": _v6(v4),
        "mapped": _v6(0xFFFF << 32 | v4),
        "translated": _v6(0xFFFF << 48 | v4),
        "nat64": _v6(0x64FF9B << 96 | v4),
        "6to4": _v6(0x2002 << 112 | v4 << 80 | (rest & (1 << 80) - 1)),
        "teredo-client": _v6(
            0x20010000 << 96 | int(PUBLIC_V4) << 64 | (rest & 0xFFFFFFFF) << 32 | v4 ^ 0xFFFFFFFF
        ),
        "teredo-server": _v6(
            0x20010000 << 96 | v4 << 64 | (rest & 0xFFFFFFFF) << 32 | int(PUBLIC_V4) ^ 0xFFFFFFFF
        ),
    }


@given(a=ipv4s, rest=st.integers(min_value=0, max_value=(1 << 80) - 1))
@example(a=IPv4Address("169.254.169.254"), rest=0)
@example(a=PUBLIC_V4, rest=0)
def test_every_ipv6_embedding_of_an_ipv4_address_is_judged_as_that_address(a: IPv4Address, rest: int) -> None:
    allowed = address_allowed(str(a), allow_loopback=False)
    for form, embedded in _embeddings(a, rest).items():
        assert address_allowed(str(embedded), allow_loopback=False) is allowed, (form, str(embedded))
    # Local-use NAT64 (64:ff9b:1::/48) is not globally reachable, and where it carries the IPv4 address
    # depends on the operator's prefix length: refused, whatever it carries.
    assert not address_allowed(str(_v6(0x64FF9B0001 << 80 | int(a))), allow_loopback=False)


def _not_public(ip: IPv4Address | IPv6Address) -> bool:
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


@given(ip=st.one_of(ipv4s, ipv6s))
def test_what_ipaddress_calls_not_public_is_never_allowed(ip: IPv4Address | IPv6Address) -> None:
    if _not_public(ip) and not (isinstance(ip, IPv6Address) and _carries_public_ipv4(ip)):
        assert not address_allowed(str(ip), allow_loopback=False)
    if address_allowed(str(ip), allow_loopback=False) and isinstance(ip, IPv4Address):
        assert not _not_public(ip)


def _carries_public_ipv4(ip: IPv6Address) -> bool:
    """Whether ``ip`` is one of the embeddings above of a public IPv4 address (judged by that address)."""
    value = int(ip)
    v4s = []
    if value >> 32 in (0, 0xFFFF, 0xFFFF0000, 0x64FF9B << 64):
        v4s = [IPv4Address(value & 0xFFFFFFFF)]
    elif value >> 112 == 0x2002:
        v4s = [IPv4Address(value >> 80 & 0xFFFFFFFF)]
    elif value >> 96 == 0x20010000:
        v4s = [IPv4Address(value >> 64 & 0xFFFFFFFF), IPv4Address(~value & 0xFFFFFFFF)]
    return bool(v4s) and all(not _not_public(v4) for v4 in v4s)


@pytest.mark.parametrize(
    "block",
    ["5f00::/16", "3fff::/20", "64:ff9b:1::/48", "fec0::/10", "2001:db8::/32", "fc00::/7", "fe80::/10"],
)
@given(offset=st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_a_special_purpose_ipv6_block_is_refused_throughout(block: str, offset: int) -> None:
    network = ipaddress.IPv6Network(block)
    ip = network[offset % network.num_addresses]
    assert not address_allowed(str(ip), allow_loopback=False)


# inet_aton's grammar (glibc, which getaddrinfo follows): 1-4 parts, the last filling the remaining bytes;
# each part decimal, octal (leading 0) or hex (0x, any case), with any number of leading zeros.
def _spell(value: int, base: str, zeros: int, upper: bool) -> str:
    if base == "hex":
        digits = format(value, "x")
        digits = digits.upper() if upper else digits
        return ("0X" if upper else "0x") + "0" * zeros + digits
    if base == "octal":
        return "0" + "0" * zeros + format(value, "o")
    return str(value)


@st.composite
def inet_aton_spellings(draw: st.DrawFn, a: IPv4Address) -> str:
    parts_count = draw(st.integers(min_value=1, max_value=4))
    head = list(a.packed[: parts_count - 1])
    tail = int.from_bytes(a.packed[parts_count - 1 :], "big")
    return ".".join(
        _spell(
            value,
            draw(st.sampled_from(["decimal", "octal", "hex"])),
            draw(st.integers(min_value=0, max_value=3)),
            draw(st.booleans()),
        )
        for value in [*head, tail]
    )


@given(data=st.data(), a=ipv4s)
def test_every_inet_aton_spelling_of_an_address_is_that_address(data: st.DataObject, a: IPv4Address) -> None:
    spelling = data.draw(inet_aton_spellings(a))
    assert host_address(spelling) == a, spelling
    target, problem = check_url(f"https://{spelling}/in", allow_loopback=False)
    if address_allowed(str(a), allow_loopback=False):
        assert target is not None and target.host == str(a), (spelling, problem)
    else:
        assert target is None and problem, spelling


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("::169.254.169.254", "::a9fe:a9fe"),
        ("hooks.example.com", None),
        ("1.2.3.com", None),
    ],
)
def test_a_numeric_host_is_an_address_never_a_name(host: str, address: str | None) -> None:
    assert host_address(host) == (ipaddress.ip_address(address) if address else None)


@pytest.mark.parametrize("host", ["256.1", "1.2.3.4.5", "08.1", "0x", "4294967296", "hooks.0x10"])
def test_a_numeric_host_that_is_no_address_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="address"):
        host_address(host)


@given(port=st.integers(min_value=0, max_value=65535))
def test_the_port_policy(port: int) -> None:
    public, _ = check_url(f"https://hooks.example.com:{port}/", allow_loopback=False)
    assert (public is not None) is (port == 443 or port >= 1024)
    loopback, _ = check_url(f"http://127.0.0.1:{port}/", allow_loopback=True)
    assert (loopback is not None) is (port != 0)


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
