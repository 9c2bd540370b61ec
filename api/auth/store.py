"""Persistence of authorization codes and issued tokens, on the request's session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, exists, select, update
from sqlalchemy.orm import Session

from api.auth.secrets import digest
from api.auth.tokens import unverified_claims
from api.db import rows_changed, utcnow
from api.models import AuthorizationCode, OAuthClient, OAuthToken, User


def find_client(session: Session, client_id: str) -> OAuthClient | None:
    client = session.get(OAuthClient, client_id)
    return client if client is not None and client.active else None


def may_sign_in_through(user: User, client: OAuthClient) -> bool:
    """A user signs in only through a client of their own tenant (api-contract.md §1): a patient through
    their partner's apps, a provider or an admin only through platform clients (no partner)."""
    if user.role == "patient":
        return client.partner_id is not None and client.partner_id == user.partner_id
    return client.partner_id is None


def find_active_user(session: Session, user_id: str | None, client: OAuthClient) -> User | None:
    """The user a code or refresh token names, if still enabled and still allowed through ``client``."""
    user = session.get(User, user_id) if user_id else None
    if user is None or user.disabled_at is not None:
        return None
    return user if may_sign_in_through(user, client) else None


def record_issued_token(
    session: Session,
    token: dict[str, Any],
    *,
    client_id: str,
    user_id: str | None,
    grant_type: str,
    family_id: str | None,
    refresh_ttl: int,
) -> OAuthToken:
    claims = unverified_claims(token["access_token"])
    refresh = token.get("refresh_token")
    row = OAuthToken(
        jti=claims["jti"],
        family_id=family_id or claims["jti"],
        client_id=client_id,
        user_id=user_id,
        grant_type=grant_type,
        scope=token.get("scope", ""),
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        access_expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        refresh_digest=digest(refresh) if refresh else None,
        refresh_expires_at=utcnow() + timedelta(seconds=refresh_ttl) if refresh else None,
    )
    session.add(row)
    return row


def revoke_family(session: Session, family_id: str) -> None:
    """Revoke every token descended from one grant (a replayed code or a reused refresh token)."""
    _revoke_all(session, OAuthToken.family_id == family_id)


def end_sign_ins(session: Session, user_id: str) -> None:
    """End every sign-in of the user (their password changed): every token issued to them is revoked, and
    every code not yet exchanged is spent, so whoever signed in with the old password keeps nothing."""
    session.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.user_id == user_id, AuthorizationCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    _revoke_all(session, OAuthToken.user_id == user_id)


def _revoke_all(session: Session, which: ColumnElement[bool]) -> None:
    """Revoke the tokens ``which`` names, repeated until a pass finds nothing left: on PostgreSQL an UPDATE
    that waited for a refresh in flight (it holds the lock on the token it spends) does not see the token that
    refresh then inserted, since the statement's snapshot predates it; the next pass does. A refresh that
    comes later waits for this transaction's locks and finds its token revoked."""
    revoke = update(OAuthToken).where(which, OAuthToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    while rows_changed(session, revoke):
        pass


def find_code(session: Session, code: str) -> AuthorizationCode | None:
    """The code, locked until the transaction ends, so that two exchanges of one code are judged one after
    the other: the second sees it used (SQLite writers are serialised by BEGIN IMMEDIATE already)."""
    stmt = select(AuthorizationCode).where(AuthorizationCode.code_digest == digest(code))
    return session.scalar(stmt.with_for_update().execution_options(populate_existing=True))


def find_token_by_refresh(
    session: Session, refresh_token: str, *, for_update: bool = False
) -> OAuthToken | None:
    """The token row a refresh token names. ``for_update`` locks it until the transaction ends, so that
    concurrent spends of one refresh token are judged one after the other (RFC 9700 §4.14.2): the first
    rotates it, each later one sees it spent and revokes the family, the first one's new tokens included."""
    stmt = select(OAuthToken).where(OAuthToken.refresh_digest == digest(refresh_token))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.scalar(stmt)


# Built once; run on the session's connection as Core (no ORM execution context): it runs on every request.
_REVOKED_AT = select(OAuthToken.__table__.c.revoked_at).where(OAuthToken.__table__.c.jti == bindparam("jti"))


def is_token_revoked(session: Session, jti: str) -> bool:
    """One primary-key read per authenticated request (unless the operation's own statement checks the token:
    ``token_is_live``): unknown or revoked tokens are not honoured."""
    revoked_at = session.connection().execute(_REVOKED_AT, {"jti": jti}).first()
    return revoked_at is None or revoked_at[0] is not None


# --- the revocation check inside an operation's own first statement --------------------------------------
#
# A hot read (a patient or a consultation by id, a page of the provider directory) runs one statement of its
# own before its audit row; the token's revocation read was one more, a round trip and about 160 µs of CPU
# (bench/README.md). Such an operation's statement carries the check instead (``token_is_live``: the
# request's token is issued and not revoked, read in that statement's own snapshot, so a revocation
# committed before it is seen, as the separate read saw it), and its service confirms the token on the
# session (``confirm_token_live``) when that statement proved it live. The operation's boundary
# (api/http/blueprint.py) reads the revocation the usual way whenever the token was not so confirmed: for
# any other outcome (no row, a refusal, an error) and before any answer leaves. The token is never honoured
# on less than a read of its row in the request.

_TOKEN_LIVE_KEY: Final = "token_live"


def token_is_live() -> ColumnElement[bool]:
    """The condition "the request's token is issued and not revoked", for an operation's own statement;
    its value is the ``scope_token`` parameter (``scope_parameters`` gives it)."""
    tokens = OAuthToken.__table__
    return exists().where(tokens.c.jti == bindparam("scope_token"), tokens.c.revoked_at.is_(None))


SelectT = TypeVar("SelectT", bound=Select[Any])


def where_token_live(stmt: SelectT, token_id: str | None) -> SelectT:
    """``stmt`` finding rows only while the request's token is live (``token_is_live``), when the request has
    a token (a principal of the service itself has none: its statement is left as it is)."""
    return stmt.where(token_is_live()) if token_id is not None else stmt


def confirm_token_live(session: Session, token_id: str | None) -> None:
    """Note on ``session`` that a statement of this request found ``token_id`` live (``token_is_live``)."""
    if token_id is not None:
        session.info[_TOKEN_LIVE_KEY] = token_id


def confirmed_live(session: Session, token_id: str) -> bool:
    """Whether a statement of this request's ``session`` found ``token_id`` live."""
    return bool(session.info.get(_TOKEN_LIVE_KEY) == token_id)


@dataclass
class IssuedToken:
    """An access or refresh token as the revocation and introspection endpoints see it."""

    row: OAuthToken
    kind: str  # "access_token" | "refresh_token"

    def check_client(self, client: Any) -> bool:
        return self.row.check_client(client)

    def is_expired(self) -> bool:
        if self.kind == "refresh_token":
            return self.row.refresh_expires_at is None or self.row.refresh_expires_at <= utcnow()
        return self.row.is_expired()

    def is_revoked(self) -> bool:
        if self.kind == "refresh_token":
            return self.row.revoked_at is not None or self.row.refresh_used_at is not None
        return self.row.revoked_at is not None

    def get_scope(self) -> str:
        return self.row.scope
