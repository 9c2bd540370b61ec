"""The audit trail's use cases: record an access, read the trail, seal it into the chain, verify, export.

What is recorded, and when, is decided at each operation's boundary (``Blueprint.operation`` with
api/http/audit.py) and by the token endpoints; this module turns the facts of one access into a row,
attributes it to the patient whose data it concerned, and owns the chain (api/domain/audit.py has its rules).

Who sees what: a platform admin sees every row; a partner's systems see the rows of their own callers
and every row about one of their patients (a clinician who opened it, a refused attempt from another
tenant); nobody else reads the trail. A refused request's patient (``target_patient_id``) is shown only to
the platform and to that patient's own partner, never to a caller of another tenant: the 404 that hid the
record must not be undone by the caller's own audit rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from api.audit_custody import AnchorError, AuditChain
from api.auth.principal import Principal
from api.db import Base, DirectStatement, atomic, utcnow
from api.domain.audit import (
    GENESIS,
    Action,
    Anchor,
    ArchivedMonth,
    Break,
    Checkpoint,
    Keyring,
    Outcome,
    SealedRow,
    anchor_gap,
    chained_fields,
    first_broken_link,
    row_digest,
    row_mac,
    row_problem,
    seal_mac,
)
from api.models import AuditEvent, AuditPatientRef, AuditPending, AuditSeal, Patient, resources
from api.models.resources import new_id_for
from api.services.access import require_kind
from api.services.paging import Page, PageRequest, newest_first, page_of

log = logging.getLogger("api.audit")

_ID_LENGTH: Final = 40


def resource_type_of(resource_id: str | None) -> str | None:
    """The resource type an id's prefix names (its model's declaration, api/models/resources.py)."""
    return resources.resource_type_of(resource_id)


def patient_of(session: Session, resource_id: str | None) -> str | None:
    """The patient whose record ``resource_id`` is (None for records that are nobody's), as its model declares
    it: a column of its own, or the record it belongs to. Reads the session's identity map first: the request
    has almost always loaded the record already."""
    if not resource_id or len(resource_id) > _ID_LENGTH:
        return None
    found = resources.lookup(resource_id)
    if found is None:
        return None
    model, resource = found
    if resource.patient is None and resource.patient_via is None:
        return None
    row = session.get(model, resource_id)
    if row is None:
        return None
    if resource.patient is not None:
        patient: str | None = getattr(row, resource.patient)
        return patient
    return patient_of(session, getattr(row, str(resource.patient_via)))


@dataclass
class Access:
    """The facts of one access, as the operation's boundary or the token endpoint saw them."""

    actor_type: str
    action: Action
    outcome: Outcome
    actor_id: str | None = None
    client_id: str | None = None
    partner_id: str | None = None
    operation: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    resource_ids: Sequence[str] = ()
    patient_ids: Sequence[str] = ()
    # A refused request's record's patient: kept apart, the caller may not know it (another tenant's).
    target_patient_id: str | None = None
    status: int | None = None
    # How many rows a streamed export released (api/http/streaming.py); None for every other access.
    row_count: int | None = None
    request_id: str | None = None
    ip: str | None = None


def _clip(value: str | None, length: int = _ID_LENGTH) -> str | None:
    return value[:length] if value else value


# Built once: executed with fresh parameters per request, compiled once per connection's dialect.
_INSERT_ROW: Final = insert(Base.metadata.tables["audit_events"])
_INSERT_REFS: Final = insert(Base.metadata.tables["audit_patient_refs"])


@dataclass(frozen=True)
class Row:
    """An audit row ready to insert: its columns, MAC included, and the patients it references (its
    ``audit_patient_refs``, when it concerns more than one)."""

    values: dict[str, Any]
    references: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return str(self.values["id"])


def make_row(access: Access, keyring: Keyring) -> Row:
    """The row for ``access``, stamped now, with its own MAC under ``keyring``'s current key."""
    patients = sorted({p for p in access.patient_ids if p})
    values = {
        "id": new_id_for(AuditEvent),
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
        "target_patient_id": _clip(access.target_patient_id),
        "row_count": access.row_count,
        "key_id": keyring.current.id,
    }
    values["row_mac"] = row_mac(keyring.current, chained_fields(values))
    # One patient is found through patient_id; several through their references.
    return Row(values, tuple(patients) if len(patients) > 1 else ())


def insert_rows(connection: Connection, rows: Sequence[Row]) -> None:
    """Insert ``rows`` and their patient references on ``connection``, in its transaction (the caller's
    boundary commits): one statement for the rows and one for the references, whatever their number."""
    connection.execute(_INSERT_ROW, [row.values for row in rows])
    references = [{"audit_id": row.id, "patient_id": p} for row in rows for p in row.references]
    if references:
        connection.execute(_INSERT_REFS, references)


def _from_json_array(table: Table, parameter: str) -> Insert:
    """``INSERT INTO table SELECT * FROM jsonb_to_recordset(:parameter)``: every object of one JSON array
    parameter a row, typed as ``table``'s columns (PostgreSQL). One parameter in, whatever the number of
    rows: the driver sends one string (dumped by ``json``'s C encoder) where arrays of values would be
    dumped element by element in Python, and the server parses it."""
    columns = list(table.columns)
    source = sql_cast(bindparam(parameter, type_=Text), JSONB)
    records = (
        func.jsonb_to_recordset(source)
        .table_valued(*(column(c.name, c.type) for c in columns))
        .render_derived(with_types=True)
    )
    return insert(table).from_select([c.name for c in columns], select(*records.c))


# A batch of rows and their patient references in ONE statement, the references' insert in a data-modifying
# CTE: atomic by itself, so the writer runs it in autocommit, one round trip a batch (no BEGIN, no COMMIT).
_INSERT_BATCH: Final = _from_json_array(Base.metadata.tables["audit_events"], "rows").add_cte(
    _from_json_array(Base.metadata.tables["audit_patient_refs"], "refs").cte("refs")
)


def _json_value(value: object) -> str:
    if isinstance(value, datetime):  # created_at: aware UTC; the offset is kept (timestamptz)
        return value.isoformat()
    raise TypeError(f"an audit column holds a {type(value).__name__}")


# Built once: ``json.dumps`` with ``default`` builds an encoder on every call.
_BATCH_JSON = json.JSONEncoder(default=_json_value)


def insert_batch(connection: Connection, rows: Sequence[Row]) -> None:
    """Insert ``rows`` and their patient references as one statement (PostgreSQL): both or neither, with or
    without a transaction around it. Each column's value goes through JSON as its own type's text (ids and
    enums as strings, ``created_at`` in ISO 8601 with its offset, to the microsecond), so what is stored is
    what the row's MAC covers (``verify_chain`` rereads it). The statement never changes: it is compiled
    once and run on the driver's cursor (api/db.py ``DirectStatement``)."""
    references = [{"audit_id": row.id, "patient_id": p} for row in rows for p in row.references]
    _batch_statement(connection.dialect).execute(
        connection,
        {
            "rows": _BATCH_JSON.encode([row.values for row in rows]),
            "refs": _BATCH_JSON.encode(references),
        },
    )


_BATCH_STATEMENTS: dict[tuple[str, str], DirectStatement] = {}


def _batch_statement(dialect: Dialect) -> DirectStatement:
    """``_INSERT_BATCH`` compiled once per dialect and driver (its SQL depends on nothing else)."""
    key = (dialect.name, dialect.driver)
    statement = _BATCH_STATEMENTS.get(key)
    if statement is None:
        statement = _BATCH_STATEMENTS[key] = DirectStatement(_INSERT_BATCH, dialect)
    return statement


BatchWriter = Callable[[Connection, Sequence[Row]], None]


def batch_writer(dialect: str) -> tuple[BatchWriter, bool]:
    """How the group commit (api/group_commit.py) writes reads' rows on ``dialect``: the writer, and whether
    it is one statement, atomic without a transaction. PostgreSQL: ``insert_batch``. SQLite has no
    ``jsonb_to_recordset`` and no round trip to save: ``insert_rows``, in the writer's transaction."""
    if dialect == "postgresql":
        return insert_batch, True
    return insert_rows, False


def record(session: Session, access: Access, keyring: Keyring) -> str:
    """Insert the row for ``access`` in ``session``'s transaction (the operation's boundary commits it), with
    its own MAC under ``keyring``'s current key; its id.

    Plain Core statements on the session's connection, not ORM objects: the row is written on every request,
    and the unit of work's bookkeeping would cost more than the statement (a list's patient references go
    in one multi-row statement). A read's row is group-committed instead (``make_row``, then
    ``batch_writer``'s writer in the process's group commit: api/http/audit.py, api/group_commit.py)."""
    row = make_row(access, keyring)
    connection = session.connection()
    if not row.references:
        connection.execute(_INSERT_ROW, row.values)
        return row.id
    with atomic(session):  # the row and its references, or neither (also on a read's autocommit connection)
        insert_rows(connection, [row])
    return row.id


# --- reading the trail --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """An audit row as one reader may see it (``AuditEventSchema``)."""

    id: str
    created_at: datetime
    actor_type: str
    actor_id: str | None
    client_id: str | None
    partner_id: str | None
    action: Action
    operation: str | None
    resource_type: str | None
    resource_id: str | None
    resource_ids: list[str]
    patient_id: str | None
    patient_ids: list[str]
    outcome: Outcome
    status: int | None
    request_id: str | None
    ip: str | None
    row_count: int | None = None

    @property
    def actor(self) -> dict[str, str | None]:
        return {"type": self.actor_type, "id": self.actor_id}


_COLUMNS: Final = [
    getattr(AuditEvent, c.key) for c in AuditEvent.__table__.columns if c.key not in ("key_id", "row_mac")
]


def _entry(row: Any) -> AuditEntry:
    """A refused request's patient is shown, as its ``patient_id``, to those who may see it (``shown``)."""
    values = {k: v for k, v in row._mapping.items() if k not in ("target_patient_id", "shown")}
    if row.shown and not row.patient_id:
        values.update(patient_id=row.shown, patient_ids=[row.shown])
    values["resource_ids"] = list(values["resource_ids"] or ())
    values["patient_ids"] = list(values["patient_ids"] or ())
    return AuditEntry(**values)


# The windows of time a patient's page is looked for in, back from its cursor (or now), each older than the
# last, before the rest of the trail: a month (a busy patient's page), a quarter, a year (list_audit_events).
PATIENT_WINDOWS: Final = (timedelta(days=31), timedelta(days=92), timedelta(days=366))

_FILTERS: Final = ("actor_id", "resource_type", "resource_id", "action")


@dataclass(frozen=True)
class _Listing:
    """The shape of a listing's statement: which conditions it holds. Their values are parameters, so one
    statement per shape is built, once per process, and run with each request's values."""

    admin: bool
    filters: tuple[str, ...]  # of _FILTERS, those given
    occurred_after: bool
    occurred_before: bool
    cursor: bool
    patient: bool
    since: bool  # a patient's window of time: its start
    until: bool  # and its end


_LISTINGS: dict[_Listing, Select[Any]] = {}
# What a listing's statement may hold as parameters: the caller's partner, the filters, the cursor, the
# window and the page size. Anything else would be a value baked into a statement every request of its shape
# shares.
_LISTING_PARAMETERS: Final = frozenset(
    {"partner_id", "patient", "occurred_after", "occurred_before", "after_at", "after_id", "since", "until"}
    | {"limit"}
    | {f"filter_{name}" for name in _FILTERS}
)


def _listing(shape: _Listing) -> Select[Any]:
    statement = _LISTINGS.get(shape)
    if statement is None:
        statement = _build_listing(shape)
        baked = set(statement.compile().params) - _LISTING_PARAMETERS
        if baked:
            raise RuntimeError(f"a listing's statement holds values of its own: {sorted(baked)}")
        _LISTINGS[shape] = statement
    return statement


def _build_listing(shape: _Listing) -> Select[Any]:
    own_patients = select(Patient.id).where(Patient.partner_id == bindparam("partner_id"))

    def narrowed(rows: Any) -> list[ColumnElement[bool]]:
        """What the caller may see of ``rows`` (the table or an alias of it) and what the filters ask; the
        time the filters ask for (on PostgreSQL, the months outside it are not read at all) and a patient's
        window of time."""
        conditions: list[ColumnElement[bool]] = []
        if not shape.admin:
            conditions.append(
                or_(
                    rows.partner_id == bindparam("partner_id"),
                    rows.patient_id.in_(own_patients),
                    rows.target_patient_id.in_(own_patients),
                    rows.id.in_(
                        select(AuditPatientRef.audit_id).where(AuditPatientRef.patient_id.in_(own_patients))
                    ),
                )
            )
        conditions += [getattr(rows, name) == bindparam(f"filter_{name}") for name in shape.filters]
        if shape.occurred_after:
            conditions.append(rows.created_at >= bindparam("occurred_after"))
        if shape.occurred_before:
            conditions.append(rows.created_at < bindparam("occurred_before"))
        if shape.since:
            conditions.append(rows.created_at >= bindparam("since"))
        if shape.until:
            conditions.append(rows.created_at < bindparam("until"))
        return conditions

    # Whom a refused request named is the platform's to see, and the patient's own partner's.
    def target_shown(rows: Any) -> ColumnElement[bool]:
        return true() if shape.admin else rows.target_patient_id.in_(own_patients)

    def listed(rows: Any) -> Select[Any]:
        """The columns a reader gets of ``rows`` (the table or an alias of it), a refused request's patient
        as ``shown`` to those who may see it."""
        shown = case((target_shown(rows), rows.target_patient_id), else_=None).label("shown")
        return cast("Select[Any]", select(*(getattr(rows, c.key) for c in _COLUMNS), shown))

    def walked(statement: Select[Any], rows: Any) -> Select[Any]:
        """Newest first from the cursor, one more than the page holds (``paging.keyset``, as parameters)."""
        after: tuple[Any, Any] | None = (
            (bindparam("after_at"), bindparam("after_id")) if shape.cursor else None
        )
        return newest_first(statement, rows, after=after, limit=bindparam("limit"))

    if not shape.patient:
        return walked(listed(AuditEvent).where(*narrowed(AuditEvent)), AuditEvent)
    # A patient's page, newest first, from the three ways a row names them, each walked on its own index
    # (patient, created_at, id) only as far as the page needs, then merged: its cost is the page's, not the
    # patient's history or the trail's. (As one OR, PostgreSQL guessed that half the trail matched and walked
    # it newest first: 86 ms at a million rows, and growing with the trail; bench/README.md.) Each way reads
    # its rows whole, so the merge looks nothing up again: on PostgreSQL, where each month is a partition
    # (migration 0024), a lookup by id would probe every month's key.
    patient: BindParameter[str] = bindparam("patient")
    by_column, by_target, by_ref = aliased(AuditEvent), aliased(AuditEvent), aliased(AuditEvent)
    ways = [
        walked(listed(by_column).where(by_column.patient_id == patient, *narrowed(by_column)), by_column),
        walked(
            listed(by_target).where(
                by_target.target_patient_id == patient, target_shown(by_target), *narrowed(by_target)
            ),
            by_target,
        ),
        walked(
            listed(by_ref)
            .join(AuditPatientRef, AuditPatientRef.audit_id == by_ref.id)
            .where(AuditPatientRef.patient_id == patient, *narrowed(by_ref)),
            by_ref,
        ),
    ]
    merged = union_all(*(select(way.subquery()) for way in ways)).subquery()
    return select(merged).order_by(merged.c.created_at.desc(), merged.c.id.desc()).limit(bindparam("limit"))


def list_audit_events(
    session: Session, principal: Principal, filters: dict[str, Any], page: PageRequest
) -> Page[AuditEntry]:
    require_kind(principal, "partner_client", "admin", action="read the audit trail")
    given = tuple(name for name in _FILTERS if filters.get(name))
    values: dict[str, Any] = {f"filter_{name}": str(filters[name]) for name in given}
    values["limit"] = page.limit + 1
    if not principal.is_admin:
        values["partner_id"] = principal.partner_id
    for name in ("occurred_after", "occurred_before"):
        if filters.get(name):
            values[name] = filters[name]
    if page.after is not None:
        values["after_at"], values["after_id"] = page.after

    def run(patient: bool, since: datetime | None = None, until: datetime | None = None) -> list[Any]:
        shape = _Listing(
            admin=principal.is_admin,
            filters=given,
            occurred_after="occurred_after" in values,
            occurred_before="occurred_before" in values,
            cursor=page.after is not None,
            patient=patient,
            since=since is not None,
            until=until is not None,
        )
        bounds = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
        return list(session.execute(_listing(shape), {**values, **bounds}).all())

    if not filters.get("patient_id"):
        rows = page_of(run(patient=False), page)
        return Page(items=[_entry(r) for r in rows.items], has_more=rows.has_more, last_key=rows.last_key)
    values["patient"] = str(filters["patient_id"])
    # Walked back from the cursor (or now) in widening windows of time, the newest first, stopping as soon as
    # the page is full: on PostgreSQL a window names its months, so only their partitions are planned and
    # read (a page without a time bound starts a walk in every month's index of the six years kept, three
    # times over); the last step, the rest of the trail, is the unbounded walk, taken only for a patient with
    # fewer rows than a page in the last year. Every step holds the same filters and cursor, the windows do
    # not overlap, so the rows found are the unbounded walk's, in its order.
    top: datetime = page.after[0] if page.after is not None else utcnow()
    if filters.get("occurred_before"):
        top = min(top, filters["occurred_before"])
    earliest: datetime | None = filters.get("occurred_after") or None
    found: list[Any] = []
    until: datetime | None = None
    for width in PATIENT_WINDOWS:
        since = top - width
        found += run(True, since, until)
        until = since
        if len(found) > page.limit or (earliest is not None and earliest >= since):
            break
    else:
        found += run(True, None, until)
    rows = page_of(found[: page.limit + 1], page)
    return Page(items=[_entry(r) for r in rows.items], has_more=rows.has_more, last_key=rows.last_key)


# --- the chain ---------------------------------------------------------------------------------------------

SEAL_BATCH: Final = 2000
# PostgreSQL advisory lock that makes one sealer at a time (several workers may run).
_SEAL_LOCK: Final = 7_301_964


@dataclass(frozen=True)
class Sealed:
    """What one sealing chained: how many rows, and the new head, to anchor once the seals are committed."""

    rows: int
    head: Anchor


def seal_pending(session: Session, keyring: Keyring, *, limit: int = SEAL_BATCH) -> Sealed | None:
    """Chain the rows not yet sealed, oldest first (up to ``limit``), under the current key, in ``session``'s
    transaction; None when none waited. The caller commits, then anchors the head (``anchor``): an anchor
    must never name a seal that was not committed.

    A row whose own MAC does not verify is sealed all the same (the chain must go on) and logged: sealing
    it does not launder it, ``verify_chain`` reports it for good."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
    last = session.execute(
        select(AuditSeal.seq, AuditSeal.chain_digest).order_by(AuditSeal.seq.desc()).limit(1)
    ).first()
    seq, previous = (last[0], last[1]) if last else (0, GENESIS)
    # An entry whose row has a seal already (sealed by a worker of the release before the queue, still
    # running during the upgrade) leaves the queue without a second seal.
    sealed = select(AuditSeal.audit_id).where(AuditSeal.audit_id == AuditPending.audit_id).exists()
    session.execute(delete(AuditPending).where(sealed))
    rows = session.scalars(
        select(AuditEvent)
        # With the row's time (the queue copies it): on the partitioned trail each row is looked for in its
        # own month's partition, not in every month's (migration 0024).
        .join(
            AuditPending,
            and_(AuditPending.audit_id == AuditEvent.id, AuditPending.created_at == AuditEvent.created_at),
        )
        .order_by(AuditPending.created_at, AuditPending.audit_id)
        .limit(limit)
    ).all()
    if not rows:
        return None
    key = keyring.current
    now = utcnow()
    for row in rows:
        seq += 1
        fields = row.chained_fields()
        problem = row_problem(fields, keyring)
        if problem is not None:
            log.error("audit row %s is sealed as it is, but %s", row.id, problem)
        digest = row_digest(fields)
        previous = seal_mac(key, seq, row.id, digest, previous)
        session.add(
            AuditSeal(
                seq=seq,
                audit_id=row.id,
                row_digest=digest,
                chain_digest=previous,
                key_id=key.id,
                sealed_at=now,
            )
        )
    session.flush()
    session.execute(delete(AuditPending).where(AuditPending.audit_id.in_([row.id for row in rows])))
    return Sealed(len(rows), Anchor(seq, rows[-1].id, previous, key.id, now.isoformat()))


def anchor(chain: AuditChain, head: Anchor) -> None:
    """Write the chain's committed head outside the database (the anchor files, and the log as a second
    copy: docs/audit.md)."""
    chain.anchors.append(head)
    log.info("audit chain anchored: seal %d mac %s key %s", head.seq, head.mac, head.key_id)


@dataclass(frozen=True)
class ChainReport:
    starts_at: int | None  # the first seal kept (1, unless old rows were purged at the end of retention)
    sealed: int  # the seals walked: all of them, or those after the checkpoint
    unkeyed: int  # of those, seals made before the chain was keyed (migration 0011)
    anchored: int | None  # the last seal anchored outside the database
    unsealed: int
    oldest_unsealed: datetime | None
    broken: Break | None
    since: Checkpoint | None = None  # the checkpoint the walk started after (None: the whole chain)
    head: Checkpoint | None = None  # the last seal walked, as a checkpoint for the next verify


# A row written before its seal's predecessor, but committed after the sealer passed it, is still found by the
# incremental verify: it looks this far back from the checkpoint's row (longer than any transaction may last).
CHECKPOINT_LOOKBACK: Final = timedelta(hours=1)


def _sealed_rows(
    session: Session,
    after: int = 0,
    *,
    upto: int | None,
    archived: Sequence[ArchivedMonth] = (),
    written_since: datetime | None = None,
    batch: int = SEAL_BATCH,
) -> Iterator[SealedRow]:
    """The seals after ``after`` up to ``upto``, each with its row; a row that is not in the database is
    marked ``archived`` when an archived month's record names its seal (its link is still checked).

    ``written_since``: where the rows of these seals are looked for first (from a checkpoint: its row's time,
    less ``CHECKPOINT_LOOKBACK``). On PostgreSQL a row found by its id alone is looked for in every month's
    partition; bounded by time, only in the months since. A row not found there is looked for everywhere."""
    if upto is None:
        return
    found_since = AuditEvent.id == AuditSeal.audit_id
    if written_since is not None:
        found_since = and_(found_since, AuditEvent.created_at >= written_since)
    while True:
        seals = session.execute(
            select(AuditSeal, AuditEvent)
            .outerjoin(AuditEvent, found_since)
            .where(AuditSeal.seq > after, AuditSeal.seq <= upto)
            .order_by(AuditSeal.seq)
            .limit(batch)
        ).all()
        if not seals:
            return
        batch_rows = cast("list[tuple[AuditSeal, AuditEvent | None]]", seals)
        earlier: dict[str, AuditEvent] = {}
        if written_since is not None:
            missed = [
                s.audit_id
                for s, r in batch_rows
                if r is None and not any(a.contains(s.seq) for a in archived)
            ]
            if missed:
                earlier = {
                    r.id: r for r in session.scalars(select(AuditEvent).where(AuditEvent.id.in_(missed)))
                }
        for seal, row in batch_rows:
            row = row if row is not None else earlier.get(seal.audit_id)
            fields = row.chained_fields() if row is not None else None
            gone_to_archive = fields is None and any(a.contains(seal.seq) for a in archived)
            yield SealedRow(
                seal.seq,
                seal.audit_id,
                seal.row_digest,
                seal.chain_digest,
                fields,
                seal.key_id,
                gone_to_archive,
            )
            after = seal.seq
        session.expunge_all()


def _unsealed_break(
    session: Session, keyring: Keyring, *, written_since: datetime | None, batch: int = SEAL_BATCH
) -> tuple[int, datetime | None, Break | None]:
    """The rows without a seal (all of them, or those written since ``written_since``): how many, the oldest
    one's time, and the first whose own MAC does not verify (changed, or not the service's), or that the
    sealer's queue lost (it would never be sealed)."""
    is_sealed = select(AuditSeal.audit_id).where(AuditSeal.audit_id == AuditEvent.id).exists()
    is_queued = select(AuditPending.audit_id).where(AuditPending.audit_id == AuditEvent.id).exists()
    after: tuple[datetime, str] | None = None
    count, oldest, broken = 0, None, None
    while True:
        stmt = (
            select(AuditEvent, is_queued)
            .where(~is_sealed)
            .order_by(AuditEvent.created_at, AuditEvent.id)
            .limit(batch)
        )
        if written_since is not None:
            stmt = stmt.where(AuditEvent.created_at >= written_since)
        if after is not None:
            stmt = stmt.where(
                or_(
                    AuditEvent.created_at > after[0],
                    and_(AuditEvent.created_at == after[0], AuditEvent.id > after[1]),
                )
            )
        rows = session.execute(stmt).all()
        if not rows:
            return count, oldest, broken
        for row, queued in rows:
            count += 1
            oldest = oldest or row.created_at
            problem = row_problem(row.chained_fields(), keyring)
            if broken is None and problem is not None:
                broken = Break(None, row.id, f"{problem} (the row is not sealed yet)")
            elif broken is None and not queued:
                broken = Break(
                    None, row.id, "the row has no seal and is not queued for one: it was taken out"
                )
        after = (rows[-1][0].created_at, rows[-1][0].id)
        session.expunge_all()


def verify_chain(session: Session, chain: AuditChain, *, full: bool = True) -> ChainReport:
    """Walk every seal against the keys and the anchors, then the rows not sealed yet. After a purge at the
    end of retention the chain starts at the first seal kept: its row is checked, its link to the purged
    ones cannot be, and every later link is.

    ``full=False`` walks from the last checkpoint (``audit-verified.jsonl`` beside the anchors): the seal it
    names must still be the one it recorded, the seals after it link to it, the anchors of the days since
    must match, and the rows written since it (``CHECKPOINT_LOOKBACK`` before) must be sealed or queued.
    Without a checkpoint it walks everything. Its cost follows what was written since, not the trail's size.

    The anchors are read before the chain's head: an anchor is written only after its seal is committed,
    so every anchor read names a seal the walk can see; the walk stops at that head, which it vouches for.
    """
    try:
        checkpoint = None if full else chain.anchors.last_checkpoint()
        since_day = (
            datetime.fromisoformat(checkpoint.verified_at).date() - timedelta(days=1) if checkpoint else None
        )
        anchors = chain.anchors.read(since=since_day)
        archived = chain.anchors.archived()
    except AnchorError as exc:
        return _report_unread(session, chain, f"the anchors or checkpoints cannot be read: {exc}")
    after = checkpoint.seq if checkpoint else 0
    first, head, sealed, unkeyed = session.execute(
        select(
            func.min(AuditSeal.seq),
            func.max(AuditSeal.seq),
            func.count(),
            func.count().filter(AuditSeal.key_id.is_(None)),
        ).where(AuditSeal.seq > after)
    ).one()
    broken: Break | None = None
    written_since: datetime | None = None
    if checkpoint is not None:
        kept = session.execute(
            select(AuditSeal.chain_digest, AuditSeal.audit_id, AuditEvent.created_at, AuditSeal.sealed_at)
            .outerjoin(AuditEvent, AuditEvent.id == AuditSeal.audit_id)
            .where(AuditSeal.seq == checkpoint.seq)
        ).first()
        if kept is None or (kept[0], kept[1]) != (checkpoint.mac, checkpoint.audit_id):
            broken = Break(
                checkpoint.seq,
                checkpoint.audit_id,
                f"seal {checkpoint.seq}, found whole by the verify of {checkpoint.verified_at}, is gone or "
                "changed since: the chain was rewritten or truncated",
            )
        else:
            written_since = (kept[2] or kept[3]) - CHECKPOINT_LOOKBACK  # sealed_at: its row was archived
    if broken is None:
        previous: str | None
        if checkpoint is not None:
            previous, keyed, expected = checkpoint.mac, checkpoint.key_id is not None, after + 1
        else:
            previous, keyed, expected = (None if first and first > 1 else GENESIS), False, first or 1
        broken = first_broken_link(
            _sealed_rows(session, after, upto=head, archived=archived, written_since=written_since),
            chain.keyring,
            anchors,
            previous=previous,
            expected_seq=expected,
            keyed=keyed,
        )
    if broken is None:
        broken = _archive_mismatch(session, archived, after=after, head=head)
    if broken is None and (checkpoint is None or anchors):
        # From a checkpoint with no sealing since its day there is no anchor to read: the checkpoint, kept
        # outside the database too, stands for them.
        broken = anchor_gap(anchors, starts_at=first, head=head or after or None, keyed=sealed > unkeyed)
    unsealed, oldest, unsealed_break = _unsealed_break(session, chain.keyring, written_since=written_since)
    vouched = head or after
    top = None
    if vouched:
        top = session.execute(
            select(AuditSeal.audit_id, AuditSeal.chain_digest, AuditSeal.key_id).where(
                AuditSeal.seq == vouched
            )
        ).first()
    return ChainReport(
        starts_at=first,
        sealed=sealed,
        unkeyed=unkeyed,
        anchored=max(anchors) if anchors else None,
        unsealed=unsealed,
        oldest_unsealed=oldest,
        broken=broken or unsealed_break,
        since=checkpoint,
        head=Checkpoint(vouched, top[0], top[1], top[2], utcnow().isoformat()) if top else None,
    )


def _archive_mismatch(
    session: Session, archived: Sequence[ArchivedMonth], *, after: int, head: int | None
) -> Break | None:
    """An archived month's record names the MAC of the last seal of its range: the chain must still hold that
    seal (the archive is a piece of this chain, and the seals it was checked against are these)."""
    for month in archived:
        last = month.last_seq
        if last is None or last <= after or head is None or last > head:
            continue
        found = session.execute(
            select(AuditSeal.audit_id, AuditSeal.chain_digest).where(AuditSeal.seq == last)
        ).first()
        if found is None or found[1] != month.last_mac:
            return Break(
                last,
                found[0] if found else None,
                f"seal {last} differs from the one the archive of {month.month} was checked against",
            )
    return None


def _report_unread(session: Session, chain: AuditChain, reason: str) -> ChainReport:
    unsealed, oldest, _ = _unsealed_break(session, chain.keyring, written_since=None)
    return ChainReport(
        starts_at=None,
        sealed=0,
        unkeyed=0,
        anchored=None,
        unsealed=unsealed,
        oldest_unsealed=oldest,
        broken=Break(None, None, reason),
    )


def record_checkpoint(chain: AuditChain, report: ChainReport) -> None:
    """After a verify that found the chain whole: its head, outside the database, for the next verify."""
    if report.broken is None and report.head is not None:
        chain.anchors.record_checkpoint(report.head)


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
