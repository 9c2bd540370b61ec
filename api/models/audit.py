"""The audit trail: one row per access to the API's records, and the seals that chain them (append-only).

Rows are written freely by requests (no lock shared between them), each with its own MAC under the audit key;
the worker then seals them in order, one ``AuditSeal`` per row, each holding the row's digest and the MAC that
links it to the seal before (api/domain/audit.py). Nothing here is ever updated or deleted by the service: on
PostgreSQL and SQLite triggers refuse UPDATE and DELETE (migration 0007); retention is enforced outside the
service (docs/audit.md).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.domain.audit import Action, Outcome, chained_fields
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType

# The monthly partitions of ``audit_events`` on PostgreSQL (migration 0024) and its default partition:
# tables of the database that are not models of their own (alembic's comparisons skip them).
AUDIT_PARTITION: Final = re.compile(r"audit_events_(\d{4}_\d{2}|default)")


def is_audit_partition(table_name: str | None) -> bool:
    return table_name is not None and AUDIT_PARTITION.fullmatch(table_name) is not None


class AuditEvent(Base):
    """Who did what to which record, when, through which client, with what outcome. References only: ids,
    never values. ``created_at`` is when it happened (``occurred_at`` in the API).

    On PostgreSQL the table is partitioned by month of ``created_at`` (migration 0024, docs/audit.md), so its
    primary key is (id, created_at): a partitioned table's unique keys must hold the partition key. An id
    is still one row (ids are random, 128 bits; each seal names one), and the ORM knows a row by its id."""

    __tablename__ = "audit_events"
    __resource__ = Resource("aud", "audit_event")
    __table_args__ = (
        Index("ix_audit_events_created_at_id", "created_at", "id"),
        Index("ix_audit_events_partner_id_created_at", "partner_id", "created_at"),
        Index("ix_audit_events_patient_id_created_at_id", "patient_id", "created_at", "id"),
        Index("ix_audit_events_resource_id", "resource_id"),
        Index("ix_audit_events_actor_id_created_at_id", "actor_id", "created_at", "id"),
        Index("ix_audit_events_target_patient_id_created_at_id", "target_patient_id", "created_at", "id"),
    )
    __mapper_args__ = {"primary_key": ["id"]}

    id: Mapped[str] = __resource__.id_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, primary_key=True)
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(40))
    partner_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[Action] = mapped_column(StrEnumType(Action, 20))
    operation: Mapped[str | None] = mapped_column(String(60))
    resource_type: Mapped[str | None] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(40))
    resource_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    patient_id: Mapped[str | None] = mapped_column(String(40))
    # Every patient whose data the access concerned (a list's); patient_id is set when there is one.
    patient_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    outcome: Mapped[Outcome] = mapped_column(StrEnumType(Outcome, 20))
    status: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    # A refused request's record's patient: kept apart from patient_id, because the caller may not know it
    # (another tenant's). Shown to the platform and to that patient's own partner only (docs/audit.md).
    target_patient_id: Mapped[str | None] = mapped_column(String(40))
    # How many rows an export released (migration 0018); null for every other access.
    row_count: Mapped[int | None] = mapped_column(Integer, default=None)
    # The row's own MAC under the audit key named by key_id, from its insert (None before migration 0011).
    key_id: Mapped[str | None] = mapped_column(String(16))
    row_mac: Mapped[str | None] = mapped_column(String(64))

    @property
    def actor(self) -> dict[str, str | None]:
        return {"type": self.actor_type, "id": self.actor_id}

    def chained_fields(self) -> dict[str, Any]:
        """What the chain's digests and MACs cover: every column."""
        return chained_fields({c.key: getattr(self, c.key) for c in self.__table__.columns})


class AuditPatientRef(Base):
    """One row per patient an audit row concerns, so "who touched patient X" finds list accesses too."""

    __tablename__ = "audit_patient_refs"
    __resource__ = None
    __table_args__ = (Index("ix_audit_patient_refs_patient_id", "patient_id"),)

    audit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(40), primary_key=True)


class AuditPending(Base):
    """The rows waiting for their seal: a trigger on ``audit_events`` (migration 0022) queues every row as
    it is inserted, in the inserting transaction, and the sealer deletes the entries it sealed, in its own.
    The sealer and ``audit verify`` read this short queue instead of searching the whole trail for the rows
    without a seal (which grew with the trail: every pass read every row ever sealed). A queue entry is not
    the record: deleting one hides nothing from ``audit verify --full``, which still searches the trail, and
    the incremental verify checks every row written since its checkpoint (docs/audit.md)."""

    __tablename__ = "audit_pending"
    __resource__ = None
    __table_args__ = (Index("ix_audit_pending_created_at_audit_id", "created_at", "audit_id"),)

    audit_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column()


class AuditSeal(Base):
    """The chain: seal `seq` covers one audit row; `chain_digest` is the MAC under key `key_id` of the row's
    digest and the previous seal's (a plain SHA-256 link for the seals made before migration 0011)."""

    __tablename__ = "audit_seals"
    __resource__ = None

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    audit_id: Mapped[str] = mapped_column(String(40), unique=True)
    row_digest: Mapped[str] = mapped_column(String(64))
    chain_digest: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
