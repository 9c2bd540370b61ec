"""Redirect URIs: what may be registered, and matching: exact, except a loopback IP literal's port for native
apps (RFC 8252 §7.3)."""

from __future__ import annotations

import pytest

from api.auth.redirects import redirect_uri_allowed, redirect_uri_problem

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


# --- what may be registered (RFC 6749 §3.1.2, RFC 9700 §4.1, RFC 8252 §7.3 and §8.3) -------------------
@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/cb",
        "https://app.example:8443/cb?tenant=1",  # a query is allowed (RFC 6749 §3.1.2)
        "https://app.example",
        "https://sub.app-1.example/a/b%20c",
        "https://127.0.0.1/cb",
        "https://[2001:db8::1]/cb",
        "http://127.0.0.1/callback",
        "http://127.0.0.1:8765/callback",
        "http://[::1]:8080/done?x=1",
    ],
)
def test_registrable(uri: str) -> None:
    assert redirect_uri_problem(uri) is None


@pytest.mark.parametrize(
    "uri",
    [
        pytest.param("https://user:pw@evil.example/cb", id="userinfo"),
        pytest.param("https://user@evil.example/cb", id="user"),
        pytest.param("https://app.example@evil.example/cb", id="host-as-userinfo"),
        pytest.param("https://@app.example/cb", id="empty-userinfo"),
        pytest.param("http://user@127.0.0.1/cb", id="loopback-userinfo"),
        pytest.param("https://app.example/cb#frag", id="fragment"),
        pytest.param("https://app.example/cb#", id="empty-fragment"),
        pytest.param("https://app.example\\@evil.example/cb", id="backslash-host"),
        pytest.param("https://app.example/c\\b", id="backslash-path"),
        pytest.param("https://app.example/c b", id="space"),
        pytest.param(" https://app.example/cb", id="leading-space"),
        pytest.param("https://app.example/cb\n", id="newline"),
        pytest.param("https://app.example/cb\t", id="tab"),
        pytest.param("https://app.example/\x00cb", id="nul"),
        pytest.param("https://app.exam\u0440le/cb", id="non-ascii"),
        pytest.param("https://evil%2eexample/cb", id="percent-in-host"),
        pytest.param("https://*.app.example/cb", id="wildcard"),
        pytest.param("https://app_example/cb", id="underscore-host"),
        pytest.param("https:///cb", id="no-host"),
        pytest.param("https:app.example/cb", id="no-authority"),
        pytest.param("/cb", id="relative"),
        pytest.param("//app.example/cb", id="scheme-relative"),
        pytest.param("https://app.example:0/cb", id="port-0"),
        pytest.param("https://app.example:99999/cb", id="port-too-big"),
        pytest.param("https://app.example:x/cb", id="port-not-a-number"),
        pytest.param("https://app.example:/cb", id="empty-port"),
        pytest.param("http://app.example/cb", id="http-not-loopback"),
        pytest.param("http://localhost:8765/cb", id="http-localhost"),  # RFC 8252 §8.3: use 127.0.0.1
        pytest.param("http://127.0.0.2/cb", id="http-other-loopback"),
        pytest.param("http://127.1/cb", id="http-short-loopback"),
        pytest.param("http://[::ffff:127.0.0.1]/cb", id="http-mapped-loopback"),
        pytest.param("HTTPS://app.example/cb", id="upper-case-scheme"),
        pytest.param("https://0x7f000001/cb", id="hex-ipv4"),  # browsers read these as IPv4 addresses
        pytest.param("https://10.1/cb", id="short-ipv4"),
        pytest.param("https://0177.0.0.1/cb", id="octal-ipv4"),
        pytest.param("https://app.example.123/cb", id="numeric-last-label"),
        pytest.param("https://[fe80::1%25eth0]/cb", id="ipv6-zone"),
        pytest.param("https://[not-an-address]/cb", id="bad-ipv6"),
        pytest.param("https://[::1]x/cb", id="junk-after-ipv6"),
        pytest.param("https://a..b/cb", id="empty-label"),
        pytest.param("javascript://app.example/%0aalert(1)", id="javascript"),
        pytest.param("data://app.example/cb", id="data"),
        pytest.param("ftp://app.example/cb", id="ftp"),
    ],
)
def test_not_registrable(uri: str) -> None:
    assert redirect_uri_problem(uri)
