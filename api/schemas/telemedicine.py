"""Visits, in-person evaluations, PDMP checks and prescriptions (clinical-rules.md §5)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from api.domain.protocols import Route
from api.domain.reference import US_STATES
from api.domain.telemedicine import (
    Dispensing,
    IdentityMethod,
    Medication,
    Modality,
    PdmpResult,
    PrescriptionStatus,
)
from api.schemas.common import Boolean, Date, StrictSchema, Timestamp, enum_field, page_schema

_STATE = validate.OneOf(
    sorted(US_STATES), error="Must be one of the USPS state or territory codes, e.g. CA or NY."
)
_ID = validate.Length(min=1, max=40)
_NOTE = validate.Length(min=1, max=4000)


def _one_of(enum: type[StrEnum]) -> validate.OneOf:
    return validate.OneOf([str(member) for member in enum])


# --- visits --------------------------------------------------------------------------------------------


class VisitSchema(Schema):
    id = fields.String(required=True, metadata={"example": "vis_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    patient_id = fields.String(required=True)
    consultation_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The consultation whose visit it is"}
    )
    plan_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The plan a follow-up visit belongs to"}
    )
    provider_id = fields.String(required=True, metadata={"description": "The clinician who held it"})
    modality = fields.String(required=True, validate=_one_of(Modality))
    patient_location_state = fields.String(
        required=True, metadata={"description": "Where the patient was, as the provider confirmed it"}
    )
    patient_site_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The practice site the patient joined from"}
    )
    present_practitioner_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "A provider physically with the patient during the visit"},
    )
    identity_method = fields.String(required=True, validate=_one_of(IdentityMethod))
    note = fields.String(required=True, allow_none=True)
    started_at = Timestamp(required=True)
    completed_at = Timestamp(required=True, allow_none=True)


class VisitStartSchema(StrictSchema):
    modality = enum_field(Modality, required=True)
    patient_location_state = fields.String(
        required=True,
        validate=_STATE,
        metadata={
            "description": "Where the patient is during the visit, as you confirmed it (USPS code). When it "
            "differs from the consultation's, you need an active licence and a schedule III DEA "
            "registration there"
        },
    )
    patient_site_id = fields.String(
        allow_none=True,
        validate=_ID,
        metadata={"description": "The practice site (clinic) the patient joins from, in that state"},
    )
    present_practitioner_id = fields.String(
        allow_none=True,
        validate=_ID,
        metadata={
            "description": "A provider physically with the patient, holding a schedule III DEA "
            "registration in that state"
        },
    )
    identity_verified = Boolean(required=True, metadata={"description": "Must be true"})
    identity_method = enum_field(IdentityMethod, required=True)


class PlanVisitCreateSchema(VisitStartSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A video follow-up visit": {
            "modality": "audio_video",
            "identity_verified": True,
            "identity_method": "known_patient",
            "patient_location_state": "NY",
            "note": "Follow-up before prescribing: sessions well tolerated.",
        }
    }

    note = fields.String(required=True, validate=_NOTE, metadata={"description": "The visit's note"})


VisitPageSchema = page_schema(VisitSchema, "VisitPage")


# --- in-person evaluations and PDMP checks ----------------------------------------------------------------


class InPersonEvaluationSchema(Schema):
    id = fields.String(required=True, metadata={"example": "ipe_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    patient_id = fields.String(required=True)
    provider_id = fields.String(required=True, metadata={"description": "The provider who examined"})
    evaluated_on = Date(required=True)
    site_id = fields.String(required=True, allow_none=True)
    visit_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The in-person visit that recorded it, if any"},
    )
    note = fields.String(required=True, allow_none=True)
    created_at = Timestamp(required=True)


class InPersonEvaluationCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "At the clinic": {
            "evaluated_on": "2026-11-20",
            "note": "In-person evaluation at the clinic before prescribing.",
        }
    }

    evaluated_on = Date(required=True, metadata={"description": "Today or earlier"})
    site_id = fields.String(allow_none=True, validate=_ID, metadata={"description": "Where, if at a site"})
    provider_id = fields.String(
        validate=_ID, metadata={"description": "You: the examining provider records their own evaluation"}
    )
    note = fields.String(required=True, validate=_NOTE)


InPersonEvaluationPageSchema = page_schema(InPersonEvaluationSchema, "InPersonEvaluationPage")


class PdmpCheckSchema(Schema):
    id = fields.String(required=True, metadata={"example": "pdmp_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    patient_id = fields.String(required=True)
    provider_id = fields.String(required=True)
    state = fields.String(required=True)
    checked_at = Timestamp(required=True)
    result = fields.String(required=True, validate=_one_of(PdmpResult))
    note = fields.String(required=True, allow_none=True)
    created_at = Timestamp(required=True)


class PdmpCheckCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "No concerns": {"state": "NY", "checked_at": "2026-12-04T16:00:00Z", "result": "no_concerns"}
    }

    state = fields.String(required=True, validate=_STATE, metadata={"description": "The PDMP's state"})
    checked_at = Timestamp(required=True, metadata={"description": "When you queried it (not in the future)"})
    result = enum_field(
        PdmpResult,
        required=True,
        metadata={"description": "`unavailable` documents a failed attempt (an outage), with a note"},
    )
    note = fields.String(
        allow_none=True, validate=_NOTE, metadata={"description": "Required unless the result is no_concerns"}
    )


PdmpCheckPageSchema = page_schema(PdmpCheckSchema, "PdmpCheckPage")


# --- prescriptions ---------------------------------------------------------------------------------------


class LegalBasisSchema(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "`in_person_evaluation`, or the code of the telemedicine rule that allowed it",
            "example": "dea_telemedicine_flexibilities",
        },
    )
    source = fields.String(required=True, metadata={"example": "90 FR 61301"})


class PrescriptionSchema(Schema):
    id = fields.String(required=True, metadata={"example": "rx_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    plan_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    prescriber_id = fields.String(required=True)
    visit_id = fields.String(required=True)
    medication = fields.String(required=True, validate=_one_of(Medication))
    route = fields.String(required=True, validate=_one_of(Route))
    dose_mg = fields.Float(required=True)
    quantity = fields.Float(required=True)
    days_supply = fields.Integer(required=True)
    refills = fields.Integer(required=True)
    dispensing = fields.String(required=True, validate=_one_of(Dispensing))
    site_id = fields.String(required=True, allow_none=True)
    pharmacy_ncpdp_id = fields.String(required=True, allow_none=True)
    pdmp_check_id = fields.String(required=True)
    pdmp_unverified = Boolean(
        required=True, metadata={"description": "The PDMP was unavailable at issue: re-check when it is back"}
    )
    legal_basis = fields.Nested(LegalBasisSchema, required=True)
    visit_modality = fields.String(required=True, validate=_one_of(Modality))
    patient_location_state = fields.String(required=True)
    issued_at = Timestamp(required=True)
    active_until = Timestamp(
        required=True,
        metadata={
            "description": "The earlier of days_supply x (refills + 1) days and six months after issue"
        },
    )
    status = fields.String(required=True, validate=_one_of(PrescriptionStatus))
    cancelled_at = Timestamp(required=True, allow_none=True)
    cancel_reason = fields.String(required=True, allow_none=True)


class PrescriptionCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Esketamine, administered at a REMS site": {
            "visit_id": "vis_8w6v5n0c2b7a1e3k7q2x9m4d1p",
            "pdmp_check_id": "pdmp_2b7a1e3k7q2x9m4d1p8w6v5n0c",
            "medication": "esketamine",
            "route": "intranasal",
            "dose_mg": 56,
            "quantity": 2,
            "days_supply": 7,
            "refills": 0,
            "dispensing": "clinic_administered",
            "site_id": "sit_0c2b7a1e3k7q2x9m4d1p8w6v5n",
        }
    }

    visit_id = fields.String(
        required=True, validate=_ID, metadata={"description": "Your visit with the patient it follows"}
    )
    medication = enum_field(Medication, required=True)
    route = enum_field(Route, required=True)
    dose_mg = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=10_000))
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=100_000))
    days_supply = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    refills = fields.Integer(required=True, validate=validate.Range(min=0, max=99))
    dispensing = enum_field(Dispensing, required=True)
    site_id = fields.String(
        allow_none=True, validate=_ID, metadata={"description": "Clinic-administered: where"}
    )
    pharmacy_ncpdp_id = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9]{7}\Z", error="An NCPDP id is 7 digits."),
        metadata={"description": "The dispensing pharmacy's NCPDP id (7 digits)", "pattern": "^[0-9]{7}$"},
    )
    pdmp_check_id = fields.String(
        required=True, validate=_ID, metadata={"description": "Your PDMP check of the visit's state"}
    )


class PrescriptionCancelSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Replaced": {"reason": "Replaced by a prescription with a new dose."}
    }

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


PrescriptionPageSchema = page_schema(PrescriptionSchema, "PrescriptionPage")
