"""hardening: idempotency keys per client and subject; users by email; sign-in throttles

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Keys recorded before this revision were scoped to the client alone: their subject is unknown, so
    # they are dropped (a key lives 24 h; a retry after the upgrade runs as a new request).
    op.execute('DELETE FROM idempotency_keys')
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=80), nullable=False))
        batch_op.drop_constraint('uq_idempotency_keys_client_id_key', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_idempotency_keys_client_id_subject_key'), ['client_id', 'subject', 'key']
        )
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=False)
    op.create_table('sign_in_throttles',
    sa.Column('email_digest', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email_digest', name=op.f('pk_sign_in_throttles'))
    )
    op.create_index(
        op.f('ix_sign_in_throttles_last_failure_at'), 'sign_in_throttles', ['last_failure_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_sign_in_throttles_last_failure_at'), table_name='sign_in_throttles')
    op.drop_table('sign_in_throttles')
    op.drop_index(op.f('ix_users_email'), table_name='users')
    op.execute('DELETE FROM idempotency_keys')
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.drop_constraint('uq_idempotency_keys_client_id_subject_key', type_='unique')
        batch_op.drop_column('subject')
        batch_op.create_unique_constraint('uq_idempotency_keys_client_id_key', ['client_id', 'key'])
