"""audit: the trail of every access, its patient references and the seals that chain it (append-only)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_type', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.String(length=40), nullable=True),
    sa.Column('partner_id', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('operation', sa.String(length=60), nullable=True),
    sa.Column('resource_type', sa.String(length=40), nullable=True),
    sa.Column('resource_id', sa.String(length=40), nullable=True),
    sa.Column('resource_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=True),
    sa.Column('patient_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_partner_id_created_at', ['partner_id', 'created_at'], unique=False)
        batch_op.create_index('ix_audit_events_patient_id', ['patient_id'], unique=False)
        batch_op.create_index('ix_audit_events_resource_id', ['resource_id'], unique=False)

    op.create_table('audit_patient_refs',
    sa.Column('audit_id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('audit_id', 'patient_id', name=op.f('pk_audit_patient_refs'))
    )
    with op.batch_alter_table('audit_patient_refs', schema=None) as batch_op:
        batch_op.create_index('ix_audit_patient_refs_patient_id', ['patient_id'], unique=False)

    op.create_table('audit_seals',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('audit_id', sa.String(length=40), nullable=False),
    sa.Column('row_digest', sa.String(length=64), nullable=False),
    sa.Column('chain_digest', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_seals')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_audit_seals_audit_id'))
    )
    _append_only()


# Append-only: the service has no UPDATE or DELETE path for these tables, and the database refuses one too.
# Retention (at least six years) is enforced outside the service, by an operator who drops these triggers
# in a maintenance window (docs/audit.md).
_TABLES = ('audit_events', 'audit_patient_refs', 'audit_seals')


def _append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        )
        for table in _TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                'FOR EACH ROW EXECUTE FUNCTION audit_append_only()'
            )
            op.execute(
                f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} '
                'FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()'
            )
        return
    for table in _TABLES:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} '
                f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: {verb} on {table} refused'); END"
            )


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in _TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}')
        op.execute('DROP FUNCTION IF EXISTS audit_append_only()')
        return
    for table in _TABLES:
        for verb in ('update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_{verb}')


def downgrade() -> None:
    _drop_append_only()
    op.drop_table('audit_seals')
    with op.batch_alter_table('audit_patient_refs', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_patient_refs_patient_id')

    op.drop_table('audit_patient_refs')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_resource_id')
        batch_op.drop_index('ix_audit_events_patient_id')
        batch_op.drop_index('ix_audit_events_partner_id_created_at')
        batch_op.drop_index('ix_audit_events_created_at_id')
        batch_op.drop_index('ix_audit_events_actor_id')

    op.drop_table('audit_events')
