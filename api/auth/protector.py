"""The resource protector: a bearer token becomes a Principal, once per request, or a 401/403 problem."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from authlib.oauth2.rfc6749 import OAuth2Error
from flask import current_app, g
from joserfc.errors import JoseError
from sqlalchemy.exc import SQLAlchemyError

from api.auth import store
from api.auth.principal import PRINCIPAL_KINDS, Principal, PrincipalKind
from api.auth.tokens import REALM, AccessTokenValidator, CheckedToken
from api.db import get_session
from api.errors import Forbidden, Unauthorized
from api.http.current import current_flask, current_request, request_globals

_KINDS: frozenset[str] = frozenset(PRINCIPAL_KINDS)


class InvalidToken(Unauthorized):
    code, title = "invalid_token", "Invalid access token"


class InsufficientScope(Forbidden):
    code, title = "insufficient_scope", "Insufficient scope"


class RevokedToken(InvalidToken):
    """A token found revoked (or unknown) after its operation began: the check was left to the operation's
    own statement (``DEFERS_REVOCATION``). Answered exactly as a token refused up front."""


REVOKED = "The access token has been revoked."
# The app's predicate (app.extensions) telling whether this request's operation checks the token's revocation
# in its own first statement (api/auth/store.py ``token_is_live``), so the token check leaves it to it.
DEFERS_REVOCATION = "defers_revocation"


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
    # Once a request, on every request: the context's objects, not their proxies (api/http/current.py).
    header = current_request().environ.get("HTTP_AUTHORIZATION", "")
    if not header:
        # RFC 6750 §3.1: a request with no credentials gets no error code.
        raise Unauthorized("An access token is required.", headers=_challenge())
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _invalid("The Authorization header must be 'Bearer <token>'.")
    app = current_flask()
    validator: AccessTokenValidator = app.extensions["oauth"].validator
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
    token_id = str(checked.principal.token_id)
    if token_id in validator.revoked:  # found revoked before, in this process: a revocation is for good
        raise _invalid(REVOKED)
    defers = app.extensions.get(DEFERS_REVOCATION)
    if defers is not None and defers():
        # Settled by the operation (``check_revocation``), before any answer.
        request_globals().revocation_pending = token_id
    elif store.is_token_revoked(get_session(), token_id):
        validator.remember_revoked(token_id)
        raise _invalid(REVOKED)
    return checked.principal


def check_revocation() -> None:
    """Settle the revocation check the token check left to the operation (``DEFERS_REVOCATION``), once the
    operation has run and before anything is recorded or sent: nothing to do when its own statement found
    the token live (``store.confirm_token_live``); otherwise the token's row is read now. Raises
    ``RevokedToken`` for a revoked or unknown token."""
    token_id = request_globals().pop("revocation_pending", None)
    if token_id is None:
        return
    session = get_session()
    if store.confirmed_live(session, token_id) or not store.is_token_revoked(session, token_id):
        return
    raise _revoked(token_id)


def revocation_refusal(error: BaseException) -> RevokedToken | None:
    """What a failed operation answers instead of ``error`` because its token is revoked: ``error`` itself
    when it is that refusal; else, when the token's check was left to the operation and is still open, the
    refusal if the token's row (read now, after the operation's work is rolled back) says so. A revoked token
    is answered 401 whatever the operation found (a 404, a 403, a 304), as when it is refused up front."""
    if isinstance(error, RevokedToken):
        return error
    token_id = g.pop("revocation_pending", None)
    if token_id is None:
        return None
    session = get_session()
    if store.confirmed_live(session, token_id):  # a 304 after the statement found the token live
        return None
    try:
        session.rollback()  # the operation's work, and a failed transaction, out of the way of the read
        revoked = store.is_token_revoked(session, token_id)
    except SQLAlchemyError:  # the database is unreachable: the operation's own error goes out (no data),
        return None  # and its boundary rolls the session back before recording it (audit.fail)
    return _revoked(token_id) if revoked else None


def _revoked(token_id: str) -> RevokedToken:
    current_app.extensions["oauth"].validator.remember_revoked(token_id)
    refusal = RevokedToken(REVOKED, headers=_challenge("invalid_token", error_description=REVOKED))
    # From now on the request is as one whose token was refused up front: no principal (the audit row of the
    # refusal names no actor), and any later token check gets the same refusal.
    g.auth_result = refusal
    g.pop("authenticated", None)
    g.pop("principal", None)
    return refusal


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
    context = request_globals()  # several times a request: no proxy (api/http/current.py)
    result = context.get("auth_result")
    if result is None:
        try:
            result = _authenticate()
        except Unauthorized as exc:
            result = exc
        context.auth_result = result
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
    context = request_globals()
    context.authenticated = principal  # who was refused, for the audit trail, if a scope is missing
    missing = [s for s in scopes if not principal.has_scope(s)]
    if missing:
        needed = " ".join(scopes)
        raise InsufficientScope(
            f"This operation needs the scope(s): {needed}.",
            headers=_challenge("insufficient_scope", scope=needed),
        )
    context.principal = principal
    return principal


def current_principal() -> Principal:
    principal: Principal = request_globals().principal
    return principal
