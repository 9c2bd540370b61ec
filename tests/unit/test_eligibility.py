"""Eligibility of a consultation (clinical-rules.md §2), from raw answers, without a database.

Expected outcomes and reasons are written by hand from the rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from api.domain.eligibility import (
    ABSOLUTE_CONTRAINDICATIONS,
    CONSULTATION_STATUS_BY_OUTCOME,
    RELATIVE_CONTRAINDICATIONS,
    EligibilityResult,
    LatestScreening,
    check_consultation_request,
    consultation_status_after,
    evaluate_eligibility,
    required_screenings,
)
from api.errors import InvalidTransition, RuleViolation
from tests.clinical import (
    ABSOLUTE,
    CSSRS_HIGH,
    CSSRS_LOW,
    CSSRS_MODERATE,
    CSSRS_NONE,
    GAD7_MILD,
    GAD7_MODERATE,
    PCL5_32,
    PCL5_33,
    PHQ9_ITEM_9,
    PHQ9_MILD,
    PHQ9_MODERATE,
    RELATIVE_BOOLEANS,
    intake,
)

CRISIS_RESOURCES = [
    ("988 Suicide & Crisis Lifeline", "Call or text 988"),
    ("Crisis Text Line", "Text HOME to 741741"),
    ("Emergency services", "Call 911"),
]


def evaluate(
    *, conditions: tuple[str, ...] = ("major_depression",), age: int = 40, **answers: object
) -> EligibilityResult:
    """Eligibility of a complete, unremarkable set of screenings changed by ``answers`` (None drops one)."""
    return evaluate_answers(answers, conditions=conditions, age=age)


def evaluate_answers(
    answers: Mapping[str, object], *, conditions: tuple[str, ...] = ("major_depression",), age: int = 40
) -> EligibilityResult:
    defaults: dict[str, object] = {
        "phq9": PHQ9_MODERATE,
        "gad7": GAD7_MILD,
        "cssrs": CSSRS_NONE,
        "ketamine_intake": intake(),
    }
    defaults.update(answers)
    latest = {
        instrument: LatestScreening(f"scr_{instrument}", given)
        for instrument, given in defaults.items()
        if given is not None
    }
    return evaluate_eligibility(conditions=conditions, age_years=age, latest_screenings=latest)


def reasons(result: EligibilityResult) -> list[tuple[str, str | None, str | None]]:
    return [(reason.code, reason.screening_id, reason.field) for reason in result.reasons]


def test_unremarkable_case_with_a_qualifying_phq9_is_eligible() -> None:
    result = evaluate()
    assert (result.outcome, result.reasons, result.missing_screenings, result.crisis_resources) == (
        "eligible",
        (),
        (),
        (),
    )


# --- Qualifying screens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "answers", "outcome"),
    [
        pytest.param(("major_depression",), {"phq9": PHQ9_MILD}, "needs_review", id="phq9-9"),
        pytest.param(("major_depression",), {"phq9": PHQ9_MODERATE}, "eligible", id="phq9-10"),
        pytest.param(
            ("generalized_anxiety",), {"phq9": PHQ9_MILD, "gad7": GAD7_MODERATE}, "eligible", id="gad7-10"
        ),
        pytest.param(("ptsd",), {"phq9": PHQ9_MILD, "pcl5": PCL5_32}, "needs_review", id="pcl5-32"),
        pytest.param(("ptsd",), {"phq9": PHQ9_MILD, "pcl5": PCL5_33}, "eligible", id="pcl5-33"),
        pytest.param(
            ("major_depression",), {"phq9": PHQ9_MILD, "pcl5": PCL5_33}, "eligible", id="pcl5-optional"
        ),
        pytest.param(("chronic_pain",), {"phq9": PHQ9_MILD}, "eligible", id="chronic-pain"),
        pytest.param(("ocd",), {"phq9": PHQ9_MILD}, "eligible", id="ocd"),
        pytest.param(("social_anxiety",), {"phq9": PHQ9_MILD}, "needs_review", id="social-anxiety-alone"),
    ],
)
def test_qualifying_screen(conditions: tuple[str, ...], answers: dict[str, object], outcome: str) -> None:
    result = evaluate_answers(answers, conditions=conditions)
    assert result.outcome == outcome
    assert reasons(result) == ([] if outcome == "eligible" else [("no_qualifying_screen", None, None)])


def test_no_qualifying_screen_says_what_was_found() -> None:
    (reason,) = evaluate(phq9=PHQ9_MILD).reasons
    assert reason.detail.endswith("(PHQ-9 total 9, GAD-7 total 9).")


# --- Age ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "outcome", "expected"),
    [
        (17, "ineligible", [("age_under_18", None, None)]),
        (18, "eligible", []),
        (64, "eligible", []),
        (65, "needs_review", [("age_65_or_over", None, None)]),
    ],
)
def test_age_limits(age: int, outcome: str, expected: list[tuple[str, None, None]]) -> None:
    result = evaluate(age=age)
    assert (result.outcome, reasons(result)) == (outcome, expected)


# --- Contraindications -------------------------------------------------------------------------------------


def test_contraindication_lists() -> None:
    assert set(ABSOLUTE) == ABSOLUTE_CONTRAINDICATIONS
    assert {*RELATIVE_BOOLEANS, "blood_pressure_elevated"} == RELATIVE_CONTRAINDICATIONS


@pytest.mark.parametrize("field", ABSOLUTE)
def test_each_absolute_contraindication_makes_the_case_ineligible(field: str) -> None:
    result = evaluate(ketamine_intake=intake(**{field: True}))
    assert result.outcome == "ineligible"
    assert reasons(result) == [(field, "scr_ketamine_intake", f"/answers/{field}")]
    assert result.reasons[0].detail.endswith("This is an absolute contraindication to ketamine.")
    assert result.crisis_resources == ()


@pytest.mark.parametrize("field", RELATIVE_BOOLEANS)
def test_each_relative_contraindication_needs_review(field: str) -> None:
    result = evaluate(ketamine_intake=intake(**{field: True}))
    assert result.outcome == "needs_review"
    assert reasons(result) == [(field, "scr_ketamine_intake", f"/answers/{field}")]


@pytest.mark.parametrize(
    ("systolic", "diastolic", "outcome", "fields"),
    [
        (140, 90, "eligible", []),
        (141, 90, "needs_review", ["/answers/systolic_bp"]),
        (140, 91, "needs_review", ["/answers/diastolic_bp"]),
        (165, 105, "needs_review", ["/answers/systolic_bp", "/answers/diastolic_bp"]),
    ],
)
def test_blood_pressure_above_140_over_90_needs_review(
    systolic: int, diastolic: int, outcome: str, fields: list[str]
) -> None:
    result = evaluate(ketamine_intake=intake(systolic_bp=systolic, diastolic_bp=diastolic))
    assert result.outcome == outcome
    assert reasons(result) == [("blood_pressure_elevated", "scr_ketamine_intake", field) for field in fields]


def test_blood_pressure_reason_names_the_reading() -> None:
    (reason,) = evaluate(ketamine_intake=intake(systolic_bp=152)).reasons
    assert (
        reason.detail
        == "Systolic blood pressure 152 mmHg is above 140 mmHg. A clinician must review this first."
    )


def test_bipolar_depression_needs_review() -> None:
    result = evaluate(conditions=("bipolar_depression",))
    assert result.outcome == "needs_review"
    assert reasons(result) == [("bipolar_depression", None, "/conditions")]


# --- Suicide risk ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "outcome", "expected"),
    [
        pytest.param({"cssrs": CSSRS_LOW}, "eligible", [], id="cssrs-low"),
        pytest.param(
            {"cssrs": CSSRS_MODERATE},
            "needs_review",
            [("suicide_risk_moderate", "scr_cssrs", "/answers/behavior_lifetime")],
            id="cssrs-moderate",
        ),
        pytest.param(
            {"phq9": PHQ9_ITEM_9},
            "needs_review",
            [("suicidal_ideation", "scr_phq9", "/answers/8")],
            id="phq9-item-9",
        ),
        pytest.param(
            {"cssrs": CSSRS_HIGH},
            "escalate",
            [("suicide_risk_high", "scr_cssrs", "/answers/intent")],
            id="cssrs-high",
        ),
    ],
)
def test_suicide_risk(answers: dict[str, object], outcome: str, expected: list[tuple[str, str, str]]) -> None:
    result = evaluate_answers(answers)
    assert (result.outcome, reasons(result)) == (outcome, expected)
    assert [(r.name, r.contact) for r in result.crisis_resources] == (
        CRISIS_RESOURCES if outcome == "escalate" else []
    )


def test_escalation_comes_with_crisis_resources() -> None:
    result = evaluate(cssrs=CSSRS_HIGH)
    assert [(r.name, r.contact) for r in result.crisis_resources] == CRISIS_RESOURCES
    assert all(resource.description for resource in result.crisis_resources)


def test_cssrs_high_escalates_at_once_while_screenings_are_missing() -> None:
    result = evaluate(phq9=None, gad7=None, ketamine_intake=None, cssrs=CSSRS_HIGH)
    assert result.outcome == "escalate"
    assert result.missing_screenings == ("phq9", "gad7", "ketamine_intake")
    assert reasons(result) == [("suicide_risk_high", "scr_cssrs", "/answers/intent")]
    assert [(r.name, r.contact) for r in result.crisis_resources] == CRISIS_RESOURCES


# --- Missing screenings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "required"),
    [
        (("major_depression",), ("phq9", "gad7", "cssrs", "ketamine_intake")),
        (("ptsd",), ("phq9", "gad7", "pcl5", "cssrs", "ketamine_intake")),
        (("major_depression", "ptsd"), ("phq9", "gad7", "pcl5", "cssrs", "ketamine_intake")),
        ((), ("phq9", "gad7", "cssrs", "ketamine_intake")),
    ],
)
def test_pcl5_is_required_only_with_ptsd(conditions: tuple[str, ...], required: tuple[str, ...]) -> None:
    assert required_screenings(conditions) == required


def test_nothing_answered_is_pending_with_every_screening_missing() -> None:
    result = evaluate(conditions=("ptsd",), phq9=None, gad7=None, cssrs=None, ketamine_intake=None)
    assert (result.outcome, result.reasons, result.crisis_resources) == ("pending", (), ())
    assert result.missing_screenings == ("phq9", "gad7", "pcl5", "cssrs", "ketamine_intake")


@pytest.mark.parametrize("missing", ["phq9", "gad7", "cssrs", "ketamine_intake"])
def test_any_required_screening_missing_is_pending(missing: str) -> None:
    result = evaluate_answers({missing: None})
    assert (result.outcome, result.missing_screenings, result.crisis_resources) == ("pending", (missing,), ())


def test_ptsd_without_pcl5_is_pending() -> None:
    result = evaluate(conditions=("ptsd",))
    assert (result.outcome, result.missing_screenings) == ("pending", ("pcl5",))


def test_pending_lists_findings_so_far_but_not_the_qualifying_screen() -> None:
    result = evaluate(phq9=PHQ9_MILD, gad7=None, age=17, ketamine_intake=intake(current_mania=True))
    assert result.outcome == "pending"
    assert reasons(result) == [
        ("current_mania", "scr_ketamine_intake", "/answers/current_mania"),
        ("age_under_18", None, None),
    ]


# --- First match wins, every reason listed -----------------------------------------------------------------


def test_escalate_wins_over_everything_and_lists_every_reason() -> None:
    result = evaluate(
        conditions=("bipolar_depression",),
        age=70,
        phq9=PHQ9_ITEM_9,
        cssrs=CSSRS_HIGH,
        ketamine_intake=intake(diastolic_bp=95, psychosis_history=True, severe_hepatic_impairment=True),
    )
    assert result.outcome == "escalate"
    assert reasons(result) == [
        ("suicide_risk_high", "scr_cssrs", "/answers/intent"),
        ("psychosis_history", "scr_ketamine_intake", "/answers/psychosis_history"),
        ("suicidal_ideation", "scr_phq9", "/answers/8"),
        ("blood_pressure_elevated", "scr_ketamine_intake", "/answers/diastolic_bp"),
        ("severe_hepatic_impairment", "scr_ketamine_intake", "/answers/severe_hepatic_impairment"),
        ("age_65_or_over", None, None),
        ("bipolar_depression", None, "/conditions"),
    ]


def test_ineligible_wins_over_needs_review_and_lists_the_cautions_too() -> None:
    result = evaluate(
        age=17,
        phq9=PHQ9_MILD,
        cssrs=CSSRS_MODERATE,
        ketamine_intake=intake(systolic_bp=150, pregnant_or_breastfeeding=True, interstitial_cystitis=True),
    )
    assert result.outcome == "ineligible"
    assert reasons(result) == [
        ("pregnant_or_breastfeeding", "scr_ketamine_intake", "/answers/pregnant_or_breastfeeding"),
        ("age_under_18", None, None),
        ("suicide_risk_moderate", "scr_cssrs", "/answers/behavior_lifetime"),
        ("blood_pressure_elevated", "scr_ketamine_intake", "/answers/systolic_bp"),
        ("interstitial_cystitis", "scr_ketamine_intake", "/answers/interstitial_cystitis"),
        ("no_qualifying_screen", None, None),
    ]
    assert result.crisis_resources == ()


def test_needs_review_lists_every_caution() -> None:
    result = evaluate(
        conditions=("bipolar_depression",),
        age=66,
        phq9=PHQ9_MILD,
        ketamine_intake=intake(uncontrolled_hyperthyroidism=True, substance_use_disorder_history=True),
    )
    assert result.outcome == "needs_review"
    assert reasons(result) == [
        ("substance_use_disorder_history", "scr_ketamine_intake", "/answers/substance_use_disorder_history"),
        ("uncontrolled_hyperthyroidism", "scr_ketamine_intake", "/answers/uncontrolled_hyperthyroidism"),
        ("age_65_or_over", None, None),
        ("bipolar_depression", None, "/conditions"),
        ("no_qualifying_screen", None, None),
    ]


def test_pending_wins_over_ineligible() -> None:
    result = evaluate(gad7=None, ketamine_intake=intake(ketamine_hypersensitivity=True))
    assert (result.outcome, result.missing_screenings) == ("pending", ("gad7",))
    assert reasons(result) == [
        ("ketamine_hypersensitivity", "scr_ketamine_intake", "/answers/ketamine_hypersensitivity")
    ]


def test_unknown_instrument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="audit_c"):
        evaluate(audit_c=[0] * 10)


# --- Outcome -> consultation status ------------------------------------------------------------------------


def test_consultation_status_by_outcome() -> None:
    assert CONSULTATION_STATUS_BY_OUTCOME == {
        "eligible": "ready",
        "needs_review": "awaiting_review",
        "ineligible": "declined",
        "escalate": "escalated",
        "pending": "submitted",
    }


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("eligible", "ready"),
        ("needs_review", "awaiting_review"),
        ("ineligible", "declined"),
        ("escalate", "escalated"),
        ("pending", "awaiting_review"),
    ],
)
def test_recomputed_outcome_while_awaiting_review(outcome: str, status: str) -> None:
    assert consultation_status_after(outcome, "awaiting_review") == status


@pytest.mark.parametrize(
    "current", ["ready", "scheduled", "in_progress", "completed", "declined", "cancelled"]
)
def test_eligibility_no_longer_moves_a_consultation_past_review(current: str) -> None:
    with pytest.raises(InvalidTransition):
        consultation_status_after("eligible", current)


@pytest.mark.parametrize(
    ("age", "consents", "code", "missing"),
    [
        (17, ["telehealth"], "patient_underage", None),
        (17, [], "patient_underage", None),  # age is judged first
        (18, [], "consent_required", ["telehealth"]),
        (40, ["data_sharing", "ketamine_treatment"], "consent_required", ["telehealth"]),
    ],
)
def test_a_consultation_request_needs_an_adult_with_telehealth_consent(
    age: int, consents: list[str], code: str, missing: list[str] | None
) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_consultation_request(age, consents)
    assert refused.value.code == code
    assert refused.value.extra.get("missing_consents") == missing


@pytest.mark.parametrize("age", [18, 64, 65, 90])
def test_an_adult_with_telehealth_consent_may_request(age: int) -> None:
    check_consultation_request(age, ["telehealth"])
