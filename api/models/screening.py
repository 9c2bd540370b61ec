from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.domain.eligibility import crisis_resources_for
from api.domain.screening import Instrument
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType


class Screening(Base):
    """One completed questionnaire, scored by the server; immutable once stored.

    ``plan_id`` links a follow-up check-in to its plan (the plans issue adds the table it points into).
    """

    __tablename__ = "screenings"
    __resource__ = Resource(
        "scr", "screening", audited=True, patient="patient_id", path="/v1/screenings/{id}"
    )
    __table_args__ = (
        Index("ix_screenings_partner_id_created_at_id", "partner_id", "created_at", "id"),
        Index("ix_screenings_patient_id_created_at_id", "patient_id", "created_at", "id"),
        Index("ix_screenings_consultation_id_instrument", "consultation_id", "instrument", "completed_at"),
        Index("ix_screenings_plan_id_created_at_id", "plan_id", "created_at", "id"),
        # A plan's PHQ-9 baseline among the patient's screenings before its start (population outcomes).
        Index("ix_screenings_patient_id_instrument_completed_at", "patient_id", "instrument", "completed_at"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    consultation_id: Mapped[str | None] = mapped_column(ForeignKey("consultations.id"))
    plan_id: Mapped[str | None] = mapped_column(String(40))
    instrument: Mapped[Instrument] = mapped_column(StrEnumType(Instrument, 20))
    answers: Mapped[Any] = mapped_column(JSONType)
    total: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str | None] = mapped_column(String(30))
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    loinc: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    completed_at: Mapped[datetime]
    submitted_by_client_id: Mapped[str | None] = mapped_column(String(80))
    submitted_by_user_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def score(self) -> dict[str, int | str | None]:
        return {"total": self.total, "severity": self.severity}

    @property
    def crisis_resources(self) -> list[dict[str, str]]:
        return [
            {"name": r.name, "contact": r.contact, "description": r.description}
            for r in crisis_resources_for(self.flags or [], at_check_in=self.plan_id is not None)
        ]
