"""clinical rules 2e: plan guards, review tasks, REMS enrolment, check-in escalation (issue 24)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:30:00

- follow_up_plans: a psychiatrist's ``frequency_override_reason`` (and who gave it); ``held_for_escalation``
  (a crisis escalated at a check-in holds it until a psychiatrist resumes it; stored plans: false).
- plan_tasks: ``purpose`` (stored tasks: sessions ``treatment``, check-ins ``routine``) and a review's
  decision.
- check_in_answers: the screenings that answered a check-in (one per instrument). A stored check-in's one
  screening (plan_tasks.screening_id) moves there and the old column is left null: SQLite cannot drop a
  column with a UNIQUE constraint without rebuilding plan_tasks, which other tables reference.
- patients: the Spravato REMS enrolment (``rems_enrolled_on``, ``rems_enrollment_id``), null until recorded.
Existing plans keep their schedules as they were made: they get no review task and no baseline check-in
(the rules apply to plans created or changed from now on, and to every session recorded from now on).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN on both databases (SQLite >= 3.35): these tables are referenced, and a batch
    # would rebuild them.
    op.add_column("follow_up_plans", sa.Column("frequency_override_reason", sa.Text(), nullable=True))
    op.add_column("follow_up_plans", sa.Column("frequency_override_by", sa.String(length=80), nullable=True))
    op.add_column(
        "follow_up_plans",
        sa.Column("held_for_escalation", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "plan_tasks",
        sa.Column("purpose", sa.String(length=20), nullable=False, server_default="treatment"),
    )
    op.add_column("plan_tasks", sa.Column("review_decision", sa.String(length=20), nullable=True))
    op.add_column("plan_tasks", sa.Column("review_note", sa.Text(), nullable=True))
    op.add_column("plan_tasks", sa.Column("reviewed_by", sa.String(length=80), nullable=True))
    op.add_column("plan_tasks", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE plan_tasks SET purpose = 'routine' WHERE kind = 'check_in'")

    op.create_table(
        "check_in_answers",
        sa.Column("task_id", sa.String(length=40), nullable=False),
        sa.Column("screening_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name=op.f("fk_check_in_answers_screening_id_screenings")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plan_tasks.id"], name=op.f("fk_check_in_answers_task_id_plan_tasks")
        ),
        sa.PrimaryKeyConstraint("task_id", "screening_id", name=op.f("pk_check_in_answers")),
    )
    with op.batch_alter_table("check_in_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_answers_screening_id"), ["screening_id"], unique=False
        )
    op.execute(
        "INSERT INTO check_in_answers (task_id, screening_id, position, created_at) "
        "SELECT id, screening_id, 0, COALESCE(completed_at, updated_at) FROM plan_tasks "
        "WHERE screening_id IS NOT NULL"
    )
    op.execute("UPDATE plan_tasks SET screening_id = NULL WHERE screening_id IS NOT NULL")

    op.add_column("patients", sa.Column("rems_enrolled_on", sa.Date(), nullable=True))
    op.add_column("patients", sa.Column("rems_enrollment_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("patients", "rems_enrollment_id")
    op.drop_column("patients", "rems_enrolled_on")
    # The first answer of each check-in goes back to the old column; the others are lost.
    op.execute(
        "UPDATE plan_tasks SET screening_id = (SELECT a.screening_id FROM check_in_answers a "
        "WHERE a.task_id = plan_tasks.id AND a.position = 0)"
    )
    with op.batch_alter_table("check_in_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_answers_screening_id"))
    op.drop_table("check_in_answers")
    op.drop_column("plan_tasks", "reviewed_at")
    op.drop_column("plan_tasks", "reviewed_by")
    op.drop_column("plan_tasks", "review_note")
    op.drop_column("plan_tasks", "review_decision")
    op.drop_column("plan_tasks", "purpose")
    op.drop_column("follow_up_plans", "held_for_escalation")
    op.drop_column("follow_up_plans", "frequency_override_by")
    op.drop_column("follow_up_plans", "frequency_override_reason")
