"""The consultation state machine (api-contract.md §3): every allowed transition, and refusals."""

from __future__ import annotations

import itertools

import pytest

from api.domain.consultation_status import (
    CONDITIONS,
    CONSULTATION_ACTIONS,
    CONSULTATION_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    allowed_actions,
    transition,
)
from api.errors import InvalidTransition

# (from, action, to), written from the contract and clinical-rules §2.
ALLOWED = [
    ("submitted", "mark_eligible", "ready"),
    ("submitted", "require_review", "awaiting_review"),
    ("submitted", "mark_ineligible", "declined"),
    ("submitted", "escalate", "escalated"),
    ("submitted", "cancel", "cancelled"),
    ("awaiting_review", "mark_eligible", "ready"),
    ("awaiting_review", "require_review", "awaiting_review"),
    ("awaiting_review", "mark_ineligible", "declined"),
    ("awaiting_review", "escalate", "escalated"),
    ("awaiting_review", "approve", "ready"),
    ("awaiting_review", "decline", "declined"),
    ("awaiting_review", "cancel", "cancelled"),
    ("ready", "schedule", "scheduled"),
    ("ready", "escalate", "escalated"),  # [2e] a new crisis on an approved case
    ("ready", "cancel", "cancelled"),
    ("scheduled", "reschedule", "scheduled"),
    ("scheduled", "escalate", "escalated"),  # [2e] idem, the booking released
    ("scheduled", "start", "in_progress"),
    ("scheduled", "cancel", "cancelled"),
    ("in_progress", "complete", "completed"),
    ("escalated", "approve", "ready"),  # [2e] a psychiatrist clears the escalated patient
    ("escalated", "decline", "declined"),
    ("escalated", "cancel", "cancelled"),
]
STATUSES = [
    "submitted",
    "awaiting_review",
    "ready",
    "declined",
    "escalated",
    "scheduled",
    "in_progress",
    "completed",
    "cancelled",
]
ACTIONS = [
    "mark_eligible",
    "require_review",
    "mark_ineligible",
    "escalate",
    "approve",
    "decline",
    "schedule",
    "reschedule",
    "start",
    "complete",
    "cancel",
]
ALLOWED_PAIRS = {(status, action) for status, action, _ in ALLOWED}
REFUSED = [pair for pair in itertools.product(STATUSES, ACTIONS) if pair not in ALLOWED_PAIRS]


def test_constants() -> None:
    assert list(CONSULTATION_STATUSES) == STATUSES
    assert list(CONSULTATION_ACTIONS) == ACTIONS
    assert list(CONDITIONS) == [
        "treatment_resistant_depression",
        "major_depression",
        "bipolar_depression",
        "generalized_anxiety",
        "social_anxiety",
        "ptsd",
        "ocd",
        "chronic_pain",
    ]


def test_the_table_is_exactly_the_allowed_transitions() -> None:
    assert {(status, action): new for status, action, new in ALLOWED} == dict(TRANSITIONS)


@pytest.mark.parametrize(("current", "action", "new_status"), ALLOWED)
def test_allowed_transition(current: str, action: str, new_status: str) -> None:
    assert transition(current, action) == new_status


@pytest.mark.parametrize(("current", "action"), REFUSED)
def test_refused_transition(current: str, action: str) -> None:
    with pytest.raises(InvalidTransition) as refused:
        transition(current, action)
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert refused.value.extra["current_status"] == current
    assert refused.value.extra["action"] == action


@pytest.mark.parametrize(
    ("current", "action", "detail"),
    [
        (
            "submitted",
            "approve",
            "Action approve is not allowed when the consultation is submitted "
            "(allowed: mark_eligible, require_review, mark_ineligible, escalate, cancel).",
        ),
        (
            "in_progress",
            "cancel",
            "Action cancel is not allowed when the consultation is in_progress (allowed: complete).",
        ),
        (
            "completed",
            "cancel",
            "Action cancel is not allowed when the consultation is completed (completed is final).",
        ),
        (
            "escalated",
            "schedule",
            "Action schedule is not allowed when the consultation is escalated "
            "(allowed: approve, decline, cancel).",
        ),
        (
            "ready",
            "mark_eligible",
            "Action mark_eligible is not allowed when the consultation is ready "
            "(allowed: escalate, schedule, cancel).",
        ),
    ],
)
def test_refusal_says_what_is_allowed(current: str, action: str, detail: str) -> None:
    with pytest.raises(InvalidTransition) as refused:
        transition(current, action)
    assert refused.value.detail == detail


@pytest.mark.parametrize(
    ("current", "actions"),
    [
        ("scheduled", ("escalate", "reschedule", "start", "cancel")),
        ("escalated", ("approve", "decline", "cancel")),
        ("declined", ()),
        ("completed", ()),
        ("cancelled", ()),
    ],
)
def test_allowed_actions(current: str, actions: tuple[str, ...]) -> None:
    assert allowed_actions(current) == actions


def test_terminal_statuses() -> None:
    assert {"declined", "completed", "cancelled"} == TERMINAL_STATUSES


@pytest.mark.parametrize(("current", "action"), [("archived", "cancel"), ("submitted", "delete")])
def test_unknown_names_are_programming_errors(current: str, action: str) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        transition(current, action)
