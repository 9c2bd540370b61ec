"""population outcomes: the export's row count in the audit trail, the baseline lookup's index, and the
outcomes:read scope for the clients that read plans (issue 29)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 05:40:00

- ``audit_events.row_count``: how many rows a streamed export released (null for every other access; rows
  written before keep their digests: the field is covered only when set, api/domain/audit.py).
- ``ix_screenings_patient_id_instrument_completed_at``: the cohort query looks up each plan's PHQ-9 baseline
  among the patient's screenings of the 30 days before the start.
- ``outcomes:read`` is added to every client registered with ``plans:read``: the cohort figures and the
  de-identified export are aggregates of the outcomes such a client already reads plan by plan, in the same
  tenant, so nothing it could not see before is opened (a patient's or provider's token with the scope is
  refused by the operations: only partner systems and admins read them). Downgrade removes the scope.
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE = "outcomes:read"
GRANTED_WITH = "plans:read"

_clients = sa.table("oauth_clients", sa.column("id", sa.String), sa.column("scope", sa.Text))


def _rescope(change: Callable[[list[str]], list[str]]) -> None:
    connection = op.get_bind()
    for client_id, scope in connection.execute(sa.select(_clients.c.id, _clients.c.scope)).all():
        scopes = (scope or "").split()
        changed = change(scopes)
        if changed != scopes:
            connection.execute(
                _clients.update().where(_clients.c.id == client_id).values(scope=" ".join(changed))
            )


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("row_count", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_screenings_patient_id_instrument_completed_at"),
        "screenings",
        ["patient_id", "instrument", "completed_at"],
    )
    _rescope(lambda scopes: [*scopes, SCOPE] if GRANTED_WITH in scopes and SCOPE not in scopes else scopes)


def downgrade() -> None:
    _rescope(lambda scopes: [s for s in scopes if s != SCOPE])
    op.drop_index(op.f("ix_screenings_patient_id_instrument_completed_at"), table_name="screenings")
    op.drop_column("audit_events", "row_count")
