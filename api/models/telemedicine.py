"""Telemedicine visits, in-person evaluations, PDMP checks and prescriptions (clinical-rules.md §5).

Each is a record of a clinical or legal fact and is never edited: a prescription is only cancelled (with a
reason), never changed. ``partner_id`` and ``patient_id`` are copied on every row so that every tenant query
is one indexed column.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.domain.protocols import Route
from api.domain.telemedicine import (
    Dispensing,
    IdentityMethod,
    LegalBasis,
    Medication,
    Modality,
    PdmpResult,
    PrescriptionStatus,
    prescription_status,
)
from api.models.resources import Resource
from api.models.types import StrEnumType


class Visit(Base):
    """A visit with the patient: a consultation's (started by ``/start``, completed by ``/complete``) or a
    follow-up visit on a plan (recorded when held). Where the patient was, how, and who was with them."""

    __tablename__ = "visits"
    __resource__ = Resource("vis", "visit", audited=True, patient="patient_id")
    __table_args__ = (
        Index("ix_visits_plan_id_created_at_id", "plan_id", "created_at", "id"),
        Index("ix_visits_patient_id_created_at_id", "patient_id", "created_at", "id"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    # One of the two: the consultation whose visit it is (at most one), or the plan it follows up.
    consultation_id: Mapped[str | None] = mapped_column(ForeignKey("consultations.id"), unique=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("follow_up_plans.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    modality: Mapped[Modality] = mapped_column(StrEnumType(Modality, 20))
    patient_location_state: Mapped[str] = mapped_column(String(2))
    # A site is no foreign key: a provider may replace their sites, and the visit stays as it was held. Its
    # state is kept with it (the permanent exception of 802(54)(A) is judged on it).
    patient_site_id: Mapped[str | None] = mapped_column(String(40))
    patient_site_state: Mapped[str | None] = mapped_column(String(2))
    present_practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    identity_verified: Mapped[bool] = mapped_column(Boolean)
    identity_method: Mapped[IdentityMethod] = mapped_column(StrEnumType(IdentityMethod, 20))
    note: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InPersonEvaluation(Base):
    """A medical evaluation of the patient in the physical presence of the provider (21 U.S.C. 829(e)(2)(B)),
    recorded by that provider, or by the completion of an in-person visit."""

    __tablename__ = "in_person_evaluations"
    __resource__ = Resource("ipe", "in_person_evaluation", audited=True, patient="patient_id")
    __table_args__ = (
        Index("ix_in_person_evaluations_patient_id_created_at_id", "patient_id", "created_at", "id"),
        Index("ix_in_person_evaluations_provider_id_patient_id", "provider_id", "patient_id"),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    evaluated_on: Mapped[date]
    site_id: Mapped[str | None] = mapped_column(String(40))  # as the site was named; sites may be replaced
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PdmpCheck(Base):
    """A query of a state's prescription drug monitoring programme by a provider, and what it showed."""

    __tablename__ = "pdmp_checks"
    __resource__ = Resource("pdmp", "pdmp_check", audited=True, patient="patient_id")
    __table_args__ = (Index("ix_pdmp_checks_patient_id_created_at_id", "patient_id", "created_at", "id"),)

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    state: Mapped[str] = mapped_column(String(2))
    checked_at: Mapped[datetime]
    result: Mapped[PdmpResult] = mapped_column(StrEnumType(PdmpResult, 20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Prescription(Base):
    """A controlled-substance prescription of a plan, as issued: immutable, cancellable. The legal basis
    and the visit's facts it was judged on are stored with it, so it reads back as it was decided."""

    __tablename__ = "prescriptions"
    __resource__ = Resource(
        "rx",
        "prescription",
        audited=True,
        patient="patient_id",
        path="/v1/follow-up-plans/{plan_id}/prescriptions/{id}",
    )
    __table_args__ = (Index("ix_prescriptions_plan_id_created_at_id", "plan_id", "created_at", "id"),)

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    plan_id: Mapped[str] = mapped_column(ForeignKey("follow_up_plans.id"))
    prescriber_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    medication: Mapped[Medication] = mapped_column(StrEnumType(Medication, 20))
    route: Mapped[Route] = mapped_column(StrEnumType(Route, 20))
    dose_mg: Mapped[float] = mapped_column(Float)
    quantity: Mapped[float] = mapped_column(Float)
    days_supply: Mapped[int] = mapped_column(Integer)
    refills: Mapped[int] = mapped_column(Integer)
    dispensing: Mapped[Dispensing] = mapped_column(StrEnumType(Dispensing, 30))
    site_id: Mapped[str | None] = mapped_column(String(40))  # checked at issue; sites may be replaced
    pharmacy_ncpdp_id: Mapped[str | None] = mapped_column(String(7))
    pdmp_check_id: Mapped[str] = mapped_column(ForeignKey("pdmp_checks.id"))
    pdmp_unverified: Mapped[bool] = mapped_column(Boolean)
    legal_basis_code: Mapped[str] = mapped_column(String(80))
    legal_basis_source: Mapped[str] = mapped_column(String(200))
    visit_modality: Mapped[Modality] = mapped_column(StrEnumType(Modality, 20))
    patient_location_state: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime]
    active_until: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def legal_basis(self) -> dict[str, str]:
        return LegalBasis(self.legal_basis_code, self.legal_basis_source).as_dict()

    @property
    def status(self) -> PrescriptionStatus:
        return prescription_status(
            cancelled=self.cancelled_at is not None, active_until=self.active_until, now=utcnow()
        )
