from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, utcnow
from api.domain.consultation_status import ConsultationStatus, ReviewDecision, VisitOutcome
from api.domain.eligibility import EligibilityOutcome
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType

if TYPE_CHECKING:
    from api.models.escalation import Escalation
    from api.models.telemedicine import Visit


class Consultation(Base):
    """A patient's request for a consultation, from screening through booking to the visit.

    ``partner_id`` is copied from the patient so that every tenant query is one indexed column.
    The latest eligibility decision is kept whole (outcome, reasons, missing screenings, crisis
    resources) in ``eligibility``, so it reads back exactly as it was decided.
    """

    __tablename__ = "consultations"
    __resource__ = Resource(
        "con", "consultation", audited=True, patient="patient_id", path="/v1/consultations/{id}"
    )
    __table_args__ = (
        Index("ix_consultations_partner_id_created_at_id", "partner_id", "created_at", "id"),
        Index("ix_consultations_patient_id_created_at_id", "patient_id", "created_at", "id"),
        Index("ix_consultations_provider_id_created_at_id", "provider_id", "created_at", "id"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    status: Mapped[ConsultationStatus] = mapped_column(
        StrEnumType(ConsultationStatus, 20), default=ConsultationStatus.SUBMITTED
    )
    conditions: Mapped[list[str]] = mapped_column(JSONType)
    patient_location_state: Mapped[str] = mapped_column(String(2))
    preferred_language: Mapped[str | None] = mapped_column(String(35))
    preferred_routes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    preferred_times: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    # The assigned clinician, set by booking.
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    eligibility_outcome: Mapped[EligibilityOutcome] = mapped_column(
        StrEnumType(EligibilityOutcome, 20), default=EligibilityOutcome.PENDING
    )
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    eligibility_evaluated_at: Mapped[datetime | None]
    review_decision: Mapped[ReviewDecision | None] = mapped_column(StrEnumType(ReviewDecision, 20))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(40))
    reviewed_at: Mapped[datetime | None]
    # [2e] A psychiatrist approving an escalated case attests that a safety plan is documented.
    safety_plan_documented: Mapped[bool | None] = mapped_column(Boolean)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    outcome: Mapped[VisitOutcome | None] = mapped_column(StrEnumType(VisitOutcome, 40))
    summary: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    created_by_client_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # [2e] Every escalation of the case, oldest first (api.services.escalations writes them).
    escalations: Mapped[list[Escalation]] = relationship(
        order_by="[Escalation.escalated_at, Escalation.id]", viewonly=True
    )

    @property
    def escalation(self) -> Escalation | None:
        """The latest escalation (``escalation {...}`` on the consultation), None when never escalated."""
        return self.escalations[-1] if self.escalations else None

    # The visit ``/start`` recorded (clinical-rules.md §5), None before it.
    visit: Mapped[Visit | None] = relationship(lazy="selectin", uselist=False, viewonly=True)
