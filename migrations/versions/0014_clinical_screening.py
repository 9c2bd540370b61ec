"""clinical rules 2e: screening, intake, eligibility, escalation (issue 24)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 20:30:00

``consultations.safety_plan_documented`` (a psychiatrist's clearance of an escalated case attests it), and the
escalations table: a suicide-risk crisis to acknowledge, of a consultation or of a follow-up plan (exactly
one), with what the worker last announced about it (api/models/escalation.py).

Existing data: nothing is rewritten. Stored intakes keep their answers as they were scored; the second
edition's new answers (current_psychotic_symptoms, ketamine_or_pcp_misuse_history, untreated_sleep_apnea,
antidepressant_trials_current_episode, medication_classes) get no value, and eligibility reads such an intake
as not reporting them (api.domain.screening.LEGACY_INTAKE_FIELDS). Stored C-SSRS answers have no ``recall``:
they are ``lifetime_recent``, the only version there was. Each consultation already ``escalated`` gets an
escalation row, unacknowledged, escalated at its last update (the best time on record), so that a provider
can acknowledge it and a psychiatrist clear it; the worker announces it as unacknowledged at its next pass,
which it is.
"""

import base64
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety_plan_documented", sa.Boolean(), nullable=True))
    op.create_table(
        "escalations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("partner_id", sa.String(length=40), nullable=False),
        sa.Column("patient_id", sa.String(length=40), nullable=False),
        sa.Column("consultation_id", sa.String(length=40), nullable=True),
        sa.Column("plan_id", sa.String(length=40), nullable=True),
        sa.Column("screening_id", sa.String(length=40), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=40), nullable=True),
        sa.Column("contact_outcome", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("announced_intervals", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(consultation_id IS NULL) <> (plan_id IS NULL)", name=op.f("ck_escalations_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_escalations_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_escalations_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_escalations_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["follow_up_plans.id"], name=op.f("fk_escalations_plan_id_follow_up_plans")
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name=op.f("fk_escalations_screening_id_screenings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_escalations_consultation_id_escalated_at", ["consultation_id", "escalated_at"], unique=False
        )
        batch_op.create_index(
            "ix_escalations_plan_id_escalated_at", ["plan_id", "escalated_at"], unique=False
        )
        batch_op.create_index(
            "ix_escalations_acknowledged_at_escalated_at", ["acknowledged_at", "escalated_at"], unique=False
        )

    _escalate_escalated_consultations()


def _new_id(prefix: str) -> str:
    """As api/ids.py makes them (copied: a migration does not import the application)."""
    return f"{prefix}_" + base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def _escalate_escalated_consultations() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, partner_id, patient_id, updated_at FROM consultations WHERE status = 'escalated'")
    ).all()
    escalations = sa.table(
        "escalations",
        sa.column("id", sa.String),
        sa.column("partner_id", sa.String),
        sa.column("patient_id", sa.String),
        sa.column("consultation_id", sa.String),
        sa.column("escalated_at", sa.DateTime(timezone=True)),
        sa.column("announced_intervals", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    if rows:
        op.bulk_insert(
            escalations,
            [
                {
                    "id": _new_id("esc"),
                    "partner_id": partner_id,
                    "patient_id": patient_id,
                    "consultation_id": consultation_id,
                    "escalated_at": updated_at,
                    "announced_intervals": 0,
                    "created_at": updated_at,
                }
                for consultation_id, partner_id, patient_id, updated_at in rows
            ],
        )


def downgrade() -> None:
    op.drop_table("escalations")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("safety_plan_documented")
