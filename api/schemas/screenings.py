"""Screenings: answers in, the server's score out."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from api.domain.screening import INSTRUMENTS
from api.schemas.common import PageArgsSchema, StrictSchema, Timestamp, page_schema
from api.schemas.consultations import CrisisResourceSchema

_ANSWERS_DESCRIPTION = (
    "phq9: 9 integers 0-3; gad7: 7 integers 0-3; pcl5: 20 integers 0-4; cssrs: an object with "
    "wish_to_be_dead, suicidal_thoughts, thoughts_with_method, intent, plan, behavior_lifetime, "
    "behavior_past_3_months (booleans; follow-ups null when not asked); ketamine_intake: an object "
    "(see the docs). Each invalid answer is reported with a JSON pointer such as /answers/3."
)


class ScreeningScoreSchema(Schema):
    total = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Null for cssrs and intake"}
    )
    severity = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The band (e.g. moderate), the C-SSRS risk level, or null for the intake"},
    )


class LoincSchema(Schema):
    panel = fields.String()
    total = fields.String()
    risk_level = fields.String()
    item_9 = fields.String()


class ScreeningSchema(Schema):
    id = fields.String(required=True, metadata={"example": "scr_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    patient_id = fields.String(required=True)
    consultation_id = fields.String(required=True, allow_none=True)
    plan_id = fields.String(required=True, allow_none=True)
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENTS))
    answers = fields.Raw(required=True, metadata={"description": _ANSWERS_DESCRIPTION})
    score = fields.Nested(ScreeningScoreSchema, required=True)
    flags = fields.List(fields.String(), required=True, metadata={"example": ["suicidal_ideation"]})
    loinc = fields.Nested(LoincSchema, required=True)
    crisis_resources = fields.List(
        fields.Nested(CrisisResourceSchema),
        required=True,
        metadata={"description": "Given with a C-SSRS high risk level; empty otherwise"},
    )
    completed_at = Timestamp(required=True)
    created_at = Timestamp(required=True)


class ScreeningCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "PHQ-9 for a consultation": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "phq9",
            "answers": [2, 2, 1, 2, 1, 1, 1, 1, 0],
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "completed_at": "2026-12-03T14:10:00Z",
        },
        "GAD-7": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "gad7",
            "answers": [1, 2, 1, 1, 0, 1, 1],
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "completed_at": "2026-12-03T14:12:00Z",
        },
        "PCL-5": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "pcl5",
            "answers": [1, 1, 0, 2, 1, 0, 1, 1, 0, 1, 2, 1, 0, 1, 1, 0, 1, 2, 1, 0],
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "completed_at": "2026-12-03T14:15:00Z",
        },
        "C-SSRS screener, no ideation": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "cssrs",
            "answers": {
                "recall": "lifetime_recent",
                "wish_to_be_dead": False,
                "suicidal_thoughts": False,
                "behavior_lifetime": False,
            },
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "completed_at": "2026-12-03T14:11:00Z",
        },
        "C-SSRS at a plan's check-in": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "cssrs",
            "answers": {
                "recall": "since_last_contact",
                "wish_to_be_dead": False,
                "suicidal_thoughts": False,
                "behavior_since_last_contact": False,
            },
            "plan_id": "pln_9m4d1p8w6v5n0c2b7a1e3k7q2x",
            "completed_at": "2026-12-15T09:00:00Z",
        },
        "Ketamine intake": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "instrument": "ketamine_intake",
            "answers": {
                "systolic_bp": 124,
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
            },
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "completed_at": "2026-12-03T14:20:00Z",
        },
    }

    patient_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENTS))
    answers = fields.Raw(required=True, metadata={"description": _ANSWERS_DESCRIPTION})
    consultation_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))
    plan_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))
    completed_at = Timestamp(required=True)


class ScreeningQueryArgsSchema(PageArgsSchema):
    patient_id = fields.String()
    consultation_id = fields.String()
    plan_id = fields.String()
    instrument = fields.String(validate=validate.OneOf(INSTRUMENTS))


ScreeningPageSchema = page_schema(ScreeningSchema, "ScreeningPage")
