"""The event catalogue: for each event type, the object it is about and the facts its ``data`` carries.

One declaration, read by everything that describes or checks an event: the spec's ``webhooks`` section and
its typed payload per type (api/http/webhook_spec.py), the ``EventData`` of ``GET /v1/events``
(api/schemas/webhooks.py), and the outbox, which refuses a fact a type does not declare
(api/events/outbox.py): a service that starts sending a new fact declares it here first, and the typed
payloads of the SDKs follow at the next ``make spec`` / ``make sdk``.

Pure: no Flask, no Session. docs/webhooks.md is the partner's prose for the same catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, Final

from api.domain.consultation_status import CONSULTATION_STATUSES, ReviewDecision, VisitOutcome
from api.domain.eligibility import EligibilityOutcome
from api.domain.plan_status import PlanStatus
from api.domain.protocols import TaskKind
from api.domain.screening import INSTRUMENTS
from api.domain.session_safety import AdverseEventSeverity
from api.domain.telemedicine import Dispensing, PrescriptionStatus
from api.domain.webhooks import EventType


class FactKind(StrEnum):
    ID = "id"  # another object's id (``pln_…``)
    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD
    DATE_TIME = "date_time"  # RFC 3339, UTC, ``Z``
    INTEGER = "integer"


@dataclass(frozen=True)
class Fact:
    """A member of an event's ``data`` besides ``id`` and ``object``.

    ``kind`` is a ``FactKind`` or the values it takes (a value set: an enum, or a tuple of its members).
    ``always``: every event of the type carries it (``null`` when ``nullable``); otherwise only some do.
    """

    name: str
    kind: FactKind | tuple[str, ...]
    description: str
    nullable: bool = False
    always: bool = True


@dataclass(frozen=True)
class EventSpec:
    object: str  # ``data.object``: the kind of object ``data.id`` names
    when: str  # one line: when the event happens
    facts: tuple[Fact, ...] = ()

    def fact_names(self) -> frozenset[str]:
        return frozenset(fact.name for fact in self.facts)

    def required_names(self) -> frozenset[str]:
        return frozenset(fact.name for fact in self.facts if fact.always)


def values(source: Iterable[Any]) -> tuple[str, ...]:
    return tuple(item.value if isinstance(item, Enum) else str(item) for item in source)


_CONSULTATION_STATUS = values(CONSULTATION_STATUSES)
_PLAN_STATUS = values(PlanStatus)


def _status(kind: tuple[str, ...], what: str) -> tuple[Fact, Fact]:
    return (
        Fact("previous_status", kind, f"The {what}'s status before the change"),
        Fact("status", kind, f"The {what}'s status after the change"),
    )


_SCREENING = (
    Fact("instrument", values(INSTRUMENTS), "The screening's instrument"),
    Fact("consultation_id", FactKind.ID, "The consultation it was given for (null: a plan's)", nullable=True),
)
_TASK = (
    Fact("plan_id", FactKind.ID, "The task's follow-up plan"),
    Fact("kind", values(TaskKind), "What the task is: a session, a check-in, …"),
    Fact("due_on", FactKind.DATE, "The day it is due, where the patient is"),
)
_PRESCRIPTION = (
    Fact("plan_id", FactKind.ID, "The follow-up plan it belongs to"),
    Fact("patient_id", FactKind.ID, "The patient's id"),
    Fact("prescriber_id", FactKind.ID, "The prescribing provider's id"),
    Fact("dispensing", values(Dispensing), "Who dispenses it"),
    Fact("pharmacy_ncpdp_id", FactKind.TEXT, "The dispensing pharmacy's NCPDP id", nullable=True),
    Fact("status", values(PrescriptionStatus), "The prescription's status"),
)
_ESCALATION = (
    Fact("escalated_at", FactKind.DATE_TIME, "When it was escalated"),
    Fact("minutes_unacknowledged", FactKind.INTEGER, "Minutes since then without an acknowledgement"),
)

CATALOGUE: Final[Mapping[EventType, EventSpec]] = {
    EventType.CONSULTATION_CREATED: EventSpec(
        "consultation",
        "A consultation is requested.",
        (Fact("status", _CONSULTATION_STATUS, "The new consultation's status"),),
    ),
    EventType.CONSULTATION_STATUS_CHANGED: EventSpec(
        "consultation",
        "A consultation moves: ready, awaiting review, escalated, scheduled, in progress, completed, "
        "cancelled.",
        (
            *_status(_CONSULTATION_STATUS, "consultation"),
            Fact("provider_id", FactKind.ID, "Scheduled: the assigned provider", always=False),
            Fact(
                "review_decision", values(ReviewDecision), "Reviewed: the clinician's decision", always=False
            ),
            Fact("outcome", values(VisitOutcome), "Completed: the visit's outcome", always=False),
            Fact(
                "eligibility_outcome",
                values(EligibilityOutcome),
                "Moved by an eligibility decision: that decision",
                always=False,
            ),
        ),
    ),
    EventType.SCREENING_COMPLETED: EventSpec("screening", "A screening is stored and scored.", _SCREENING),
    EventType.SCREENING_RISK_FLAGGED: EventSpec(
        "screening",
        "A screening shows suicide risk (a C-SSRS `high` at intake; at a plan's check-in a PHQ-9 item 9 "
        "above 0, a C-SSRS `moderate`, `high` or active suicidal ideation): act on it now.",
        (
            *_SCREENING,
            Fact(
                "risk_level",
                FactKind.TEXT,
                "`high`, `moderate`, `active_suicidal_ideation` or `ideation` (PHQ-9 item 9 at a check-in)",
            ),
            Fact("plan_id", FactKind.ID, "At a plan's check-in: the plan", always=False),
        ),
    ),
    EventType.FOLLOW_UP_PLAN_CREATED: EventSpec(
        "follow_up_plan",
        "A follow-up plan is created (draft).",
        (
            Fact("status", _PLAN_STATUS, "The new plan's status"),
            Fact("consultation_id", FactKind.ID, "The consultation it follows"),
        ),
    ),
    EventType.FOLLOW_UP_PLAN_STATUS_CHANGED: EventSpec(
        "follow_up_plan",
        "A plan is activated, put on hold, resumed, completed or revoked.",
        _status(_PLAN_STATUS, "plan"),
    ),
    EventType.FOLLOW_UP_TASK_DUE: EventSpec(
        "follow_up_task", "A session or check-in is due today (announced once).", _TASK
    ),
    EventType.FOLLOW_UP_TASK_OVERDUE: EventSpec(
        "follow_up_task", "A session or check-in was not done in time (announced once).", _TASK
    ),
    EventType.ADVERSE_EVENT_REPORTED: EventSpec(
        "adverse_event",
        "An adverse event is reported, by a person or by a session's readings (a severe one holds the plan).",
        (
            Fact("plan_id", FactKind.ID, "The follow-up plan"),
            Fact("task_id", FactKind.ID, "The session it was recorded with", nullable=True),
            Fact("severity", values(AdverseEventSeverity), "Its severity"),
            Fact("plan_status", _PLAN_STATUS, "The plan's status after the report"),
        ),
    ),
    EventType.REMS_FORM_DUE: EventSpec(
        "rems_form",
        "An intranasal session's REMS monitoring form is not marked sent and is due tomorrow (or overdue).",
        (
            Fact("plan_id", FactKind.ID, "The follow-up plan"),
            Fact("task_id", FactKind.ID, "The session (also `data.id`)"),
            Fact("due_by", FactKind.DATE, "The last day to send the form"),
        ),
    ),
    EventType.PRESCRIPTION_CREATED: EventSpec(
        "prescription", "A prescription is issued: transmit it (EPCS).", _PRESCRIPTION
    ),
    EventType.PRESCRIPTION_CANCELLED: EventSpec(
        "prescription", "The prescriber cancels a prescription: tell the pharmacy.", _PRESCRIPTION
    ),
    EventType.CONSULTATION_ESCALATION_UNACKNOWLEDGED: EventSpec(
        "consultation",
        "An escalated consultation is not acknowledged ESCALATION_ACK_MINUTES after it was escalated (and "
        "again at each further multiple): contact the patient, then acknowledge it.",
        _ESCALATION,
    ),
    EventType.FOLLOW_UP_PLAN_ESCALATION_UNACKNOWLEDGED: EventSpec(
        "follow_up_plan",
        "The same for a plan escalated at a check-in.",
        _ESCALATION,
    ),
    EventType.WEBHOOK_TEST: EventSpec(
        "webhook_endpoint",
        "You asked for it (POST /v1/webhook-endpoints/{id}/test): sent to that endpoint only; `data.id` is "
        "the endpoint's id.",
    ),
}


class UndeclaredEventFacts(Exception):
    """An event carries a fact its type does not declare, or lacks one it always carries: a programming
    error, caught by the tests of whatever emits it. Declare the fact in ``CATALOGUE``."""


def check_facts(event_type: EventType, facts: Iterable[str]) -> None:
    """Raise ``UndeclaredEventFacts`` unless ``facts`` are what ``CATALOGUE`` declares for the type."""
    spec = CATALOGUE[event_type]
    given = frozenset(facts)
    unknown = given - spec.fact_names()
    missing = spec.required_names() - given
    if unknown or missing:
        raise UndeclaredEventFacts(
            f"{event_type}: undeclared {sorted(unknown)}, missing {sorted(missing)} "
            "(api/domain/event_catalogue.py)"
        )


_missing = set(EventType) - set(CATALOGUE)
if _missing:  # at import: a new type is described before anything can emit it
    raise UndeclaredEventFacts(f"No catalogue entry for {sorted(_missing)}")
