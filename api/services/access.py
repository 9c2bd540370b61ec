"""Tenancy: what each Principal may see, expressed once as query filters.

Every service builds its queries through these functions, so a partner only ever reaches its own
patients, a patient only themselves, and a provider the patients of consultations assigned to them or
awaiting review in a state where they are licensed.
Another tenant's object is simply not found (404).

The principal's values enter a query only as the named parameters ``_scope_value`` makes (``scope_partner_id``
…). So a statement built once for a kind of principal (``prepared``) runs for any other principal of that
kind with that principal's values (``scope_parameters``), as the hot reads do: building and hashing a
statement costs more than running it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.auth.principal import Principal, PrincipalKind
from api.db import DirectRead, utcnow
from api.domain.consultation_status import ConsultationStatus
from api.domain.matching import LicenseStatus
from api.errors import FieldError, Forbidden, ValidationFailed
from api.models import Consultation, FollowUpPlan, Partner, Patient, ProviderLicense, Screening

# The principal's values a scope compares rows with, each under one parameter name.
_SCOPE_VALUES: dict[str, Callable[[Principal], str | date | None]] = {
    "partner_id": lambda principal: principal.partner_id,
    "patient_id": lambda principal: principal.patient_id,
    "provider_id": lambda principal: principal.provider_id,
    "today": lambda principal: utcnow().date(),  # licences not yet expired, today (UTC)
    # The request's token, for a statement that checks it is live (api/auth/store.py ``token_is_live``).
    "token": lambda principal: principal.token_id,
}


def _scope_value(name: str, principal: Principal) -> BindParameter[Any]:
    return bindparam(f"scope_{name}", _SCOPE_VALUES[name](principal))


def scope_parameters(principal: Principal) -> dict[str, Any]:
    """Every value a scope may compare with, by its parameter's name: what a ``prepared`` statement is run
    with."""
    return {f"scope_{name}": value(principal) for name, value in _SCOPE_VALUES.items()}


def _shape(principal: Principal) -> tuple[Any, ...]:
    """What decides which conditions a scope writes: the principal's kind and which of its values it has
    (never the values themselves)."""
    return (principal.kind, *(bool(value(principal)) for value in _SCOPE_VALUES.values()))


StatementT = TypeVar("StatementT", bound=Select[Any])
_PREPARED: dict[tuple[Any, ...], Any] = {}
_PREPARING = threading.Lock()


class ScopeLeak(RuntimeError):
    """A scope wrote a principal's value into a statement other than as a scope parameter: a statement built
    for one principal would then carry that value for the next. Refused when the statement is first built."""


def prepared(name: str, principal: Principal, build: Callable[[Principal], StatementT]) -> StatementT:
    """The statement ``build`` makes for ``principal``, built once per ``name`` and shape of principal (its
    kind: which conditions its scope writes) and then reused; run it with ``scope_parameters(principal)``
    and its own parameters. The first time, it is built for a second principal of the same shape with
    other values too: the two must differ only in the scope's parameters (else ``ScopeLeak``)."""
    key = (name, *_shape(principal))
    statement: StatementT | None = _PREPARED.get(key)
    if statement is not None:
        return statement
    with _PREPARING:
        statement = _PREPARED.get(key)
        if statement is None:
            statement = build(principal)
            _check_only_scope_values_vary(statement, build(_other(principal)))
            _PREPARED[key] = statement
    return statement


ModelT = TypeVar("ModelT")
_DIRECT: dict[tuple[Any, ...], Any] = {}


def prepared_direct(
    name: str,
    principal: Principal,
    build: Callable[[Principal], Select[Any]],
    model: type[ModelT],
    session: Session,
) -> DirectRead[ModelT]:
    """``prepared``'s statement as a ``DirectRead`` of ``model`` (api/db.py), compiled once per ``name``,
    shape of principal and dialect of ``session``; run it with ``scope_parameters(principal)`` and its own
    parameters, as the statement."""
    dialect = session.get_bind().dialect
    key = (name, dialect.name, dialect.driver, *_shape(principal))
    direct: DirectRead[ModelT] | None = _DIRECT.get(key)
    if direct is None:
        direct = DirectRead(prepared(name, principal, build), model, dialect)
        _DIRECT[key] = direct  # two threads building it at once build the same thing: either is kept
    return direct


def _other(principal: Principal) -> Principal:
    """A principal of the same shape with other values (for ``prepared``'s check)."""

    def changed(value: str | None) -> str | None:
        return f"{value}~other" if value else value

    return dataclasses.replace(
        principal,
        client_id=f"{principal.client_id}~other",
        token_id=changed(principal.token_id),
        subject=f"{principal.subject}~other",
        partner_id=changed(principal.partner_id),
        user_id=changed(principal.user_id),
        patient_id=changed(principal.patient_id),
        provider_id=changed(principal.provider_id),
    )


def _check_only_scope_values_vary(statement: Select[Any], other: Select[Any]) -> None:
    mine, theirs = statement.compile().params, other.compile().params
    differing = {key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)}
    leaked = sorted(key for key in differing if not key.startswith("scope_"))
    if leaked or set(mine) != set(theirs):
        raise ScopeLeak(f"the statement holds a principal's value outside the scope's parameters: {leaked}")


def _provider_patient_ids(principal: Principal) -> Select[Any]:
    """The patients of the consultations a provider sees: assigned to them, or in their review queue
    (a reviewer needs the patient's record and screenings to decide)."""
    return scope_consultations(select(Consultation.patient_id), principal)


def _patient_rows(
    principal: Principal, partner_id: InstrumentedAttribute[str], patient_id: InstrumentedAttribute[str]
) -> ColumnElement[bool] | None:
    """The condition that limits rows carrying ``partner_id`` and ``patient_id`` to ``principal``.

    None means no limit (an admin).
    """
    if principal.is_admin:
        return None
    if principal.kind == "partner_client":
        return partner_id == _scope_value("partner_id", principal)
    if principal.kind == "patient":
        return patient_id == _scope_value("patient_id", principal)
    if principal.kind == "provider" and principal.provider_id:
        return patient_id.in_(_provider_patient_ids(principal))
    return false()


def scope_patients(stmt: Select[Any], principal: Principal) -> Select[Any]:
    condition = _patient_rows(principal, Patient.partner_id, Patient.id)
    return stmt if condition is None else stmt.where(condition)


def _review_states(principal: Principal) -> Select[Any]:
    """The states where the provider holds an active licence not yet expired (today, UTC)."""
    return select(ProviderLicense.state).where(
        ProviderLicense.provider_id == _scope_value("provider_id", principal),
        ProviderLicense.status == LicenseStatus.ACTIVE,
        ProviderLicense.expires_on >= _scope_value("today", principal),
    )


# The consultations every provider licensed where the patient is sees (the review queue).
REVIEW_QUEUE_STATUSES = (ConsultationStatus.AWAITING_REVIEW, ConsultationStatus.ESCALATED)


def scope_consultations(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A provider sees the consultations assigned to them, not every consultation of their patients,
    and the review queue: cases ``awaiting_review`` or ``escalated`` (clinical-rules.md §2 [2e]: any provider
    may acknowledge the crisis) located where they hold an active, unexpired licence."""
    if principal.kind == "provider":
        if not principal.provider_id:
            return stmt.where(false())
        return stmt.where(
            or_(
                Consultation.provider_id == _scope_value("provider_id", principal),
                and_(
                    Consultation.status.in_(REVIEW_QUEUE_STATUSES),
                    Consultation.patient_location_state.in_(_review_states(principal)),
                ),
            )
        )
    condition = _patient_rows(principal, Consultation.partner_id, Consultation.patient_id)
    return stmt if condition is None else stmt.where(condition)


def scope_screenings(stmt: Select[Any], principal: Principal) -> Select[Any]:
    condition = _patient_rows(principal, Screening.partner_id, Screening.patient_id)
    return stmt if condition is None else stmt.where(condition)


def scope_plans(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A provider sees the plans they own (the assigned provider), as with consultations."""
    if principal.kind == "provider":
        if not principal.provider_id:
            return stmt.where(false())
        return stmt.where(FollowUpPlan.provider_id == _scope_value("provider_id", principal))
    condition = _patient_rows(principal, FollowUpPlan.partner_id, FollowUpPlan.patient_id)
    return stmt if condition is None else stmt.where(condition)


def require_kind(principal: Principal, *kinds: PrincipalKind, action: str) -> None:
    if principal.kind not in kinds:
        raise Forbidden(f"A {principal.kind.replace('_', ' ')} may not {action}.")


def scope_partner_rows(stmt: Select[Any], principal: Principal, partner_id: Any) -> Select[Any]:
    """Rows that belong to a partner as a whole (events, webhook endpoints): a partner's systems see their
    own, an admin all, and nobody else any."""
    if principal.is_admin:
        return stmt
    if principal.kind == "partner_client" and principal.partner_id:
        return stmt.where(partner_id == _scope_value("partner_id", principal))
    return stmt.where(false())


def owning_partner(session: Session, principal: Principal, requested: str | None, *, what: str) -> str:
    """The partner a new partner-owned row belongs to: a partner's own (naming another is 422), or the one
    a platform admin names (required, and it must exist)."""
    if principal.is_admin:
        if not requested or session.get(Partner, requested) is None:
            raise ValidationFailed(
                "A platform admin must name an existing partner.",
                errors=[FieldError("/partner_id", "required", f"Name the partner that owns this {what}.")],
            )
        return requested
    if requested not in (None, principal.partner_id) or principal.partner_id is None:
        raise ValidationFailed(
            errors=[FieldError("/partner_id", "invalid", f"A partner creates {what}s for itself only.")]
        )
    return principal.partner_id
