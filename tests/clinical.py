"""Screening answers shared by the unit and HTTP tests, written by hand from clinical-rules.md, and a helper
that submits them."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

PHQ9_MODERATE = [2, 2, 2, 2, 2, 0, 0, 0, 0]  # 10: qualifies
PHQ9_MILD = [2, 2, 2, 2, 1, 0, 0, 0, 0]  # 9: does not
PHQ9_ITEM_9 = [2, 2, 2, 2, 1, 0, 0, 0, 1]  # 10, with thoughts of self-harm
PHQ9_LOW_WITH_ITEM_9 = [1, 0, 0, 0, 0, 0, 0, 0, 1]  # 2: minimal, but thoughts of self-harm
GAD7_MILD = [2, 2, 2, 2, 1, 0, 0]  # 9
GAD7_MODERATE = [2, 2, 2, 2, 2, 0, 0]  # 10
PCL5_32 = [2] * 16 + [0] * 4
PCL5_33 = [2] * 16 + [1, 0, 0, 0]
CSSRS_NONE = {"wish_to_be_dead": False, "suicidal_thoughts": False, "behavior_lifetime": False}
# A check-in's C-SSRS asks what is new since the last contact (clinical-rules.md §1 [2e]).
CSSRS_SINCE_NONE = {
    "recall": "since_last_contact",
    "wish_to_be_dead": False,
    "suicidal_thoughts": False,
    "behavior_since_last_contact": False,
}
CSSRS_LOW = {**CSSRS_NONE, "wish_to_be_dead": True}
CSSRS_MODERATE = {**CSSRS_NONE, "behavior_lifetime": True, "behavior_past_3_months": False}
CSSRS_HIGH = {
    "wish_to_be_dead": True,
    "suicidal_thoughts": True,
    "thoughts_with_method": True,
    "intent": True,
    "plan": False,
    "behavior_lifetime": False,
}

ABSOLUTE = (
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_hemorrhage_history",
    "ketamine_hypersensitivity",
    "pregnant_or_breastfeeding",
    "current_psychotic_symptoms",
    "current_mania",
    "substance_use_disorder_active",
    "elevated_intracranial_pressure",
    "recent_mi_or_stroke_6_months",
)
RELATIVE_BOOLEANS = (
    "uncontrolled_cardiovascular_disease",
    "severe_hepatic_impairment",
    "uncontrolled_hyperthyroidism",
    "substance_use_disorder_history",
    "interstitial_cystitis",
    "psychosis_history",
    "ketamine_or_pcp_misuse_history",
    "untreated_sleep_apnea",
)


def intake(**changes: object) -> dict[str, object]:
    """An unremarkable medical intake, with ``changes`` applied."""
    answers: dict[str, object] = {
        "systolic_bp": 118,
        "diastolic_bp": 76,
        "heart_rate": 68,
        "weight_kg": 80,
        "current_medications": [],
        **dict.fromkeys(ABSOLUTE + RELATIVE_BOOLEANS, False),
        # Two adequate trials: with a depressive condition and PHQ-9 >= 10, the indication is established.
        "antidepressant_trials_current_episode": 2,
        "medication_classes": [],
    }
    answers.update(changes)
    return answers


# The screenings of a case that is eligible: moderate depression, no risk, a clean intake.
ELIGIBLE_SET: dict[str, Any] = {
    "phq9": PHQ9_MODERATE,
    "gad7": GAD7_MILD,
    "cssrs": CSSRS_NONE,
    "ketamine_intake": intake(),
}


def submit(
    client: FlaskClient,
    headers: dict[str, str],
    patient_id: str,
    instrument: str,
    answers: object,
    consultation_id: str | None = None,
    completed_at: str = "2026-01-05T10:00:00Z",
) -> Any:
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "instrument": instrument,
        "answers": answers,
        "completed_at": completed_at,
    }
    if consultation_id:
        body["consultation_id"] = consultation_id
    return client.post("/v1/screenings", json=body, headers=headers)


# A calm intranasal session, as the REMS monitoring form records it (clinical-rules.md §4): the 40-minute
# reading with SpO2, and at completion every discharge criterion met. post_* are the last reading's.
NO_SEDATING_MEDICATIONS = {
    "benzodiazepines": False,
    "non_benzodiazepine_hypnotics": False,
    "psychostimulants": False,
    "maois": False,
}
CALM_READINGS = [
    {
        "minute": 0,
        "systolic": 128,
        "diastolic": 82,
        "heart_rate": 72,
        "spo2": 98,
        "sedation_moaas": 5,
        "dissociation": "none",
    },
    {
        "minute": 40,
        "systolic": 138,
        "diastolic": 88,
        "heart_rate": 80,
        "spo2": 97,
        "sedation_moaas": 4,
        "dissociation": "mild",
    },
    {
        "minute": 120,
        "systolic": 130,
        "diastolic": 84,
        "heart_rate": 74,
        "spo2": 98,
        "sedation_moaas": 5,
        "dissociation": "none",
    },
]


def monitoring(**changes: object) -> dict[str, object]:
    """The monitoring part of a session record body (dose, lot, medications, readings, readiness)."""
    body: dict[str, object] = {
        "dose_mg": 56,
        "lot_number": "LOT-2026-11A",
        "sedating_medications": dict(NO_SEDATING_MEDICATIONS),
        "readings": [dict(r) for r in CALM_READINGS],
    }
    body.update(changes)
    return body


def calm_readings(last_minute: int = 120) -> list[dict[str, object]]:
    """CALM_READINGS with the completion reading at ``last_minute``."""
    readings = [dict(r) for r in CALM_READINGS]
    readings[-1]["minute"] = last_minute
    return readings


def iv_session(**changes: object) -> dict[str, object]:
    """The changes that make a session body an intravenous one: 0.5 mg/kg (40 mg for 80 kg) over a 40-minute
    infusion, observed 70 minutes (the infusion plus 30), the completion reading at minute 70."""
    body: dict[str, object] = {
        "dose_mg": 40,
        "weight_kg": 80,
        "infusion_minutes": 40,
        "observation_minutes": 70,
        "lot_number": None,
        "readings": calm_readings(70),
    }
    body.update(changes)
    return body
