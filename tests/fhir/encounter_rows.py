"""Consultations, appointments, visits and prescriptions arranged in the database for the FHIR tests of
ServiceRequest, Encounter, Appointment and MedicationRequest (how they got there is the consultation, booking,
visit and prescribing issues' business; tests/fhir/test_medication_requests.py issues its prescriptions
through the API).

Partner A's Alice: a completed consultation (its completed appointment, its video visit), a scheduled one (a
booked appointment, no visit yet), a plan on the first with an in-person follow-up visit at a site with a
second clinician present, an esketamine prescription of that visit (administered at the clinic) and a
cancelled oral ketamine one. Partner A's Amir: a consultation completed before visits were recorded (no visit
row). Partner B's patient: a completed consultation with its visit (another tenant's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from api.models import Appointment, Consultation, FollowUpPlan, PdmpCheck, Prescription, Visit
from tests.world import World

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # the first consultation's visit


@dataclass(frozen=True)
class Arranged:
    completed: str  # consultation
    scheduled: str  # consultation, booked
    unrecorded: str  # consultation started before visits were recorded (Amir's)
    other_tenant: str  # consultation of partner B
    held_appointment: str
    booked_appointment: str
    video_visit: str
    in_person_visit: str
    other_tenant_visit: str
    plan: str
    esketamine: str  # prescription
    cancelled: str  # prescription
    site: str | None


def _consultation(
    db: Session, partner: str, patient: str, provider: str, status: str, **extra: object
) -> str:
    row = Consultation(
        partner_id=partner,
        patient_id=patient,
        status=status,
        conditions=["treatment_resistant_depression", "ptsd"],
        patient_location_state="TX",
        provider_id=provider,
        eligibility_outcome="eligible",
        **extra,
    )
    db.add(row)
    db.flush()
    return row.id


def _appointment(
    db: Session, partner: str, consultation: str, provider: str, at: datetime, status: str
) -> str:
    row = Appointment(
        partner_id=partner,
        consultation_id=consultation,
        provider_id=provider,
        starts_at=at,
        ends_at=at + timedelta(minutes=45),
        status=status,
        video_url="https://video.example/secret-token",
    )
    db.add(row)
    db.flush()
    return row.id


def _visit(db: Session, partner: str, patient: str, provider: str, at: datetime, **extra: object) -> str:
    row = Visit(
        partner_id=partner,
        patient_id=patient,
        provider_id=provider,
        patient_location_state="TX",
        identity_verified=True,
        identity_method="photo_id",
        started_at=at,
        completed_at=at + timedelta(minutes=40),
        **extra,
    )
    db.add(row)
    db.flush()
    return row.id


def _prescription(db: Session, plan: FollowUpPlan, visit: str, **extra: object) -> str:
    check = PdmpCheck(
        partner_id=plan.partner_id,
        patient_id=plan.patient_id,
        provider_id=plan.provider_id,
        state="TX",
        checked_at=T0 + timedelta(days=6),
        result="no_concerns",
    )
    db.add(check)
    db.flush()
    issued = T0 + timedelta(days=7)
    row = Prescription(
        partner_id=plan.partner_id,
        patient_id=plan.patient_id,
        plan_id=plan.id,
        prescriber_id=plan.provider_id,
        visit_id=visit,
        pdmp_check_id=check.id,
        pdmp_unverified=False,
        legal_basis_code="in_person_evaluation",
        legal_basis_source="21 U.S.C. 829(e)(2)(A)(i)",
        visit_modality="in_person",
        patient_location_state="TX",
        issued_at=issued,
        active_until=issued + timedelta(days=3650),
        quantity=2,
        days_supply=28,
        refills=0,
        **extra,
    )
    db.add(row)
    db.flush()
    return row.id


def arrange(db: Session, world: World, provider: str, other_provider: str, site: str | None) -> Arranged:
    a, alice, amir = world.partner_a, world.patient_a1, world.patient_a2
    completed = _consultation(
        db, a, alice, provider, "completed", started_at=T0, completed_at=T0 + timedelta(minutes=40)
    )
    held = _appointment(db, a, completed, provider, T0, "completed")
    video = _visit(db, a, alice, provider, T0, consultation_id=completed, modality="audio_video")
    scheduled = _consultation(db, a, alice, provider, "scheduled")
    booked = _appointment(db, a, scheduled, provider, T0 + timedelta(days=30), "booked")
    unrecorded = _consultation(
        db,
        a,
        amir,
        provider,
        "completed",
        started_at=T0 - timedelta(days=60),
        completed_at=T0 - timedelta(days=60, minutes=-30),
    )
    plan = FollowUpPlan(
        partner_id=a,
        patient_id=alice,
        consultation_id=completed,
        provider_id=provider,
        status="active",
        protocol="intranasal_esketamine",
        route="intranasal",
        start_date=date(2026, 1, 12),
        end_date=date(2026, 3, 12),
        check_in_interval_days=7,
    )
    db.add(plan)
    db.flush()
    in_person = _visit(
        db,
        a,
        alice,
        provider,
        T0 + timedelta(days=6),
        plan_id=plan.id,
        modality="in_person",
        patient_site_id=site,
        patient_site_state="TX" if site else None,
        present_practitioner_id=other_provider,
    )
    esketamine = _prescription(
        db,
        plan,
        in_person,
        medication="esketamine",
        route="intranasal",
        dose_mg=56,
        dispensing="clinic_administered",
        site_id=site,
    )
    cancelled = _prescription(
        db,
        plan,
        in_person,
        medication="ketamine",
        route="oral",
        dose_mg=100,
        dispensing="pharmacy",
        pharmacy_ncpdp_id="1234567",
        cancelled_at=T0 + timedelta(days=8),
        cancelled_by="provider",
        cancel_reason="Dose changed",
    )
    b = world.partner_b
    other = _consultation(
        db, b, world.patient_b1, provider, "completed", started_at=T0, completed_at=T0 + timedelta(minutes=40)
    )
    other_visit = _visit(db, b, world.patient_b1, provider, T0, consultation_id=other, modality="audio_only")
    db.commit()
    return Arranged(
        completed=completed,
        scheduled=scheduled,
        unrecorded=unrecorded,
        other_tenant=other,
        held_appointment=held,
        booked_appointment=booked,
        video_visit=video,
        in_person_visit=in_person,
        other_tenant_visit=other_visit,
        plan=plan.id,
        esketamine=esketamine,
        cancelled=cancelled,
        site=site,
    )
