"""[2e] Whether a session task may be recorded now (clinical-rules.md §4 "Plan guards" and "Crisis at a
check-in").

One place decides it, called once at the start of recording a session (api.services.plan_tasks):

- an open risk review (a C-SSRS ``moderate`` or active suicidal ideation at a check-in): no session until a
  provider has done it (422 ``risk_review_pending``);
- an open end-of-induction review: no session due on or after its due date (422 ``induction_review_pending``);
- the session frequency, on the ``administered_at`` of the plan's recorded sessions and this one: at most 2
  (intranasal) or 3 (other routes) in any 7 consecutive days unless a psychiatrist lifted the weekly limit,
  never two on one day (422 ``session_frequency_exceeded``, pointer ``/administered_at``).

Every failure is listed in ``errors``; the problem's code is the first, in the order above (the most urgent).
Days are the provider's local dates (a session at 23:30 and the next at 08:00 are on two days where the
clinic is), as on the REMS form.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.protocols import (
    Route,
    TaskKind,
    TaskPurpose,
    frequency_message,
    session_fits,
)
from api.errors import FieldError, RuleViolation
from api.models import FollowUpPlan, PlanTask, Provider, SessionRecord
from api.services.plans import OPEN_TASK_STATUSES


def check_session_gate(
    session: Session, plan: FollowUpPlan, task: PlanTask, administered_at: datetime
) -> None:
    """Refuse to record ``task`` now when a review is open before it or the session would be too frequent."""
    errors: list[FieldError] = []
    open_reviews = list(
        session.scalars(
            select(PlanTask).where(
                PlanTask.plan_id == plan.id,
                PlanTask.kind == TaskKind.REVIEW,
                PlanTask.status.in_(OPEN_TASK_STATUSES),
            )
        )
    )
    for review in open_reviews:
        if review.purpose == TaskPurpose.RISK_REVIEW:
            errors.append(
                FieldError(
                    "/task_id",
                    "risk_review_pending",
                    f"A provider must complete the risk review {review.id} (due {review.due_on}) first.",
                )
            )
    for review in open_reviews:
        if review.purpose == TaskPurpose.INDUCTION_REVIEW and task.due_on >= review.due_on:
            errors.append(
                FieldError(
                    "/task_id",
                    "induction_review_pending",
                    f"The end-of-induction review {review.id} (due {review.due_on}) must be done before "
                    "a session due on or after it.",
                )
            )
    overridden = plan.frequency_override_reason is not None
    if not session_fits(
        _recorded_days(session, plan),
        _local_day(session, plan, administered_at),
        Route(plan.route),
        frequency_overridden=overridden,
    ):
        errors.append(
            FieldError(
                "/administered_at",
                "session_frequency_exceeded",
                frequency_message(Route(plan.route), frequency_overridden=overridden),
            )
        )
    if errors:
        raise RuleViolation(
            "The session cannot be recorded now: " + " ".join(error.message for error in errors),
            code=errors[0].code,
            errors=errors,
        )


def _recorded_days(session: Session, plan: FollowUpPlan) -> list[date]:
    moments = session.scalars(select(SessionRecord.administered_at).where(SessionRecord.plan_id == plan.id))
    return [_local_day(session, plan, moment) for moment in moments]


def _local_day(session: Session, plan: FollowUpPlan, moment: datetime) -> date:
    provider = session.get(Provider, plan.provider_id)
    zone = ZoneInfo(provider.timezone) if provider is not None and provider.timezone else None
    return moment.astimezone(zone).date() if zone is not None else moment.date()
