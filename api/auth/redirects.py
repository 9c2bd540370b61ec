"""Which redirect URIs an authorization request may name (api-contract.md §1, RFC 9700 §4.1.1, RFC 8252 §7.3).

A redirect URI must equal one the client registered, character for character, with one exception for native
apps: a loopback IP-literal redirect (``http://127.0.0.1/…`` or ``http://[::1]/…``) matches whatever port the
request names, since a native app listens on a port the operating system picks when it signs the user in.
Scheme, address, path and query must still be exactly the registered ones; ``localhost`` gets no exception
(RFC 8252 §8.3: a name can be made to resolve elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

LOOPBACK_LITERALS = frozenset({"127.0.0.1", "::1"})


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
