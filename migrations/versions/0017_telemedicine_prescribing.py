"""telemedicine visits, in-person evaluations, PDMP checks, prescriptions (issue 25)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:30:00

Four new tables (clinical-rules.md §5). Existing rows: a consultation started before this revision has no
visit (``visit`` null; completing it records none), and no prescription exists before it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(length=40), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "pdmp_checks",
        _id("id"),
        _id("partner_id"),
        _id("patient_id"),
        _id("provider_id"),
        sa.Column("state", sa.String(length=2), nullable=False),
        _ts("checked_at"),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("created_at"),
        _fk("pdmp_checks", "partner_id", "partners"),
        _fk("pdmp_checks", "patient_id", "patients"),
        _fk("pdmp_checks", "provider_id", "providers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdmp_checks")),
    )
    op.create_index(
        "ix_pdmp_checks_patient_id_created_at_id", "pdmp_checks", ["patient_id", "created_at", "id"]
    )
    op.create_table(
        "visits",
        _id("id"),
        _id("partner_id"),
        _id("patient_id"),
        _id("consultation_id", nullable=True),
        _id("plan_id", nullable=True),
        _id("provider_id"),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("patient_location_state", sa.String(length=2), nullable=False),
        _id("patient_site_id", nullable=True),
        sa.Column("patient_site_state", sa.String(length=2), nullable=True),
        _id("present_practitioner_id", nullable=True),
        sa.Column("identity_verified", sa.Boolean(), nullable=False),
        sa.Column("identity_method", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("started_at"),
        _ts("completed_at", nullable=True),
        _ts("created_at"),
        _fk("visits", "consultation_id", "consultations"),
        _fk("visits", "partner_id", "partners"),
        _fk("visits", "patient_id", "patients"),
        _fk("visits", "plan_id", "follow_up_plans"),
        _fk("visits", "present_practitioner_id", "providers"),
        _fk("visits", "provider_id", "providers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_visits_consultation_id")),
    )
    op.create_index("ix_visits_patient_id_created_at_id", "visits", ["patient_id", "created_at", "id"])
    op.create_index("ix_visits_plan_id_created_at_id", "visits", ["plan_id", "created_at", "id"])
    op.create_table(
        "in_person_evaluations",
        _id("id"),
        _id("partner_id"),
        _id("patient_id"),
        _id("provider_id"),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        _id("site_id", nullable=True),
        _id("visit_id", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("created_at"),
        _fk("in_person_evaluations", "partner_id", "partners"),
        _fk("in_person_evaluations", "patient_id", "patients"),
        _fk("in_person_evaluations", "provider_id", "providers"),
        _fk("in_person_evaluations", "visit_id", "visits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_in_person_evaluations")),
    )
    op.create_index(
        "ix_in_person_evaluations_patient_id_created_at_id",
        "in_person_evaluations",
        ["patient_id", "created_at", "id"],
    )
    op.create_index(
        "ix_in_person_evaluations_provider_id_patient_id",
        "in_person_evaluations",
        ["provider_id", "patient_id"],
    )
    op.create_table(
        "prescriptions",
        _id("id"),
        _id("partner_id"),
        _id("patient_id"),
        _id("plan_id"),
        _id("prescriber_id"),
        _id("visit_id"),
        sa.Column("medication", sa.String(length=20), nullable=False),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("dose_mg", sa.Float(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("days_supply", sa.Integer(), nullable=False),
        sa.Column("refills", sa.Integer(), nullable=False),
        sa.Column("dispensing", sa.String(length=30), nullable=False),
        _id("site_id", nullable=True),
        sa.Column("pharmacy_ncpdp_id", sa.String(length=7), nullable=True),
        _id("pdmp_check_id"),
        sa.Column("pdmp_unverified", sa.Boolean(), nullable=False),
        sa.Column("legal_basis_code", sa.String(length=80), nullable=False),
        sa.Column("legal_basis_source", sa.String(length=200), nullable=False),
        sa.Column("visit_modality", sa.String(length=20), nullable=False),
        sa.Column("patient_location_state", sa.String(length=2), nullable=False),
        _ts("issued_at"),
        _ts("active_until"),
        _ts("cancelled_at", nullable=True),
        sa.Column("cancelled_by", sa.String(length=80), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        _ts("created_at"),
        _fk("prescriptions", "partner_id", "partners"),
        _fk("prescriptions", "patient_id", "patients"),
        _fk("prescriptions", "pdmp_check_id", "pdmp_checks"),
        _fk("prescriptions", "plan_id", "follow_up_plans"),
        _fk("prescriptions", "prescriber_id", "providers"),
        _fk("prescriptions", "visit_id", "visits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescriptions")),
    )
    op.create_index(
        "ix_prescriptions_plan_id_created_at_id", "prescriptions", ["plan_id", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_prescriptions_plan_id_created_at_id", table_name="prescriptions")
    op.drop_table("prescriptions")
    op.drop_index("ix_in_person_evaluations_provider_id_patient_id", table_name="in_person_evaluations")
    op.drop_index("ix_in_person_evaluations_patient_id_created_at_id", table_name="in_person_evaluations")
    op.drop_table("in_person_evaluations")
    op.drop_index("ix_visits_plan_id_created_at_id", table_name="visits")
    op.drop_index("ix_visits_patient_id_created_at_id", table_name="visits")
    op.drop_table("visits")
    op.drop_index("ix_pdmp_checks_patient_id_created_at_id", table_name="pdmp_checks")
    op.drop_table("pdmp_checks")
