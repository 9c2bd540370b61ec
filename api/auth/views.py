"""The authorization server's HTTP endpoints (RFC 6749 error form, not problem+json) and its pages:
the sign-in + consent page of the authorization-code flow and the patient activation page.

These are Flask views, not ``Blueprint.operation``s: each is its own boundary and commits (or rolls back)
explicitly, here, what the grants and services flushed, with its audit row where it writes one.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import OAuth2Error
from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue

from api.auth import store
from api.auth.passwords import MIN_PASSWORD_LENGTH
from api.auth.scopes import SCOPES, supported_scopes
from api.auth.server import OAuthExtension
from api.config import get_settings
from api.db import get_session, unit_of_work
from api.domain.audit import Action
from api.errors import DomainError
from api.http import audit
from api.models import User
from api.services import accounts

bp = Blueprint("oauth", __name__, template_folder="../templates")


def _ext() -> OAuthExtension:
    ext: OAuthExtension = current_app.extensions["oauth"]
    return ext


def _csrf_token() -> str:
    token = session.get("csrf_token")
    if not token:
        token = session["csrf_token"] = secrets.token_urlsafe(32)
    return str(token)


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(sent, expected)


def _page(template: str, status: int = 200, *, redirects_to: str | None = None, **context: Any) -> Response:
    """A page of ours: never cached or framed, no script. Its form posts here only; when answering it sends
    the browser on to the app (``redirects_to``, the validated redirect URI), that origin is allowed too:
    browsers hold a form's redirects to ``form-action`` (Chromium refused the sign-in's redirect without)."""
    response = current_app.response_class(render_template(template, **context), status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    targets = "'self'" + (f" {_origin(redirects_to)}" if redirects_to else "")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; form-action {targets}"
    )
    return response


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def _message(heading: str, message: str, status: int) -> Response:
    return _page("message.html", status, heading=heading, message=message, error=status >= 400)


@bp.post("/oauth/token")
def issue_token() -> ResponseReturnValue:
    response: Response = _ext().server.create_token_response()
    session = get_session()
    issued = g.pop("token_issued", None)
    if response.status_code == 200 and issued is not None:
        # The token, the code or refresh token it spent, and its audit row: together or not at all.
        audit.record_token(session, Action.TOKEN_ISSUED, 200, client=issued["client"], user=issued["user"])
        session.commit()
        return response
    session.rollback()  # nothing of a refused request is kept but its audit row, and a replay's revocation
    replayed = g.pop("replayed_family", None)
    if replayed is not None:
        # A code or refresh token used twice: every token of that sign-in ends, though the request is refused.
        store.revoke_family(session, replayed)
        session.commit()
    audit.record_token(session, Action.TOKEN_REFUSED, response.status_code, client_id=_claimed_client())
    session.commit()
    return response


def _claimed_client() -> str | None:
    """The client a refused token request named (unauthenticated: what it claimed to be)."""
    if request.authorization and request.authorization.username:
        return request.authorization.username
    return request.form.get("client_id")


@bp.post("/oauth/revoke")
def revoke_token() -> ResponseReturnValue:
    response: Response = _ext().server.create_endpoint_response("revocation")
    session = get_session()
    revoked = g.pop("token_revoked", None)
    if revoked is not None:
        user = session.get(User, revoked["user_id"]) if revoked["user_id"] else None
        audit.record_token(
            session, Action.TOKEN_REVOKED, response.status_code, client=revoked["client"], user=user
        )
    session.commit()
    return response


@bp.post("/oauth/introspect")
def introspect_token() -> ResponseReturnValue:
    return _ext().server.create_endpoint_response("introspection")  # type: ignore[no-any-return]  # Authlib is untyped: its responses come back as Any


def _authorize_error(error: OAuth2Error) -> ResponseReturnValue:
    if getattr(error, "redirect_uri", None):
        # The client and its redirect URI are known good: tell the client (RFC 6749 §4.1.2.1).
        return _ext().server.handle_error_response(None, error)  # type: ignore[no-any-return]  # Authlib is untyped: its responses come back as Any
    # Never redirect to an unverified URI; tell the person instead.
    detail = error.description or error.error
    return _message("This sign-in link is not valid", f"{error.error}: {detail}", 400)


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> ResponseReturnValue:
    server = _ext().server
    try:
        grant = server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        return _authorize_error(error)
    client = grant.client
    requested = (grant.request.scope or client.get_allowed_scope(None)).split()
    context: dict[str, Any] = {
        "redirects_to": grant.redirect_uri,
        "client_name": client.name,
        "scopes": [SCOPES.get(s, s) for s in requested],
        "action": request.full_path,
        "email": request.form.get("email", ""),
    }
    if request.method == "GET":
        return _page("authorize.html", csrf_token=_csrf_token(), error=None, **context)
    if not _csrf_ok():
        return _message("Your session expired", "Please start signing in again from the app.", 400)
    if request.form.get("decision") != "allow":
        return server.create_authorization_response(grant_user=None, grant=grant)  # type: ignore[no-any-return]  # Authlib is untyped: its responses come back as Any
    db = get_session()
    try:
        user = accounts.sign_in(
            db,
            client,
            request.form.get("email", ""),
            request.form.get("password", ""),
            address=request.remote_addr or "unknown",
        )
    except accounts.SignInThrottled as throttled:
        db.rollback()  # the attempt waits, unchecked and not counted
        page = _page(
            "authorize.html",
            429,
            csrf_token=_csrf_token(),
            error=f"Too many attempts. Try again in {_wait_in_words(throttled.retry_after)}.",
            **context,
        )
        page.headers["Retry-After"] = str(throttled.retry_after)
        return page
    except accounts.SignInDenied:
        db.commit()  # the right password cleared this address's record, as a sign-in does
        # Sent back to the client as error=access_denied (RFC 6749 §4.1.2.1), as a refusal would be.
        return server.create_authorization_response(grant_user=None, grant=grant)  # type: ignore[no-any-return]  # Authlib is untyped: its responses come back as Any
    if user is None:
        db.commit()  # the wrong password counts (api.domain.sign_in), whatever the page answers
        return _page(
            "authorize.html", 401, csrf_token=_csrf_token(), error="Wrong email or password.", **context
        )
    response = server.create_authorization_response(grant_user=user, grant=grant)
    db.commit()  # the code it issued, and this address's record cleared
    return response  # type: ignore[no-any-return]  # Authlib is untyped: its responses come back as Any


def _wait_in_words(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{seconds} seconds" if seconds < 120 else f"{minutes} minutes"


@bp.route("/activate", methods=["GET", "POST"])
def activate() -> ResponseReturnValue:
    token = request.values.get("token", "")
    db = get_session()
    try:
        invitation = accounts.find_invitation(db, token)
    except DomainError as exc:
        return _message("Activation link not valid", exc.detail, 400)
    context: dict[str, Any] = {
        "token": token,
        "email": accounts.invitation_email(db, invitation),
        "min_length": MIN_PASSWORD_LENGTH,
        "action": "/activate",
    }
    if request.method == "GET":
        return _page("activate.html", csrf_token=_csrf_token(), error=None, **context)
    if not _csrf_ok():
        return _message("Your session expired", "Please open the activation link again.", 400)
    try:
        with unit_of_work(db):
            accounts.activate_invitation(db, token, request.form.get("password", ""))
    except DomainError as exc:
        message = exc.errors[0].message if exc.errors else exc.detail
        return _page("activate.html", 422, csrf_token=_csrf_token(), error=message, **context)
    return _message("Your account is ready", "You can now sign in from your care partner's app.", 200)


@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> ResponseReturnValue:
    issuer = get_settings().issuer
    return jsonify(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/oauth/authorize",
            "token_endpoint": f"{issuer}/oauth/token",
            "revocation_endpoint": f"{issuer}/oauth/revoke",
            "introspection_endpoint": f"{issuer}/oauth/introspect",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "scopes_supported": supported_scopes(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": False,
            "service_documentation": f"{issuer}/v1/docs",
        }
    )


@bp.get("/.well-known/jwks.json")
def jwks() -> ResponseReturnValue:
    response = jsonify(_ext().keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
