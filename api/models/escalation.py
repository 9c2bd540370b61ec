from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.domain.escalation import ContactOutcome, EscalationSubject
from api.models.resources import Resource
from api.models.types import StrEnumType


class Escalation(Base):
    """A suicide-risk crisis that needs a clinician's urgent contact (clinical-rules.md §2 and §4, [2e]).

    One table for both subjects: a consultation escalated at intake (``consultation_id``) or a follow-up plan
    whose check-in found a C-SSRS ``high`` (``plan_id``); exactly one of the two is set (a check constraint).
    A subject may be escalated more than once (a new crisis after an earlier one was handled): each time is a
    row, and the subject's ``escalation`` is its latest row (``api.services.escalations.latest_escalation``).

    How a plan uses it (api/services/escalations.py does the work for both subjects):

    - open one with ``open_escalation(session, plan=plan, screening=screening)`` when a check-in's C-SSRS is
      ``high`` (the plan goes ``on_hold`` as before);
    - serve ``escalation`` on the plan with ``escalation_view(latest_escalation(session, plan=plan))``;
    - ``POST /v1/follow-up-plans/{id}/acknowledge-escalation`` calls ``acknowledge(session, principal,
      escalation, note=..., contact_outcome=...)`` (provider only, 409 ``already_acknowledged``);
    - reactivation by a psychiatrist checks ``require_psychiatrist`` (api.domain.escalation) and that the
      latest escalation is acknowledged (422 ``escalation_not_acknowledged``);
    - the worker's ``announce_unacknowledged_escalations`` already covers plan rows: it emits
      ``follow_up_plan.escalation_unacknowledged`` for them (``consultation.escalation_unacknowledged`` for
      consultations), at each multiple of ``ESCALATION_ACK_MINUTES`` after ``escalated_at``.

    ``announced_intervals`` is the last multiple of the interval announced unacknowledged (0: none yet), so a
    repeated or concurrent worker pass never announces one interval twice.
    """

    __tablename__ = "escalations"
    __resource__ = Resource("esc", "escalation", audited=True, patient="patient_id")
    __table_args__ = (
        CheckConstraint("(consultation_id IS NULL) <> (plan_id IS NULL)", name="one_subject"),
        Index("ix_escalations_consultation_id_escalated_at", "consultation_id", "escalated_at"),
        Index("ix_escalations_plan_id_escalated_at", "plan_id", "escalated_at"),
        Index("ix_escalations_acknowledged_at_escalated_at", "acknowledged_at", "escalated_at"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    consultation_id: Mapped[str | None] = mapped_column(ForeignKey("consultations.id"))
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("follow_up_plans.id"))
    # The screening whose C-SSRS high opened it.
    screening_id: Mapped[str | None] = mapped_column(ForeignKey("screenings.id"))
    escalated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(40))  # the provider's id
    contact_outcome: Mapped[ContactOutcome | None] = mapped_column(StrEnumType(ContactOutcome, 20))
    note: Mapped[str | None] = mapped_column(Text)
    announced_intervals: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def subject(self) -> EscalationSubject:
        return EscalationSubject.CONSULTATION if self.consultation_id else EscalationSubject.FOLLOW_UP_PLAN
