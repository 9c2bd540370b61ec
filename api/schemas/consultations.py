"""Consultations, their eligibility, review and cancellation."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from api.domain.consultation_status import CONDITIONS, CONSULTATION_STATUSES, ReviewDecision, VisitOutcome
from api.domain.eligibility import EligibilityOutcome
from api.domain.escalation import ContactOutcome
from api.domain.protocols import Route
from api.domain.reference import US_STATES
from api.domain.screening import INSTRUMENTS, MEDICATION_CONSIDERATIONS
from api.schemas.common import (
    Boolean,
    PageArgsSchema,
    StrictSchema,
    Timestamp,
    enum_field,
    language_tag,
    page_schema,
)
from api.schemas.telemedicine import VisitSchema

_STATE = validate.OneOf(
    sorted(US_STATES), error="Must be one of the USPS state or territory codes, e.g. CA or NY."
)
_ROUTES = [str(route) for route in Route]
_NOTE = validate.Length(min=1, max=4000)


class TimeWindowSchema(StrictSchema):
    start = Timestamp(required=True)
    end = Timestamp(required=True)

    @validates_schema
    def _end_after_start(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] <= data["start"]:
            raise ValidationError("Must be after start.", field_name="end")


class EscalationSchema(Schema):
    escalated_at = Timestamp(required=True, metadata={"description": "When the C-SSRS high escalated it"})
    acknowledged_at = Timestamp(required=True, allow_none=True)
    acknowledged_by = fields.String(
        required=True, allow_none=True, metadata={"description": "The provider who acknowledged it"}
    )
    contact_outcome = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf([str(outcome) for outcome in ContactOutcome]),
        metadata={"description": "What came of the urgent contact with the patient"},
    )
    note = fields.String(required=True, allow_none=True)


class EscalationAcknowledgeSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Patient reached": {
            "contact_outcome": "reached",
            "note": "Called within the hour: safe at home with family; crisis line shared.",
        }
    }

    note = fields.String(
        required=True,
        validate=_NOTE,
        metadata={"description": "What was done: who spoke to the patient, the plan for their safety"},
    )
    contact_outcome = enum_field(
        ContactOutcome,
        required=True,
        metadata={"description": "reached, not_reached (the attempt is on record) or emergency_services"},
    )


class ConsultationSchema(Schema):
    id = fields.String(required=True, metadata={"example": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    partner_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(CONSULTATION_STATUSES))
    conditions = fields.List(fields.String(validate=validate.OneOf(CONDITIONS)), required=True)
    patient_location_state = fields.String(required=True)
    preferred_language = fields.String(allow_none=True)
    preferred_routes = fields.List(fields.String(validate=validate.OneOf(_ROUTES)), required=True)
    preferred_times = fields.List(fields.Nested(TimeWindowSchema), required=True)
    notes = fields.String(allow_none=True)
    eligibility_outcome = fields.String(
        required=True,
        validate=validate.OneOf(list(EligibilityOutcome)),
        metadata={"description": "The latest eligibility decision; details at /eligibility"},
    )
    provider_id = fields.String(allow_none=True, metadata={"description": "The assigned clinician"})
    review_decision = fields.String(allow_none=True, validate=validate.OneOf(["approve", "decline"]))
    review_note = fields.String(allow_none=True)
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = Timestamp(allow_none=True)
    safety_plan_documented = fields.Boolean(
        allow_none=True,
        metadata={"description": "Attested by the psychiatrist who cleared an escalated case (else null)"},
    )
    escalation = fields.Nested(
        EscalationSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The latest escalation of the case (C-SSRS high); null when never escalated"
        },
    )
    eligibility = fields.Nested(
        "EligibilityDetailSchema",
        required=True,
        allow_none=True,
        metadata={"description": "The latest eligibility decision's reasons, as at /eligibility"},
    )
    cancellation_reason = fields.String(allow_none=True)
    cancelled_at = Timestamp(allow_none=True)
    outcome = fields.String(
        allow_none=True,
        validate=validate.OneOf([str(o) for o in VisitOutcome]),
        metadata={"description": "Set when the visit is completed (the outcome /complete was given)"},
    )
    summary = fields.String(allow_none=True)
    started_at = Timestamp(allow_none=True)
    completed_at = Timestamp(allow_none=True)
    visit = fields.Nested(
        VisitSchema,
        required=True,
        allow_none=True,
        metadata={"description": "How and where the visit was held (set by /start); null before"},
    )
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class ConsultationCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Treatment-resistant depression, in New York": {
            "patient_id": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "conditions": ["treatment_resistant_depression"],
            "patient_location_state": "NY",
            "preferred_language": "en",
            "preferred_routes": ["intravenous", "intranasal"],
            "preferred_times": [{"start": "2026-12-08T14:00:00Z", "end": "2026-12-08T18:00:00Z"}],
        }
    }

    patient_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    conditions = fields.List(
        fields.String(validate=validate.OneOf(CONDITIONS)),
        required=True,
        validate=validate.Length(min=1, max=len(CONDITIONS)),
    )
    patient_location_state = fields.String(
        required=True,
        validate=_STATE,
        metadata={"description": "USPS code of where the patient is during care (licensing follows it)"},
    )
    preferred_language = language_tag(
        metadata={"description": "Defaults to the patient's preferred language"}
    )
    preferred_routes = fields.List(
        fields.String(validate=validate.OneOf(_ROUTES)),
        load_default=list,
        validate=validate.Length(max=len(_ROUTES)),
        metadata={"description": "Routes the patient accepts; empty means any"},
    )
    preferred_times = fields.List(
        fields.Nested(TimeWindowSchema), load_default=list, validate=validate.Length(max=50)
    )
    notes = fields.String(allow_none=True, validate=_NOTE)


class ConsultationQueryArgsSchema(PageArgsSchema):
    patient_id = fields.String()
    provider_id = fields.String()
    status = DelimitedList(
        fields.String(validate=validate.OneOf(CONSULTATION_STATUSES)),
        metadata={"description": "One status, or several separated by commas"},
    )
    created_after = Timestamp()


ConsultationPageSchema = page_schema(ConsultationSchema, "ConsultationPage")


class ConsultationCancelSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "At the patient's request": {"reason": "The patient asked to cancel by phone."}
    }

    reason = fields.String(allow_none=True, validate=validate.Length(min=1, max=1000))


class ConsultationReviewSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Approve after a recheck": {
            "decision": "approve",
            "note": "Blood pressure rechecked in clinic and within range: cleared for treatment.",
        }
    }

    decision = enum_field(ReviewDecision, required=True)
    note = fields.String(
        required=True,
        validate=_NOTE,
        metadata={"description": "The clinician's reasoning, kept with the case"},
    )
    safety_plan_documented = Boolean(
        metadata={
            "description": "Approving an escalated case: true once a safety plan is documented with the "
            "patient (422 safety_plan_required otherwise)"
        }
    )


class EligibilityReasonSchema(Schema):
    code = fields.String(required=True, metadata={"example": "blood_pressure_elevated"})
    detail = fields.String(required=True)
    screening_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The screening holding the answer"}
    )
    field = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "JSON pointer to the answer in that screening (e.g. /answers/systolic_bp), or "
            "to the consultation (/conditions) when screening_id is null"
        },
    )


class CrisisResourceSchema(Schema):
    name = fields.String(required=True, metadata={"example": "988 Suicide & Crisis Lifeline"})
    contact = fields.String(required=True, metadata={"example": "Call or text 988"})
    description = fields.String(required=True)


class ConsiderationSchema(Schema):
    code = fields.String(
        required=True,
        metadata={"description": f"The medication class: {', '.join(MEDICATION_CONSIDERATIONS)}"},
    )
    detail = fields.String(required=True)


class EligibilityDetailSchema(Schema):
    reasons = fields.List(fields.Nested(EligibilityReasonSchema), required=True)
    missing_screenings = fields.List(fields.String(validate=validate.OneOf(INSTRUMENTS)), required=True)
    crisis_resources = fields.List(fields.Nested(CrisisResourceSchema), required=True)
    considerations = fields.List(
        fields.Nested(ConsiderationSchema),
        required=True,
        dump_default=list,
        metadata={"description": "Medications that may blunt the response; never a reason by themselves"},
    )


class EligibilitySchema(EligibilityDetailSchema):
    consultation_id = fields.String(required=True)
    consultation_status = fields.String(required=True, validate=validate.OneOf(CONSULTATION_STATUSES))
    outcome = fields.String(required=True, validate=validate.OneOf(list(EligibilityOutcome)))
    evaluated_at = Timestamp(required=True, allow_none=True)
