"""Plans with known PHQ-9 courses, arranged directly in the database, for the population outcomes tests.

How the plans got there (created, activated, checked in) is the plans tests' business; here each plan is
what the cohort rules read: a patient (birth date, sex), a consultation (the state), a plan (protocol,
route, start, activated or not), the patient's PHQ-9 before the start (the baseline window) or the plan's
baseline check-in, its follow-up PHQ-9s and its adverse events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from sqlalchemy.orm import Session

from api.domain.protocols import TaskKind, TaskPurpose, TaskStatus
from api.models import (
    AdverseEvent,
    CheckInAnswer,
    Consultation,
    FollowUpPlan,
    Patient,
    PlanTask,
    Provider,
    Screening,
)

START = date(2026, 3, 2)
_numbers = count(1)


@dataclass(frozen=True)
class PlanSpec:
    protocol: str = "iv_induction"
    route: str = "intravenous"
    start: date = START
    # The patient's PHQ-9 this many days before the start (None: none), and its total.
    baseline: int | None = 20
    baseline_days_before: int = 3
    # The baseline answered through the plan's baseline check-in instead (its PHQ-9's total).
    task_baseline: int | None = None
    # Follow-up PHQ-9 totals, one a week from the start's day 7.
    follow_ups: tuple[int, ...] = ()
    # A PHQ-9 of the plan itself before its start (a check-in answered early: never its baseline).
    own_check_in_before: int | None = None
    activated: bool = True
    birth_date: date = date(1980, 6, 15)
    sex: str = "female"
    state: str = "TX"
    adverse_events: tuple[tuple[str, str], ...] = ()


@dataclass
class Arranged:
    plan_ids: list[str] = field(default_factory=list)
    patient_ids: list[str] = field(default_factory=list)


def provider(db: Session) -> str:
    row = Provider(
        npi="1234567893",
        given_name="Grace",
        family_name="Clinician",
        credential="MD",
        max_active_patients=20,
        timezone="America/Chicago",
    )
    db.add(row)
    db.flush()
    return row.id


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, next(_numbers) % 60), tzinfo=UTC)


def _phq9(
    db: Session, partner_id: str, patient_id: str, total: int, at: datetime, plan_id: str | None
) -> str:
    screening = Screening(
        partner_id=partner_id,
        patient_id=patient_id,
        plan_id=plan_id,
        instrument="phq9",
        answers=[],
        total=total,
        severity="arranged",
        flags=[],
        loinc={},
        completed_at=at,
    )
    db.add(screening)
    db.flush()
    return screening.id


def arrange(db: Session, partner_id: str, provider_id: str, specs: list[PlanSpec]) -> Arranged:
    """One patient, consultation and plan per spec, committed."""
    arranged = Arranged()
    for spec in specs:
        n = next(_numbers)
        patient = Patient(
            partner_id=partner_id,
            external_id=f"EXT-{n:05d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            birth_date=spec.birth_date,
            sex_at_birth=spec.sex,
            email=f"patient{n}@example.test",
            phone=f"+1415555{n % 10000:04d}",
            address_line1=f"{n} Main St",
            address_city="Austin",
            address_state=spec.state,
            address_postal_code=f"{78700 + n % 100:05d}",
        )
        db.add(patient)
        db.flush()
        consultation = Consultation(
            partner_id=partner_id,
            patient_id=patient.id,
            status="completed",
            conditions=["major_depression"],
            patient_location_state=spec.state,
            provider_id=provider_id,
            eligibility_outcome="eligible",
            outcome="treatment_recommended",
            completed_at=_at(spec.start - timedelta(days=5)),
        )
        db.add(consultation)
        db.flush()
        plan = FollowUpPlan(
            partner_id=partner_id,
            patient_id=patient.id,
            consultation_id=consultation.id,
            provider_id=provider_id,
            status="completed" if spec.activated else "draft",
            protocol=spec.protocol,
            route=spec.route,
            start_date=spec.start,
            end_date=spec.start + timedelta(days=84),
            check_in_instruments=["phq9", "cssrs"],
            check_in_interval_days=7,
            activated_at=_at(spec.start) if spec.activated else None,
        )
        db.add(plan)
        db.flush()
        if spec.baseline is not None:
            _phq9(
                db,
                partner_id,
                patient.id,
                spec.baseline,
                _at(spec.start - timedelta(spec.baseline_days_before)),
                None,
            )
        if spec.own_check_in_before is not None:
            _phq9(
                db,
                partner_id,
                patient.id,
                spec.own_check_in_before,
                _at(spec.start - timedelta(days=1)),
                plan.id,
            )
        if spec.task_baseline is not None:
            task = PlanTask(
                plan_id=plan.id,
                kind=TaskKind.CHECK_IN,
                due_on=spec.start,
                sequence=0,
                status=TaskStatus.DONE,
                instruments=["phq9", "cssrs"],
                purpose=TaskPurpose.BASELINE,
            )
            db.add(task)
            db.flush()
            screening_id = _phq9(db, partner_id, patient.id, spec.task_baseline, _at(spec.start, 8), plan.id)
            db.add(CheckInAnswer(task_id=task.id, screening_id=screening_id, position=0))
        for week, total in enumerate(spec.follow_ups, start=1):
            _phq9(db, partner_id, patient.id, total, _at(spec.start + timedelta(weeks=week)), plan.id)
        for kind, severity in spec.adverse_events:
            db.add(
                AdverseEvent(
                    plan_id=plan.id,
                    partner_id=partner_id,
                    patient_id=patient.id,
                    type=kind,
                    severity=severity,
                    onset_at=_at(spec.start + timedelta(days=1)),
                    description="Felt dizzy after the session near the clinic",
                    reported_by=provider_id,
                    reported_by_type="provider",
                )
            )
        db.flush()
        arranged.plan_ids.append(plan.id)
        arranged.patient_ids.append(patient.id)
    db.commit()
    return arranged


def many(n: int, spec: PlanSpec) -> list[PlanSpec]:
    return [spec] * n
