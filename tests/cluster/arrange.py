"""Rows the deployment tests arrange directly in the database, and what they count there afterwards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.domain.plan_status import PlanStatus
from api.models import Consultation, FollowUpPlan, PlanTask, WebhookDelivery
from api.models.webhook import DeliveryStatus
from tests.concurrency.test_live_concurrency import ready_consultation


def plan_with_tasks_due_today(session: Session, partner_id: str, provider_id: str) -> list[str]:
    """An active plan of a New York patient with a session and a check-in due today where the patient is."""
    consultation_id = ready_consultation(session, partner_id, f"due-{uuid.uuid4().hex[:6]}")
    consultation = session.get(Consultation, consultation_id)
    assert consultation is not None
    today = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date()
    plan = FollowUpPlan(
        partner_id=partner_id,
        patient_id=consultation.patient_id,
        consultation_id=consultation.id,
        provider_id=provider_id,
        status=PlanStatus.ACTIVE,
        protocol="oral_at_home",
        route="oral",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=60),
        check_in_interval_days=7,
        activated_at=datetime.now(UTC),
    )
    session.add(plan)
    session.flush()
    rows = [
        PlanTask(plan_id=plan.id, kind="session", due_on=today, sequence=1),
        PlanTask(plan_id=plan.id, kind="check_in", due_on=today, sequence=2, instruments=["phq9"]),
    ]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


def succeeded_deliveries(session: Session, endpoint: str) -> int:
    """The endpoint's deliveries recorded as succeeded, read in a transaction of its own."""
    session.rollback()
    return int(
        session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint, WebhookDelivery.status == DeliveryStatus.SUCCEEDED
            )
        )
        or 0
    )
