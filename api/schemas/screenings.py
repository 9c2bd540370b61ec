"""Screenings: answers in, the server's score out."""

from __future__ import annotations

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
