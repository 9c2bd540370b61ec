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


# --- Indication [2e] ----------------------------------------------------------------------------------------

TRNE = (
    "treatment_resistance_not_established",
    "scr_ketamine_intake",
    "/answers/antidepressant_trials_current_episode",
)
NO_SCREEN = ("no_qualifying_screen", None, "/conditions")


def off_label(instrument: str | None) -> tuple[str, str | None, str]:
    """The off-label reason, pointing at the qualifying screen, or at the conditions when none is one."""
    if instrument is None:
        return ("off_label_indication", None, "/conditions")
    return ("off_label_indication", f"scr_{instrument}", "/answers")


@pytest.mark.parametrize(
    ("conditions", "answers", "expected"),
    [
        pytest.param(("major_depression",), {"phq9": PHQ9_MODERATE}, [], id="mdd-phq9-10-2-trials"),
        pytest.param(
            ("treatment_resistant_depression",), {"phq9": PHQ9_MODERATE}, [], id="trd-phq9-10-2-trials"
        ),
        pytest.param(
            ("major_depression",),
            {"phq9": PHQ9_MODERATE, "ketamine_intake": intake(antidepressant_trials_current_episode=1)},
            [TRNE],
            id="mdd-1-trial",
        ),
        pytest.param(
            ("treatment_resistant_depression",),
            {"phq9": PHQ9_MODERATE, "ketamine_intake": intake(antidepressant_trials_current_episode=0)},
            [TRNE],
            id="trd-named-but-0-trials",
        ),
        pytest.param(
            ("major_depression",),
            {
                "phq9": PHQ9_MODERATE,
                "gad7": GAD7_MODERATE,
                "ketamine_intake": intake(antidepressant_trials_current_episode=1),
            },
            [TRNE],
            id="depression-branch-first",
        ),
        pytest.param(("major_depression",), {"phq9": PHQ9_MILD}, [NO_SCREEN], id="mdd-phq9-9"),
        pytest.param(
            ("major_depression",),
            {"phq9": PHQ9_MILD, "gad7": GAD7_MODERATE},
            [off_label("gad7")],
            id="gad7-10",
        ),
        pytest.param(
            ("generalized_anxiety",), {"phq9": PHQ9_MODERATE}, [off_label("phq9")], id="phq9-10-no-depression"
        ),
        pytest.param(
            ("bipolar_depression",),
            {"phq9": PHQ9_MODERATE},
            [("bipolar_depression", None, "/conditions"), off_label("phq9")],
            id="bipolar-is-no-depressive-condition-here",
        ),
        pytest.param(("ptsd",), {"phq9": PHQ9_MILD, "pcl5": PCL5_32}, [NO_SCREEN], id="pcl5-32"),
        pytest.param(("ptsd",), {"phq9": PHQ9_MILD, "pcl5": PCL5_33}, [off_label("pcl5")], id="pcl5-33"),
        pytest.param(
            ("major_depression",),
            {"phq9": PHQ9_MILD, "pcl5": PCL5_33},
            [off_label("pcl5")],
            id="pcl5-optional",
        ),
        pytest.param(("chronic_pain",), {"phq9": PHQ9_MILD}, [off_label(None)], id="chronic-pain"),
        pytest.param(("ocd",), {"phq9": PHQ9_MILD}, [off_label(None)], id="ocd"),
        pytest.param(("social_anxiety",), {"phq9": PHQ9_MILD}, [NO_SCREEN], id="social-anxiety-alone"),
    ],
)
def test_indication(
    conditions: tuple[str, ...], answers: dict[str, object], expected: list[tuple[str, str | None, str]]
) -> None:
    result = evaluate_answers(answers, conditions=conditions)
    assert result.outcome == ("needs_review" if expected else "eligible")
    assert reasons(result) == expected


@pytest.mark.parametrize(("trials", "expected"), [(0, [TRNE]), (1, [TRNE]), (2, []), (30, [])])
def test_treatment_resistance_needs_two_adequate_trials(trials: int, expected: list[object]) -> None:
    result = evaluate(ketamine_intake=intake(antidepressant_trials_current_episode=trials))
    assert reasons(result) == expected


def test_no_qualifying_screen_says_what_was_found() -> None:
    (reason,) = evaluate(phq9=PHQ9_MILD).reasons
    assert reason.detail.endswith("(PHQ-9 total 9, GAD-7 total 9).")


def test_treatment_resistance_reason_names_the_trials() -> None:
    (reason,) = evaluate(ketamine_intake=intake(antidepressant_trials_current_episode=1)).reasons
    assert "reports 1 adequate trial(s)" in reason.detail


# The cases issue 24 observed through the API, first edition -> second edition.
@pytest.mark.parametrize(
    ("conditions", "answers", "outcome", "codes"),
    [
        pytest.param(
            ("major_depression",),
            {"phq9": PHQ9_MODERATE, "ketamine_intake": intake(antidepressant_trials_current_episode=0)},
            "needs_review",
            ["treatment_resistance_not_established"],
            id="untreated-first-episode-phq9-10",
        ),
        pytest.param(
            ("generalized_anxiety",),
            {"phq9": PHQ9_MILD, "gad7": GAD7_MODERATE},
            "needs_review",
            ["off_label_indication"],
            id="gad7-10-alone",
        ),
        pytest.param(
            ("chronic_pain",),
            {"phq9": [0] * 9, "gad7": [0] * 7},
            "needs_review",
            ["off_label_indication"],
            id="chronic-pain-every-score-0",
        ),
        pytest.param(
            ("major_depression",),
            {"ketamine_intake": intake(medication_classes=["maoi", "psychostimulant", "benzodiazepine"])},
            "needs_review",
            ["interaction_blood_pressure", "interaction_blood_pressure", "interaction_sedation"],
            id="maoi-stimulant-benzodiazepine",
        ),
        pytest.param(
            ("major_depression",),
            {"ketamine_intake": intake(heart_rate=120)},
            "needs_review",
            ["heart_rate_abnormal"],
            id="heart-rate-evaluated",
        ),
        pytest.param(
            ("major_depression",),
            {"ketamine_intake": intake(psychosis_history=True)},
            "needs_review",
            ["psychosis_history"],
            id="psychosis-history-is-reviewed-not-excluded",
        ),
        pytest.param(
            ("major_depression",),
            {"ketamine_intake": intake(current_psychotic_symptoms=True)},
            "ineligible",
            ["current_psychotic_symptoms"],
            id="current-psychotic-symptoms-exclude",
        ),
    ],
)
def test_issue_24_cases(
    conditions: tuple[str, ...], answers: dict[str, object], outcome: str, codes: list[str]
) -> None:
    result = evaluate_answers(answers, conditions=conditions)
    assert (result.outcome, [reason.code for reason in result.reasons]) == (outcome, codes)


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
    assert {
        *RELATIVE_BOOLEANS,
        "blood_pressure_elevated",
        "heart_rate_abnormal",
        "interaction_blood_pressure",
        "interaction_sedation",
    } == RELATIVE_CONTRAINDICATIONS
    assert "psychosis_history" in RELATIVE_CONTRAINDICATIONS - ABSOLUTE_CONTRAINDICATIONS


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
    result = evaluate(conditions=("bipolar_depression", "major_depression"))
    assert result.outcome == "needs_review"
    assert reasons(result) == [("bipolar_depression", None, "/conditions")]


@pytest.mark.parametrize(
    ("heart_rate", "outcome"),
    [(49, "needs_review"), (50, "eligible"), (110, "eligible"), (111, "needs_review")],
)
def test_heart_rate_below_50_or_above_110_needs_review(heart_rate: int, outcome: str) -> None:
    result = evaluate(ketamine_intake=intake(heart_rate=heart_rate))
    assert result.outcome == outcome
    expected = [("heart_rate_abnormal", "scr_ketamine_intake", "/answers/heart_rate")]
    assert reasons(result) == (expected if outcome == "needs_review" else [])


@pytest.mark.parametrize(
    ("medication_class", "code"),
    [
        ("maoi", "interaction_blood_pressure"),
        ("psychostimulant", "interaction_blood_pressure"),
        ("benzodiazepine", "interaction_sedation"),
        ("opioid", "interaction_sedation"),
        ("other_cns_depressant", "interaction_sedation"),
    ],
)
def test_interacting_medication_classes_need_review(medication_class: str, code: str) -> None:
    result = evaluate(ketamine_intake=intake(medication_classes=["lamotrigine", medication_class]))
    assert result.outcome == "needs_review"
    assert reasons(result) == [(code, "scr_ketamine_intake", "/answers/medication_classes/1")]


@pytest.mark.parametrize("medication_class", ["lamotrigine", "memantine", "naltrexone"])
def test_response_blunting_medications_are_considerations_never_a_review(medication_class: str) -> None:
    result = evaluate(ketamine_intake=intake(medication_classes=[medication_class]))
    assert (result.outcome, result.reasons) == ("eligible", ())
    assert [c.code for c in result.considerations] == [medication_class]
    assert result.considerations[0].detail


def test_considerations_are_listed_in_the_order_reported() -> None:
    result = evaluate(ketamine_intake=intake(medication_classes=["naltrexone", "opioid", "lamotrigine"]))
    assert [c.code for c in result.considerations] == ["naltrexone", "lamotrigine"]
    assert [r.code for r in result.reasons] == ["interaction_sedation"]


def test_an_intake_stored_before_the_second_edition_is_read_and_reviewed() -> None:
    legacy = {
        k: v
        for k, v in intake().items()
        if k
        not in (
            "current_psychotic_symptoms",
            "ketamine_or_pcp_misuse_history",
            "untreated_sleep_apnea",
            "antidepressant_trials_current_episode",
            "medication_classes",
        )
    }
    result = evaluate(ketamine_intake=legacy)
    assert result.outcome == "needs_review"
    assert reasons(result) == [TRNE]
    assert "predates the question" in result.reasons[0].detail
    assert result.considerations == ()


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
            {
                "cssrs": {
                    **CSSRS_NONE,
                    "suicidal_thoughts": True,
                    "thoughts_with_method": False,
                    "intent": False,
                    "plan": False,
                }
            },
            "needs_review",
            [("active_suicidal_ideation", "scr_cssrs", "/answers/suicidal_thoughts")],
            id="cssrs-question-2-low-risk",
        ),
        pytest.param(
            {"cssrs": CSSRS_HIGH},
            "escalate",
            [
                ("suicide_risk_high", "scr_cssrs", "/answers/intent"),
                ("active_suicidal_ideation", "scr_cssrs", "/answers/suicidal_thoughts"),
            ],
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
    assert reasons(result) == [
        ("suicide_risk_high", "scr_cssrs", "/answers/intent"),
        ("active_suicidal_ideation", "scr_cssrs", "/answers/suicidal_thoughts"),
    ]
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
        ("suicidal_ideation", "scr_phq9", "/answers/8"),
        ("active_suicidal_ideation", "scr_cssrs", "/answers/suicidal_thoughts"),
        ("blood_pressure_elevated", "scr_ketamine_intake", "/answers/diastolic_bp"),
        ("psychosis_history", "scr_ketamine_intake", "/answers/psychosis_history"),
        ("severe_hepatic_impairment", "scr_ketamine_intake", "/answers/severe_hepatic_impairment"),
        ("age_65_or_over", None, None),
        ("bipolar_depression", None, "/conditions"),
        off_label("phq9"),
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
        NO_SCREEN,
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
        NO_SCREEN,
    ]


def test_pending_wins_over_ineligible() -> None:
    result = evaluate(gad7=None, ketamine_intake=intake(ketamine_hypersensitivity=True))
    assert (result.outcome, result.missing_screenings) == ("pending", ("gad7",))
    assert reasons(result) == [
        ("ketamine_hypersensitivity", "scr_ketamine_intake", "/answers/ketamine_hypersensitivity")
    ]


# --- A psychiatrist clearing an escalated case [2e] ---------------------------------------------------------


def test_with_the_crisis_cleared_the_high_is_a_review_reason_not_an_escalation() -> None:
    latest = {
        "phq9": LatestScreening("scr_phq9", PHQ9_MODERATE),
        "gad7": LatestScreening("scr_gad7", GAD7_MILD),
        "cssrs": LatestScreening("scr_cssrs", CSSRS_HIGH),
        "ketamine_intake": LatestScreening("scr_ketamine_intake", intake(untreated_sleep_apnea=True)),
    }
    escalated = evaluate_eligibility(conditions=("major_depression",), age_years=40, latest_screenings=latest)
    cleared = evaluate_eligibility(
        conditions=("major_depression",), age_years=40, latest_screenings=latest, crisis_cleared=True
    )
    assert escalated.outcome == "escalate"
    assert (cleared.outcome, cleared.crisis_resources) == ("needs_review", ())
    assert reasons(cleared) == [
        ("suicide_risk_high", "scr_cssrs", "/answers/intent"),
        ("active_suicidal_ideation", "scr_cssrs", "/answers/suicidal_thoughts"),
        ("untreated_sleep_apnea", "scr_ketamine_intake", "/answers/untreated_sleep_apnea"),
    ]
    assert "psychiatrist" in cleared.reasons[0].detail


def test_with_the_crisis_cleared_an_absolute_contraindication_still_rules_out() -> None:
    latest = {
        "phq9": LatestScreening("scr_phq9", PHQ9_MODERATE),
        "gad7": LatestScreening("scr_gad7", GAD7_MILD),
        "cssrs": LatestScreening("scr_cssrs", CSSRS_HIGH),
        "ketamine_intake": LatestScreening("scr_ketamine_intake", intake(current_mania=True)),
    }
    cleared = evaluate_eligibility(
        conditions=("major_depression",), age_years=40, latest_screenings=latest, crisis_cleared=True
    )
    assert cleared.outcome == "ineligible"


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
