"""JWT access tokens per RFC 9068: issued by the authorization server, checked on every request."""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass
from typing import Any, Final

from authlib.oauth2.rfc6750.errors import InvalidTokenError
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator, JWTBearerTokenValidator
from authlib.oauth2.rfc9068.claims import JWTAccessTokenClaims
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.auth.keys import ALGORITHM, SigningKeys
from api.auth.principal import Principal
from api.config import Settings
from api.ids import random_secret

REALM = "telemedical"


def identity_claims(client: Any, user: Any) -> dict[str, Any]:
    """Private claims that let a request be authorised without loading the user or client row."""
    claims: dict[str, Any] = {}
    if user is None:
        claims["role"] = "admin" if client.is_platform else "partner_client"
        if client.partner_id:
            claims["partner_id"] = client.partner_id
        return claims
    claims["role"] = user.role
    for name in ("partner_id", "patient_id", "provider_id"):
        value = getattr(user, name)
        if value:
            claims[name] = value
    return claims


class AccessTokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    def __init__(self, keys: SigningKeys, settings: Settings) -> None:
        super().__init__(
            issuer=settings.issuer,
            alg=ALGORITHM,
            refresh_token_generator=lambda **_: random_secret(32),
            expires_generator=settings.access_token_ttl,
        )
        self._keys = keys
        self._audience = settings.audience

    def get_jwks(self) -> KeySet:
        return self._keys.private

    def get_audiences(self, client: Any, user: Any, scope: str) -> str:
        return self._audience

    def get_jti(self, client: Any, grant_type: str, user: Any, scope: str) -> str:
        return random_secret(18)

    def get_extra_claims(self, client: Any, grant_type: str, user: Any, scope: str) -> dict[str, Any]:
        return identity_claims(client, user)


@dataclass(frozen=True, slots=True)
class CheckedToken:
    """A token that passed, on its first use, every check that does not change with the time (signature,
    ``typ``, issuer, audience, the claims required, a known role), with what it grants, and the times
    every request checks again (``api.auth.protector``): valid from ``not_before`` (its ``nbf`` or ``iat``,
    the later) until ``expires`` (its ``exp``), each with the leeway. Revocation is not kept: it is looked
    up each time."""

    principal: Principal
    not_before: float
    expires: float


class AccessTokenValidator(JWTBearerTokenValidator):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    """Signature, ``typ``, algorithm and registered claims. Revocation is checked by the caller."""

    # A client sends the same token with every request for its 15 minutes: its signature is checked once and
    # the verified header and claims kept (a failed check is not kept). The claims (expiry, issuer, audience)
    # are still validated on every request, and revocation is looked up every time by the caller.
    VERIFIED_TOKENS_KEPT: Final = 4096
    # Likewise the outcome of the checks that do not change with the time, once they have all passed: the
    # protector then checks the token's times and its revocation only (a failed check is not kept). Emptied
    # when full, rather than kept in order: a token dropped is checked in full on its next use, no more.
    CHECKED_TOKENS_KEPT: Final = 4096

    def __init__(self, keys: SigningKeys, settings: Settings) -> None:
        super().__init__(issuer=settings.issuer, resource_server=settings.audience, realm=REALM)
        self._keys = keys
        self._verified = functools.lru_cache(maxsize=self.VERIFIED_TOKENS_KEPT)(self._verify)
        self.checked: dict[str, CheckedToken] = {}
        self.revoked: set[str] = set()  # ids of tokens this process found revoked

    def remember(self, token_string: str, checked: CheckedToken) -> None:
        """Keep a token that passed every check (``checked``), for the requests that send it next."""
        if len(self.checked) >= self.CHECKED_TOKENS_KEPT:
            self.checked.clear()
        self.checked[token_string] = checked

    def remember_revoked(self, token_id: str) -> None:
        """Keep the id of a token found revoked (or unknown): a revocation is never undone, so its next
        requests are refused from memory, before the rate limiter counts them against its client. Emptied
        when full, like ``checked``: a token dropped is looked up again on its next use, no more."""
        if len(self.revoked) >= self.CHECKED_TOKENS_KEPT:
            self.revoked.clear()
        self.revoked.add(token_id)

    def _verify(self, token_string: str) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            # Only our algorithm: "none", HS256 with the public key and other downgrades fail here.
            token = jwt.decode(token_string, key=self._keys.public, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise InvalidTokenError(realm=self.realm) from exc
        if str(token.header.get("typ", "")).lower() not in ("at+jwt", "application/at+jwt"):
            raise InvalidTokenError(realm=self.realm)  # RFC 9068 §4: typ is required
        return dict(token.claims), dict(token.header)

    def get_jwks(self) -> KeySet:
        return self._keys.public

    def authenticate_token(self, token_string: str) -> JWTAccessTokenClaims:
        claims_options = {
            "iss": {"essential": True, "value": self.issuer},
            "exp": {"essential": True},
            "aud": {"essential": True, "value": self.resource_server},
            "sub": {"essential": True},
            "client_id": {"essential": True},
            "iat": {"essential": True},
            "jti": {"essential": True},
            "scope": {"essential": False},
        }
        claims, header = self._verified(token_string)
        # Copies: the kept header and claims stay as verified.
        return JWTAccessTokenClaims(dict(claims), dict(header), claims_options)


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT this server has just signed (used to record its jti, never to trust it)."""
    payload = token.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return claims
