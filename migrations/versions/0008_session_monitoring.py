"""session monitoring: the REMS form's fields on a session record; plans held for safety

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('follow_up_plans', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('held_for_safety', sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dose_mg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('lot_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('sedating_medications', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('readings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('ready_to_leave_minute', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disposition', sa.String(length=20), nullable=False, server_default='discharged'))
        batch_op.add_column(sa.Column('discharge_override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('discharge_overridden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('rems_submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rems_submitted_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('rems_reminded_at', sa.DateTime(timezone=True), nullable=True))
    # Plans already on hold for an adverse event: only a provider resumes them from now on.
    op.execute(
        "UPDATE follow_up_plans SET held_for_safety = TRUE "
        "WHERE status = 'on_hold' AND status_reason LIKE 'A % adverse event (%'"
    )


def downgrade() -> None:
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_column('rems_reminded_at')
        batch_op.drop_column('rems_submitted_by')
        batch_op.drop_column('rems_submitted_at')
        batch_op.drop_column('discharge_overridden')
        batch_op.drop_column('discharge_override_reason')
        batch_op.drop_column('disposition')
        batch_op.drop_column('ready_to_leave_minute')
        batch_op.drop_column('readings')
        batch_op.drop_column('sedating_medications')
        batch_op.drop_column('lot_number')
        batch_op.drop_column('dose_mg')

    with op.batch_alter_table('follow_up_plans', schema=None) as batch_op:
        batch_op.drop_column('held_for_safety')

