"""Webhooks: the event catalogue, which URLs may receive them, Standard Webhooks signing, the retry rule.

Pure: no Flask, no Session, no network. The delivery worker (api/events/dispatcher.py) resolves names and
sends; everything it decides — whether an address may be contacted, how the request is signed, whether an
answer is a success, when to try again and when to give up — is decided here.

Decisions the contract left open:
- A URL is checked without DNS at registration (scheme, port, credentials, an address however it is spelled,
  or a reserved name such as ``localhost`` or ``*.internal``); a DNS name is resolved and its every address
  checked at each delivery, immediately before connecting to that vetted address (so a name that changes to
  a private address after registration is never contacted). Registration and delivery call the same
  ``check_url`` and ``address_refusal``: there is one classifier.
- A host the resolver would read as an IPv4 address (``127.1``, ``0x7f.1``, ``2130706433``) is that address,
  never a name; an IPv6 address that carries an IPv4 address is judged by the IPv4 address.
- Ports: 443 or 1024-65535 (``PORT_RULE``); privileged ports are other services', port 0 is none.
- Only a 2xx answer is a success. 3xx is a failure (redirects are not followed: the endpoint must be the
  final URL). 410 Gone disables the endpoint at once. Anything else is retried on ``RETRY_SCHEDULE``.
- ``Retry-After`` (seconds or an HTTP date) delays the next attempt when it asks for more than the schedule,
  up to ``MAX_RETRY_AFTER``; it never shortens the schedule.
- The ``webhook-id`` is the event's id: the same on every attempt and every endpoint, so a receiver that
  records the ids it processed drops duplicates.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, Final
from urllib.parse import urlsplit

# --- the catalogue (api-contract.md §3) -------------------------------------------------------------


class EventType(StrEnum):
    CONSULTATION_CREATED = "consultation.created"
    CONSULTATION_STATUS_CHANGED = "consultation.status_changed"
    SCREENING_COMPLETED = "screening.completed"
    SCREENING_RISK_FLAGGED = "screening.risk_flagged"
    FOLLOW_UP_PLAN_CREATED = "follow_up_plan.created"
    FOLLOW_UP_PLAN_STATUS_CHANGED = "follow_up_plan.status_changed"
    FOLLOW_UP_TASK_DUE = "follow_up_task.due"
    FOLLOW_UP_TASK_OVERDUE = "follow_up_task.overdue"
    ADVERSE_EVENT_REPORTED = "adverse_event.reported"
    REMS_FORM_DUE = "rems_form.due"
    # [2e] A prescription issued or cancelled (clinical-rules.md §5): what an EPCS integration transmits.
    PRESCRIPTION_CREATED = "prescription.created"
    PRESCRIPTION_CANCELLED = "prescription.cancelled"
    # [2e] An escalated consultation or plan not acknowledged within ESCALATION_ACK_MINUTES (and each further
    # multiple): clinical-rules.md §2 and §4.
    CONSULTATION_ESCALATION_UNACKNOWLEDGED = "consultation.escalation_unacknowledged"
    FOLLOW_UP_PLAN_ESCALATION_UNACKNOWLEDGED = "follow_up_plan.escalation_unacknowledged"
    # A signed test delivery a partner asks for (POST /v1/webhook-endpoints/{id}/test): sent to that endpoint
    # only, whatever it subscribes to; not a type an endpoint subscribes to (NOT_SUBSCRIBABLE).
    WEBHOOK_TEST = "webhook.test"


# Types that are never fanned out to subscribers: an endpoint's `event_types` may not name them.
NOT_SUBSCRIBABLE: Final = frozenset({EventType.WEBHOOK_TEST})


# --- retries ------------------------------------------------------------------------------------------

# The wait before each attempt: the first is immediate, the tenth 24 h after the ninth (about 3 days in all).
RETRY_SCHEDULE: Final[tuple[timedelta, ...]] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS: Final = len(RETRY_SCHEDULE)
# Each wait is stretched by up to this fraction, at random, so that the retries of many failed deliveries
# (an endpoint that was down for an hour) do not all arrive in the same second.
JITTER: Final = 0.1
MAX_RETRY_AFTER: Final = timedelta(hours=24)
REQUEST_TIMEOUT_SECONDS: Final = 10.0
RESPONSE_EXCERPT_LENGTH: Final = 256


class Verdict(StrEnum):
    SUCCEEDED = "succeeded"  # 2xx: done
    RETRY = "retry"  # try again on the schedule
    GONE = "gone"  # 410: the receiver says the endpoint is gone: disable it
    EXHAUSTED = "exhausted"  # the last attempt failed: give up and disable the endpoint


@dataclass(frozen=True)
class AttemptOutcome:
    verdict: Verdict
    next_attempt_at: datetime | None  # when to try again (RETRY only)


def retry_after(header: str | None, now: datetime) -> timedelta | None:
    """The wait a ``Retry-After`` header asks for (RFC 9110 §10.2.3), within 0 … ``MAX_RETRY_AFTER``."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        wait = timedelta(seconds=min(int(text[:9]), int(MAX_RETRY_AFTER.total_seconds())))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        wait = when - now
    return max(timedelta(0), min(wait, MAX_RETRY_AFTER))


def judge_attempt(
    *,
    attempt: int,
    status_code: int | None,
    now: datetime,
    jitter: float,
    retry_after_header: str | None = None,
) -> AttemptOutcome:
    """What follows attempt number ``attempt`` (1-based) that answered ``status_code`` (None: no answer —
    a timeout, a refused connection, an address not allowed). ``jitter`` is a random number in [0, 1)."""
    if status_code is not None and 200 <= status_code < 300:
        return AttemptOutcome(Verdict.SUCCEEDED, None)
    if status_code == 410:
        return AttemptOutcome(Verdict.GONE, None)
    if attempt >= MAX_ATTEMPTS:
        return AttemptOutcome(Verdict.EXHAUSTED, None)
    wait = RETRY_SCHEDULE[attempt] * (1 + JITTER * jitter)
    asked = retry_after(retry_after_header, now) if status_code in (429, 503) else None
    if asked is not None and asked > wait:
        wait = asked
    return AttemptOutcome(Verdict.RETRY, now + wait)


# --- signing (Standard Webhooks 1.0) -------------------------------------------------------------------

SECRET_PREFIX: Final = "whsec_"
SECRET_BYTES: Final = 32
SECRET_OVERLAP: Final = timedelta(hours=24)  # a rotated-out secret keeps signing this long


def secret_from_bytes(raw: bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(raw).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` keyed by the secret's decoded bytes."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets: Sequence[str], *, message_id: str, timestamp: int, body: bytes) -> str:
    """One signature per secret in force (the current one first), space-separated."""
    return " ".join(signature(s, message_id=message_id, timestamp=timestamp, body=body) for s in secrets)


# --- where deliveries may go ------------------------------------------------------------------------

LOOPBACK_NAMES: Final = frozenset({"localhost", "127.0.0.1"})
# Names that only ever mean something inside a private network or a cloud's metadata service.
_RESERVED_SUFFIXES: Final = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet")
_RESERVED_NAMES: Final = frozenset({"localhost", "metadata", "metadata.google.internal", "instance-data"})
MAX_URL_LENGTH: Final = 2048
# Ports a receiver may listen on: 443, or an unprivileged one (1024-65535). A privileged port other than
# 443 is a system service (SSH 22, SMTP 25, …), never a webhook receiver; port 0 is no port at all.
# A development loopback URL (WEBHOOK_ALLOW_LOOPBACK) may use any port from 1.
HTTPS_PORT: Final = 443
FIRST_UNPRIVILEGED_PORT: Final = 1024
PORT_RULE: Final = "Use port 443 or a port from 1024 to 65535."

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Blocks that are not globally reachable (IANA's IPv4 and IPv6 special-purpose address registries, and
# deprecated ones) but that the ``ipaddress`` of Python 3.11 counts as global. Refused in addition to what
# ``ipaddress`` calls private, loopback, link-local, multicast, reserved or unspecified.
NOT_GLOBAL: Final[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]] = (
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments (RFC 6890); its anycast ones too
    ipaddress.IPv4Network("192.88.99.0/24"),  # 6to4 relay anycast (RFC 7526, deprecated)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): see address_refusal
    ipaddress.IPv6Network("100:0:0:1::/64"),  # dummy prefix (RFC 9780)
    ipaddress.IPv6Network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.IPv6Network("5f00::/16"),  # SRv6 SIDs (RFC 9602)
    ipaddress.IPv6Network("fec0::/10"),  # site-local (RFC 3879, deprecated)
)
# Where IPv6 carries an IPv4 address that a gateway (or the kernel) forwards to.
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # IPv4-compatible (RFC 4291 §2.5.5.1, deprecated)
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # IPv4-translated (RFC 2765 SIIT)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # NAT64 well-known prefix (RFC 6052)
_LOOPBACKS: Final = frozenset({ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1")})
# inet_aton's parts: decimal, octal (leading 0) or hexadecimal (0x); a host whose last label is one is
# numeric — it is read as an address or is no host at all (no DNS top-level label is all digits).
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def host_address(host: str) -> Address | None:
    """The address ``host`` spells, read as the system resolver reads it, or None for a name (resolved at
    each delivery).

    IPv4 is read with ``inet_aton`` (glibc's getaddrinfo reads numeric hosts the same way): ``127.1``,
    ``10.1``, octal ``0177.0.0.1``, hex ``0x7f.1`` and the integer ``2130706433`` are addresses, so they are
    judged as the address and never handed to DNS as a name. A numeric host that is no address (``256.1``,
    ``1.2.3.4.5``) raises ``ValueError``; so does an IPv6 address with a zone index (``%eth0``: a zone names
    a local interface, never a public receiver).
    """
    if ":" in host:
        if "%" in host:
            raise ValueError("An IPv6 address with a zone index is not a public address.")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError("Not a valid IPv6 address.") from None
    labels = host.split(".")
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None
    if not all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        raise ValueError("A host whose last label is a number must be an IPv4 address.")
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        raise ValueError("A numeric host must be a valid IPv4 address.") from None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses ``ip`` carries, to which a gateway or the kernel would forward: IPv4-mapped,
    -compatible and -translated, NAT64 (64:ff9b::/96), 6to4 and Teredo (its server and its client)."""
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if (ip in _COMPATIBLE and int(ip) > 1) or ip in _TRANSLATED or ip in _NAT64:  # :: and ::1 are IPv6's
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo
    return ()


def _public(ip: Address) -> bool:
    return (
        ip.is_global
        and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast)
        and not (ip.is_reserved or ip.is_unspecified)
        and not (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        and not any(ip in block for block in NOT_GLOBAL if block.version == ip.version)
    )


def address_refusal(address: str | Address, *, allow_loopback: bool) -> str | None:
    """Why a delivery may not connect to ``address`` (a message for the partner), or None when it may.

    The one classifier of registration (a literal host) and delivery (every address a name resolves to).
    Only a public unicast address passes: never private, loopback, link-local (the 169.254.169.254
    metadata service), multicast, reserved, shared, documentation, unspecified or another special-purpose
    block (``NOT_GLOBAL``). An IPv6 address that carries an IPv4 address is judged by what it carries
    (every one, for Teredo), since that is where a gateway sends it; local-use NAT64 (64:ff9b:1::/48) is
    refused whatever it carries: it is not globally reachable, and where it carries the IPv4 address depends
    on the local operator's prefix length. ``allow_loopback`` lets exactly 127.0.0.1 and ::1 through, for
    development and tests.
    """
    if isinstance(address, str):
        try:
            ip: Address = ipaddress.ip_address(address)
        except ValueError:
            return "Not an IP address."
    else:
        ip = address
    if allow_loopback and ip in _LOOPBACKS:
        return None
    carried = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else ()
    for inner in carried or (ip,):
        if not _public(inner):
            where = f"{inner} (carried in {ip}) is" if carried else f"{ip} is"
            return f"{where} {_kind(inner)}: it may not receive webhooks."
    return None


def _kind(ip: Address) -> str:
    if any(ip in block for block in NOT_GLOBAL if block.version == ip.version):
        return "in a special-purpose block, not globally reachable"
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"a {kind} address" if kind != "unspecified" else "the unspecified address"
    return "not a globally reachable address"


def address_allowed(address: str | Address, *, allow_loopback: bool) -> bool:
    """Whether a delivery may connect to ``address`` (see ``address_refusal``)."""
    return address_refusal(address, allow_loopback=allow_loopback) is None


@dataclass(frozen=True)
class Target:
    """A checked URL: what to connect to and what to ask for."""

    scheme: str
    host: str  # lower case, without brackets; an address in its canonical form
    port: int
    path: str  # path and query, at least "/"
    loopback: bool = False  # a development URL (http://127.0.0.1, http://localhost) allowed by configuration
    literal: bool = False  # ``host`` is an address (connect to it, resolve nothing)


def check_url(url: str, *, allow_loopback: bool) -> tuple[Target | None, str | None]:
    """The target of an endpoint URL, or why it may not receive events (a message for the partner).

    Registration and delivery both call this: a URL refused here is refused at registration (422) and, if
    it was stored under older rules, at every delivery, before any DNS lookup or connection.
    """
    if len(url) > MAX_URL_LENGTH:
        return None, f"Use at most {MAX_URL_LENGTH} characters."
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None, "A URL has no spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None, "Not a valid URL."
    host = (parts.hostname or "").lower().rstrip(".")
    scheme = parts.scheme.lower()
    loopback_url = allow_loopback and host in LOOPBACK_NAMES
    if host in LOOPBACK_NAMES and not allow_loopback:
        # A developer's first receiver is on their own machine: say how to allow it, and where not to.
        return None, (
            "This machine's own address receives webhooks only on a development server started with "
            "WEBHOOK_ALLOW_LOOPBACK=1 (make run sets it); never in production. "
            "Elsewhere use a public https URL."
        )
    if scheme != "https" and not (loopback_url and scheme == "http"):
        return None, "Use an https URL."
    if not host:
        return None, "The URL must name a host."
    if parts.username is not None or parts.password is not None:
        return None, "Credentials in the URL are not allowed; verify our signature instead."
    if parts.fragment:
        return None, "A URL fragment is never sent; remove it."
    if port == 0:
        return None, f"Port 0 is not a port a receiver can listen on. {PORT_RULE}"
    if port is not None and not loopback_url and port != HTTPS_PORT and port < FIRST_UNPRIVILEGED_PORT:
        return None, f"Port {port} is a privileged port of another service. {PORT_RULE}"
    try:
        address = host_address(host)
    except ValueError as exc:
        return None, str(exc)
    if address is not None:
        refusal = address_refusal(address, allow_loopback=loopback_url)
        if refusal is not None:
            return None, refusal
    elif not loopback_url and (host in _RESERVED_NAMES or host.endswith(_RESERVED_SUFFIXES)):
        return None, "The host names a private network or a metadata service."
    elif "." not in host and not loopback_url:
        return None, "Use a fully qualified host name."
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default_port = 443 if scheme == "https" else 80
    target_host = str(address) if address is not None else host
    return Target(scheme, target_host, port or default_port, path, loopback_url, address is not None), None


def first_refused(addresses: Iterable[str], *, allow_loopback: bool) -> str | None:
    """The first of a name's resolved addresses that may not be contacted (all must pass: a resolver may
    answer in any order, and the connection must go to an address that was checked)."""
    for address in addresses:
        if not address_allowed(address, allow_loopback=allow_loopback):
            return address
    return None


# --- the request ----------------------------------------------------------------------------------------


def payload(event_type: str, timestamp: datetime, data: Mapping[str, Any]) -> bytes:
    """The thin body every delivery posts: ``{"type", "timestamp", "data": {"id", "object", …}}``."""
    stamp = timestamp.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"type": event_type, "timestamp": stamp, "data": dict(data)}, separators=(",", ":"), sort_keys=True
    ).encode()


def request_headers(
    secrets: Sequence[str], *, message_id: str, sent_at: datetime, body: bytes
) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt, signed at ``sent_at`` (receivers refuse a timestamp
    more than 5 minutes off, so each attempt is signed afresh)."""
    timestamp = int(sent_at.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, message_id=message_id, timestamp=timestamp, body=body),
    }
