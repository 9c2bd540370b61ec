"""Redirect URIs: exact, except a loopback IP literal's port for native apps (RFC 8252 §7.3)."""

from __future__ import annotations

import pytest

from api.auth.redirects import redirect_uri_allowed

REGISTERED = ["https://app.example/cb", "http://127.0.0.1/callback", "http://[::1]:8080/done?x=1"]


@pytest.mark.parametrize(
    "requested",
    [
        "https://app.example/cb",
        "http://127.0.0.1/callback",
        "http://127.0.0.1:53124/callback",
        "http://127.0.0.1:1/callback",
        "http://[::1]:8080/done?x=1",
        "http://[::1]:60000/done?x=1",
        "http://[::1]/done?x=1",
    ],
)
def test_allowed(requested: str) -> None:
    assert redirect_uri_allowed(REGISTERED, requested)


@pytest.mark.parametrize(
    "requested",
    [
        "https://app.example:8443/cb",  # only loopback literals may change port
        "https://app.example/cb/",
        "http://127.0.0.1:53124/callback/other",  # the path is still exact
        "http://127.0.0.1:53124/callback?x=1",  # so is the query
        "http://127.0.0.1:53124/callback#frag",
        "https://127.0.0.1:53124/callback",  # and the scheme
        "http://127.0.0.2:53124/callback",  # and the address
        "http://localhost:53124/callback",  # names get no exception (RFC 8252 §8.3)
        "http://[::1]:60000/done?x=2",
        "http://user@127.0.0.1:53124/callback",
        "http://127.0.0.1:99999/callback",  # not a port
        "http://127.0.0.1:abc/callback",
        "http://127.0.0.1.evil.example/callback",
    ],
)
def test_refused(requested: str) -> None:
    assert not redirect_uri_allowed(REGISTERED, requested)


def test_nothing_registered_allows_nothing() -> None:
    assert not redirect_uri_allowed([], "http://127.0.0.1:5000/callback")
