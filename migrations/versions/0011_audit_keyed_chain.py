"""audit: a keyed chain (each row's own MAC, each seal's key id) and the refused request's patient kept apart

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 16:00:00

The rows still waiting for their seal are sealed here, the way revision 0007's chain did (plain SHA-256, no
key), so that from now on every row without a MAC is one written without the key (docs/audit.md). Columns
are added with plain ALTER TABLE, never a batch copy: a copy would drop the append-only triggers on SQLite.

Downgrade drops the columns; seals made under a key stay, and revision 0010's `audit verify` reports the first
of them as a broken link.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table(
    "audit_events",
    *(
        sa.column(name)
        for name in (
            "id",
            "actor_type",
            "actor_id",
            "client_id",
            "partner_id",
            "action",
            "operation",
            "resource_type",
            "resource_id",
            "patient_id",
            "outcome",
            "status",
            "request_id",
            "ip",
        )
    ),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("resource_ids", sa.JSON()),
    sa.column("patient_ids", sa.JSON()),
)
_SEALS = sa.table(
    "audit_seals",
    sa.column("seq", sa.Integer()),
    sa.column("audit_id", sa.String()),
    sa.column("row_digest", sa.String()),
    sa.column("chain_digest", sa.String()),
    sa.column("sealed_at", sa.DateTime(timezone=True)),
)
_BATCH = 2000


def upgrade() -> None:
    _seal_waiting_rows_as_before()
    op.add_column("audit_events", sa.Column("target_patient_id", sa.String(length=40), nullable=True))
    op.add_column("audit_events", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_events", sa.Column("row_mac", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_events_target_patient_id", "audit_events", ["target_patient_id"], unique=False)
    op.add_column("audit_seals", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_audit_events_target_patient_id", table_name="audit_events")
    op.drop_column("audit_seals", "key_id")
    op.drop_column("audit_events", "row_mac")
    op.drop_column("audit_events", "key_id")
    op.drop_column("audit_events", "target_patient_id")


def _utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite without a declared type: what UTCDateTime stored (naive UTC)
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ids(value: Any) -> list[Any]:
    return list(json.loads(value) if isinstance(value, str) else value or ())


def _seal_waiting_rows_as_before() -> None:
    """Revision 0007's sealing (api/domain/audit.py at that revision), frozen here."""
    bind = op.get_bind()
    last = bind.execute(
        sa.select(_SEALS.c.seq, _SEALS.c.chain_digest).order_by(_SEALS.c.seq.desc()).limit(1)
    ).first()
    seq, previous = (last[0], last[1]) if last else (0, "0" * 64)
    sealed = sa.select(_SEALS.c.audit_id).where(_SEALS.c.audit_id == _EVENTS.c.id).exists()
    now = datetime.now(UTC)
    while True:
        rows = bind.execute(
            sa.select(_EVENTS).where(~sealed).order_by(_EVENTS.c.created_at, _EVENTS.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        seals = []
        for row in rows:
            fields = {
                name: row._mapping[name]
                for name in _EVENTS.c.keys()  # noqa: SIM118 (the column names)
                if name not in ("created_at", "resource_ids", "patient_ids")
            }
            fields["occurred_at"] = _utc(row.created_at).isoformat()
            fields["resource_ids"] = _ids(row.resource_ids)
            fields["patient_ids"] = _ids(row.patient_ids)
            canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            previous = hashlib.sha256((previous + digest).encode()).hexdigest()
            seq += 1
            seals.append(
                {
                    "seq": seq,
                    "audit_id": row.id,
                    "row_digest": digest,
                    "chain_digest": previous,
                    "sealed_at": now,
                }
            )
        bind.execute(sa.insert(_SEALS), seals)
