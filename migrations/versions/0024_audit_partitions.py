"""audit_events partitioned by month on PostgreSQL (issue 28)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 09:30:00

At 1,000 reads a second the trail grows by 86 million rows a day and is kept six years. Partitioned by RANGE
of ``created_at``, one partition per calendar month (UTC, ``audit_events_YYYY_MM``), a month leaves the
database whole (``telemedical audit archive``: DETACH and DROP, no DELETE), and a listing walks each month's
own (patient | target_patient | actor, created_at, id) index. A DEFAULT partition (``audit_events_default``)
takes any row no month covers, so an insert never fails for want of a partition; the worker makes the
current month's partition and the next two ahead (api/services/audit_partitions.py).

What changes and what stays, on PostgreSQL:

- The primary key becomes (id, created_at): a partitioned table's unique keys must hold the partition key.
  Ids stay unique in practice (128 random bits; each seal names one row). Nothing refers to audit_events
  by foreign key (``audit_seals.audit_id`` and ``audit_patient_refs.audit_id`` are plain, indexed columns),
  so no constraint has to be replaced.
- Every index is made again with its name, on the parent (partitioned indexes, one per partition).
- The append-only trigger (BEFORE UPDATE OR DELETE) and the sealer's queue trigger (AFTER INSERT) are row
  triggers on the parent, which PostgreSQL clones onto every partition, present and future; the TRUNCATE
  trigger is a statement trigger, which is not cloned, so each partition gets its own too.
- The rows are copied into the partitions as they are (ids, MACs; seals and queue entries untouched): the
  copy runs before the queue trigger exists, so nothing is queued twice.

The conversion rewrites the table under an ACCESS EXCLUSIVE lock held to the end of the migration (inserts
wait, reads of the trail too): on a big trail, run it in a maintenance window, with the app stopped
(docs/deployment.md, "Upgrading to 0024"; about 25 s per million rows on the 2-core test machine).

On SQLite nothing changes: the table stays one table (``audit archive`` refuses there; docs/audit.md).
Downgrade copies the rows back into one plain table with the indexes and triggers of revision 0022.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_audit_events_created_at_id": "created_at, id",
    "ix_audit_events_partner_id_created_at": "partner_id, created_at",
    "ix_audit_events_patient_id_created_at_id": "patient_id, created_at, id",
    "ix_audit_events_resource_id": "resource_id",
    "ix_audit_events_actor_id_created_at_id": "actor_id, created_at, id",
    "ix_audit_events_target_patient_id_created_at_id": "target_patient_id, created_at, id",
}
_AHEAD = 2  # as api/services/audit_partitions.PARTITIONS_AHEAD, frozen here


def _month_after(year: int, month: int) -> tuple[int, int]:
    return year + month // 12, month % 12 + 1


def _bound(year: int, month: int) -> str:
    return f"'{year:04d}-{month:02d}-01 00:00:00+00'"


def _make_partition(year: int, month: int) -> None:
    name = f"audit_events_{year:04d}_{month:02d}"
    after = _month_after(year, month)
    op.execute(
        f"CREATE TABLE {name} PARTITION OF audit_events "
        f"FOR VALUES FROM ({_bound(year, month)}) TO ({_bound(*after)})"
    )
    op.execute(
        f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )


def _indexes_and_triggers(primary_key: str) -> None:
    op.execute(f"ALTER TABLE audit_events ADD CONSTRAINT pk_audit_events PRIMARY KEY ({primary_key})")
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON audit_events ({columns})")
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_queue_for_seal AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_queue_for_seal()"
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE")
    months = {
        (int(y), int(m))
        for y, m in bind.exec_driver_sql(
            "SELECT DISTINCT extract(year FROM created_at AT TIME ZONE 'UTC'), "
            "extract(month FROM created_at AT TIME ZONE 'UTC') FROM audit_events"
        )
    }
    now = datetime.now(UTC)
    month = (now.year, now.month)
    for _ in range(_AHEAD + 1):
        months.add(month)
        month = _month_after(*month)
    op.execute("ALTER TABLE audit_events RENAME TO audit_events_unpartitioned")
    op.execute(
        "CREATE TABLE audit_events (LIKE audit_events_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (created_at)"
    )
    for year, number in sorted(months):
        _make_partition(year, number)
    op.execute("CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT")
    op.execute(
        "CREATE TRIGGER audit_events_default_no_truncate BEFORE TRUNCATE ON audit_events_default "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )
    # Before the keys and triggers: the copy maintains no index, and queues nothing.
    op.execute("INSERT INTO audit_events SELECT * FROM audit_events_unpartitioned")
    op.execute("DROP TABLE audit_events_unpartitioned")  # its indexes, key and triggers with it
    _indexes_and_triggers("id, created_at")
    op.execute("ANALYZE audit_events")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE")
    op.execute("ALTER TABLE audit_events RENAME TO audit_events_partitioned")
    op.execute("CREATE TABLE audit_events (LIKE audit_events_partitioned INCLUDING DEFAULTS)")
    op.execute("INSERT INTO audit_events SELECT * FROM audit_events_partitioned")
    op.execute("DROP TABLE audit_events_partitioned")  # every partition, and the triggers' clones
    _indexes_and_triggers("id")
