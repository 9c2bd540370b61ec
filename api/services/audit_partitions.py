"""``audit_events``' monthly partitions on PostgreSQL (migration 0024; docs/audit.md, "Partitions").

The trail is the table that grows fastest (every read writes a row), so on PostgreSQL it is partitioned by
RANGE of ``created_at``, one partition per calendar month (UTC), named ``audit_events_YYYY_MM``, plus a
DEFAULT partition that takes any row no month's partition covers: an audit row must never fail its
request for want of a partition. The worker makes the current month's partition and the next
``PARTITIONS_AHEAD`` ones ahead (``ensure_partitions``), so the default stays empty; making a month whose
rows went to the default moves them into it first (ids, seals and queue entries unchanged).

``telemedical audit archive`` takes out whole months: ``archive_plan`` decides which (refusing the retention
window and months not fully sealed), ``archive_records`` reads one month's rows with the seals that chain
them (api/audit_archive.py writes and checks the file), and ``drop_month`` detaches and drops its partition.
On SQLite the table is not partitioned: nothing is made ahead, and archiving is refused (``ArchiveRefused``).

DDL here runs in the caller's transaction, like any service's statements; the worker and the command commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from api.db import utcnow
from api.domain.audit import GENESIS, ArchivedMonth, Keyring, chained_fields, row_digest, row_problem
from api.models import AuditEvent, AuditPending, AuditSeal

# The current month and this many after it always have a partition (the worker passes every minute).
PARTITIONS_AHEAD: Final = 2
# HIPAA's documentation retention, 45 CFR 164.316(b)(2)(i): six years. No month younger than that (a month
# whose end is less than six years ago) is archived out of the database (docs/audit.md, "Retention").
RETENTION_YEARS: Final = 6
DEFAULT_PARTITION: Final = "audit_events_default"
# PostgreSQL advisory lock: one session at a time changes the partitions (several workers may run).
_PARTITION_LOCK: Final = 7_301_965
_BATCH: Final = 2000


class ArchiveRefused(Exception):
    """Why ``telemedical audit archive`` takes nothing out (a clear line on stderr, exit status 1)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text_: str) -> Month:
        """``YYYY-MM``; a ValueError otherwise."""
        year, _, month = text_.partition("-")
        if len(year) != 4 or len(month) != 2 or not (year + month).isdigit() or not 1 <= int(month) <= 12:
            raise ValueError(f"{text_!r} is not a month (YYYY-MM)")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, moment: datetime) -> Month:
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def partition(self) -> str:
        return f"audit_events_{self.year:04d}_{self.month:02d}"

    @classmethod
    def of_partition(cls, name: str) -> Month | None:
        prefix = "audit_events_"
        if not name.startswith(prefix) or name == DEFAULT_PARTITION:
            return None
        try:
            return cls.parse(name[len(prefix) :].replace("_", "-"))
        except ValueError:
            return None


def _bound(moment: datetime) -> str:
    """A partition bound as DDL takes it (no parameters in DDL): built from integers only."""
    return f"'{moment:%Y-%m-%d} 00:00:00+00'"


def is_partitioned(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    kind = session.scalar(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('audit_events')"))
    return bool(kind == "p")


def attached_months(session: Session) -> list[Month]:
    """The months that have a partition, oldest first."""
    names = session.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_events'::regclass"
        )
    ).all()
    return sorted(m for m in map(Month.of_partition, names) if m is not None)


def ensure_partitions(
    session: Session, now: datetime | None = None, ahead: int = PARTITIONS_AHEAD
) -> list[str]:
    """Make the partitions of the current month and the ``ahead`` next ones that do not exist yet; the names
    made. Idempotent, and safe with several workers: they take turns on an advisory lock and each sees what
    the one before made. A no-op on SQLite (not partitioned)."""
    if not is_partitioned(session):
        return []
    month = Month.of(now or utcnow())
    wanted = [month]
    for _ in range(ahead):
        wanted.append(wanted[-1].next())
    _lock(session)
    existing = set(attached_months(session))
    made = []
    for target in wanted:
        if target not in existing:
            make_partition(session, target)
            made.append(target.partition)
    return made


def _lock(session: Session) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PARTITION_LOCK})


def make_partition(session: Session, month: Month) -> None:
    """Make ``month``'s partition (the caller holds the partition lock). Rows of that month in the default
    partition (written while it had none) are moved into it first: PostgreSQL refuses a partition whose rows
    sit in the default. The move locks the trail for its length (inserts wait; none fail), and copies rows
    as they are: ids, MACs and seals are untouched, and nothing is queued again (the copy goes into the new
    table before it is attached, so no insert trigger fires)."""
    name, start, end = month.partition, _bound(month.start), _bound(month.end)
    waiting = session.scalar(
        select(func.count())
        .select_from(text(DEFAULT_PARTITION))
        .where(text("created_at >= :start AND created_at < :end"))
        .params(start=month.start, end=month.end)
    )
    if not waiting:
        session.execute(
            text(f"CREATE TABLE {name} PARTITION OF audit_events FOR VALUES FROM ({start}) TO ({end})")
        )
    else:
        session.execute(text("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE"))
        session.execute(
            text(f"CREATE TABLE {name} (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        )
        # Names and bounds here are built from integers and constants, never from input (DDL takes no
        # parameters); the month's bounds still go as parameters where a statement takes them.
        bounds = {"start": month.start, "end": month.end}
        session.execute(
            text(
                f"INSERT INTO {name} SELECT * FROM {DEFAULT_PARTITION} "  # noqa: S608 (see above)
                "WHERE created_at >= :start AND created_at < :end"
            ),
            bounds,
        )
        # Detached, the default keeps none of the trail's triggers (they are the parent's, cloned): the moved
        # rows can leave it. It is attached again below, in this transaction: no insert sees it missing.
        session.execute(text(f"ALTER TABLE audit_events DETACH PARTITION {DEFAULT_PARTITION}"))
        session.execute(
            text(
                f"DELETE FROM {DEFAULT_PARTITION} "  # noqa: S608 (a constant)
                "WHERE created_at >= :start AND created_at < :end"
            ),
            bounds,
        )
        session.execute(
            text(f"ALTER TABLE audit_events ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})")
        )
        session.execute(text(f"ALTER TABLE audit_events ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT"))
    # A TRUNCATE trigger is a statement trigger: the parent's does not fire for a partition truncated itself.
    session.execute(
        text(
            f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )
    )


# --- archiving ----------------------------------------------------------------------------------------------


def newest_archivable(now: datetime) -> Month:
    """The first month that must stay: every month before it ended at least ``RETENTION_YEARS`` ago."""
    now = now.astimezone(UTC)
    year = now.year - RETENTION_YEARS
    cutoff = now.replace(year=year, day=28) if (now.month, now.day) == (2, 29) else now.replace(year=year)
    return Month.of(cutoff)


def archive_plan(session: Session, before: Month, now: datetime | None = None) -> list[Month]:
    """The months before ``before`` still in the database, oldest first, each fully sealed; ``ArchiveRefused``
    (nothing is taken out) if the table is not partitioned, if ``before`` reaches into the retention window,
    or if a month has rows waiting for their seal. Rows of those months that went to the default partition
    are moved into partitions of their own first (``make_partition``)."""
    if not is_partitioned(session):
        raise ArchiveRefused(
            "audit archive needs PostgreSQL: on this database audit_events is not partitioned by month "
            "(on SQLite the trail is archived with `telemedical audit export` and kept whole; docs/audit.md)"
        )
    limit = newest_archivable(now or utcnow())
    if before > limit:
        raise ArchiveRefused(
            f"--before {before} reaches into the retention window: audit rows are kept {RETENTION_YEARS} "
            f"years (45 CFR 164.316(b)(2)(i)); the latest --before allowed today is {limit}"
        )
    _lock(session)
    strays = session.scalars(
        select(func.distinct(func.date_trunc("month", func.timezone("UTC", text("created_at")))))
        .select_from(text(DEFAULT_PARTITION))
        .where(text("created_at < :before"))
        .params(before=before.start)
    ).all()
    for stray in sorted(strays):
        make_partition(session, Month(stray.year, stray.month))
    months = [m for m in attached_months(session) if m < before]
    for month in months:
        waiting = session.scalar(
            select(func.count()).where(
                AuditPending.created_at >= month.start, AuditPending.created_at < month.end
            )
        )
        if waiting:
            raise ArchiveRefused(
                f"{month} is not fully sealed: {waiting} of its rows wait for their seal (run the worker, or "
                "`telemedical audit verify --seal`, then archive again)"
            )
    return months


@dataclass(frozen=True)
class MonthSeals:
    """A month's rows and the seals that chain them: ``first``..``last`` is the range of seal numbers that
    holds every row of the month (and a few of the next or previous month's, sealed among them)."""

    month: Month
    rows: int
    first: int | None
    last: int | None
    previous_mac: str | None  # seal first-1's chain digest; GENESIS before seal 1; None if purged
    previous_key_id: str | None


def month_seals(session: Session, month: Month) -> MonthSeals:
    """Lock ``month``'s partition against writes until the caller's transaction ends (the archive's export,
    check and drop run in it), then find its seal range; ``ArchiveRefused`` if a row has no seal."""
    session.execute(text(f"LOCK TABLE {month.partition} IN SHARE MODE"))
    in_month = and_(AuditEvent.created_at >= month.start, AuditEvent.created_at < month.end)
    rows, sealed, first, last = session.execute(
        select(
            func.count(AuditEvent.id),
            func.count(AuditSeal.seq),
            func.min(AuditSeal.seq),
            func.max(AuditSeal.seq),
        )
        .select_from(AuditEvent)
        .outerjoin(AuditSeal, AuditSeal.audit_id == AuditEvent.id)
        .where(in_month)
    ).one()
    if sealed < rows:
        raise ArchiveRefused(
            f"{month} is not fully sealed: {rows - sealed} of its {rows} rows have no seal (run the worker, "
            "or `telemedical audit verify --seal`; a row with no seal that is not queued is one `audit "
            "verify` reports)"
        )
    previous_mac: str | None = None
    previous_key: str | None = None
    if first == 1:
        previous_mac = GENESIS
    elif first is not None:
        before = session.execute(
            select(AuditSeal.chain_digest, AuditSeal.key_id).where(AuditSeal.seq == first - 1)
        ).first()
        if before is not None:
            previous_mac, previous_key = before[0], before[1]
    return MonthSeals(month, rows, first, last, previous_mac, previous_key)


def archive_records(
    session: Session, seals: MonthSeals, keyring: Keyring, archived: Sequence[ArchivedMonth] = ()
) -> Iterator[dict[str, Any]]:
    """Every seal from ``seals.first`` to ``seals.last`` in order, each with its row if the row is the month's
    (``{"seal": {...}, "row": fields | None}``): what the archive holds, so it verifies offline as a piece of
    the chain. A row of the month that does not match its seal or its own MAC, or a seal of the range whose
    row is neither the month's nor anywhere else in the database, refuses the archive: a copy must not
    launder a break (``audit verify --full`` names it). ``archived``: the months archived before, whose rows
    sealed in this range are in their own archives.

    Each batch is two statements that walk an index whatever the planner believes of the month's size: the
    next seals by ``seq``, then their rows in the month's partition by id. (A join of the two let the planner,
    with a month not yet analysed, loop over the whole partition once per seal: 50,000 rows took 85 s.) Rows
    come as Core rows, not entities: the archive reads every column of millions of rows once."""
    if seals.first is None or seals.last is None:
        return
    month = seals.month
    connection = session.connection()
    seal_table, event_table = AuditSeal.__table__, AuditEvent.__table__
    seal_rows, event_rows = seal_table.c, event_table.c
    in_month = and_(event_rows.created_at >= month.start, event_rows.created_at < month.end)
    after = seals.first - 1
    while after < seals.last:
        batch = connection.execute(
            select(seal_table)
            .where(seal_rows.seq > after, seal_rows.seq <= seals.last)
            .order_by(seal_rows.seq)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        ids = [seal.audit_id for seal in batch]
        rows = connection.execute(select(event_table).where(event_rows.id.in_(ids), in_month)).all()
        found = {row.id: chained_fields(row._asdict()) for row in rows}
        # A seal whose row is not the month's: its row is in another month, or archived with its own month.
        gone = {audit_id for audit_id in ids if audit_id not in found}
        if gone:
            gone -= set(connection.scalars(select(event_rows.id).where(event_rows.id.in_(gone))))
            gone -= {s.audit_id for s in batch if any(a.contains(s.seq) for a in archived)}
        for seal in batch:
            fields = found.get(seal.audit_id)
            if fields is not None:
                problem = row_problem(fields, keyring)
                if row_digest(fields) != seal.row_digest:
                    problem = "the audit row was changed after it was sealed"
                if problem is not None:
                    raise ArchiveRefused(
                        f"{month}: seal {seal.seq} ({seal.audit_id}): {problem}; run audit verify --full"
                    )
            elif seal.audit_id in gone:
                raise ArchiveRefused(
                    f"{month}: seal {seal.seq}'s row {seal.audit_id} is gone from the database; "
                    "run audit verify --full"
                )
            yield {
                "seal": {
                    "seq": seal.seq,
                    "audit_id": seal.audit_id,
                    "row_digest": seal.row_digest,
                    "chain_digest": seal.chain_digest,
                    "key_id": seal.key_id,
                    "sealed_at": seal.sealed_at.isoformat(),
                },
                "row": fields,
            }
            after = seal.seq


def drop_month(session: Session, month: Month) -> None:
    """Detach ``month``'s partition and drop it (its rows are in the archive, checked, and recorded outside
    the database). DETACH takes an exclusive lock on the trail for a moment (inserts wait; none fail)."""
    _lock(session)
    session.execute(text(f"ALTER TABLE audit_events DETACH PARTITION {month.partition}"))
    session.execute(text(f"DROP TABLE {month.partition}"))
