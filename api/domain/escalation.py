"""Escalations: a suicide-risk crisis that needs urgent human contact, then a psychiatrist (clinical-rules.md
§2 "Escalated consultations are not a dead end" and §4 "Crisis at a check-in", both [2e]).

One rule set for both subjects of an escalation, a consultation (a C-SSRS ``high`` at intake) and a follow-up
plan (a C-SSRS ``high`` at a check-in): who may acknowledge it and how (``check_acknowledgement``), when the
worker announces it unacknowledged (``announcement_due``), and who may clear the patient for treatment
afterwards (``require_psychiatrist``, ``check_clearance``). Pure: no Flask, no Session.

Sources: Spravato prescribing information, boxed warning and §1 (esketamine is indicated for depressive
symptoms in adults with major depressive disorder with acute suicidal ideation or behaviour, with the standard
of care; monitor for suicidal thoughts and behaviours); Joint Commission NPSG 15.01.01 (suicide risk: a
safety plan and immediate follow-up for a patient screened at risk); Stanley & Brown, "Safety Planning
Intervention", Cogn Behav Pract 2012.

Decisions where the rules leave room:

- Any provider acknowledges (the contact is what matters, and the crisis cannot wait for the assigned
  clinician); an admin or a partner system cannot: acknowledging attests that a clinician contacted, or
  tried to contact, the patient. ``not_reached`` is an acknowledgement too (the attempt is on record); the
  note says what happens next.
- The overdue announcement goes out at each whole multiple of the interval after ``escalated_at``
  (``announcement_due``): at most once per interval, and a worker that was down for several intervals
  announces once, for the interval it finds, not once for each one missed.
- Clearance (``check_clearance``) lists every failure at once: the safety plan and the missing screenings;
  only with both in order is a contraindication judged (it needs the intake).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from api.domain.eligibility import ABSOLUTE_CONTRAINDICATIONS, EligibilityOutcome, EligibilityResult
from api.domain.matching import is_psychiatrist
from api.errors import Conflict, FieldError, Forbidden, RuleViolation

DEFAULT_ACK_MINUTES: Final = 60
MIN_ACK_MINUTES: Final = 1


class ContactOutcome(StrEnum):
    """What came of the urgent contact with the patient."""

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    EMERGENCY_SERVICES = "emergency_services"


class EscalationSubject(StrEnum):
    """What an escalation is about; each has its own event type for the overdue announcement."""

    CONSULTATION = "consultation"
    FOLLOW_UP_PLAN = "follow_up_plan"


def check_acknowledgement(*, acknowledged_at: datetime | None, principal_kind: str) -> None:
    """Refuse an acknowledgement by anyone but a provider (403), or of an escalation already acknowledged
    (409 ``already_acknowledged``). The role is judged first: a partner learns nothing of the state."""
    if principal_kind != "provider":
        raise Forbidden(
            "Only a provider acknowledges an escalation: it attests that a clinician contacted the patient."
        )
    if acknowledged_at is not None:
        raise Conflict(
            "This escalation was already acknowledged.",
            code="already_acknowledged",
            extra={"acknowledged_at": acknowledged_at.isoformat().replace("+00:00", "Z")},
        )


def intervals_elapsed(escalated_at: datetime, now: datetime, interval: timedelta) -> int:
    """How many whole intervals have passed since the escalation (0 before the first is over)."""
    if interval <= timedelta(0):
        raise ValueError("the acknowledgement interval must be positive")
    return max(0, (now - escalated_at) // interval)


def announcement_due(
    *,
    escalated_at: datetime,
    acknowledged_at: datetime | None,
    announced_intervals: int,
    now: datetime,
    interval: timedelta,
) -> int | None:
    """The interval to announce now as unacknowledged, or None.

    An escalation not acknowledged ``interval`` after ``escalated_at`` is announced, and again at each
    further whole multiple of ``interval`` until it is acknowledged; never twice within one interval
    (``announced_intervals`` is the last multiple announced, 0 for none). clinical-rules.md §2 [2e]
    (``ESCALATION_ACK_MINUTES``, default 60).
    """
    if acknowledged_at is not None:
        return None
    elapsed = intervals_elapsed(escalated_at, now, interval)
    return elapsed if elapsed >= 1 and elapsed > announced_intervals else None


def require_psychiatrist(*, principal_kind: str, credential: str | None, specialties: Iterable[str]) -> None:
    """Only a psychiatrist (MD/DO, psychiatry) clears an escalated patient for treatment; anyone else, an
    admin included: 403 ``psychiatrist_required`` (clinical-rules.md §2 and §4 [2e])."""
    if principal_kind != "provider" or not is_psychiatrist(credential, specialties):
        raise Forbidden(
            "Only a psychiatrist (credential MD or DO, specialty psychiatry) may clear an escalated patient.",
            code="psychiatrist_required",
        )


def check_clearance(
    *, safety_plan_documented: bool | None, escalation_acknowledged: bool, eligibility: EligibilityResult
) -> None:
    """What approving an escalated case needs (clinical-rules.md §2 [2e]), with ``eligibility`` evaluated
    with the crisis cleared (``evaluate_eligibility(..., crisis_cleared=True)``):

    - ``safety_plan_documented: true`` (422 ``safety_plan_required``) and every required screening (422
      ``screenings_incomplete``: a crisis escalates before the intake may exist), both checked at once:
      when both fail the code is ``safety_plan_required`` and ``errors`` lists both; and, with them, the
      escalation acknowledged (422 ``escalation_not_acknowledged``): the urgent contact comes first, as for
      a plan's reactivation (§4);
    - then no absolute contraindication (422 ``contraindicated``, each one listed): only ``decline`` remains.
    """
    errors: list[FieldError] = []
    if safety_plan_documented is not True:
        errors.append(
            FieldError(
                "/safety_plan_documented",
                "safety_plan_required",
                "Document a safety plan with the patient first, then send safety_plan_documented: true.",
            )
        )
    missing = [str(instrument) for instrument in eligibility.missing_screenings]
    if missing:
        errors.append(
            FieldError(
                "/decision",
                "screenings_incomplete",
                f"Every required screening is needed before approval; missing: {', '.join(missing)}.",
            )
        )
    if not escalation_acknowledged:
        errors.append(
            FieldError(
                "/decision",
                "escalation_not_acknowledged",
                "Acknowledge the escalation (POST …/acknowledge-escalation, after contacting the patient) "
                "before approving.",
            )
        )
    if errors:
        raise RuleViolation(
            "The escalated case cannot be approved yet: " + " ".join(e.message for e in errors),
            code=errors[0].code,
            errors=errors,
            extra={"missing_screenings": missing},
        )
    if eligibility.outcome is EligibilityOutcome.INELIGIBLE:
        absolute = [reason for reason in eligibility.reasons if reason.code in _ABSOLUTE_CODES]
        raise RuleViolation(
            "An absolute contraindication rules treatment out: only decline remains.",
            code="contraindicated",
            # Pointers are into the request (the decision refused); where each reason lies: the extension.
            errors=[FieldError("/decision", "contraindicated", reason.detail) for reason in absolute],
            extra={
                "contraindications": [
                    {"code": r.code, "screening_id": r.screening_id, "field": r.field} for r in absolute
                ]
            },
        )


_ABSOLUTE_CODES: Final = ABSOLUTE_CONTRAINDICATIONS | {"age_under_18"}
