from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.models.resources import Resource


class Patient(Base):
    __tablename__ = "patients"
    __resource__ = Resource("pat", "patient", audited=True, patient="id", path="/v1/patients/{id}")
    __table_args__ = (
        UniqueConstraint("partner_id", "external_id"),
        # Keyset pagination within a tenant, newest first.
        Index("ix_patients_partner_id_created_at_id", "partner_id", "created_at", "id"),
        Index("ix_patients_partner_id_email", "partner_id", "email"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date]
    sex_at_birth: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    preferred_language: Mapped[str] = mapped_column(String(35), default="en")
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_city: Mapped[str | None] = mapped_column(String(100))
    address_state: Mapped[str | None] = mapped_column(String(2))
    address_postal_code: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # [2e] The patient's Spravato REMS enrolment (PUT /v1/patients/{id}/rems-enrollment); null until recorded.
    rems_enrolled_on: Mapped[date | None] = mapped_column(default=None)
    rems_enrollment_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def rems_enrollment(self) -> dict[str, object] | None:
        if self.rems_enrolled_on is None or self.rems_enrollment_id is None:
            return None
        return {"enrolled_on": self.rems_enrolled_on, "enrollment_id": self.rems_enrollment_id}

    @property
    def address(self) -> dict[str, str | None] | None:
        if not any((self.address_line1, self.address_city, self.address_state, self.address_postal_code)):
            return None
        return {
            "line1": self.address_line1,
            "city": self.address_city,
            "state": self.address_state,
            "postal_code": self.address_postal_code,
        }


class Consent(Base):
    __tablename__ = "consents"
    __resource__ = Resource("cns", "consent", audited=True, patient="patient_id")
    __table_args__ = (Index("ix_consents_patient_id_created_at_id", "patient_id", "created_at", "id"),)

    id: Mapped[str] = __resource__.id_column()
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    type: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    accepted_at: Mapped[datetime]
    recorded_by_client_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once, when the patient withdraws it: from then on it no longer counts (api.services.consents).
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)


class Invitation(Base):
    """A one-time activation link that lets a patient set a password and sign in."""

    __tablename__ = "invitations"
    __resource__ = Resource("inv", "invitation", audited=True, patient="patient_id")

    id: Mapped[str] = __resource__.id_column()
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
