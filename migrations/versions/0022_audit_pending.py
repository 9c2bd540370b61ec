"""audit rows waiting for their seal, queued by a trigger; listing indexes by patient and actor (issue 28)

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-05 05:10:00

The sealer found the rows to seal by searching the whole trail for rows without a seal: each pass read every
row ever sealed, so it slowed as the trail grew (86 million rows a day at 1,000 reads a second). Now a trigger
queues each audit row in ``audit_pending`` as it is inserted, in the same transaction; the sealer reads the
queue and deletes what it sealed. The rows waiting today (inserted, not sealed) are queued here.

A patient's or an actor's listing walks (patient_id | target_patient_id | actor_id, created_at, id) newest
first, as far as its page needs: the single-column indexes they replace made it read the whole history.
On a large trail the index builds take minutes (about 20 s per index per 10 million rows here); run the
migration before the new release starts (docs/deployment.md: once per release, before anything else).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_LISTED_BY = ("patient_id", "target_patient_id", "actor_id")


def upgrade() -> None:
    op.create_table(
        "audit_pending",
        sa.Column("audit_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("audit_id", name=op.f("pk_audit_pending")),
    )
    op.create_index("ix_audit_pending_created_at_audit_id", "audit_pending", ["created_at", "audit_id"])
    for column in _LISTED_BY:
        name = f"ix_audit_events_{column}_created_at_id"
        op.create_index(name, "audit_events", [column, "created_at", "id"])
        op.drop_index(f"ix_audit_events_{column}", table_name="audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_queue_for_seal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO audit_pending (audit_id, created_at) VALUES (NEW.id, NEW.created_at);
              RETURN NULL;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_queue_for_seal AFTER INSERT ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_queue_for_seal()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_events_queue_for_seal AFTER INSERT ON audit_events "
            "BEGIN INSERT INTO audit_pending (audit_id, created_at) VALUES (NEW.id, NEW.created_at); END"
        )
    op.execute(
        "INSERT INTO audit_pending (audit_id, created_at) SELECT e.id, e.created_at FROM audit_events e "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_id = e.id)"
    )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER IF EXISTS audit_events_queue_for_seal"
        + (" ON audit_events" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_queue_for_seal()")
    for column in _LISTED_BY:
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])
        op.drop_index(f"ix_audit_events_{column}_created_at_id", table_name="audit_events")
    op.drop_index("ix_audit_pending_created_at_audit_id", table_name="audit_pending")
    op.drop_table("audit_pending")
