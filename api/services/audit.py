"""The audit trail's use cases: record an access, read the trail, seal it into the chain, verify, export.

What is recorded, and when, is decided by the request hook (api/http/audit.py) and the token endpoints; this
module turns the facts of one access into a row, attributes it to the patient whose data it concerned, and
owns the chain (api/domain/audit.py has its rules).

Who sees what: a platform admin sees every row; a partner's systems see the rows of their own callers
and every row about one of their patients (a clinician who opened it, a refused attempt from another
tenant); nobody else reads the trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.db import Base, atomic, utcnow
from api.domain.audit import GENESIS, Break, SealedRow, chain_digest, first_broken_link, row_digest
from api.ids import new_id
from api.models import (
    AdverseEvent,
    Appointment,
    AuditEvent,
    AuditPatientRef,
    AuditSeal,
    Consent,
    Consultation,
    Event,
    FollowUpPlan,
    Invitation,
    Patient,
    PlanTask,
    Screening,
)
from api.services.access import require_kind
from api.services.paging import Page, PageRequest, fetch_page

# What an id's prefix says it names (api-contract.md §2: ids are prefixed by type).
RESOURCE_TYPES: Final = {
    "pat": "patient",
    "cns": "consent",
    "inv": "invitation",
    "con": "consultation",
    "scr": "screening",
    "apt": "appointment",
    "pln": "follow_up_plan",
    "tsk": "follow_up_task",
    "ade": "adverse_event",
    "prv": "provider",
    "par": "partner",
    "cli": "client",
    "usr": "user",
    "whe": "webhook_endpoint",
    "evt": "event",
    "aud": "audit_event",
}
# Records whose patient is a column of their own.
_WITH_PATIENT: Final[dict[str, Any]] = {
    "cns": Consent,
    "inv": Invitation,
    "con": Consultation,
    "scr": Screening,
    "pln": FollowUpPlan,
    "ade": AdverseEvent,
}
_ID_LENGTH: Final = 40


def resource_type_of(resource_id: str | None) -> str | None:
    if not resource_id:
        return None
    return RESOURCE_TYPES.get(resource_id.partition("_")[0])


def patient_of(session: Session, resource_id: str | None) -> str | None:
    """The patient whose record ``resource_id`` is (None for records that are nobody's). Reads the
    session's identity map first: the request has almost always loaded the record already."""
    if not resource_id or len(resource_id) > _ID_LENGTH:
        return None
    prefix = resource_id.partition("_")[0]
    if prefix == "pat":
        return resource_id if session.get(Patient, resource_id) is not None else None
    model = _WITH_PATIENT.get(prefix)
    if model is not None:
        row = session.get(model, resource_id)
        return row.patient_id if row is not None else None
    if prefix == "tsk":
        task = session.get(PlanTask, resource_id)
        return patient_of(session, task.plan_id) if task is not None else None
    if prefix == "evt":  # an event is about a record: whose that record is
        event = session.get(Event, resource_id)
        return patient_of(session, event.object_id) if event is not None else None
    if prefix == "apt":
        appointment = session.get(Appointment, resource_id)
        return patient_of(session, appointment.consultation_id) if appointment is not None else None
    return None


@dataclass
class Access:
    """The facts of one access, as the hook or the token endpoint saw them."""

    actor_type: str
    action: str
    outcome: str
    actor_id: str | None = None
    client_id: str | None = None
    partner_id: str | None = None
    operation: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    resource_ids: Sequence[str] = ()
    patient_ids: Sequence[str] = ()
    status: int | None = None
    request_id: str | None = None
    ip: str | None = None


def _clip(value: str | None, length: int = _ID_LENGTH) -> str | None:
    return value[:length] if value else value


# Built once: executed with fresh parameters per request, compiled once per connection's dialect.
_INSERT_ROW: Final = insert(Base.metadata.tables["audit_events"])
_INSERT_REFS: Final = insert(Base.metadata.tables["audit_patient_refs"])


def record(session: Session, access: Access) -> str:
    """Insert the row for ``access`` in ``session``'s transaction (the caller commits it); its id.

    Plain Core statements on the session's connection, not ORM objects: the row is written on every request,
    and the unit of work's bookkeeping would cost more than the statement (a list's patient references go
    in one multi-row statement)."""
    patients = sorted({p for p in access.patient_ids if p})
    row_id = new_id("aud")
    connection = session.connection()
    row = {
        "id": row_id,
        "created_at": utcnow(),
        "actor_type": access.actor_type,
        "actor_id": _clip(access.actor_id),
        "client_id": _clip(access.client_id),
        "partner_id": _clip(access.partner_id),
        "action": str(access.action),
        "operation": access.operation,
        "resource_type": access.resource_type or resource_type_of(access.resource_id),
        "resource_id": _clip(access.resource_id),
        "resource_ids": [i for i in (_clip(r) for r in access.resource_ids) if i],
        "patient_id": patients[0] if len(patients) == 1 else None,
        "patient_ids": patients,
        "outcome": str(access.outcome),
        "status": access.status,
        "request_id": _clip(access.request_id, 64),
        "ip": _clip(access.ip, 64),
    }
    if len(patients) <= 1:  # one patient is found through patient_id; several through their references
        connection.execute(_INSERT_ROW, row)
        return row_id
    with atomic(session):  # the row and its references, or neither (also on a read's autocommit connection)
        connection.execute(_INSERT_ROW, row)
        connection.execute(_INSERT_REFS, [{"audit_id": row_id, "patient_id": p} for p in patients])
    return row_id


# --- reading the trail --------------------------------------------------------------------------------------


def list_audit_events(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[AuditEvent]:
    require_kind(principal, "partner_client", "admin", action="read the audit trail")
    stmt = select(AuditEvent)
    if not principal.is_admin:
        own_patients = select(Patient.id).where(Patient.partner_id == principal.partner_id)
        stmt = stmt.where(
            or_(
                AuditEvent.partner_id == principal.partner_id,
                AuditEvent.patient_id.in_(own_patients),
                AuditEvent.id.in_(
                    select(AuditPatientRef.audit_id).where(AuditPatientRef.patient_id.in_(own_patients))
                ),
            )
        )
    for name in ("actor_id", "resource_type", "resource_id", "action"):
        if filters.get(name):
            stmt = stmt.where(getattr(AuditEvent, name) == str(filters[name]))
    if filters.get("patient_id"):
        patient = filters["patient_id"]
        stmt = stmt.where(
            or_(
                AuditEvent.patient_id == patient,
                AuditEvent.id.in_(
                    select(AuditPatientRef.audit_id).where(AuditPatientRef.patient_id == patient)
                ),
            )
        )
    if filters.get("occurred_after"):
        stmt = stmt.where(AuditEvent.created_at >= filters["occurred_after"])
    if filters.get("occurred_before"):
        stmt = stmt.where(AuditEvent.created_at < filters["occurred_before"])
    return fetch_page(session, stmt, AuditEvent, page)


# --- the chain ---------------------------------------------------------------------------------------------

SEAL_BATCH: Final = 2000
# PostgreSQL advisory lock that makes one sealer at a time (several workers may run).
_SEAL_LOCK: Final = 7_301_964


def seal_pending(session: Session, *, limit: int = SEAL_BATCH) -> int:
    """Chain the rows not yet sealed, oldest first (up to ``limit``); the number sealed. Commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
    last = session.execute(
        select(AuditSeal.seq, AuditSeal.chain_digest).order_by(AuditSeal.seq.desc()).limit(1)
    ).first()
    seq, previous = (last[0], last[1]) if last else (0, GENESIS)
    sealed = select(AuditSeal.audit_id).where(AuditSeal.audit_id == AuditEvent.id).exists()
    rows = session.scalars(
        select(AuditEvent).where(~sealed).order_by(AuditEvent.created_at, AuditEvent.id).limit(limit)
    ).all()
    now = utcnow()
    for row in rows:
        seq += 1
        digest = row_digest(row.chained_fields())
        previous = chain_digest(previous, digest)
        session.add(
            AuditSeal(seq=seq, audit_id=row.id, row_digest=digest, chain_digest=previous, sealed_at=now)
        )
    session.commit()
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    starts_at: int | None  # the first seal kept (1, unless old rows were purged at the end of retention)
    sealed: int
    unsealed: int
    oldest_unsealed: datetime | None
    broken: Break | None


def _sealed_rows(session: Session, batch: int = SEAL_BATCH) -> Iterator[SealedRow]:
    after = 0
    while True:
        seals = session.execute(
            select(AuditSeal, AuditEvent)
            .outerjoin(AuditEvent, AuditEvent.id == AuditSeal.audit_id)
            .where(AuditSeal.seq > after)
            .order_by(AuditSeal.seq)
            .limit(batch)
        ).all()
        if not seals:
            return
        for seal, row in seals:
            fields = row.chained_fields() if row is not None else None
            yield SealedRow(seal.seq, seal.audit_id, seal.row_digest, seal.chain_digest, fields)
            after = seal.seq
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    """Walk every seal. After a purge at the end of retention the chain starts at the first seal kept: its
    own row is checked, its link to the purged ones cannot be, and every later link is."""
    first = session.scalar(select(func.min(AuditSeal.seq)))
    rows = _sealed_rows(session)
    broken: Break | None = None
    if first is not None and first > 1:
        head = next(rows)
        if head.fields is None or row_digest(head.fields) != head.row_digest:
            broken = Break(head.seq, head.audit_id, "the first audit row kept was changed or is gone")
        else:
            broken = first_broken_link(rows, previous=head.chain_digest, expected_seq=head.seq + 1)
    else:
        broken = first_broken_link(rows)
    sealed = session.scalar(select(func.count()).select_from(AuditSeal)) or 0
    is_sealed = select(AuditSeal.audit_id).where(AuditSeal.audit_id == AuditEvent.id).exists()
    unsealed, oldest = session.execute(
        select(func.count(), func.min(AuditEvent.created_at)).where(~is_sealed)
    ).one()
    return ChainReport(
        starts_at=first, sealed=sealed, unsealed=unsealed, oldest_unsealed=oldest, broken=broken
    )


def export_lines(session: Session, *, since: datetime | None = None) -> Iterable[str]:
    """The trail as JSON lines, oldest first (what an operator ships to a SIEM; it carries IPs: PHI)."""
    after: tuple[datetime, str] | None = None
    while True:
        stmt = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id).limit(SEAL_BATCH)
        if since is not None:
            stmt = stmt.where(AuditEvent.created_at >= since)
        if after is not None:
            stmt = stmt.where(
                or_(
                    AuditEvent.created_at > after[0],
                    (AuditEvent.created_at == after[0]) & (AuditEvent.id > after[1]),
                )
            )
        rows = session.scalars(stmt).all()
        if not rows:
            return
        for row in rows:
            fields = row.chained_fields()
            fields["occurred_at"] = row.created_at.isoformat().replace("+00:00", "Z")
            yield json.dumps(fields, sort_keys=True, separators=(",", ":"))
        after = (rows[-1].created_at, rows[-1].id)
        session.expunge_all()
