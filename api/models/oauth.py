"""OAuth 2.0 clients, authorization codes and issued tokens.

Secrets are never stored: client secrets, authorization codes and refresh tokens are kept as SHA-256
digests. They are 256-bit random values, so a fast digest is safe and keeps the token endpoint quick;
user passwords (low entropy) use argon2id instead (see api.auth.passwords).
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.auth.redirects import redirect_uri_allowed
from api.auth.secrets import digest
from api.db import Base, utcnow
from api.models.resources import Resource
from api.models.types import JSONType


class OAuthClient(Base):
    __tablename__ = "oauth_clients"
    __resource__ = Resource("cli", "client", audited=True)

    id: Mapped[str] = __resource__.id_column(80)
    # None: a platform client (admin tooling), not owned by any partner.
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_digest: Mapped[str | None] = mapped_column(String(64))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    grant_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    redirect_uris: Mapped[list[str]] = mapped_column(JSONType, default=list)
    scope: Mapped[str] = mapped_column(Text, default="")
    can_introspect: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    disabled_at: Mapped[datetime | None]

    # --- authlib ClientMixin -------------------------------------------------------------------
    def get_client_id(self) -> str:
        return self.id

    def get_default_redirect_uri(self) -> str | None:
        # No default: the redirect_uri must be sent and must match exactly (RFC 9700 §4.1.1).
        return None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        if scope is None:
            # RFC 6749 §3.3: an omitted scope means the client's registered default, all it may ask for.
            return self.scope
        allowed = set(self.scope.split())
        granted = [s for s in scope.split() if s in allowed]
        # Nothing grantable: None makes Authlib answer invalid_scope rather than issue a scopeless token.
        return " ".join(granted) if granted else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri_allowed(self.redirect_uris, redirect_uri)  # exact, or a loopback's port varies

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret_digest is None:
            return False
        return hmac.compare_digest(self.secret_digest, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == "none" and endpoint in ("token", "revocation")
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type == "refresh_token":
            return "authorization_code" in self.grant_types
        return grant_type in self.grant_types

    @property
    def is_platform(self) -> bool:
        return self.partner_id is None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class AuthorizationCode(Base):
    __tablename__ = "oauth_authorization_codes"
    __resource__ = Resource("acd")

    id: Mapped[str] = __resource__.id_column()
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oauth_clients.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text, default="")
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    auth_time: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # --- authlib AuthorizationCodeMixin ----------------------------------------------------------
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_nonce(self) -> None:
        return None

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class OAuthToken(Base):
    """One issued access token (by its JWT ``jti``), with the refresh token issued beside it, if any.

    ``family_id`` ties together everything descended from one authorization code: a replayed code or
    a reused refresh token revokes the whole family.
    """

    __tablename__ = "oauth_tokens"
    __resource__ = None
    __table_args__ = (Index("ix_oauth_tokens_family_id_revoked_at", "family_id", "revoked_at"),)

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(ForeignKey("oauth_clients.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    grant_type: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    access_expires_at: Mapped[datetime]
    refresh_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    refresh_expires_at: Mapped[datetime | None]
    refresh_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    # --- authlib TokenMixin (used by the refresh grant, revocation and introspection) ------------
    def check_client(self, client: Any) -> bool:
        return bool(self.client_id == client.get_client_id())

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.access_expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.access_expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_refresh_usable(self) -> bool:
        now = utcnow()
        return (
            self.revoked_at is None
            and self.refresh_used_at is None
            and self.refresh_expires_at is not None
            and self.refresh_expires_at > now
        )
