"""Which redirect URIs a client may register, and which an authorization request may name (api-contract.md
§1, RFC 6749 §3.1.2, RFC 9700 §4.1, RFC 8252 §7.3 and §8.3).

Registered: an absolute ``https`` URI, or ``http`` on a loopback IP literal (``127.0.0.1``, ``[::1]``) for
native apps; in ASCII, with nothing a browser or another parser reads differently from us: no user name or
password (``https://app.example@evil.example/``), no backslash, whitespace or control character, no fragment,
no host but a plain DNS name or an IP address in its usual form (``0x7f.1`` and ``127.1`` are IPv4 to a
browser), no port 0. A query is allowed (RFC 6749 §3.1.2). ``localhost`` is refused over http: RFC 8252 §8.3
advises the IP literal, since a name can be made to resolve elsewhere.

Requested: a redirect URI must equal one the client registered, character for character, with one
exception for native apps: a loopback IP-literal redirect (``http://127.0.0.1/…`` or ``http://[::1]/…``)
matches whatever port the request names, since a native app listens on a port the operating system picks when
it signs the user in. Scheme, address, path and query must still be exactly the registered ones; ``localhost``
gets no exception (RFC 8252 §8.3: a name can be made to resolve elsewhere).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

LOOPBACK_LITERALS = frozenset({"127.0.0.1", "::1"})
_DNS_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)
# The WHATWG URL parser reads a host whose last label is a number (decimal, 0x-hex) as an IPv4 address.
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*", re.IGNORECASE)
_USE = "Use https, or http on a loopback IP address (http://127.0.0.1:…/ or http://[::1]:…/)."


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` may not be registered as a redirect URI (a sentence for the client), or None if it may."""
    if not uri.isascii() or any(ch <= " " or ch == "\x7f" for ch in uri):
        return "Write it in ASCII without spaces or control characters (percent-encode them in the path)."
    if "\\" in uri:
        return "A backslash is not allowed (browsers read it as a slash)."
    if "#" in uri:
        return "A redirect URI has no fragment (RFC 6749 §3.1.2)."
    try:
        parts = urlsplit(uri)
    except ValueError:  # a bracketed host that is no IPv6 address
        return "The host must be a DNS name or an IP address in its usual form."
    if parts.scheme not in ("https", "http") or not uri.startswith(f"{parts.scheme}://"):
        return f"Give an absolute URI with a host, in lower case: https://host/path. {_USE}"
    if "@" in parts.netloc:
        return "A redirect URI carries no user name or password (userinfo)."
    port_problem = _port_problem(parts)
    if port_problem:
        return port_problem
    if not _valid_host(parts.netloc):
        return "The host must be a DNS name or an IP address in its usual form."
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_LITERALS:
        return _USE
    return None


def _port_problem(parts: SplitResult) -> str | None:
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or parts.netloc.endswith(":"):
        return "The port must be a number from 1 to 65535, or left out."
    return None


def _valid_host(netloc: str) -> bool:
    """The host of ``netloc`` (no userinfo; its port checked already) is a bracketed IPv6 address (no zone),
    a dotted-quad IPv4 address, or a DNS name whose last label is not a number."""
    if netloc.startswith("["):
        literal, _, rest = netloc[1:].partition("]")
        try:
            address = ipaddress.IPv6Address(literal)
        except ValueError:
            return False
        return address.scope_id is None and (rest == "" or rest.startswith(":"))
    host = netloc.rsplit(":", 1)[0]
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    return all(_DNS_LABEL.fullmatch(label) for label in labels) and not _NUMERIC_LABEL.fullmatch(labels[-1])


def _loopback(uri: str) -> SplitResult | None:
    """``uri`` split, when it is an http loopback IP-literal redirect with a valid port (or none)."""
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_LITERALS or "@" in parts.netloc:
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return None
    return parts


def redirect_uri_allowed(registered: Iterable[str], requested: str) -> bool:
    registered = list(registered)
    if requested in registered:
        return True
    asked = _loopback(requested)
    if asked is None:
        return False
    for uri in registered:
        known = _loopback(uri)
        if (
            known is not None
            and known.hostname == asked.hostname
            and (known.path or "/") == (asked.path or "/")
            and known.query == asked.query
            and known.fragment == asked.fragment == ""
        ):
            return True
    return False
