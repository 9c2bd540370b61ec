"""Scoring and validation of the screening instruments (clinical-rules.md §1, §2 intake).

Expected totals, bands, flags and pointers are written by hand from the rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from api.domain.screening import (
    INSTRUMENTS,
    CssrsRecall,
    RecallContext,
    ScoredScreening,
    answer_pointer,
    check_recall,
    cssrs_recall,
    expected_recall,
    score_cssrs,
    score_gad7,
    score_ketamine_intake,
    score_pcl5,
    score_phq9,
    score_screening,
)
from api.errors import RuleViolation, ValidationFailed

INTAKE_BOOLEANS = (
    "pregnant_or_breastfeeding",
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_hemorrhage_history",
    "ketamine_hypersensitivity",
    "psychosis_history",
    "current_mania",
    "substance_use_disorder_active",
    "substance_use_disorder_history",
    "uncontrolled_cardiovascular_disease",
    "recent_mi_or_stroke_6_months",
    "severe_hepatic_impairment",
    "uncontrolled_hyperthyroidism",
    "elevated_intracranial_pressure",
    "interstitial_cystitis",
    "current_psychotic_symptoms",
    "ketamine_or_pcp_misuse_history",
    "untreated_sleep_apnea",
)


def problems(instrument: str, answers: object) -> list[tuple[str, str]]:
    """(pointer, code) of every FieldError the submission is refused with."""
    with pytest.raises(ValidationFailed) as refused:
        score_screening(instrument, answers)
    assert refused.value.status == 422
    assert all(error.message for error in refused.value.errors)
    return [(error.pointer, error.code) for error in refused.value.errors]


def pcl5(ratings: dict[int, int]) -> list[int]:
    """A PCL-5 answer list with the given items (numbered from 1) rated, every other item 0."""
    return [ratings.get(item, 0) for item in range(1, 21)]


def intake(**changes: object) -> dict[str, object]:
    """An intake with nothing to report, with ``changes`` applied (None sends a JSON null)."""
    answers: dict[str, object] = {
        "systolic_bp": 120,
        "diastolic_bp": 80,
        "heart_rate": 72,
        "weight_kg": 70.5,
        "pregnant_or_breastfeeding": False,
        "aneurysmal_vascular_disease": False,
        "arteriovenous_malformation": False,
        "intracerebral_hemorrhage_history": False,
        "ketamine_hypersensitivity": False,
        "psychosis_history": False,
        "current_mania": False,
        "substance_use_disorder_active": False,
        "substance_use_disorder_history": False,
        "uncontrolled_cardiovascular_disease": False,
        "recent_mi_or_stroke_6_months": False,
        "severe_hepatic_impairment": False,
        "uncontrolled_hyperthyroidism": False,
        "elevated_intracranial_pressure": False,
        "interstitial_cystitis": False,
        "current_psychotic_symptoms": False,
        "ketamine_or_pcp_misuse_history": False,
        "untreated_sleep_apnea": False,
        "current_medications": ["sertraline 100 mg daily"],
        "antidepressant_trials_current_episode": 2,
        "medication_classes": [],
    }
    answers.update(changes)
    return answers


def test_instruments_are_the_five_of_the_contract() -> None:
    assert INSTRUMENTS == ("phq9", "gad7", "pcl5", "cssrs", "ketamine_intake")


@pytest.mark.parametrize(
    ("instrument", "answers", "scorer"),
    [
        ("phq9", [0] * 9, score_phq9),
        ("gad7", [0] * 7, score_gad7),
        ("pcl5", [0] * 20, score_pcl5),
        (
            "cssrs",
            {"wish_to_be_dead": False, "suicidal_thoughts": False, "behavior_lifetime": False},
            score_cssrs,
        ),
        ("ketamine_intake", intake(), score_ketamine_intake),
    ],
)
def test_score_screening_dispatches_to_the_instrument(
    instrument: str, answers: object, scorer: Callable[[object], ScoredScreening]
) -> None:
    assert score_screening(instrument, answers) == scorer(answers)
    assert score_screening(instrument, answers).instrument == instrument


def test_unknown_instrument_is_refused() -> None:
    assert problems("audit_c", [0] * 10) == [("/instrument", "unknown_instrument")]


@pytest.mark.parametrize(
    ("instrument", "answers", "loinc"),
    [
        ("phq9", [0] * 9, {"panel": "44249-1", "total": "44261-6", "item_9": "44260-8"}),
        ("gad7", [0] * 7, {"panel": "69737-5", "total": "70274-6"}),
        ("pcl5", [0] * 20, {"panel": "101697-1", "total": "101698-9"}),
        (
            "cssrs",
            {"wish_to_be_dead": False, "suicidal_thoughts": False, "behavior_lifetime": False},
            {"risk_level": "93374-7"},
        ),
        ("ketamine_intake", intake(), {}),
    ],
)
def test_loinc_codes(instrument: str, answers: object, loinc: dict[str, str]) -> None:
    assert score_screening(instrument, answers).loinc.as_dict() == loinc


# --- PHQ-9 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "severity"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([2, 2, 2, 2, 1, 0, 0, 0, 0], 9, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], 24, "severe"),
    ],
)
def test_phq9_bands(answers: list[int], total: int, severity: str) -> None:
    scored = score_phq9(answers)
    assert (scored.total, scored.severity, scored.flags) == (total, severity, ())


def test_phq9_maximum_is_severe_with_suicidal_ideation() -> None:
    scored = score_phq9([3] * 9)
    assert (scored.total, scored.severity, scored.flags) == (27, "severe", ("suicidal_ideation",))


@pytest.mark.parametrize("item_9", [1, 2, 3])
def test_phq9_item_9_flags_suicidal_ideation_whatever_the_total(item_9: int) -> None:
    scored = score_phq9([0, 0, 0, 0, 0, 0, 0, 0, item_9])
    assert (scored.total, scored.severity, scored.flags) == (item_9, "minimal", ("suicidal_ideation",))
    assert [(finding.code, finding.pointer) for finding in scored.findings] == [
        ("suicidal_ideation", "/answers/8")
    ]
    assert f"answered {item_9} of 3" in scored.findings[0].detail


# --- GAD-7 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "severity", "flags"),
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "minimal", ()),
        ([1, 1, 1, 1, 0, 0, 0], 4, "minimal", ()),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild", ()),
        ([2, 2, 2, 2, 1, 0, 0], 9, "mild", ()),
        ([2, 2, 2, 2, 2, 0, 0], 10, "moderate", ("positive_screen",)),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate", ("positive_screen",)),
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe", ("positive_screen",)),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe", ("positive_screen",)),
    ],
)
def test_gad7_bands_and_positive_screen(
    answers: list[int], total: int, severity: str, flags: tuple[str, ...]
) -> None:
    scored = score_gad7(answers)
    assert (scored.total, scored.severity, scored.flags) == (total, severity, flags)


# --- PCL-5 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "severity", "flags"),
    [
        ([0] * 20, 0, "below_threshold", ()),
        # 16 items at 2: every cluster met, total one short of probable PTSD.
        ([2] * 16 + [0] * 4, 32, "below_threshold", ("dsm5_criteria_met",)),
        ([2] * 16 + [1, 0, 0, 0], 33, "probable_ptsd", ("probable_ptsd", "dsm5_criteria_met")),
        # 33 reached with only one cluster-D item at 2 or more: probable PTSD without the DSM-5 pattern.
        ([4] * 8 + [1] + [0] * 11, 33, "probable_ptsd", ("probable_ptsd",)),
        ([4] * 20, 80, "probable_ptsd", ("probable_ptsd", "dsm5_criteria_met")),
    ],
)
def test_pcl5_threshold(answers: list[int], total: int, severity: str, flags: tuple[str, ...]) -> None:
    scored = score_pcl5(answers)
    assert (scored.total, scored.severity, scored.flags) == (total, severity, flags)


# Exactly the DSM-5 minimum: 1 of items 1-5, 1 of 6-7, 2 of 8-14, 2 of 15-20 rated 2 or more.
PCL5_DSM5_MINIMUM = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}


@pytest.mark.parametrize(
    ("ratings", "met"),
    [
        pytest.param(PCL5_DSM5_MINIMUM, True, id="minimum-met"),
        pytest.param({5: 4, 7: 3, 13: 2, 14: 2, 19: 2, 20: 4}, True, id="last-item-of-each-cluster"),
        pytest.param({**PCL5_DSM5_MINIMUM, 1: 1}, False, id="B-one-short"),
        pytest.param({**PCL5_DSM5_MINIMUM, 6: 1}, False, id="C-one-short"),
        pytest.param({**PCL5_DSM5_MINIMUM, 9: 1}, False, id="D-one-short"),
        pytest.param({**PCL5_DSM5_MINIMUM, 16: 1}, False, id="E-one-short"),
        pytest.param({1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 8: 4, 9: 4, 15: 4, 16: 4}, False, id="no-C-item"),
    ],
)
def test_pcl5_dsm5_cluster_rule(ratings: dict[int, int], met: bool) -> None:
    assert ("dsm5_criteria_met" in score_pcl5(pcl5(ratings)).flags) is met


def test_pcl5_dsm5_minimum_is_below_the_threshold() -> None:
    scored = score_pcl5(pcl5(PCL5_DSM5_MINIMUM))
    assert (scored.total, scored.severity, scored.flags) == (12, "below_threshold", ("dsm5_criteria_met",))


# --- List instruments: counts, types, ranges ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "expected"),
    [
        ("phq9", [0] * 8, [("/answers", "wrong_item_count")]),
        ("phq9", [0] * 10, [("/answers", "wrong_item_count")]),
        ("phq9", [], [("/answers", "wrong_item_count")]),
        ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], [("/answers/3", "out_of_range")]),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, -1], [("/answers/8", "out_of_range")]),
        ("phq9", [True, 0, 0, 0, 0, 0, 0, 0, 0], [("/answers/0", "wrong_type")]),
        ("phq9", [0, 1.0, 0, 0, 0, 0, 0, 0, 0], [("/answers/1", "wrong_type")]),
        ("phq9", [0, 0, "2", 0, 0, 0, 0, 0, 0], [("/answers/2", "wrong_type")]),
        ("phq9", [0, 0, 0, None, 0, 0, 0, 0, 0], [("/answers/3", "wrong_type")]),
        ("phq9", {"1": 0}, [("/answers", "wrong_type")]),
        ("phq9", None, [("/answers", "wrong_type")]),
        ("phq9", "000000000", [("/answers", "wrong_type")]),
        ("gad7", [0] * 9, [("/answers", "wrong_item_count")]),
        ("gad7", [0, 0, 0, 0, 0, 0, 4], [("/answers/6", "out_of_range")]),
        ("pcl5", [0] * 19, [("/answers", "wrong_item_count")]),
        ("pcl5", [0] * 19 + [5], [("/answers/19", "out_of_range")]),
        ("pcl5", [0] * 19 + [False], [("/answers/19", "wrong_type")]),
    ],
)
def test_list_instrument_problems(instrument: str, answers: object, expected: list[tuple[str, str]]) -> None:
    assert problems(instrument, answers) == expected


def test_pcl5_accepts_4_per_item() -> None:
    assert score_pcl5([0] * 19 + [4]).total == 4


def test_every_list_problem_is_reported_at_once() -> None:
    assert problems("phq9", [4, True, 0, 2.5, 3, 0, 0, 0, 0, 0]) == [
        ("/answers", "wrong_item_count"),
        ("/answers/0", "out_of_range"),
        ("/answers/1", "wrong_type"),
        ("/answers/3", "wrong_type"),
    ]


# --- C-SSRS ------------------------------------------------------------------------------------------------

NO_THOUGHTS = {"wish_to_be_dead": False, "suicidal_thoughts": False, "behavior_lifetime": False}
# Question 2 yes: its own flag, whatever the risk level (clinical-rules.md §1 [2e]).
ACTIVE = ("active_suicidal_ideation", "/answers/suicidal_thoughts")
THOUGHTS_ONLY = {
    "wish_to_be_dead": True,
    "suicidal_thoughts": True,
    "thoughts_with_method": False,
    "intent": False,
    "plan": False,
    "behavior_lifetime": False,
}


@pytest.mark.parametrize(
    ("answers", "risk", "findings"),
    [
        pytest.param(NO_THOUGHTS, "none", [], id="none"),
        pytest.param(
            {
                **NO_THOUGHTS,
                "thoughts_with_method": None,
                "intent": None,
                "plan": None,
                "behavior_past_3_months": None,
            },
            "none",
            [],
            id="none-with-explicit-nulls",
        ),
        pytest.param({**NO_THOUGHTS, "wish_to_be_dead": True}, "low", [], id="low-wish-only"),
        pytest.param({**THOUGHTS_ONLY, "wish_to_be_dead": False}, "low", [ACTIVE], id="low-thoughts-only"),
        pytest.param(THOUGHTS_ONLY, "low", [ACTIVE], id="low-wish-and-thoughts"),
        pytest.param(
            {**THOUGHTS_ONLY, "thoughts_with_method": True},
            "moderate",
            [("suicide_risk_moderate", "/answers/thoughts_with_method"), ACTIVE],
            id="moderate-method",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_lifetime": True, "behavior_past_3_months": False},
            "moderate",
            [("suicide_risk_moderate", "/answers/behavior_lifetime")],
            id="moderate-behaviour-over-3-months-ago",
        ),
        pytest.param(
            {
                **THOUGHTS_ONLY,
                "thoughts_with_method": True,
                "behavior_lifetime": True,
                "behavior_past_3_months": False,
            },
            "moderate",
            [
                ("suicide_risk_moderate", "/answers/thoughts_with_method"),
                ("suicide_risk_moderate", "/answers/behavior_lifetime"),
                ACTIVE,
            ],
            id="moderate-method-and-old-behaviour",
        ),
        pytest.param(
            {**THOUGHTS_ONLY, "intent": True},
            "high",
            [("suicide_risk_high", "/answers/intent"), ACTIVE],
            id="high-intent",
        ),
        pytest.param(
            {**THOUGHTS_ONLY, "plan": True},
            "high",
            [("suicide_risk_high", "/answers/plan"), ACTIVE],
            id="high-plan",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_lifetime": True, "behavior_past_3_months": True},
            "high",
            [("suicide_risk_high", "/answers/behavior_past_3_months")],
            id="high-behaviour-past-3-months",
        ),
        pytest.param(
            {**THOUGHTS_ONLY, "thoughts_with_method": True, "intent": True, "plan": True},
            "high",
            [("suicide_risk_high", "/answers/intent"), ("suicide_risk_high", "/answers/plan"), ACTIVE],
            id="high-cites-high-answers-only",
        ),
    ],
)
def test_cssrs_risk_levels(answers: dict[str, object], risk: str, findings: list[tuple[str, str]]) -> None:
    scored = score_cssrs(answers)
    assert (scored.total, scored.severity) == (None, risk)
    assert [(finding.code, finding.pointer) for finding in scored.findings] == findings
    assert scored.flags == tuple(dict.fromkeys(code for code, _ in findings))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {**NO_THOUGHTS, "intent": False},
            [("/answers/intent", "must_be_null")],
            id="intent-without-thoughts",
        ),
        pytest.param(
            {**NO_THOUGHTS, "thoughts_with_method": True, "plan": False},
            [("/answers/thoughts_with_method", "must_be_null"), ("/answers/plan", "must_be_null")],
            id="method-and-plan-without-thoughts",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_past_3_months": False},
            [("/answers/behavior_past_3_months", "must_be_null")],
            id="recent-behaviour-without-lifetime",
        ),
        pytest.param(
            {**NO_THOUGHTS, "suicidal_thoughts": True},
            [
                ("/answers/thoughts_with_method", "required"),
                ("/answers/intent", "required"),
                ("/answers/plan", "required"),
            ],
            id="thoughts-without-follow-ups",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_lifetime": True},
            [("/answers/behavior_past_3_months", "required")],
            id="lifetime-without-recent",
        ),
        pytest.param(
            {**THOUGHTS_ONLY, "plan": None}, [("/answers/plan", "required")], id="due-follow-up-null"
        ),
        pytest.param(
            {"suicidal_thoughts": False, "behavior_lifetime": False},
            [("/answers/wish_to_be_dead", "required")],
            id="wish-missing",
        ),
        pytest.param(
            {**NO_THOUGHTS, "wish_to_be_dead": 1},
            [("/answers/wish_to_be_dead", "wrong_type")],
            id="one-not-true",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_lifetime": "no"},
            [("/answers/behavior_lifetime", "wrong_type")],
            id="text-not-false",
        ),
        pytest.param(
            {**THOUGHTS_ONLY, "intent": 0}, [("/answers/intent", "wrong_type")], id="follow-up-zero"
        ),
        pytest.param(
            # The gate is invalid, so follow-ups are only type-checked.
            {**NO_THOUGHTS, "suicidal_thoughts": "yes", "intent": True, "plan": 1},
            [
                ("/answers/suicidal_thoughts", "wrong_type"),
                ("/answers/plan", "wrong_type"),
            ],
            id="invalid-gate",
        ),
        pytest.param(
            {**NO_THOUGHTS, "hopelessness": True},
            [("/answers/hopelessness", "unknown_field")],
            id="unknown-key",
        ),
        pytest.param([False] * 7, [("/answers", "wrong_type")], id="array-not-object"),
    ],
)
def test_cssrs_problems(answers: object, expected: list[tuple[str, str]]) -> None:
    assert problems("cssrs", answers) == expected


def test_cssrs_reports_every_problem_at_once() -> None:
    answers = {"wish_to_be_dead": 1, "suicidal_thoughts": False, "intent": False, "extra": True}
    assert problems("cssrs", answers) == [
        ("/answers/extra", "unknown_field"),
        ("/answers/wish_to_be_dead", "wrong_type"),
        ("/answers/intent", "must_be_null"),
        ("/answers/behavior_lifetime", "required"),
    ]


# --- Ketamine intake ---------------------------------------------------------------------------------------


def test_intake_with_nothing_to_report() -> None:
    scored = score_ketamine_intake(intake())
    assert (scored.total, scored.severity, scored.flags, scored.findings) == (None, None, (), ())


@pytest.mark.parametrize("field", INTAKE_BOOLEANS)
def test_each_intake_condition_is_flagged_under_its_own_name(field: str) -> None:
    scored = score_ketamine_intake(intake(**{field: True}))
    assert scored.flags == (field,)
    assert [finding.pointer for finding in scored.findings] == [f"/answers/{field}"]
    assert scored.findings[0].detail.startswith("Intake reports ")


@pytest.mark.parametrize(
    ("systolic", "diastolic", "pointers"),
    [
        (140, 90, []),
        (141, 90, ["/answers/systolic_bp"]),
        (140, 91, ["/answers/diastolic_bp"]),
        (160, 100, ["/answers/systolic_bp", "/answers/diastolic_bp"]),
        (60, 30, []),
        (260, 160, ["/answers/systolic_bp", "/answers/diastolic_bp"]),
    ],
)
def test_blood_pressure_above_140_over_90_is_elevated(
    systolic: int, diastolic: int, pointers: list[str]
) -> None:
    scored = score_ketamine_intake(intake(systolic_bp=systolic, diastolic_bp=diastolic))
    assert scored.flags == (("blood_pressure_elevated",) if pointers else ())
    assert [finding.pointer for finding in scored.findings] == pointers


def test_intake_flags_are_listed_in_answer_order() -> None:
    scored = score_ketamine_intake(
        intake(
            systolic_bp=150,
            interstitial_cystitis=True,
            psychosis_history=True,
            pregnant_or_breastfeeding=True,
        )
    )
    assert scored.flags == (
        "blood_pressure_elevated",
        "pregnant_or_breastfeeding",
        "psychosis_history",
        "interstitial_cystitis",
    )
    assert scored.findings[0].detail == "Systolic blood pressure 150 mmHg is above 140 mmHg."


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"systolic_bp": 59}, [("/answers/systolic_bp", "out_of_range")]),
        ({"systolic_bp": 261}, [("/answers/systolic_bp", "out_of_range")]),
        ({"systolic_bp": 120.0}, [("/answers/systolic_bp", "wrong_type")]),
        ({"systolic_bp": "120"}, [("/answers/systolic_bp", "wrong_type")]),
        ({"diastolic_bp": 29}, [("/answers/diastolic_bp", "out_of_range")]),
        ({"diastolic_bp": 161}, [("/answers/diastolic_bp", "out_of_range")]),
        ({"diastolic_bp": True}, [("/answers/diastolic_bp", "wrong_type")]),
        ({"heart_rate": 19}, [("/answers/heart_rate", "out_of_range")]),
        ({"heart_rate": 251}, [("/answers/heart_rate", "out_of_range")]),
        ({"heart_rate": 72.5}, [("/answers/heart_rate", "wrong_type")]),
        ({"weight_kg": 19.9}, [("/answers/weight_kg", "out_of_range")]),
        ({"weight_kg": 400.1}, [("/answers/weight_kg", "out_of_range")]),
        ({"weight_kg": "70"}, [("/answers/weight_kg", "wrong_type")]),
        ({"weight_kg": True}, [("/answers/weight_kg", "wrong_type")]),
        ({"weight_kg": math.nan}, [("/answers/weight_kg", "wrong_type")]),
        ({"weight_kg": math.inf}, [("/answers/weight_kg", "wrong_type")]),
        ({"psychosis_history": 0}, [("/answers/psychosis_history", "wrong_type")]),
        ({"pregnant_or_breastfeeding": "no"}, [("/answers/pregnant_or_breastfeeding", "wrong_type")]),
        ({"current_mania": None}, [("/answers/current_mania", "required")]),
        ({"systolic_bp": None}, [("/answers/systolic_bp", "required")]),
        ({"heart_rate": None}, [("/answers/heart_rate", "required")]),
        ({"weight_kg": None}, [("/answers/weight_kg", "required")]),
        ({"current_medications": None}, [("/answers/current_medications", "required")]),
        ({"age": 40}, [("/answers/age", "unknown_field")]),
        ({"current_medications": "sertraline"}, [("/answers/current_medications", "wrong_type")]),
        ({"current_medications": ["x"] * 101}, [("/answers/current_medications", "too_many_items")]),
        ({"current_medications": ["a" * 201]}, [("/answers/current_medications/0", "too_long")]),
        ({"current_medications": ["lithium", 5]}, [("/answers/current_medications/1", "wrong_type")]),
        ({"current_medications": ["lithium", "  "]}, [("/answers/current_medications/1", "blank")]),
    ],
)
def test_intake_problems(changes: dict[str, object], expected: list[tuple[str, str]]) -> None:
    assert problems("ketamine_intake", intake(**changes)) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"systolic_bp": 60, "diastolic_bp": 30, "heart_rate": 20, "weight_kg": 20},
        {"systolic_bp": 260, "diastolic_bp": 160, "heart_rate": 250, "weight_kg": 400.0},
        {"current_medications": []},
        {"current_medications": ["x"] * 100},
        {"current_medications": ["a" * 200]},
    ],
)
def test_intake_limits_are_inclusive(changes: dict[str, object]) -> None:
    assert score_ketamine_intake(intake(**changes)).instrument == "ketamine_intake"


def test_missing_intake_answers_are_each_required() -> None:
    answers = intake()
    del answers["systolic_bp"], answers["interstitial_cystitis"]
    assert problems("ketamine_intake", answers) == [
        ("/answers/systolic_bp", "required"),
        ("/answers/interstitial_cystitis", "required"),
    ]


def test_intake_reports_every_problem_at_once() -> None:
    answers = intake(
        systolic_bp=300, heart_rate="fast", psychosis_history=1, current_medications=[""], bmi=22
    )
    assert problems("ketamine_intake", answers) == [
        ("/answers/bmi", "unknown_field"),
        ("/answers/systolic_bp", "out_of_range"),
        ("/answers/heart_rate", "wrong_type"),
        ("/answers/psychosis_history", "wrong_type"),
        ("/answers/current_medications/0", "blank"),
    ]


def test_intake_must_be_an_object() -> None:
    assert problems("ketamine_intake", [120, 80]) == [("/answers", "wrong_type")]


def test_pointer_tokens_are_escaped() -> None:
    assert answer_pointer("a/b~c") == "/answers/a~1b~0c"
    assert problems("cssrs", {**NO_THOUGHTS, "a/b": True}) == [("/answers/a~1b", "unknown_field")]


# --- Second edition [2e]: C-SSRS recall versions ---------------------------------------------------------

SINCE_NONE = {
    "recall": "since_last_contact",
    "wish_to_be_dead": False,
    "suicidal_thoughts": False,
    "behavior_since_last_contact": False,
}


@pytest.mark.parametrize(
    ("answers", "risk", "findings"),
    [
        pytest.param(SINCE_NONE, "none", [], id="since-none"),
        pytest.param({**SINCE_NONE, "wish_to_be_dead": True}, "low", [], id="since-low-wish"),
        pytest.param(
            {**SINCE_NONE, **{k: v for k, v in THOUGHTS_ONLY.items() if k != "behavior_lifetime"}},
            "low",
            [ACTIVE],
            id="since-low-thoughts",
        ),
        pytest.param(
            {
                **SINCE_NONE,
                "suicidal_thoughts": True,
                "thoughts_with_method": True,
                "intent": False,
                "plan": False,
            },
            "moderate",
            [("suicide_risk_moderate", "/answers/thoughts_with_method"), ACTIVE],
            id="since-moderate-method",
        ),
        pytest.param(
            {**SINCE_NONE, "behavior_since_last_contact": True},
            "high",
            [("suicide_risk_high", "/answers/behavior_since_last_contact")],
            id="since-high-new-behaviour",
        ),
        # The same old act, asked "past 3 months" every week, re-flagged high for three months; asked "since
        # last contact", only a new act counts.
        pytest.param(
            {
                **NO_THOUGHTS,
                "recall": "lifetime_recent",
                "behavior_lifetime": True,
                "behavior_past_3_months": True,
            },
            "high",
            [("suicide_risk_high", "/answers/behavior_past_3_months")],
            id="lifetime-recent-behaviour-high",
        ),
    ],
)
def test_cssrs_since_last_contact_risk(
    answers: dict[str, object], risk: str, findings: list[tuple[str, str]]
) -> None:
    scored = score_cssrs(answers)
    assert scored.severity == risk
    assert [(finding.code, finding.pointer) for finding in scored.findings] == findings


@pytest.mark.parametrize(
    ("answers", "recall"),
    [
        pytest.param(NO_THOUGHTS, "lifetime_recent", id="absent-is-lifetime-recent"),
        pytest.param({**NO_THOUGHTS, "recall": None}, "lifetime_recent", id="null-is-lifetime-recent"),
        pytest.param({**NO_THOUGHTS, "recall": "lifetime_recent"}, "lifetime_recent", id="lifetime-recent"),
        pytest.param(SINCE_NONE, "since_last_contact", id="since-last-contact"),
    ],
)
def test_cssrs_recall_defaults_to_lifetime_recent(answers: dict[str, object], recall: str) -> None:
    assert score_cssrs(answers).recall == recall
    assert cssrs_recall(answers) == recall


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {**NO_THOUGHTS, "recall": "past_month"}, [("/answers/recall", "invalid_choice")], id="bad-recall"
        ),
        pytest.param({**NO_THOUGHTS, "recall": 1}, [("/answers/recall", "wrong_type")], id="recall-number"),
        pytest.param(
            {**SINCE_NONE, "behavior_lifetime": False},
            [("/answers/behavior_lifetime", "unknown_field")],
            id="lifetime-question-in-since-version",
        ),
        pytest.param(
            {**NO_THOUGHTS, "behavior_since_last_contact": False},
            [("/answers/behavior_since_last_contact", "unknown_field")],
            id="since-question-in-lifetime-version",
        ),
        pytest.param(
            {k: v for k, v in SINCE_NONE.items() if k != "behavior_since_last_contact"},
            [("/answers/behavior_since_last_contact", "required")],
            id="since-behaviour-required",
        ),
        pytest.param(
            {**SINCE_NONE, "intent": False},
            [("/answers/intent", "must_be_null")],
            id="since-follow-up-must-be-null",
        ),
    ],
)
def test_cssrs_recall_shapes(answers: object, expected: list[tuple[str, str]]) -> None:
    assert problems("cssrs", answers) == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(RecallContext.INTAKE, CssrsRecall.LIFETIME_RECENT, id="intake"),
        pytest.param(RecallContext.CHECK_IN, CssrsRecall.SINCE_LAST_CONTACT, id="check-in"),
        pytest.param(RecallContext.PLAN_BASELINE, CssrsRecall.LIFETIME_RECENT, id="plan-baseline"),
    ],
)
def test_expected_recall_by_context(context: RecallContext, expected: CssrsRecall) -> None:
    assert expected_recall(context) is expected
    check_recall(
        score_cssrs(SINCE_NONE if expected is CssrsRecall.SINCE_LAST_CONTACT else NO_THOUGHTS), context
    )
    other = NO_THOUGHTS if expected is CssrsRecall.SINCE_LAST_CONTACT else SINCE_NONE
    with pytest.raises(RuleViolation) as refused:
        check_recall(score_cssrs(other), context)
    assert refused.value.code == "recall_mismatch"
    assert [(e.pointer, e.code) for e in refused.value.errors] == [("/answers/recall", "recall_mismatch")]
    assert refused.value.extra == {"expected_recall": expected.value}


def test_other_instruments_have_no_recall_to_check() -> None:
    check_recall(score_phq9([0] * 9), RecallContext.CHECK_IN)


# --- Second edition [2e]: the new intake answers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("heart_rate", "flagged"),
    [(49, True), (50, False), (110, False), (111, True), (20, True), (250, True)],
)
def test_heart_rate_below_50_or_above_110_is_abnormal(heart_rate: int, flagged: bool) -> None:
    scored = score_ketamine_intake(intake(heart_rate=heart_rate))
    assert scored.flags == (("heart_rate_abnormal",) if flagged else ())
    if flagged:
        assert scored.findings[0].pointer == "/answers/heart_rate"


@pytest.mark.parametrize(
    ("classes", "findings"),
    [
        pytest.param([], [], id="none"),
        pytest.param(
            ["maoi", "psychostimulant"],
            [
                ("interaction_blood_pressure", "/answers/medication_classes/0"),
                ("interaction_blood_pressure", "/answers/medication_classes/1"),
            ],
            id="blood-pressure-one-per-class",
        ),
        pytest.param(
            ["benzodiazepine", "opioid", "other_cns_depressant"],
            [
                ("interaction_sedation", "/answers/medication_classes/0"),
                ("interaction_sedation", "/answers/medication_classes/1"),
                ("interaction_sedation", "/answers/medication_classes/2"),
            ],
            id="sedation-one-per-class",
        ),
        pytest.param(["lamotrigine", "memantine", "naltrexone"], [], id="considerations-are-no-finding"),
    ],
)
def test_medication_classes_raise_interactions(classes: list[str], findings: list[tuple[str, str]]) -> None:
    scored = score_ketamine_intake(intake(medication_classes=classes))
    assert [(f.code, f.pointer) for f in scored.findings] == findings
    assert scored.intake is not None and scored.intake.medication_classes == tuple(classes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"antidepressant_trials_current_episode": -1},
            [("/answers/antidepressant_trials_current_episode", "out_of_range")],
        ),
        (
            {"antidepressant_trials_current_episode": 31},
            [("/answers/antidepressant_trials_current_episode", "out_of_range")],
        ),
        (
            {"antidepressant_trials_current_episode": 2.0},
            [("/answers/antidepressant_trials_current_episode", "wrong_type")],
        ),
        (
            {"antidepressant_trials_current_episode": None},
            [("/answers/antidepressant_trials_current_episode", "required")],
        ),
        ({"medication_classes": None}, [("/answers/medication_classes", "required")]),
        ({"medication_classes": "maoi"}, [("/answers/medication_classes", "wrong_type")]),
        ({"medication_classes": ["ssri"]}, [("/answers/medication_classes/0", "invalid_choice")]),
        ({"medication_classes": ["maoi", "maoi"]}, [("/answers/medication_classes/1", "duplicate")]),
        ({"medication_classes": [3]}, [("/answers/medication_classes/0", "wrong_type")]),
        ({"current_psychotic_symptoms": None}, [("/answers/current_psychotic_symptoms", "required")]),
        ({"untreated_sleep_apnea": "no"}, [("/answers/untreated_sleep_apnea", "wrong_type")]),
    ],
)
def test_new_intake_answer_problems(changes: dict[str, object], expected: list[tuple[str, str]]) -> None:
    assert problems("ketamine_intake", intake(**changes)) == expected


@pytest.mark.parametrize("trials", [0, 30])
def test_trials_limits_are_inclusive(trials: int) -> None:
    scored = score_ketamine_intake(intake(antidepressant_trials_current_episode=trials))
    assert scored.intake is not None and scored.intake.antidepressant_trials == trials


LEGACY = (
    "current_psychotic_symptoms",
    "ketamine_or_pcp_misuse_history",
    "untreated_sleep_apnea",
    "antidepressant_trials_current_episode",
    "medication_classes",
)


def test_a_new_intake_needs_every_new_answer() -> None:
    answers = {k: v for k, v in intake().items() if k not in LEGACY}
    assert problems("ketamine_intake", answers) == [(f"/answers/{key}", "required") for key in LEGACY]


def test_a_stored_intake_from_before_the_second_edition_is_read_without_its_new_answers() -> None:
    answers = {k: v for k, v in intake(psychosis_history=True).items() if k not in LEGACY}
    scored = score_screening("ketamine_intake", answers, stored=True)
    assert scored.flags == ("psychosis_history",)
    assert scored.intake is not None
    assert (scored.intake.antidepressant_trials, scored.intake.medication_classes) == (None, ())
    # A stored answer that is there is still read as strictly as on submission.
    with pytest.raises(ValidationFailed):
        score_screening("ketamine_intake", {**answers, "untreated_sleep_apnea": None}, stored=True)
