"""Hand-written next to the generated client (clients/helpers/auth.py, copied in by ``make sdk``).

The token endpoint is OAuth 2.0, not an OpenAPI operation, so the generated client has no call for it. This
module gets and renews access tokens (client credentials, or a refresh token from a PKCE sign-in) and hands
the generated client a fresh one on every request; plus the two headers writes need:

    from telemedical_api_client.auth import ClientCredentials, authenticated_client, new_idempotency_key
    from telemedical_api_client.api.patients import create_patient

    tokens = ClientCredentials("http://127.0.0.1:8000", "cli_demo_portal", "demo-portal-secret")
    client = authenticated_client("http://127.0.0.1:8000", tokens)
    patient = create_patient.sync(client=client, body=..., idempotency_key=new_idempotency_key())
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx

from .client import AuthenticatedClient

# Renew this long before the token expires (access tokens live 15 minutes).
RENEW_BEFORE_SECONDS = 60


class TokenError(Exception):
    """The token endpoint refused: ``error`` and ``description`` are its RFC 6749 answer."""

    def __init__(self, status: int, error: str, description: str | None) -> None:
        super().__init__(f"{status} {error}: {description or ''}".strip())
        self.status, self.error, self.description = status, error, description


class _TokenSource:
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

    def _fetch(self) -> None:
        form = self._grant()
        if self.scope:
            form["scope"] = self.scope
        auth = (self.client_id, self.client_secret) if self.client_secret else None
        if auth is None:
            form["client_id"] = self.client_id
        answer = httpx.post(self.token_url, data=form, auth=auth, timeout=30)
        body: dict[str, Any] = answer.json() if answer.content else {}
        if answer.status_code != 200:
            raise TokenError(answer.status_code, body.get("error", "error"), body.get("error_description"))
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
    """A signed-in person: the tokens of a PKCE sign-in. Refresh tokens rotate on every use; the newest is
    kept here (``refresh_token``) so it can be stored for the next session."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        refresh_token: str,
        *,
        access_token: str | None = None,
        expires_in: float = 0,
        client_secret: str | None = None,
    ) -> None:
        super().__init__(base_url, client_id, client_secret, None)
        self.refresh_token = refresh_token
        if access_token:
            self._access, self._expires_at = access_token, time.monotonic() + expires_in

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}

    def _received(self, body: dict[str, Any]) -> None:
        self.refresh_token = str(body.get("refresh_token", self.refresh_token))


def authenticated_client(base_url: str, tokens: _TokenSource, **options: Any) -> AuthenticatedClient:
    """The generated client, sending a fresh bearer token from ``tokens`` with every request."""

    def authorize(request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {tokens.access_token()}"

    options.setdefault("httpx_args", {}).setdefault("event_hooks", {}).setdefault("request", []).append(authorize)
    return AuthenticatedClient(base_url=base_url, token="", **options)


def new_idempotency_key() -> str:
    """A key for one logical POST: send the same key when retrying it, a new one for the next."""
    return str(uuid.uuid4())


def etag_of(response: Any) -> str:
    """The ETag of a ``*_detailed`` call's response, for ``if_match`` on the next write."""
    return str(response.headers["etag"])
