"""Provider matches, booking (assignment, reschedule), the visit (start, complete) and appointments."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from api.domain.appointments import AppointmentStatus
from api.domain.consultation_status import VisitOutcome
from api.domain.matching import HORIZON, HardFilter
from api.schemas.common import StrictSchema, Timestamp, enum_field
from api.schemas.providers import ROUTES, ProviderSchema, SlotSchema
from api.schemas.telemedicine import VisitStartSchema

VISIT_OUTCOMES = [str(outcome) for outcome in VisitOutcome]
APPOINTMENT_STATUSES = [str(status) for status in AppointmentStatus]
_SCORE = validate.Range(min=0, max=1)


class ScoreComponentsSchema(Schema):
    """Each component in [0, 1]; the score is their mean weighted by the configured weights."""

    earliest_slot = fields.Float(
        required=True, validate=_SCORE, metadata={"description": f"1 = now, 0 = {HORIZON.days} days out"}
    )
    language = fields.Float(required=True, validate=_SCORE)
    preferred_times = fields.Float(
        required=True,
        validate=_SCORE,
        metadata={"description": "Share of the patient's preferred windows holding a free slot"},
    )
    spare_capacity = fields.Float(required=True, validate=_SCORE)
    continuity = fields.Float(
        required=True,
        validate=_SCORE,
        metadata={"description": "1 when this provider saw the patient before"},
    )


class ProviderMatchSchema(Schema):
    provider = fields.Nested(ProviderSchema, required=True)
    score = fields.Float(required=True, validate=_SCORE)
    score_components = fields.Nested(ScoreComponentsSchema, required=True)
    earliest_slots = fields.List(
        fields.Nested(SlotSchema), required=True, metadata={"description": "The first free slots, bookable"}
    )
    available_routes = fields.List(
        fields.String(validate=validate.OneOf(ROUTES)),
        required=True,
        metadata={"description": "Accepted routes this provider can deliver in the patient's state"},
    )


ExcludedCountsSchema = Schema.from_dict(
    {
        code.value: fields.Integer(
            required=True,
            validate=validate.Range(min=0),
            metadata={"description": f"Excluded by `{code.value}`"},
        )
        for code in HardFilter
    },
    name="ExcludedCounts",
)


class ProviderMatchListSchema(Schema):
    data = fields.List(fields.Nested(ProviderMatchSchema), required=True)
    excluded = fields.Nested(
        ExcludedCountsSchema,
        required=True,
        metadata={
            "description": "Providers excluded by each hard filter, each counted once under the first it "
            "fails (license, dea, route, capacity, no_slot, credential)"
        },
    )


class MatchQueryArgsSchema(Schema):
    limit = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=50),
        metadata={"description": "How many candidates to return, best first (1-50, default 10)"},
    )


class AssignmentSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Book a provider's free slot": {
            "provider_id": "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m",
            "slot_start": "2026-12-08T15:00:00Z",
        }
    }

    provider_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    slot_start = Timestamp(
        required=True, metadata={"description": "Start of one of the provider's free slots (RFC 3339)"}
    )


class RescheduleSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {"The next day": {"slot_start": "2026-12-09T15:00:00Z"}}

    slot_start = Timestamp(
        required=True, metadata={"description": "Start of another free slot of the same provider"}
    )


class ConsultationStartSchema(VisitStartSchema):
    """How the visit is held, where the patient is, who is with them (clinical-rules.md §5)."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A video visit, identity checked": {
            "modality": "audio_video",
            "identity_verified": True,
            "identity_method": "photo_id",
            "patient_location_state": "NY",
        }
    }


class ConsultationCompleteSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Treatment recommended": {
            "outcome": "treatment_recommended",
            "summary": "Candidate for an IV ketamine induction series; plan to follow.",
        }
    }

    outcome = enum_field(VisitOutcome, required=True)
    summary = fields.String(
        required=True,
        validate=validate.Length(min=1, max=10_000),
        metadata={"description": "The clinician's visit summary"},
    )


class AppointmentSchema(Schema):
    id = fields.String(required=True, metadata={"example": "apt_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    consultation_id = fields.String(required=True)
    provider_id = fields.String(required=True)
    starts_at = Timestamp(required=True)
    ends_at = Timestamp(required=True)
    status = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_STATUSES))
    video_url = fields.Url(
        required=True, metadata={"description": "Join link of the video visit; do not share it further"}
    )
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
