"""Hand-written next to the generated client (clients/helpers/auth.py, copied in by ``make sdk``).

The token endpoint is OAuth 2.0, not an OpenAPI operation, so the generated client has no call for it. This
module gets and renews access tokens (client credentials; or a person's PKCE sign-in and its rotating refresh
token) and ``connect()`` hands the generated client a fresh one on every request, through ``RetryTransport``
(runtime.py: Idempotency-Keys on POSTs, retries on 429/503 and network errors):

    from telemedical_api_client import ClientCredentials, connect
    from telemedical_api_client.api.patients import create_patient

    client = connect("http://127.0.0.1:8000", ClientCredentials("http://127.0.0.1:8000", "cli_...", "secret"))
    patient = create_patient.sync(client=client, body=...)  # a Patient, or ApiError raised

A refused token request (a wrong secret, a refresh token already used) raises ``TokenError``, an ``ApiError``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from .client import AuthenticatedClient
from .models.problem import Problem
from .runtime import ApiError, AsyncRetryTransport, RetryPolicy, RetryTransport

# Renew this long before the token expires (access tokens live 15 minutes).
RENEW_BEFORE_SECONDS = 60


class TokenError(ApiError):
    """The token endpoint refused: ``error`` and ``description`` are its RFC 6749 §5.2 answer (also as
    ``problem.code`` and ``problem.detail``)."""

    def __init__(self, status: int, error: str, description: str | None) -> None:
        problem = Problem(
            code=error,
            detail=description or error,
            request_id=None,
            status=status,
            title="The token endpoint refused the request",
            type_="https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
        )
        super().__init__(status, problem)
        self.error, self.description = error, description


class _TokenSource(httpx.Auth):
    """An ``httpx.Auth``: the bearer token on every request; on a 401 ``invalid_token`` (revoked, or the
    clock disagreed) one renewal and one resend."""

    def __init__(self, base_url: str, client_id: str, client_secret: str | None, scope: str | None) -> None:
        self.token_url = base_url.rstrip("/") + "/oauth/token"
        self.client_id, self.client_secret, self.scope = client_id, client_secret, scope
        self._access: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def _grant(self) -> dict[str, str]:
        raise NotImplementedError

    def access_token(self) -> str:
        """A valid access token, fetched or renewed when the one held is about to expire."""
        with self._lock:
            if self._access is None or time.monotonic() >= self._expires_at - RENEW_BEFORE_SECONDS:
                self._fetch()
            assert self._access is not None
            return self._access

    def renew(self, stale: str) -> str:
        """A new access token unless another thread already replaced ``stale``."""
        with self._lock:
            if self._access == stale:
                self._access = None
        return self.access_token()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and 'error="invalid_token"' in response.headers.get("www-authenticate", ""):
            request.headers["Authorization"] = f"Bearer {self.renew(token)}"
            yield request

    def _fetch(self) -> None:
        form = self._grant()
        if self.scope:
            form["scope"] = self.scope
        auth = (self.client_id, self.client_secret) if self.client_secret else None
        if auth is None:
            form["client_id"] = self.client_id
        answer = httpx.post(self.token_url, data=form, auth=auth, timeout=30)
        try:
            body: dict[str, Any] = answer.json() if answer.content else {}
        except ValueError:
            body = {"error": f"http_{answer.status_code}", "error_description": answer.text[:500]}
        if answer.status_code != 200:
            raise TokenError(answer.status_code, str(body.get("error", "error")), body.get("error_description"))
        self._access = str(body["access_token"])
        self._expires_at = time.monotonic() + float(body.get("expires_in", 900))
        self._received(body)

    def _received(self, body: dict[str, Any]) -> None:
        """Keep what the answer carries besides the access token."""


class ClientCredentials(_TokenSource):
    """A partner's system: client id and secret (``client_credentials``)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, scope: str | None = None) -> None:
        super().__init__(base_url, client_id, client_secret, scope)

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "client_credentials"}


class RefreshToken(_TokenSource):
    """A signed-in person: the tokens of a PKCE sign-in (``Pkce.exchange``). Refresh tokens rotate on every
    use, and using one twice revokes the whole sign-in: the newest is kept here (``refresh_token``) and handed
    to ``on_rotate`` as soon as it arrives, so you can store it for the next session."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        refresh_token: str,
        *,
        access_token: str | None = None,
        expires_in: float = 0,
        client_secret: str | None = None,
        on_rotate: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(base_url, client_id, client_secret, None)
        self.refresh_token = refresh_token
        self.on_rotate = on_rotate
        if access_token:
            self._access, self._expires_at = access_token, time.monotonic() + expires_in

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}

    def _received(self, body: dict[str, Any]) -> None:
        rotated = body.get("refresh_token")
        if rotated and rotated != self.refresh_token:
            self.refresh_token = str(rotated)
            if self.on_rotate is not None:
                self.on_rotate(self.refresh_token)


@dataclass(frozen=True)
class Pkce:
    """A PKCE sign-in (RFC 7636, S256) for an ``authorization_code`` client: send the person's browser to
    ``authorization_url()``, then ``exchange()`` the ``code`` it comes back with for their tokens.

        pkce = Pkce.new()
        redirect(pkce.authorization_url(base, "cli_app", "https://app.example/callback", "patients:read"))
        # ... at the callback, after checking `state` == pkce.state:
        tokens = pkce.exchange(base, "cli_app", code, "https://app.example/callback", on_rotate=store)
    """

    verifier: str
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @classmethod
    def new(cls) -> Pkce:
        return cls(secrets.token_urlsafe(48))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def authorization_url(self, base_url: str, client_id: str, redirect_uri: str, scope: str) -> str:
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": self.state,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        return f"{base_url.rstrip('/')}/oauth/authorize?{urlencode(query)}"

    def exchange(
        self,
        base_url: str,
        client_id: str,
        code: str,
        redirect_uri: str,
        *,
        client_secret: str | None = None,
        on_rotate: Callable[[str], None] | None = None,
    ) -> RefreshToken:
        """The tokens for ``code``, as a ``RefreshToken`` source (``on_rotate`` gets this first refresh token
        too). ``TokenError`` when the code is wrong, used or expired, or the verifier does not match."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": self.verifier,
        }
        auth = (client_id, client_secret) if client_secret else None
        if auth is None:
            form["client_id"] = client_id
        answer = httpx.post(f"{base_url.rstrip('/')}/oauth/token", data=form, auth=auth, timeout=30)
        body: dict[str, Any] = answer.json() if answer.content else {}
        if answer.status_code != 200:
            raise TokenError(answer.status_code, str(body.get("error", "error")), body.get("error_description"))
        if on_rotate is not None:
            on_rotate(str(body["refresh_token"]))
        return RefreshToken(
            base_url,
            client_id,
            str(body["refresh_token"]),
            access_token=str(body["access_token"]),
            expires_in=float(body.get("expires_in", 900)),
            client_secret=client_secret,
            on_rotate=on_rotate,
        )


def connect(
    base_url: str,
    tokens: _TokenSource,
    *,
    retry: RetryPolicy | None = None,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> AuthenticatedClient:
    """The generated client for ``base_url``, with a fresh bearer token from ``tokens`` on every request, an
    Idempotency-Key on every POST and retries (``RetryPolicy``: 4 attempts by default) on 429/503 and network
    errors, for the ``sync`` and the ``asyncio`` functions alike. (The token endpoint is called synchronously,
    about once in 14 minutes.)"""
    client = AuthenticatedClient(base_url=base_url, token="", timeout=httpx.Timeout(timeout), headers=headers or {})
    shared: dict[str, Any] = {"base_url": base_url, "auth": tokens, "timeout": timeout, "headers": headers}
    client.set_httpx_client(httpx.Client(transport=RetryTransport(retry), **shared))
    client.set_async_httpx_client(httpx.AsyncClient(transport=AsyncRetryTransport(retry), **shared))
    return client


def authenticated_client(base_url: str, tokens: _TokenSource, **options: Any) -> AuthenticatedClient:
    """The generated client with ``tokens``' bearer token on every request, and nothing else (no retries, no
    automatic Idempotency-Key): prefer ``connect()``."""
    options.setdefault("httpx_args", {})["auth"] = tokens
    return AuthenticatedClient(base_url=base_url, token="", **options)


def new_idempotency_key() -> str:
    """A key for one logical POST: send the same key when retrying it, a new one for the next. (``connect()``
    makes one for each POST that has none; pass your own to make a retry of your own safe, e.g. after a
    restart.)"""
    return str(uuid.uuid4())
