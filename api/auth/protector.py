"""The resource protector: a bearer token becomes a Principal, once per request, or a 401/403 problem."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from authlib.oauth2.rfc6749 import OAuth2Error
from flask import current_app, g, request
from joserfc.errors import JoseError

from api.auth import store
from api.auth.principal import PRINCIPAL_KINDS, Principal, PrincipalKind
from api.auth.tokens import REALM, AccessTokenValidator, CheckedToken
from api.db import get_session
from api.errors import Forbidden, Unauthorized

_KINDS: frozenset[str] = frozenset(PRINCIPAL_KINDS)


class InvalidToken(Unauthorized):
    code, title = "invalid_token", "Invalid access token"


class InsufficientScope(Forbidden):
    code, title = "insufficient_scope", "Insufficient scope"


def _challenge(error: str | None = None, **params: str) -> dict[str, str]:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    parts.extend(f'{k}="{v}"' for k, v in params.items())
    return {"WWW-Authenticate": "Bearer " + ", ".join(parts)}


# Clock skew tolerated between the token's issuer and this server when checking `exp`, `nbf` and `iat`
# (documented in docs/oauth.md): a token is accepted up to 30 s after its `exp`.
LEEWAY_SECONDS = 30


def _invalid(description: str) -> InvalidToken:
    return InvalidToken(description, headers=_challenge("invalid_token", error_description=description))


def _authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    if not header:
        # RFC 6750 §3.1: a request with no credentials gets no error code.
        raise Unauthorized("An access token is required.", headers=_challenge())
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _invalid("The Authorization header must be 'Bearer <token>'.")
    validator: AccessTokenValidator = current_app.extensions["oauth"].validator
    checked = validator.checked.get(token)
    if checked is None:
        checked = _check(validator, token)
        validator.remember(token, checked)
    # Every request: the token's times (RFC 7519 §4.1.4, §4.1.5, with the leeway) and its revocation.
    now = time.time()
    if now > checked.expires + LEEWAY_SECONDS:
        raise _expired(checked.expires)
    if now < checked.not_before - LEEWAY_SECONDS:
        raise _invalid("The access token is invalid: its issuer, audience or times do not hold.")
    if store.is_token_revoked(get_session(), str(checked.principal.token_id)):
        raise _invalid("The access token has been revoked.")
    return checked.principal


def _expired(expires: float) -> InvalidToken:
    # Signed by us and past its time: say so, so that a client refreshes instead of hunting for a bug.
    at = datetime.fromtimestamp(expires, UTC).isoformat().replace("+00:00", "Z")
    return _invalid(f"The access token expired at {at}. Get a new one (or use the refresh token).")


def _check(validator: AccessTokenValidator, token: str) -> CheckedToken:
    """A token's first use in this process: every check (its times too), and what it grants."""
    try:
        claims = validator.authenticate_token(token)  # the signature: ours, or refused here
    except (OAuth2Error, JoseError, ValueError):
        raise _invalid("The access token is invalid: not one this server signed, or malformed.") from None
    expires = claims.get("exp")
    if isinstance(expires, int | float) and time.time() > expires + LEEWAY_SECONDS:
        raise _expired(expires)
    try:
        claims.validate(leeway=LEEWAY_SECONDS)
    except (OAuth2Error, JoseError, ValueError):
        raise _invalid("The access token is invalid: its issuer, audience or times do not hold.") from None
    role = str(claims.get("role"))
    if role not in _KINDS:
        raise _invalid("The access token names no known role.")
    kind = cast(PrincipalKind, role)
    user_id = None if claims["sub"] == claims["client_id"] else str(claims["sub"])
    principal = Principal(
        kind=kind,
        client_id=str(claims["client_id"]),
        subject=str(claims["sub"]),
        scopes=frozenset(str(claims.get("scope") or "").split()),
        partner_id=claims.get("partner_id"),
        user_id=user_id,
        patient_id=claims.get("patient_id"),
        provider_id=claims.get("provider_id"),
        token_id=str(claims["jti"]),
    )
    # validate() has just held exp, iat and nbf (if present) to be numbers; exp and iat are required.
    not_before = max(float(claims["iat"]), float(claims.get("nbf", claims["iat"])))
    return CheckedToken(principal, not_before=not_before, expires=float(claims["exp"]))


def authenticate() -> Principal:
    """The request's Principal; the outcome (or the error) is cached so the token is checked once."""
    if "auth_result" not in g:
        try:
            g.auth_result = _authenticate()
        except Unauthorized as exc:
            g.auth_result = exc
    result = g.auth_result
    if isinstance(result, Unauthorized):
        raise result
    assert isinstance(result, Principal)
    return result


def peek_principal() -> Principal | None:
    """The Principal if the request carries a valid token, else None (for rate-limit keys, logs)."""
    try:
        return authenticate()
    except Unauthorized:
        return None


def require_scopes(*scopes: str) -> Principal:
    principal = authenticate()
    g.authenticated = principal  # who was refused, for the audit trail, if a scope is missing
    missing = [s for s in scopes if not principal.has_scope(s)]
    if missing:
        needed = " ".join(scopes)
        raise InsufficientScope(
            f"This operation needs the scope(s): {needed}.",
            headers=_challenge("insufficient_scope", scope=needed),
        )
    g.principal = principal
    return principal


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal
