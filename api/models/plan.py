from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, utcnow
from api.domain.plan_status import TERMINAL_STATUSES, PlanStatus
from api.domain.protocols import ReviewDecision, Route, TaskKind, TaskPurpose, TaskStatus, TreatmentProtocol
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType, Disposition, dose_mg_per_kg
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType

if TYPE_CHECKING:
    from api.models.escalation import Escalation

# At most one plan still running (not in a terminal status) per consultation: a partial unique index.
_OPEN_PLAN_PREDICATE = text(
    "status IN (" + ", ".join(f"'{s}'" for s in PlanStatus if s not in TERMINAL_STATUSES) + ")"
)


class FollowUpPlan(Base):
    """The weeks of care after a consultation: a protocol's sessions and check-ins, and its life cycle.

    ``partner_id``, ``patient_id`` and ``provider_id`` are copied from the consultation so that every tenant
    query is one indexed column. The schedule fields are kept as given; the tasks are generated from them.
    """

    __tablename__ = "follow_up_plans"
    __resource__ = Resource(
        "pln", "follow_up_plan", audited=True, patient="patient_id", path="/v1/follow-up-plans/{id}"
    )
    __table_args__ = (
        Index("ix_follow_up_plans_partner_id_created_at_id", "partner_id", "created_at", "id"),
        Index("ix_follow_up_plans_patient_id_created_at_id", "patient_id", "created_at", "id"),
        Index("ix_follow_up_plans_provider_id_created_at_id", "provider_id", "created_at", "id"),
        Index(
            "uq_follow_up_plans_open_consultation_id",
            "consultation_id",
            unique=True,
            sqlite_where=_OPEN_PLAN_PREDICATE,
            postgresql_where=_OPEN_PLAN_PREDICATE,
        ),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    status: Mapped[PlanStatus] = mapped_column(StrEnumType(PlanStatus, 20), default=PlanStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # On hold for a patient's safety (a severe or serious adverse event, a crisis at a check-in): only a
    # provider may resume it, with a reason.
    held_for_safety: Mapped[bool] = mapped_column(Boolean, default=False)
    # [2e] On hold for a crisis escalated at a check-in (C-SSRS high): only a psychiatrist resumes it, once
    # the escalation is acknowledged, with a reason and a documented safety plan.
    held_for_escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    protocol: Mapped[TreatmentProtocol] = mapped_column(StrEnumType(TreatmentProtocol, 40))
    route: Mapped[Route] = mapped_column(StrEnumType(Route, 20))
    start_date: Mapped[date]
    end_date: Mapped[date]
    dose_note: Mapped[str | None] = mapped_column(Text)
    check_in_instruments: Mapped[list[str]] = mapped_column(JSONType, default=list)
    check_in_interval_days: Mapped[int] = mapped_column(Integer)
    # [2e] A psychiatrist's reason to lift the weekly session limit (never more than one session a day).
    frequency_override_reason: Mapped[str | None] = mapped_column(Text)
    frequency_override_by: Mapped[str | None] = mapped_column(String(80))
    created_by: Mapped[str | None] = mapped_column(String(80))
    activated_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # [2e] Every escalation of the plan, oldest first (api.services.escalations writes them).
    escalations: Mapped[list[Escalation]] = relationship(
        order_by="[Escalation.escalated_at, Escalation.id]", viewonly=True
    )

    @property
    def escalation(self) -> Escalation | None:
        """The latest escalation (``escalation {...}`` on the plan), None when never escalated."""
        return self.escalations[-1] if self.escalations else None


class PlanTask(Base):
    """One treatment session, check-in or review of a plan, due on a date.

    A plan has at most one task of each kind per day, so ``(plan_id, due_on, kind)`` orders and pages the
    tasks; ``sequence`` is the position in the plan (renumbered whenever the schedule changes). ``purpose``
    tells a baseline check-in from a routine one, and an end-of-induction review from a risk review.
    """

    __tablename__ = "plan_tasks"
    __resource__ = Resource(
        "tsk",
        "follow_up_task",
        audited=True,
        patient_via="plan_id",
        path="/v1/follow-up-plans/{plan_id}/tasks/{id}",
    )
    __table_args__ = (
        UniqueConstraint("plan_id", "due_on", "kind"),
        # The overdue job looks for open tasks by due date.
        Index("ix_plan_tasks_status_due_on", "status", "due_on"),
    )

    id: Mapped[str] = __resource__.id_column()
    plan_id: Mapped[str] = mapped_column(ForeignKey("follow_up_plans.id"))
    kind: Mapped[TaskKind] = mapped_column(StrEnumType(TaskKind, 20))
    due_on: Mapped[date]
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[TaskStatus] = mapped_column(StrEnumType(TaskStatus, 20), default=TaskStatus.PENDING)
    instructions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    instruments: Mapped[list[str]] = mapped_column(JSONType, default=list)
    purpose: Mapped[TaskPurpose] = mapped_column(StrEnumType(TaskPurpose, 20), default=TaskPurpose.TREATMENT)
    # Before 0015 the check-in's one answer; since then always null (its answers are CheckInAnswer rows). Kept
    # because SQLite cannot drop a column with a UNIQUE constraint without rebuilding a referenced table.
    legacy_screening_id: Mapped[str | None] = mapped_column(
        "screening_id", ForeignKey("screenings.id"), unique=True, default=None
    )
    # [2e] A review's decision (kind review): continue or stop, the provider's note, who and when.
    review_decision: Mapped[ReviewDecision | None] = mapped_column(StrEnumType(ReviewDecision, 20))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(80))
    overdue_at: Mapped[datetime | None]
    # When follow_up_task.due was emitted (on the due day, in the patient's time zone; once).
    due_notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session_record: Mapped[SessionRecord | None] = relationship(lazy="selectin", uselist=False)
    answers: Mapped[list[CheckInAnswer]] = relationship(
        lazy="selectin", order_by="CheckInAnswer.position", cascade="all, delete-orphan"
    )

    @property
    def screening_ids(self) -> list[str]:
        """The screenings that answered a check-in (or, for a risk review, the finding that raised it)."""
        return [answer.screening_id for answer in self.answers]

    @property
    def screening_id(self) -> str | None:
        """Deprecated: the first of ``screening_ids``."""
        ids = self.screening_ids
        return ids[0] if ids else None

    @property
    def review(self) -> dict[str, Any] | None:
        if self.review_decision is None:
            return None
        return {
            "decision": self.review_decision,
            "note": self.review_note,
            "by": self.reviewed_by,
            "at": self.reviewed_at,
        }


class CheckInAnswer(Base):
    """[2e] A screening linked to a task: a check-in's answers (one per instrument), or the check-in screening
    whose finding raised a risk review. A screening answers at most one check-in (checked by the service
    under the plan's lock)."""

    __tablename__ = "check_in_answers"
    __resource__ = None

    task_id: Mapped[str] = mapped_column(ForeignKey("plan_tasks.id"), primary_key=True)
    screening_id: Mapped[str] = mapped_column(ForeignKey("screenings.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRecord(Base):
    """What happened at a treatment session: the safety checks' readings, kept once per session task."""

    __tablename__ = "session_records"
    __resource__ = None

    task_id: Mapped[str] = mapped_column(ForeignKey("plan_tasks.id"), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("follow_up_plans.id"), index=True)
    administered_at: Mapped[datetime]
    # Null only for an at-home session (oral, sublingual) that did not report them, and post_* for a session
    # ended by an emergency transfer before any reading (clinical-rules.md §4, second edition).
    pre_systolic: Mapped[int | None] = mapped_column(Integer)
    pre_diastolic: Mapped[int | None] = mapped_column(Integer)
    post_systolic: Mapped[int | None] = mapped_column(Integer)
    post_diastolic: Mapped[int | None] = mapped_column(Integer)
    observation_minutes: Mapped[int | None] = mapped_column(Integer)
    escort_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    # At home: an adult treatment monitor present throughout. Null on supervised sessions and old records.
    sitter_present: Mapped[bool | None] = mapped_column(Boolean)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # True when the pre-dose blood pressure was above 140/90 and a provider proceeded (kept for audit).
    blood_pressure_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Dose by weight (second edition); null on records made before it and where the route does not need it.
    weight_kg: Mapped[float | None] = mapped_column(Float)
    infusion_minutes: Mapped[int | None] = mapped_column(Integer)
    dose_override_reason: Mapped[str | None] = mapped_column(Text)
    # True when an intravenous or intramuscular dose above 1.0 mg/kg was given on a provider's decision.
    dose_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where and under whom (second edition; null on records made before it). The site is kept as it was on
    # the day (id, name, state): a provider may later drop a site from their list.
    site_id: Mapped[str | None] = mapped_column(String(40))
    site_name: Mapped[str | None] = mapped_column(String(200))
    site_state: Mapped[str | None] = mapped_column(String(2))
    monitored_by: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    onsite_prescriber_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    # Monitoring (clinical-rules.md §4, the REMS Patient Monitoring Form). Null on records made before it.
    dose_mg: Mapped[float | None] = mapped_column(Float)
    lot_number: Mapped[str | None] = mapped_column(String(60))
    sedating_medications: Mapped[dict[str, bool] | None] = mapped_column(JSONType)
    readings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    ready_to_leave_minute: Mapped[int | None] = mapped_column(Integer)
    disposition: Mapped[Disposition] = mapped_column(
        StrEnumType(Disposition, 40), default=Disposition.DISCHARGED
    )
    disposition_reason: Mapped[str | None] = mapped_column(Text)
    discharge_override_reason: Mapped[str | None] = mapped_column(Text)
    discharge_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # The REMS Patient Monitoring Form (intranasal): marked sent by the clinic; its reminder announced once.
    rems_submitted_at: Mapped[datetime | None] = mapped_column()
    rems_submitted_by: Mapped[str | None] = mapped_column(String(80))
    rems_reminded_at: Mapped[datetime | None] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_by_type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def recorder(self) -> dict[str, str]:
        return {"type": self.recorded_by_type, "id": self.recorded_by}

    @property
    def site(self) -> dict[str, str | None] | None:
        """The practice site as it was on the day."""
        if self.site_id is None:
            return None
        return {"id": self.site_id, "name": self.site_name, "state": self.site_state}

    @property
    def dose_mg_per_kg(self) -> Decimal | None:
        return None if self.dose_mg is None else dose_mg_per_kg(self.dose_mg, self.weight_kg)

    adverse_events: Mapped[list[AdverseEvent]] = relationship(
        lazy="selectin",
        primaryjoin="SessionRecord.task_id == foreign(AdverseEvent.task_id)",
        order_by="(AdverseEvent.created_at, AdverseEvent.id)",
        viewonly=True,
    )


class AdverseEvent(Base):
    """A side effect, reported with a session record or on its own (by the patient, the care team)."""

    __tablename__ = "adverse_events"
    __resource__ = Resource("ade", "adverse_event", audited=True, patient="patient_id")
    __table_args__ = (Index("ix_adverse_events_plan_id_created_at_id", "plan_id", "created_at", "id"),)

    id: Mapped[str] = __resource__.id_column()
    plan_id: Mapped[str] = mapped_column(ForeignKey("follow_up_plans.id"))
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    task_id: Mapped[str | None] = mapped_column(ForeignKey("plan_tasks.id"), index=True)
    type: Mapped[AdverseEventType] = mapped_column(StrEnumType(AdverseEventType, 40))
    severity: Mapped[AdverseEventSeverity] = mapped_column(StrEnumType(AdverseEventSeverity, 20))
    onset_at: Mapped[datetime]
    description: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(80))
    reported_by_type: Mapped[str] = mapped_column(String(20))
    # True when this event put the plan on hold.
    put_plan_on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reporter(self) -> dict[str, str]:
        return {"type": self.reported_by_type, "id": self.reported_by}
