"""Partners, OAuth clients and users (admin), patient activation, and sign-in."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from api.auth.principal import Principal
from api.auth.redirects import redirect_uri_problem
from api.auth.scopes import SCOPES, is_known_scope
from api.auth.secrets import digest
from api.auth.store import end_sign_ins, may_sign_in_through
from api.db import utcnow
from api.domain.sign_in import Throttle, account_after_failure, after_failure, caller, retry_after
from api.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    RateLimited,
    RuleViolation,
    ValidationFailed,
)
from api.ids import random_secret
from api.models import Invitation, OAuthClient, Partner, Patient, Provider, SignInThrottle, User
from api.models.user import PLATFORM_REALM
from api.services.access import require_kind
from api.services.integrity import constraint_violations
from api.services.paging import Page, PageRequest, fetch_page
from api.services.patients import has_sign_in_account, lock_patient, spend_invitations

GRANT_TYPES = ("client_credentials", "authorization_code")


class PartnerNotFound(NotFound):
    title = "Partner not found"


def identity_of(principal: Principal) -> dict[str, Any]:
    """Who a token speaks for, as ``GET /v1/me`` shows it (nothing to look up: the token says it all)."""
    return {
        "type": principal.kind,
        "id": principal.actor_id,
        "client_id": principal.client_id,
        "partner_id": principal.partner_id,
        "patient_id": principal.patient_id,
        "provider_id": principal.provider_id,
        "scopes": sorted(principal.scopes),
    }


def _require_admin(principal: Principal) -> None:
    require_kind(principal, "admin", action="administer the platform")


# --- partners -------------------------------------------------------------------------------------
def create_partner(session: Session, principal: Principal, name: str) -> Partner:
    _require_admin(principal)
    partner = Partner(name=name)
    session.add(partner)
    session.flush()
    return partner


def list_partners(session: Session, principal: Principal, page: PageRequest) -> Page[Partner]:
    _require_admin(principal)
    return fetch_page(session, select(Partner), Partner, page)


def get_partner(session: Session, principal: Principal, partner_id: str) -> Partner:
    _require_admin(principal)
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise PartnerNotFound(f"No partner {partner_id}.")
    return partner


# --- clients --------------------------------------------------------------------------------------
def create_client(
    session: Session,
    principal: Principal,
    partner_id: str | None,
    *,
    name: str,
    grant_type: str,
    scope: str,
    redirect_uris: list[str] | None = None,
    public: bool = False,
    can_introspect: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> tuple[OAuthClient, str | None]:
    """Register a client; the secret (confidential clients) is returned once and stored as a digest."""
    _require_admin(principal)
    if partner_id is not None:
        get_partner(session, principal, partner_id)
    scopes = scope.split()
    uris = redirect_uris or []
    errors = _client_errors(partner_id, grant_type, scopes, uris, public)
    if errors:
        raise ValidationFailed(errors=errors)
    secret = None if public else (client_secret or random_secret(32))
    client = OAuthClient(
        partner_id=partner_id,
        name=name,
        secret_digest=digest(secret) if secret else None,
        is_public=public,
        grant_types=[grant_type],
        redirect_uris=uris,
        scope=" ".join(scopes),
        can_introspect=can_introspect,
    )
    if client_id:
        client.id = client_id
    session.add(client)
    with constraint_violations(
        {"pk_oauth_clients": lambda: Conflict(f"A client {client_id} already exists.", code="client_exists")},
    ):
        session.flush()
    return client, secret


def _client_errors(
    partner_id: str | None, grant_type: str, scopes: list[str], uris: list[str], public: bool
) -> list[FieldError]:
    """Every reason the registration is refused, each with its pointer."""
    errors: list[FieldError] = []
    unknown = [s for s in scopes if not is_known_scope(s)]
    if unknown:
        errors.append(FieldError("/scope", "unknown_scope", f"Unknown scope(s): {' '.join(unknown)}."))
    if partner_id is not None and "admin" in scopes:
        errors.append(FieldError("/scope", "admin_scope_platform_only", "Only platform clients get 'admin'."))
    if grant_type not in GRANT_TYPES:
        errors.append(FieldError("/grant_type", "invalid_choice", f"One of: {', '.join(GRANT_TYPES)}."))
    if grant_type == "authorization_code" and not uris:
        errors.append(FieldError("/redirect_uris", "required", "An authorization-code client needs one."))
    for i, uri in enumerate(uris):
        problem = redirect_uri_problem(uri)
        if problem:
            errors.append(FieldError(f"/redirect_uris/{i}", "invalid_redirect_uri", problem))
    if public and grant_type != "authorization_code":
        errors.append(FieldError("/public", "invalid", "Only authorization-code clients may be public."))
    return errors


def list_clients(
    session: Session, principal: Principal, partner_id: str, page: PageRequest
) -> Page[OAuthClient]:
    get_partner(session, principal, partner_id)
    stmt = select(OAuthClient).where(OAuthClient.partner_id == partner_id)
    return fetch_page(session, stmt, OAuthClient, page)


# --- users ----------------------------------------------------------------------------------------
def _user_exists(detail: str) -> dict[str, Callable[[], DomainError]]:
    """The unique constraints a user write may hit: one account per email in a realm, per patient, per
    provider."""
    return dict.fromkeys(
        ("uq_users_realm_email", "uq_users_patient_id", "uq_users_provider_id"),
        lambda: Conflict(detail, code="user_exists"),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            errors=[FieldError("/password", "too_short", f"Use at least {MIN_PASSWORD_LENGTH} characters.")]
        )


def set_password(session: Session, user: User, password: str) -> None:
    """The one way a password is set or changed. A change ends every sign-in the user had (their tokens
    revoked, their codes spent): whoever knew the old password keeps no session."""
    _check_password(password)
    user.password_hash = hash_password(password)
    if user.id is not None:
        end_sign_ins(session, user.id)


def _check_user_links(session: Session, role: str, patient_id: str | None, provider_id: str | None) -> None:
    """A patient user names an existing patient, a provider user an existing provider, an admin neither."""
    errors = []
    wanted = {"patient": "patient_id", "provider": "provider_id"}.get(role)
    for field, value, model in (("patient_id", patient_id, Patient), ("provider_id", provider_id, Provider)):
        if field == wanted and (not value or session.get(model, value) is None):
            errors.append(FieldError(f"/{field}", "required", f"A {role} user names an existing {role}."))
        elif field != wanted and value:
            errors.append(FieldError(f"/{field}", "not_allowed", f"A {role} user has no {field}."))
    if errors:
        raise ValidationFailed(errors=errors)


def create_user(
    session: Session,
    principal: Principal,
    *,
    role: str,
    email: str,
    password: str,
    patient_id: str | None = None,
    provider_id: str | None = None,
) -> User:
    _require_admin(principal)
    _check_password(password)
    _check_user_links(session, role, patient_id, provider_id)
    patient = session.get(Patient, patient_id) if role == "patient" and patient_id else None
    partner_id = patient.partner_id if patient else None
    user = User(
        realm=partner_id or PLATFORM_REALM,
        email=email.lower(),
        password_hash="",
        role=role,
        partner_id=partner_id,
        patient_id=patient_id if role == "patient" else None,
        provider_id=provider_id if role == "provider" else None,
    )
    set_password(session, user, password)
    session.add(user)
    with constraint_violations(_user_exists("A user with this email (or for this patient) already exists.")):
        session.flush()
    return user


class SignInDenied(Forbidden):
    """Right credentials, wrong door: the user's tenant does not own the client (RFC 6749 access_denied)."""

    code, title = "access_denied", "Access denied"


class SignInThrottled(RateLimited):
    """Too many wrong passwords lately (api.domain.sign_in): wait ``retry_after`` seconds."""

    def __init__(self, wait: timedelta) -> None:
        self.retry_after = max(1, math.ceil(wait.total_seconds()))
        super().__init__(
            f"Too many attempts for this account. Try again in {self.retry_after} seconds.",
            headers={"Retry-After": str(self.retry_after)},
        )


def _throttle_keys(email: str, address: str) -> tuple[str, str]:
    """The keys of an attempt's two records (api.domain.sign_in): the account's ceiling, and the account
    from this address. Digests, so the table holds neither an email nor an address."""
    account = email.strip().lower()
    return digest(account), digest(f"{account}\n{caller(address)}")


def _locked_throttle(session: Session, key: str) -> SignInThrottle:
    """The throttle row of ``key``, locked until the transaction ends (created if there is none yet), so that
    concurrent attempts are counted one after the other."""
    stmt = select(SignInThrottle).where(SignInThrottle.email_digest == key).with_for_update()
    row = session.scalar(stmt)
    if row is None:
        try:
            with session.begin_nested():
                session.add(SignInThrottle(email_digest=key, failures=0, last_failure_at=utcnow()))
        except IntegrityError:
            pass  # a concurrent attempt created it first; lock that one
        row = session.scalar(stmt)
    assert row is not None
    return row


def _state(row: SignInThrottle) -> Throttle | None:
    return Throttle(row.failures, row.last_failure_at, row.blocked_until) if row.failures else None


def _record(row: SignInThrottle, state: Throttle) -> None:
    row.failures, row.last_failure_at, row.blocked_until = (
        state.failures,
        state.last_failure_at,
        state.blocked_until,
    )


def sign_in(session: Session, client: OAuthClient, email: str, password: str, address: str) -> User | None:
    """The sign-in page's check, throttled per account and caller ``address`` and under the account's
    ceiling (api.domain.sign_in). ``SignInThrottled`` while either says wait (nothing to keep: the caller
    rolls back, the attempt is not counted); None for a wrong email or password, the failure recorded;
    ``SignInDenied`` for the right password at another tenant's client, this address's record cleared; else
    the user, this address's record cleared. Except when throttled, the caller (the sign-in page, the
    attempt's boundary) commits what was recorded, whatever it answers: with the code it issues, or alone."""
    account_key, address_key = _throttle_keys(email, address)
    # Locked in this order by every attempt: the account's ceiling, then the address's record.
    ceiling, own = _locked_throttle(session, account_key), _locked_throttle(session, address_key)
    now = utcnow()
    waits = [w for w in (retry_after(_state(ceiling), now), retry_after(_state(own), now)) if w is not None]
    if waits:
        raise SignInThrottled(max(waits))
    try:
        user = authenticate_user(session, client, email, password)
    except SignInDenied:
        session.delete(own)
        session.flush()
        raise
    if user is None:
        _record(own, after_failure(_state(own), now))
        _record(ceiling, account_after_failure(_state(ceiling), now))
        session.flush()
        return None
    # The right password clears this address's record; the ceiling forgets on its own time, so that a
    # guesser elsewhere gets no fresh allowance from the patient's sign-in.
    session.delete(own)
    if not ceiling.failures:
        session.delete(ceiling)  # created for this attempt: nothing to remember
    return user


def authenticate_user(session: Session, client: OAuthClient, email: str, password: str) -> User | None:
    """Sign-in for the authorization page. None for a wrong email or password (or a disabled account);
    ``SignInDenied`` when the password is right but the user may not sign in through ``client``.

    One password check per attempt, whoever the email names: the account this client may sign in, or else
    any other account with that email (so that a right password at the wrong door is told apart).
    """
    candidates = session.scalars(
        select(User).where(User.email == email.strip().lower()).order_by(User.realm, User.id)
    ).all()
    user = next((u for u in candidates if may_sign_in_through(u, client)), None)
    user = user or next(iter(candidates), None)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if user.disabled_at is not None:
        return None
    if not may_sign_in_through(user, client):
        raise SignInDenied("This account does not sign in through this application.")
    return user


class InvitationInvalid(RuleViolation):
    code, title = "invitation_invalid", "Invitation invalid"


def find_invitation(session: Session, token: str) -> Invitation:
    """The invitation a link names, if it may still set a password: unused (a newer invitation spends the
    older ones), unexpired, and its patient has no sign-in account yet."""
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.token_digest == digest(token))
        .execution_options(populate_existing=True)
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        raise InvitationInvalid("This activation link is invalid, expired or already used.")
    if has_sign_in_account(session, invitation.patient_id):
        raise InvitationInvalid(
            "This account is already active: sign in from your care partner's app with your password."
        )
    return invitation


def invitation_email(session: Session, invitation: Invitation) -> str:
    patient = session.get(Patient, invitation.patient_id)
    return patient.email or "" if patient else ""


def activate_invitation(session: Session, token: str, password: str) -> User:
    """Spend the one-time token and every other invitation of the patient, and create their sign-in
    account with ``password``."""
    patient_id = find_invitation(session, token).patient_id
    _check_password(password)
    # Invitations of one patient are created and spent one at a time (api.services.patients): judged again
    # under the patient's lock, the link is still unused and the patient still has no account.
    lock_patient(session, patient_id)
    find_invitation(session, token)
    patient = session.get(Patient, patient_id)
    if patient is None or not patient.email:
        raise InvitationInvalid("This invitation's patient has no email address to sign in with.")
    user = User(
        realm=patient.partner_id,
        role="patient",
        partner_id=patient.partner_id,
        patient_id=patient.id,
        email=patient.email,
        password_hash="",
    )
    set_password(session, user, password)
    session.add(user)
    spend_invitations(session, patient.id)
    with constraint_violations(
        {
            "uq_users_realm_email": lambda: Conflict(
                "Another account in this partner already uses the patient's email.", code="user_exists"
            ),
            "uq_users_patient_id": lambda: InvitationInvalid("This account is already active."),
        },
    ):
        session.flush()
    return user


def system_principal() -> Principal:
    """The command line acts as the platform admin."""
    return Principal(kind="admin", client_id="cli", subject="cli", scopes=frozenset(SCOPES))


def as_dict(client: OAuthClient, secret: str | None) -> dict[str, Any]:
    return {
        "client_id": client.id,
        "client_secret": secret,
        "partner_id": client.partner_id,
        "name": client.name,
        "grant_types": client.grant_types,
        "redirect_uris": client.redirect_uris,
        "scope": client.scope,
        "public": client.is_public,
    }
