"""The follow-up plan's life cycle: ``draft → active ⇄ on_hold → completed | revoked`` (api-contract.md §3).

Every legal move is one row of ``TRANSITIONS``; anything else is a 409 ``invalid_transition``. Resuming a plan
that is on hold is the same ``activate`` action that started it, so a client needs one verb to (re)start
treatment and the consent check runs again before treatment resumes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from api.domain.screening import (
    ACTIVE_SUICIDAL_IDEATION,
    SUICIDAL_IDEATION,
    SUICIDE_RISK_HIGH,
    SUICIDE_RISK_MODERATE,
)
from api.errors import FieldError, Forbidden, InvalidTransition, RuleViolation


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    REVOKED = "revoked"


class PlanAction(StrEnum):
    """The plan's action endpoints: POST /follow-up-plans/{id}/activate, /hold, /complete, /revoke."""

    ACTIVATE = "activate"
    HOLD = "hold"
    COMPLETE = "complete"
    REVOKE = "revoke"


TRANSITIONS: Mapping[tuple[PlanStatus, PlanAction], PlanStatus] = {
    (PlanStatus.DRAFT, PlanAction.ACTIVATE): PlanStatus.ACTIVE,
    (PlanStatus.ON_HOLD, PlanAction.ACTIVATE): PlanStatus.ACTIVE,  # resume
    (PlanStatus.ACTIVE, PlanAction.HOLD): PlanStatus.ON_HOLD,
    (PlanStatus.ACTIVE, PlanAction.COMPLETE): PlanStatus.COMPLETED,
    (PlanStatus.ON_HOLD, PlanAction.COMPLETE): PlanStatus.COMPLETED,
    (PlanStatus.DRAFT, PlanAction.REVOKE): PlanStatus.REVOKED,
    (PlanStatus.ACTIVE, PlanAction.REVOKE): PlanStatus.REVOKED,
    (PlanStatus.ON_HOLD, PlanAction.REVOKE): PlanStatus.REVOKED,
}

TERMINAL_STATUSES = frozenset(PlanStatus) - {status for status, _ in TRANSITIONS}

# Both must be accepted before any treatment session is scheduled (clinical-rules.md §4).
ACTIVATION_CONSENTS = ("telehealth", "ketamine_treatment")
# Withdrawing one of these puts the patient's active plans on hold at once (api-contract.md §3): their
# pending sessions stay, not cancelled, until a provider decides; resuming needs the consent again.
HOLDS_ACTIVE_PLANS_WHEN_WITHDRAWN = ("ketamine_treatment",)


def transition(current: PlanStatus, action: PlanAction) -> PlanStatus:
    """The status ``action`` leads to from ``current``; refuses a move the life cycle does not allow."""
    new_status = TRANSITIONS.get((current, action))
    if new_status is None:
        raise InvalidTransition(
            f"Cannot {action} a plan that is {current}.",
            extra={
                "current_status": str(current),
                "allowed_actions": sorted(map(str, allowed_actions(current))),
            },
        )
    return new_status


def allowed_actions(current: PlanStatus) -> frozenset[PlanAction]:
    """What a client may do next; empty once the plan is completed or revoked."""
    return frozenset(action for status, action in TRANSITIONS if status == current)


def check_activation_consents(accepted_consent_types: Iterable[str]) -> None:
    """Refuse to (re)activate a plan until the patient has accepted every consent treatment needs."""
    accepted = set(accepted_consent_types)
    missing = [consent for consent in ACTIVATION_CONSENTS if consent not in accepted]
    if missing:
        raise RuleViolation(
            f"The patient has not accepted the required consents: {', '.join(missing)}.",
            code="consent_required",
            extra={"missing_consents": missing},
        )


def check_safety_resumption(*, by_provider: bool, reason: str | None) -> None:
    """A plan on hold for the patient's safety (a severe or serious adverse event, a crisis at a check-in)
    resumes only on a provider's decision, given in words (clinical-rules.md §4)."""
    if not by_provider:
        raise RuleViolation(
            "Only a provider may resume a plan held for the patient's safety.",
            code="reactivation_requires_provider",
        )
    if not (reason or "").strip():
        message = "Say why treatment may resume."
        raise RuleViolation(
            message, code="reason_required", errors=[FieldError("/reason", "required", message)]
        )


@dataclass(frozen=True, slots=True)
class CheckInCrisis:
    """What a follow-up screening's risk findings call for (clinical-rules.md §4 "Crisis at a check-in")."""

    hold: bool  # the plan goes on hold until a provider resumes it, with a reason
    risk_level: str | None  # screening.risk_flagged with this level; None: no flag
    escalate: bool = False  # [2e] an escalation on the plan: urgent contact, then a psychiatrist
    risk_review: bool = False  # [2e] a provider's review task due the same day, gating the next session


# Plans still in treatment, where a check-in's finding calls for a response.
_RUNNING = (PlanStatus.ACTIVE, PlanStatus.ON_HOLD)


def check_in_crisis(flags: Iterable[str], plan_status: PlanStatus) -> CheckInCrisis:
    """C-SSRS ``high`` during an active plan: hold and flag, the urgency of intake; **[2e]** and an escalation
    (urgent contact, acknowledged; the plan resumes only on a psychiatrist's decision) — also when the plan
    is already on hold, since the crisis is new. **[2e]** C-SSRS ``moderate`` (thoughts with a method) or
    active suicidal ideation (question 2): flag, crisis resources, and a provider's review task due the same
    day before the next session, without a hold. PHQ-9 item 9 above 0: flag (crisis resources go back with
    the screening) without a hold: passive ideation is common in the patients treated, and the provider
    decides. Source: Spravato boxed warning (monitor for suicidal thoughts and behaviours); Joint Commission
    NPSG 15.01.01 (a patient screened at risk gets immediate follow-up)."""
    flags = set(flags)
    running = plan_status in _RUNNING
    if SUICIDE_RISK_HIGH in flags:
        return CheckInCrisis(hold=plan_status == PlanStatus.ACTIVE, risk_level="high", escalate=running)
    if SUICIDE_RISK_MODERATE in flags:
        return CheckInCrisis(hold=False, risk_level="moderate", risk_review=running)
    if ACTIVE_SUICIDAL_IDEATION in flags:
        return CheckInCrisis(hold=False, risk_level="active_suicidal_ideation", risk_review=running)
    if SUICIDAL_IDEATION in flags:
        return CheckInCrisis(hold=False, risk_level="ideation")
    return CheckInCrisis(hold=False, risk_level=None)


def check_escalated_reactivation(
    *, by_psychiatrist: bool, reason: str | None, safety_plan_documented: bool | None, acknowledged: bool
) -> None:
    """[2e] A plan held for a crisis escalated at a check-in resumes only on a psychiatrist's decision (403
    ``psychiatrist_required``, an admin included), once the escalation is acknowledged, with a reason and a
    documented safety plan — the 422s listed at once (``escalation_not_acknowledged``,
    ``safety_plan_required``, ``reason_required``; the code is the first). Source: as for an escalated
    consultation (clinical-rules.md §2, §4; Stanley & Brown's Safety Planning Intervention)."""
    if not by_psychiatrist:
        raise Forbidden(
            "Only a psychiatrist (MD or DO, psychiatry) may resume a plan held for an escalated crisis.",
            code="psychiatrist_required",
        )
    errors = []
    if not acknowledged:
        errors.append(
            FieldError(
                "/",
                "escalation_not_acknowledged",
                "A provider must first acknowledge the escalation (POST …/acknowledge-escalation).",
            )
        )
    if safety_plan_documented is not True:
        errors.append(
            FieldError(
                "/safety_plan_documented",
                "safety_plan_required",
                "Document a safety plan with the patient, then send safety_plan_documented: true.",
            )
        )
    if not (reason or "").strip():
        errors.append(FieldError("/reason", "reason_required", "Say why treatment may resume."))
    if errors:
        raise RuleViolation(
            "The plan cannot resume yet: " + " ".join(error.message for error in errors),
            code=errors[0].code,
            errors=errors,
        )


def check_frequency_override(*, by_psychiatrist: bool) -> None:
    """[2e] Only a psychiatrist (MD/DO, psychiatry) may lift a plan's weekly session limit — the decision to
    give ketamine more often than the label or the published series is a specialist's (403
    ``psychiatrist_required``; an admin included). Lifting it never allows two sessions on one day."""
    if not by_psychiatrist:
        raise Forbidden(
            "Only a psychiatrist (MD or DO, psychiatry) may lift the weekly session limit.",
            code="psychiatrist_required",
        )


# [2e] REMS patient enrolment: Spravato is dispensed and given only to patients enrolled in the Spravato REMS
# (REMS programme requirements; label §5.1). Any plan given by the intranasal route is esketamine here.
REMS_ENROLMENT_ROUTES = frozenset({"intranasal"})


def check_rems_enrollment(route: str, *, enrolled: bool) -> None:
    """An intranasal (esketamine) plan is activated only when the patient's REMS enrolment is on record
    (422 ``rems_enrollment_required``)."""
    if route in REMS_ENROLMENT_ROUTES and not enrolled:
        raise RuleViolation(
            "The patient has no Spravato REMS enrolment on record; record it with "
            "PUT /v1/patients/{id}/rems-enrollment before activating.",
            code="rems_enrollment_required",
        )
