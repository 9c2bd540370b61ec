"""The worker's task jobs: announce each follow-up task on its due day, mark it overdue the day after.

Judged in the patient's time zone (UTC when unknown). Each task is announced once and marked once, even with
several workers: the update applies only to a row still unclaimed, and only the worker whose update took the
row emits the event (``follow_up_task.due``, ``follow_up_task.overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from api.db import rows_changed, utcnow
from api.domain.outcomes import is_overdue
from api.domain.plan_status import PlanStatus
from api.domain.protocols import TaskStatus
from api.domain.reference import is_valid_timezone
from api.domain.webhooks import EventType
from api.events.outbox import emit
from api.models import FollowUpPlan, Patient, PlanTask


@dataclass(frozen=True, slots=True)
class _OpenTask:
    id: str
    due_on: date
    plan_id: str
    partner_id: str
    kind: str
    timezone: str | None


def _open_tasks(session: Session, *conditions: ColumnElement[bool]) -> list[_OpenTask]:
    """Pending tasks of active plans (drafts have not started, plans on hold are paused), by due date."""
    rows = session.execute(
        select(
            PlanTask.id,
            PlanTask.due_on,
            PlanTask.plan_id,
            FollowUpPlan.partner_id,
            PlanTask.kind,
            Patient.timezone,
        )
        .join(FollowUpPlan, FollowUpPlan.id == PlanTask.plan_id)
        .join(Patient, Patient.id == FollowUpPlan.patient_id)
        .where(
            PlanTask.status == TaskStatus.PENDING.value,
            FollowUpPlan.status == PlanStatus.ACTIVE.value,
            *conditions,
        )
        .order_by(PlanTask.due_on, PlanTask.id)
    ).all()
    return [_OpenTask(*row) for row in rows]


def _claim(session: Session, task: _OpenTask, unclaimed: ColumnElement[bool], **values: Any) -> bool:
    """Set ``values`` on the task only while ``unclaimed`` holds: True for the one worker that did."""
    changed = rows_changed(
        session,
        update(PlanTask)
        .where(PlanTask.id == task.id, unclaimed)
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    return changed == 1


def _emit_task_event(session: Session, task: _OpenTask, type: EventType) -> None:
    emit(
        session,
        partner_id=task.partner_id,
        type=type,
        object_type="follow_up_task",
        object_id=task.id,
        plan_id=task.plan_id,
        kind=task.kind,
        due_on=task.due_on.isoformat(),
    )


def mark_overdue_tasks(session: Session, now: datetime | None = None) -> int:
    """Mark every open task of a running plan that is past its day as overdue; emit the event once each.

    "Past its day" is judged in the patient's time zone (UTC when unknown), so a task due on Monday is on
    time until Monday ends where the patient is. The conditional UPDATE makes each task change, and so emit,
    exactly once, however many workers run this concurrently.
    """
    now = now or utcnow()
    # No time zone is more than a day ahead of UTC, so nothing due after UTC's tomorrow can be late anywhere.
    horizon = now.astimezone(UTC).date() + timedelta(days=1)
    marked = 0
    for task in _open_tasks(session, PlanTask.due_on < horizon):
        if not is_overdue(task.due_on, TaskStatus.PENDING, _local_today(now, task.timezone)):
            continue
        pending = PlanTask.status == TaskStatus.PENDING.value
        if _claim(session, task, pending, status=TaskStatus.OVERDUE.value, overdue_at=now, updated_at=now):
            _emit_task_event(session, task, EventType.FOLLOW_UP_TASK_OVERDUE)
            marked += 1
    return marked


def announce_due_tasks(session: Session, now: datetime | None = None) -> int:
    """Emit ``follow_up_task.due`` once for every open task of a running plan due today where the patient is.

    A task whose day has passed without a run of this job is not announced late (``follow_up_task.overdue``
    says what matters then). The conditional UPDATE on ``due_notified_at`` makes each announcement happen
    once, however many workers run this concurrently.
    """
    now = now or utcnow()
    utc_today = now.astimezone(UTC).date()
    # Local dates are within a day of UTC's.
    near = PlanTask.due_on.between(utc_today - timedelta(days=1), utc_today + timedelta(days=1))
    announced = 0
    for task in _open_tasks(session, PlanTask.due_notified_at.is_(None), near):
        if task.due_on != _local_today(now, task.timezone):
            continue
        if _claim(session, task, PlanTask.due_notified_at.is_(None), due_notified_at=now):
            _emit_task_event(session, task, EventType.FOLLOW_UP_TASK_DUE)
            announced += 1
    return announced


def _local_today(now: datetime, timezone: str | None) -> date:
    zone = ZoneInfo(timezone) if timezone and is_valid_timezone(timezone) else UTC
    return now.astimezone(zone).date()
