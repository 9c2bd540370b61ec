"""clinical rules 2e: session safety and monitoring (issue 24)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 20:30:00

Session records gain the second edition's fields: the dose by weight (weight_kg, infusion_minutes,
dose_override_reason, dose_overridden), the setting (site_id with the site's name and state as they were on
the day, monitored_by, onsite_prescriber_id), the at-home sitter (sitter_present) and the disposition's reason
(left_against_medical_advice needs one; the disposition column widens to hold it).

Existing records stay readable as they were stored: every new column is nullable (dose_overridden defaults
to false), so a record made before the second edition reads back with null weight, dose_mg_per_kg, site,
monitoring provider and on-site prescriber — nothing is inferred for it. The pre-dose, completion and
observation columns become nullable for the records that may now lack them (an at-home session that did not
report them, an emergency transfer before any reading); every existing row keeps its values.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW_OPTIONAL = (
    ("pre_systolic", sa.Integer()),
    ("pre_diastolic", sa.Integer()),
    ("post_systolic", sa.Integer()),
    ("post_diastolic", sa.Integer()),
    ("observation_minutes", sa.Integer()),
    ("escort_confirmed", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("session_records", schema=None) as batch_op:
        for name, type_ in _NOW_OPTIONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
        batch_op.alter_column(
            "disposition",
            existing_type=sa.String(length=20),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("sitter_present", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("weight_kg", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("infusion_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dose_override_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("dose_overridden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("site_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("site_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("site_state", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("monitored_by", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("onsite_prescriber_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("disposition_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_session_records_monitored_by_providers"), "providers", ["monitored_by"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_session_records_onsite_prescriber_id_providers"),
            "providers",
            ["onsite_prescriber_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("session_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_session_records_onsite_prescriber_id_providers"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_session_records_monitored_by_providers"), type_="foreignkey")
        for name in (
            "disposition_reason",
            "onsite_prescriber_id",
            "monitored_by",
            "site_state",
            "site_name",
            "site_id",
            "dose_overridden",
            "dose_override_reason",
            "infusion_minutes",
            "weight_kg",
            "sitter_present",
        ):
            batch_op.drop_column(name)
        batch_op.alter_column(
            "disposition",
            existing_type=sa.String(length=40),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        # A downgrade cannot keep records the first edition had no room for.
        for name, type_ in _NOW_OPTIONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
