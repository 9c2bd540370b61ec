"""Follow-up plans' data arranged in the database for the FHIR tests of CarePlan, the vital-sign Observations,
AdverseEvent and Consent (how it got there is the plans and sessions issues' business; tests/fhir/test_care.py
records one session through the API too).

Partner A's Alice: an active intranasal plan with one recorded session (three monitoring readings, the first
two with heart rate and SpO2, the last without SpO2), a mild nausea reported with that session and a serious
event on its own; her telehealth consent, and a data-sharing consent she withdrew. Partner B's patient: a
plan with a recorded session and a consent (another tenant's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from api.models import AdverseEvent, Consent, Consultation, FollowUpPlan, PlanTask, SessionRecord
from tests.world import World

ADMINISTERED = datetime(2026, 1, 6, 15, 0, tzinfo=UTC)
READINGS = [
    {"minute": 0, "systolic": 128, "diastolic": 82, "heart_rate": 72, "spo2": 98, "sedation_moaas": 5,
     "dissociation": "none"},
    {"minute": 40, "systolic": 138, "diastolic": 88, "heart_rate": 80, "spo2": 97, "sedation_moaas": 4,
     "dissociation": "mild"},
    {"minute": 120, "systolic": 130, "diastolic": 84, "heart_rate": 74, "sedation_moaas": 5,
     "dissociation": "none"},
]  # fmt: skip


@dataclass(frozen=True)
class CareRows:
    plan: str
    task: str  # the recorded session
    nausea: str  # adverse event with the session
    serious: str  # adverse event on its own
    telehealth: str  # consent
    withdrawn: str  # consent (data sharing), withdrawn
    other_plan: str  # partner B's
    other_task: str
    other_consent: str


def _plan(db: Session, partner: str, patient: str, provider: str) -> str:
    consultation = Consultation(
        partner_id=partner,
        patient_id=patient,
        status="completed",
        conditions=["major_depression"],
        patient_location_state="TX",
        provider_id=provider,
        eligibility_outcome="eligible",
        outcome="treatment_recommended",
        completed_at=datetime(2026, 1, 2, 16, 0, tzinfo=UTC),
    )
    db.add(consultation)
    db.flush()
    plan = FollowUpPlan(
        partner_id=partner,
        patient_id=patient,
        consultation_id=consultation.id,
        provider_id=provider,
        status="active",
        protocol="intranasal_esketamine",
        route="intranasal",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 3, 1),
        dose_note="56 mg <then> 84 mg & review",  # free text: escaped in the narrative
        check_in_instruments=["phq9", "cssrs"],
        check_in_interval_days=7,
        activated_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )
    db.add(plan)
    db.flush()
    return plan.id


def _session(db: Session, plan: str, provider: str) -> str:
    task = PlanTask(plan_id=plan, kind="session", due_on=date(2026, 1, 6), sequence=1, status="done")
    db.add(task)
    db.flush()
    db.add(
        SessionRecord(
            task_id=task.id,
            plan_id=plan,
            administered_at=ADMINISTERED,
            pre_systolic=128,
            pre_diastolic=82,
            post_systolic=130,
            post_diastolic=84,
            observation_minutes=120,
            escort_confirmed=True,
            dose_mg=56,
            readings=[dict(r) for r in READINGS],
            monitored_by=provider,
            recorded_by=provider,
            recorded_by_type="provider",
        )
    )
    db.flush()
    return task.id


def _event(db: Session, plan: str, partner: str, patient: str, task: str | None, **fields: object) -> str:
    row = AdverseEvent(
        plan_id=plan,
        partner_id=partner,
        patient_id=patient,
        task_id=task,
        reported_by="someone",
        reported_by_type="provider",
        **fields,
    )
    db.add(row)
    db.flush()
    return row.id


def _consent(db: Session, patient: str, type: str, withdrawn_at: datetime | None = None) -> str:
    row = Consent(
        patient_id=patient,
        type=type,
        version="2",
        accepted_at=datetime(2026, 1, 2, 9, 0, tzinfo=UTC),
        withdrawn_at=withdrawn_at,
    )
    db.add(row)
    db.flush()
    return row.id


def arrange(db: Session, world: World, provider: str) -> CareRows:
    plan = _plan(db, world.partner_a, world.patient_a1, provider)
    task = _session(db, plan, provider)
    nausea = _event(
        db,
        plan,
        world.partner_a,
        world.patient_a1,
        task,
        type="nausea",
        severity="mild",
        onset_at=datetime(2026, 1, 6, 15, 20, tzinfo=UTC),
        description="Nausea after the second spray",
    )
    serious = _event(
        db,
        plan,
        world.partner_a,
        world.patient_a1,
        None,
        type="other",
        severity="serious",
        onset_at=datetime(2026, 1, 8, 22, 0, tzinfo=UTC),
    )
    telehealth = _consent(db, world.patient_a1, "telehealth")
    withdrawn = _consent(db, world.patient_a1, "data_sharing", datetime(2026, 1, 9, 12, 0, tzinfo=UTC))
    other_plan = _plan(db, world.partner_b, world.patient_b1, provider)
    other_task = _session(db, other_plan, provider)
    other_consent = _consent(db, world.patient_b1, "telehealth")
    db.commit()
    return CareRows(plan, task, nausea, serious, telehealth, withdrawn, other_plan, other_task, other_consent)
