"""The consultation lifecycle (api-contract.md §3, clinical-rules.md §2) as one table of transitions.

Every trigger is an explicit action, so each allowed (status, action) pair leads to exactly one new status,
and a refusal can say what was tried. Eligibility outcomes are actions of their own (``mark_eligible``,
``require_review``, ``mark_ineligible``, ``escalate``), apart from a clinician's ``approve`` and ``decline``:
the table, not the caller, keeps a review decision away from a consultation never flagged for review.

Decisions where the rules leave room:

- Eligibility is recomputed while ``submitted`` or ``awaiting_review``, so a newer screening can move an
  ``awaiting_review`` case to ``ready``, ``declined`` or ``escalated``, or keep it there (``require_review``
  is then a self-transition, like ``reschedule``). From ``ready`` on, screenings no longer change the
  status; the service still raises ``screening.risk_flagged`` for a later C-SSRS ``high``.
- [2e] ``escalated`` is no dead end (clinical-rules.md §2): a psychiatrist reviews it (``approve`` ->
  ``ready``, ``decline`` -> ``declined``; who may, and what approving needs, is api.domain.escalation's), and
  it may be cancelled (it comes before ``in_progress``). Screenings no longer change it: only the review.
- [2e] A new C-SSRS ``high`` on an approved case escalates it again while it is ``ready`` or ``scheduled``
  (the service releases the booking); the service applies ``escalate`` from there only to a case a clinician
  approved. From ``in_progress`` on the clinician is with the patient: the status stays, and the service opens
  a new escalation on the consultation to acknowledge (docs/consultations-and-screenings.md).
- ``declined``, ``completed`` and ``cancelled`` are terminal.
- A ``pending`` eligibility is no action: the consultation stays ``submitted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from api.errors import InvalidTransition


class ConsultationStatus(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_REVIEW = "awaiting_review"
    READY = "ready"
    DECLINED = "declined"
    ESCALATED = "escalated"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReviewDecision(StrEnum):
    """A clinician's decision on a case eligibility flagged for review."""

    APPROVE = "approve"
    DECLINE = "decline"


class VisitOutcome(StrEnum):
    """How the clinician closed the visit; only ``treatment_recommended`` leads to a follow-up plan."""

    TREATMENT_RECOMMENDED = "treatment_recommended"
    NOT_RECOMMENDED = "not_recommended"
    REFERRED_OUT = "referred_out"


class ConsultationAction(StrEnum):
    # Eligibility outcomes, applied by the service when screenings change.
    MARK_ELIGIBLE = "mark_eligible"
    REQUIRE_REVIEW = "require_review"
    MARK_INELIGIBLE = "mark_ineligible"
    ESCALATE = "escalate"
    # People and bookings.
    APPROVE = "approve"
    DECLINE = "decline"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


class Condition(StrEnum):
    """Conditions a consultation is requested for."""

    TREATMENT_RESISTANT_DEPRESSION = "treatment_resistant_depression"
    MAJOR_DEPRESSION = "major_depression"
    BIPOLAR_DEPRESSION = "bipolar_depression"
    GENERALIZED_ANXIETY = "generalized_anxiety"
    SOCIAL_ANXIETY = "social_anxiety"
    PTSD = "ptsd"
    OCD = "ocd"
    CHRONIC_PAIN = "chronic_pain"


CONSULTATION_STATUSES: Final[tuple[ConsultationStatus, ...]] = tuple(ConsultationStatus)
CONSULTATION_ACTIONS: Final[tuple[ConsultationAction, ...]] = tuple(ConsultationAction)
CONDITIONS: Final[tuple[Condition, ...]] = tuple(Condition)

_Status = ConsultationStatus
_Action = ConsultationAction

TRANSITIONS: Final[Mapping[tuple[ConsultationStatus, ConsultationAction], ConsultationStatus]] = (
    MappingProxyType(
        {
            # Eligibility: once every required screening is in, and again on a newer one while under review.
            (_Status.SUBMITTED, _Action.MARK_ELIGIBLE): _Status.READY,
            (_Status.SUBMITTED, _Action.REQUIRE_REVIEW): _Status.AWAITING_REVIEW,
            (_Status.SUBMITTED, _Action.MARK_INELIGIBLE): _Status.DECLINED,
            (_Status.SUBMITTED, _Action.ESCALATE): _Status.ESCALATED,
            (_Status.AWAITING_REVIEW, _Action.MARK_ELIGIBLE): _Status.READY,
            (_Status.AWAITING_REVIEW, _Action.REQUIRE_REVIEW): _Status.AWAITING_REVIEW,
            (_Status.AWAITING_REVIEW, _Action.MARK_INELIGIBLE): _Status.DECLINED,
            (_Status.AWAITING_REVIEW, _Action.ESCALATE): _Status.ESCALATED,
            # A clinician's review of a flagged case.
            (_Status.AWAITING_REVIEW, _Action.APPROVE): _Status.READY,
            (_Status.AWAITING_REVIEW, _Action.DECLINE): _Status.DECLINED,
            # [2e] A psychiatrist's review of an escalated case, and a new crisis on an approved one.
            (_Status.ESCALATED, _Action.APPROVE): _Status.READY,
            (_Status.ESCALATED, _Action.DECLINE): _Status.DECLINED,
            (_Status.READY, _Action.ESCALATE): _Status.ESCALATED,
            (_Status.SCHEDULED, _Action.ESCALATE): _Status.ESCALATED,
            # Booking and the visit.
            (_Status.READY, _Action.SCHEDULE): _Status.SCHEDULED,
            (_Status.SCHEDULED, _Action.RESCHEDULE): _Status.SCHEDULED,
            (_Status.SCHEDULED, _Action.START): _Status.IN_PROGRESS,
            (_Status.IN_PROGRESS, _Action.COMPLETE): _Status.COMPLETED,
            # Cancelling: any time before the visit starts.
            (_Status.SUBMITTED, _Action.CANCEL): _Status.CANCELLED,
            (_Status.AWAITING_REVIEW, _Action.CANCEL): _Status.CANCELLED,
            (_Status.READY, _Action.CANCEL): _Status.CANCELLED,
            (_Status.SCHEDULED, _Action.CANCEL): _Status.CANCELLED,
            (_Status.ESCALATED, _Action.CANCEL): _Status.CANCELLED,
        }
    )
)

TERMINAL_STATUSES: Final[frozenset[ConsultationStatus]] = frozenset(
    set(ConsultationStatus) - {status for status, _ in TRANSITIONS}
)


def allowed_actions(current: str) -> tuple[ConsultationAction, ...]:
    """The actions ``current`` allows, in declaration order (for error messages and UI hints)."""
    status = ConsultationStatus(current)
    return tuple(action for action in ConsultationAction if (status, action) in TRANSITIONS)


def transition(current: str, action: str) -> ConsultationStatus:
    """The status ``action`` leads to from ``current``; raises ``InvalidTransition`` (409) when not allowed.

    Unknown status or action strings raise ``ValueError``: they are programming errors, not client errors.
    """
    status, requested = ConsultationStatus(current), ConsultationAction(action)
    new_status = TRANSITIONS.get((status, requested))
    if new_status is not None:
        return new_status
    allowed = allowed_actions(status)
    hint = f"allowed: {', '.join(allowed)}" if allowed else f"{status} is final"
    raise InvalidTransition(
        f"Action {requested} is not allowed when the consultation is {status} ({hint}).",
        extra={
            "current_status": status.value,
            "action": requested.value,
            "allowed_actions": [a.value for a in allowed],
        },
    )
