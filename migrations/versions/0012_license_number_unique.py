"""provider licences: one holder per (state, number), numbers in capitals

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 17:00:00

A state board issues a licence number to one licensee, so the same (state, number) listed for two providers is
a data-entry error or an impersonation (issue 22, finding 16). Existing numbers are made canonical
(api.domain.reference.canonical_license_number: trimmed, capitals) first; if two providers then hold the same
licence the upgrade stops and names how many, for an operator to resolve: it never picks a holder.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("UPDATE provider_licenses SET number = UPPER(TRIM(number))"))
    shared = connection.execute(
        sa.text("SELECT state, number FROM provider_licenses GROUP BY state, number HAVING COUNT(*) > 1")
    ).all()
    if shared:
        raise RuntimeError(
            f"{len(shared)} state licence number(s) are listed for more than one provider (or twice for one);"
            " correct them (GET /v1/providers, PATCH licenses) before upgrading: a licence has one holder"
        )
    with op.batch_alter_table("provider_licenses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_provider_licenses_provider_id_state_number", type_="unique")
        batch_op.create_unique_constraint("uq_provider_licenses_state_number", ["state", "number"])


def downgrade() -> None:
    with op.batch_alter_table("provider_licenses", schema=None) as batch_op:
        batch_op.drop_constraint("uq_provider_licenses_state_number", type_="unique")
        batch_op.create_unique_constraint(
            "uq_provider_licenses_provider_id_state_number", ["provider_id", "state", "number"]
        )
