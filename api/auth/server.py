"""The OAuth 2.0 authorization server (Authlib): grants, PKCE, revocation and introspection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Error, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import Flask, g

from api.auth import store
from api.auth.keys import SigningKeys
from api.auth.scopes import supported_scopes
from api.auth.secrets import digest
from api.auth.tokens import AccessTokenGenerator, AccessTokenValidator
from api.config import Settings, get_settings
from api.db import get_session, utcnow
from api.models import AuthorizationCode, OAuthClient, OAuthToken, User

CONFIDENTIAL_AUTH = ["client_secret_basic", "client_secret_post"]


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    """PKCE is mandatory for every authorization-code client, and only with S256 (RFC 9700 §2.1.1)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    CODE_CHALLENGE_METHODS = {"S256": CodeChallenge.CODE_CHALLENGE_METHODS["S256"]}

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError(
                "PKCE is required: send 'code_challenge' with 'code_challenge_method=S256'."
            )
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier") and grant.request.authorization_code.code_challenge:
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    TOKEN_ENDPOINT_AUTH_METHODS = [*CONFIDENTIAL_AUTH, "none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        get_session().add(
            AuthorizationCode(
                code_digest=digest(code),
                client_id=request.client.id,
                user_id=request.user.id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                expires_at=utcnow() + timedelta(seconds=get_settings().authorization_code_ttl),
            )
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> AuthorizationCode | None:
        session = get_session()
        found = store.find_code(session, code)
        if found is None or found.client_id != client.id:
            return None
        if found.used_at is not None:
            # A replayed code: someone else may hold it. What it issued is revoked (RFC 6749 §4.1.2) by the
            # token endpoint, the request's boundary, after it rolls the refused request back.
            g.replayed_family = found.id
            return None
        if found.expires_at <= utcnow():
            return None
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept, marked used, so that a replay can be recognised and its tokens revoked.
        authorization_code.used_at = utcnow()

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User | None:
        return store.find_active_user(get_session(), authorization_code.user_id, self.request.client)


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    TOKEN_ENDPOINT_AUTH_METHODS = [*CONFIDENTIAL_AUTH, "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotated on every use

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken | None:
        session = get_session()
        # Locked before it is judged: of concurrent spends one rotates it, the others see it spent.
        row = store.find_token_by_refresh(session, refresh_token, for_update=True)
        if row is None:
            return None
        if row.refresh_used_at is not None and row.revoked_at is None:
            # A spent refresh token came back: the family is compromised (RFC 9700 §4.14.2). The token
            # endpoint revokes it once it has rolled the refused request back.
            g.replayed_family = row.family_id
            return None
        if not row.is_refresh_usable():
            return None
        # The user must still be enabled and still sign in through this client (else invalid_grant).
        return row if self.authenticate_user(row) is not None else None

    def authenticate_user(self, refresh_token: OAuthToken) -> User | None:
        return store.find_active_user(get_session(), refresh_token.user_id, self.request.client)

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        refresh_token.refresh_used_at = utcnow()


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH


def _query_issued_token(token_string: str, hint: str | None) -> store.IssuedToken | None:
    session = get_session()
    if hint != "refresh_token" and token_string.count(".") == 2:
        validator: AccessTokenValidator = _server_extension().validator
        try:
            claims = validator.authenticate_token(token_string)
        except OAuth2Error:
            return None
        row = session.get(OAuthToken, claims.get("jti"))
        return store.IssuedToken(row, "access_token") if row else None
    row = store.find_token_by_refresh(session, token_string)
    return store.IssuedToken(row, "refresh_token") if row else None


class TokenRevocation(RevocationEndpoint):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    CLIENT_AUTH_METHODS = [*CONFIDENTIAL_AUTH, "none"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> store.IssuedToken | None:
        return _query_issued_token(token_string, token_type_hint)

    def revoke_token(self, token: store.IssuedToken, request: Any) -> None:
        """Revoke; the endpoint's view records the audit row and commits both together."""
        session = get_session()
        if token.kind == "refresh_token":
            # RFC 7009 §2.1: revoking a refresh token also ends the access tokens of that grant.
            store.revoke_family(session, token.row.family_id)
        elif token.row.revoked_at is None:
            token.row.revoked_at = utcnow()
        g.token_revoked = {"client": request.client, "user_id": token.row.user_id}


class IntrospectionForbidden(OAuth2Error):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    error = "unauthorized_client"
    status_code = 403
    description = "This client is not allowed to introspect tokens."


class TokenIntrospection(IntrospectionEndpoint):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH

    def create_endpoint_response(self, request: Any) -> Any:
        client = self.authenticate_endpoint_client(request)
        if not client.can_introspect:
            raise IntrospectionForbidden()
        token = self.authenticate_token(request, client)
        return 200, self.create_introspection_payload(token), [("Content-Type", "application/json")]

    def query_token(self, token_string: str, token_type_hint: str | None) -> store.IssuedToken | None:
        return _query_issued_token(token_string, token_type_hint)

    def check_permission(self, token: store.IssuedToken, client: OAuthClient, request: Any) -> bool:
        return bool(client.can_introspect)

    def introspect_token(self, token: store.IssuedToken) -> dict[str, Any]:
        row = token.row
        settings = get_settings()
        expires = row.refresh_expires_at if token.kind == "refresh_token" else row.access_expires_at
        payload: dict[str, Any] = {
            "active": True,
            "scope": row.scope,
            "client_id": row.client_id,
            "sub": row.user_id or row.client_id,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "iat": int(row.issued_at.timestamp()),
            "exp": int(expires.timestamp()) if expires else None,
            "iss": settings.issuer,
            "aud": settings.audience,
        }
        if token.kind == "access_token":
            payload["jti"] = row.jti
        return payload


class OAuthExtension:
    """What the app keeps of the OAuth machinery, built once at start-up."""

    def __init__(
        self, server: AuthorizationServer, keys: SigningKeys, validator: AccessTokenValidator
    ) -> None:
        self.server = server
        self.keys = keys
        self.validator = validator


def _server_extension() -> OAuthExtension:
    from flask import current_app

    ext: OAuthExtension = current_app.extensions["oauth"]
    return ext


def _save_token(token: dict[str, Any], request: Any) -> None:
    grant_type = request.form.get("grant_type")
    family_id: str | None = None
    if grant_type == "authorization_code":
        family_id = request.authorization_code.id
    elif grant_type == "refresh_token":
        family_id = request.refresh_token.family_id
    user = request.user
    # Who got a token, for the audit row the token endpoint writes in this transaction.
    g.token_issued = {"client": request.client, "user": user}
    store.record_issued_token(
        get_session(),
        token,
        client_id=request.client.id,
        user_id=user.id if user is not None else None,
        grant_type=grant_type,
        family_id=family_id,
        refresh_ttl=get_settings().refresh_token_ttl,
    )


# What an OAuth error means, for the errors Authlib sends without a description (or with one written for
# its developers, such as the list of authentication methods tried): RFC 6749 §5.2 `error_description`.
ERROR_DESCRIPTIONS = {
    "invalid_client": "Client authentication failed: unknown client, wrong secret, or a method the "
    "client is not registered for.",
    "invalid_grant": "The code or refresh token is invalid, expired, revoked or already used (a refresh "
    "token used twice revokes every token issued from the same sign-in), or the redirect URI or code "
    "verifier does not match.",
    "unauthorized_client": "This client may not use this grant type.",
    "unsupported_grant_type": "Use client_credentials, authorization_code or refresh_token.",
    "invalid_scope": "A requested scope is unknown or not granted to this client.",
}


class Server(AuthorizationServer):  # type: ignore[misc]  # Authlib ships no type hints: its base classes are Any
    def handle_error_response(self, request: Any, error: Any) -> Any:
        described = ERROR_DESCRIPTIONS.get(error.error)
        if described and (not error.description or error.error == "invalid_client"):
            error.description = described
        return super().handle_error_response(request, error)


def init_oauth(app: Flask, settings: Settings, keys: SigningKeys) -> OAuthExtension:
    server = Server()
    server.init_app(
        app, query_client=lambda cid: store.find_client(get_session(), cid), save_token=_save_token
    )
    server.scopes_supported = supported_scopes()
    server.register_token_generator("default", AccessTokenGenerator(keys, settings))
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_grant(ClientCredentialsGrant)
    server.register_endpoint(TokenRevocation)
    server.register_endpoint(TokenIntrospection)
    ext = OAuthExtension(server, keys, AccessTokenValidator(keys, settings))
    app.extensions["oauth"] = ext
    return ext
