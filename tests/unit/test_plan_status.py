"""The follow-up plan life cycle and the consents a plan needs before it is activated."""

from __future__ import annotations

import pytest

from api.domain.plan_status import (
    TERMINAL_STATUSES,
    PlanAction,
    PlanStatus,
    allowed_actions,
    check_activation_consents,
    check_in_crisis,
    check_safety_resumption,
    transition,
)
from api.domain.screening import SUICIDAL_IDEATION, SUICIDE_RISK_HIGH
from api.errors import InvalidTransition, RuleViolation


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        (PlanStatus.DRAFT, PlanAction.ACTIVATE, PlanStatus.ACTIVE),
        (PlanStatus.ON_HOLD, PlanAction.ACTIVATE, PlanStatus.ACTIVE),  # resume
        (PlanStatus.ACTIVE, PlanAction.HOLD, PlanStatus.ON_HOLD),
        (PlanStatus.ACTIVE, PlanAction.COMPLETE, PlanStatus.COMPLETED),
        (PlanStatus.ON_HOLD, PlanAction.COMPLETE, PlanStatus.COMPLETED),
        (PlanStatus.DRAFT, PlanAction.REVOKE, PlanStatus.REVOKED),
        (PlanStatus.ACTIVE, PlanAction.REVOKE, PlanStatus.REVOKED),
        (PlanStatus.ON_HOLD, PlanAction.REVOKE, PlanStatus.REVOKED),
    ],
)
def test_allowed_transitions(current: PlanStatus, action: PlanAction, expected: PlanStatus) -> None:
    assert transition(current, action) == expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (PlanStatus.DRAFT, PlanAction.HOLD),
        (PlanStatus.DRAFT, PlanAction.COMPLETE),  # a plan never started cannot be completed
        (PlanStatus.ACTIVE, PlanAction.ACTIVATE),
        (PlanStatus.ON_HOLD, PlanAction.HOLD),
        *[(PlanStatus.COMPLETED, action) for action in PlanAction],
        *[(PlanStatus.REVOKED, action) for action in PlanAction],
    ],
)
def test_refused_transitions_are_409_invalid_transition(current: PlanStatus, action: PlanAction) -> None:
    with pytest.raises(InvalidTransition) as excinfo:
        transition(current, action)

    assert excinfo.value.status == 409
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.extra["current_status"] == current
    assert excinfo.value.detail == f"Cannot {action} a plan that is {current}."


def test_refusal_tells_the_client_what_it_may_do_instead() -> None:
    with pytest.raises(InvalidTransition) as excinfo:
        transition(PlanStatus.ON_HOLD, PlanAction.HOLD)

    assert excinfo.value.extra["allowed_actions"] == ["activate", "complete", "revoke"]


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (PlanStatus.DRAFT, {PlanAction.ACTIVATE, PlanAction.REVOKE}),
        (PlanStatus.ACTIVE, {PlanAction.HOLD, PlanAction.COMPLETE, PlanAction.REVOKE}),
        (PlanStatus.ON_HOLD, {PlanAction.ACTIVATE, PlanAction.COMPLETE, PlanAction.REVOKE}),
        (PlanStatus.COMPLETED, set()),
        (PlanStatus.REVOKED, set()),
    ],
)
def test_allowed_actions(current: PlanStatus, expected: set[PlanAction]) -> None:
    assert allowed_actions(current) == expected


def test_completed_and_revoked_are_terminal() -> None:
    assert {PlanStatus.COMPLETED, PlanStatus.REVOKED} == TERMINAL_STATUSES


def test_transition_accepts_the_plain_strings_stored_in_the_database() -> None:
    assert transition(PlanStatus("on_hold"), PlanAction("activate")) == "active"


@pytest.mark.parametrize(
    "accepted",
    [
        ["telehealth", "ketamine_treatment"],
        ["ketamine_treatment", "data_sharing", "telehealth"],
        ["telehealth", "telehealth", "ketamine_treatment"],
    ],
)
def test_activation_passes_with_both_consents(accepted: list[str]) -> None:
    check_activation_consents(accepted)


@pytest.mark.parametrize(
    ("accepted", "missing"),
    [
        (["telehealth"], ["ketamine_treatment"]),
        (["ketamine_treatment", "data_sharing"], ["telehealth"]),
        ([], ["telehealth", "ketamine_treatment"]),
        (["data_sharing"], ["telehealth", "ketamine_treatment"]),
    ],
)
def test_activation_names_every_missing_consent(accepted: list[str], missing: list[str]) -> None:
    with pytest.raises(RuleViolation) as excinfo:
        check_activation_consents(iter(accepted))

    assert excinfo.value.status == 422
    assert excinfo.value.code == "consent_required"
    assert excinfo.value.extra == {"missing_consents": missing}
    assert all(consent in excinfo.value.detail for consent in missing)


# --- held for the patient's safety (clinical-rules.md §4) ---------------------------------------------------


def test_a_provider_resumes_a_safety_hold_with_a_reason() -> None:
    check_safety_resumption(by_provider=True, reason="Reviewed: dose reduced to 56 mg.")


@pytest.mark.parametrize(
    ("by_provider", "reason", "code"),
    [
        (False, "Paperwork done.", "reactivation_requires_provider"),
        (True, None, "reason_required"),
        (True, "   ", "reason_required"),
    ],
)
def test_nobody_else_and_not_without_a_reason(by_provider: bool, reason: str | None, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_safety_resumption(by_provider=by_provider, reason=reason)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("flags", "status", "hold", "level"),
    [
        ({SUICIDE_RISK_HIGH}, PlanStatus.ACTIVE, True, "high"),
        ({SUICIDE_RISK_HIGH}, PlanStatus.ON_HOLD, False, "high"),  # already held: still flagged
        ({SUICIDAL_IDEATION}, PlanStatus.ACTIVE, False, "ideation"),
        ({SUICIDE_RISK_HIGH, SUICIDAL_IDEATION}, PlanStatus.ACTIVE, True, "high"),
        (set(), PlanStatus.ACTIVE, False, None),
    ],
)
def test_a_crisis_at_a_check_in(flags: set[str], status: PlanStatus, hold: bool, level: str | None) -> None:
    crisis = check_in_crisis(flags, status)
    assert (crisis.hold, crisis.risk_level) == (hold, level)
