"""Escalations (clinical-rules.md §2 and §4 [2e]): acknowledgement, the overdue announcement's intervals, who
clears an escalated patient and what approving needs. Written by hand from the rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from api.domain.eligibility import EligibilityOutcome, EligibilityReason, EligibilityResult
from api.domain.escalation import (
    announcement_due,
    check_acknowledgement,
    check_clearance,
    require_psychiatrist,
)
from api.domain.matching import is_psychiatrist
from api.domain.screening import Instrument
from api.errors import Conflict, Forbidden, RuleViolation

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
HOUR = timedelta(minutes=60)


# --- Acknowledgement ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["partner_client", "admin", "patient"])
def test_only_a_provider_acknowledges(kind: str) -> None:
    with pytest.raises(Forbidden):
        check_acknowledgement(acknowledged_at=None, principal_kind=kind)


def test_a_provider_acknowledges_once() -> None:
    check_acknowledgement(acknowledged_at=None, principal_kind="provider")
    with pytest.raises(Conflict) as twice:
        check_acknowledgement(acknowledged_at=NOW, principal_kind="provider")
    assert (twice.value.status, twice.value.code) == (409, "already_acknowledged")
    assert twice.value.extra == {"acknowledged_at": "2026-12-04T12:00:00Z"}


def test_the_role_is_judged_before_the_state() -> None:
    with pytest.raises(Forbidden):
        check_acknowledgement(acknowledged_at=NOW, principal_kind="admin")


# --- The overdue announcement -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_after", "announced", "due"),
    [
        pytest.param(59, 0, None, id="before-the-first-interval"),
        pytest.param(60, 0, 1, id="at-the-first-interval"),
        pytest.param(61, 1, None, id="first-already-announced"),
        pytest.param(119, 1, None, id="never-twice-within-one-interval"),
        pytest.param(120, 1, 2, id="at-the-second-multiple"),
        pytest.param(185, 0, 3, id="worker-down-announces-once-for-the-interval-found"),
        pytest.param(185, 3, None, id="third-already-announced"),
    ],
)
def test_announced_at_each_multiple_of_the_interval(
    minutes_after: int, announced: int, due: int | None
) -> None:
    escalated_at = NOW - timedelta(minutes=minutes_after)
    assert (
        announcement_due(
            escalated_at=escalated_at,
            acknowledged_at=None,
            announced_intervals=announced,
            now=NOW,
            interval=HOUR,
        )
        == due
    )


def test_an_acknowledged_escalation_is_never_announced() -> None:
    assert (
        announcement_due(
            escalated_at=NOW - 5 * HOUR,
            acknowledged_at=NOW - HOUR,
            announced_intervals=0,
            now=NOW,
            interval=HOUR,
        )
        is None
    )


@pytest.mark.parametrize(("minutes_after", "due"), [(0, None), (1, 1), (2, 2)])
def test_the_shortest_interval_is_one_minute(minutes_after: int, due: int | None) -> None:
    escalated_at = NOW - timedelta(minutes=minutes_after)
    kwargs = {"acknowledged_at": None, "announced_intervals": 0, "now": NOW}
    assert announcement_due(escalated_at=escalated_at, interval=timedelta(minutes=1), **kwargs) == due


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        announcement_due(
            escalated_at=NOW, acknowledged_at=None, announced_intervals=0, now=NOW, interval=timedelta(0)
        )


# --- Who clears an escalated patient ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credential", "specialties", "psychiatrist"),
    [
        ("MD", ["psychiatry"], True),
        ("DO", ["addiction_medicine", "psychiatry"], True),
        ("MD", ["family_medicine"], False),
        ("NP", ["psychiatry"], False),
        ("PA", ["psychiatry"], False),
        (None, [], False),
    ],
)
def test_a_psychiatrist_is_an_md_or_do_in_psychiatry(
    credential: str | None, specialties: list[str], psychiatrist: bool
) -> None:
    assert is_psychiatrist(credential, specialties) is psychiatrist
    if psychiatrist:
        require_psychiatrist(principal_kind="provider", credential=credential, specialties=specialties)
    else:
        with pytest.raises(Forbidden) as refused:
            require_psychiatrist(principal_kind="provider", credential=credential, specialties=specialties)
        assert refused.value.code == "psychiatrist_required"


@pytest.mark.parametrize("kind", ["admin", "partner_client", "patient"])
def test_nobody_but_a_provider_clears_even_with_a_psychiatrists_credentials(kind: str) -> None:
    with pytest.raises(Forbidden) as refused:
        require_psychiatrist(principal_kind=kind, credential="MD", specialties=["psychiatry"])
    assert refused.value.code == "psychiatrist_required"


# --- What approving needs -----------------------------------------------------------------------------------

CLEARED = EligibilityResult(
    outcome=EligibilityOutcome.NEEDS_REVIEW,
    reasons=(EligibilityReason("suicide_risk_high", "C-SSRS high.", "scr_cssrs", "/answers/intent"),),
    missing_screenings=(),
    crisis_resources=(),
)


def refusal(**changes: object) -> RuleViolation:
    arguments: dict[str, object] = {
        "safety_plan_documented": True,
        "escalation_acknowledged": True,
        "eligibility": CLEARED,
    }
    arguments.update(changes)
    with pytest.raises(RuleViolation) as refused:
        check_clearance(**arguments)  # type: ignore[arg-type]
    return refused.value


def test_a_cleared_case_with_everything_in_order_may_be_approved() -> None:
    check_clearance(safety_plan_documented=True, escalation_acknowledged=True, eligibility=CLEARED)


@pytest.mark.parametrize("documented", [None, False])
def test_approval_needs_a_documented_safety_plan(documented: bool | None) -> None:
    refused = refusal(safety_plan_documented=documented)
    assert refused.code == "safety_plan_required"
    assert [(e.pointer, e.code) for e in refused.errors] == [
        ("/safety_plan_documented", "safety_plan_required")
    ]


def test_approval_needs_every_screening() -> None:
    refused = refusal(eligibility=replace(CLEARED, missing_screenings=(Instrument.KETAMINE_INTAKE,)))
    assert refused.code == "screenings_incomplete"
    assert refused.extra["missing_screenings"] == ["ketamine_intake"]


def test_approval_needs_the_escalation_acknowledged() -> None:
    refused = refusal(escalation_acknowledged=False)
    assert refused.code == "escalation_not_acknowledged"


def test_every_failure_is_listed_at_once() -> None:
    refused = refusal(
        safety_plan_documented=False,
        escalation_acknowledged=False,
        eligibility=replace(CLEARED, missing_screenings=(Instrument.PHQ9, Instrument.GAD7)),
    )
    assert refused.code == "safety_plan_required"
    assert [e.code for e in refused.errors] == [
        "safety_plan_required",
        "screenings_incomplete",
        "escalation_not_acknowledged",
    ]


def test_an_absolute_contraindication_leaves_only_decline() -> None:
    mania = EligibilityReason(
        "current_mania", "Intake reports current mania.", "scr_i", "/answers/current_mania"
    )
    refused = refusal(
        eligibility=replace(CLEARED, outcome=EligibilityOutcome.INELIGIBLE, reasons=(mania, *CLEARED.reasons))
    )
    assert refused.code == "contraindicated"
    assert refused.extra == {
        "contraindications": [
            {"code": "current_mania", "screening_id": "scr_i", "field": "/answers/current_mania"}
        ]
    }
    assert [(e.pointer, e.code) for e in refused.errors] == [("/decision", "contraindicated")]
