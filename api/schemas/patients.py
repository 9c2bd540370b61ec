from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

from api.db import utcnow
from api.domain.reference import CONSENT_TYPES, E164, SEX_AT_BIRTH, US_POSTAL_CODE, US_STATES
from api.schemas.common import (
    Date,
    PageArgsSchema,
    StrictSchema,
    Timestamp,
    language_tag,
    page_schema,
    time_zone,
)

_NAME = validate.Length(min=1, max=200)


def _birth_date(value: date) -> None:
    if value > utcnow().date():
        raise ValidationError("Must not be in the future.")


class AddressSchema(StrictSchema):
    line1 = fields.String(required=True, validate=validate.Length(min=1, max=200))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    state = fields.String(
        required=True,
        validate=validate.OneOf(sorted(US_STATES)),
        metadata={"description": "USPS code of the state or territory"},
    )
    postal_code = fields.String(required=True, validate=validate.Regexp(US_POSTAL_CODE))


class RemsEnrollmentSchema(StrictSchema):
    """[2e] The patient's Spravato REMS enrolment (needed to activate an intranasal plan)."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Enrolled": {"enrollment_id": "REMS-0000123", "enrolled_on": "2026-11-30"}
    }

    enrolled_on = Date(required=True, metadata={"description": "The date of enrolment; not in the future"})
    enrollment_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The patient's Spravato REMS enrolment identifier"},
    )


class PatientSchema(Schema):
    id = fields.String(required=True, metadata={"example": "pat_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    partner_id = fields.String(required=True)
    external_id = fields.String(allow_none=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    birth_date = Date(required=True)
    sex_at_birth = fields.String(required=True, validate=validate.OneOf(SEX_AT_BIRTH))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True)
    preferred_language = fields.String(required=True)
    address = fields.Nested(AddressSchema, allow_none=True)
    timezone = fields.String(allow_none=True)
    rems_enrollment = fields.Nested(
        RemsEnrollmentSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The Spravato REMS enrolment; null until recorded"},
    )
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class _PatientFields(StrictSchema):
    external_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    given_name = fields.String(validate=_NAME)
    family_name = fields.String(validate=_NAME)
    birth_date = Date(validate=_birth_date)
    sex_at_birth = fields.String(validate=validate.OneOf(SEX_AT_BIRTH))
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    phone = fields.String(
        allow_none=True, validate=validate.Regexp(E164, error="Use E.164 format, e.g. +14155550123.")
    )
    preferred_language = language_tag()
    address = fields.Nested(AddressSchema, allow_none=True)
    timezone = time_zone(allow_none=True)


class PatientCreateSchema(_PatientFields):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A new patient": {
            "given_name": "Jordan",
            "family_name": "Example",
            "birth_date": "1988-04-12",
            "sex_at_birth": "female",
            "email": "jordan@example.com",
            "phone": "+12125550123",
            "preferred_language": "en",
            "external_id": "ehr-000123",
            "timezone": "America/New_York",
            "address": {
                "line1": "100 Example Street",
                "city": "Albany",
                "state": "NY",
                "postal_code": "12207",
            },
        }
    }

    partner_id = fields.String(
        metadata={"description": "Required for platform admins; a partner's own id is implied otherwise"}
    )
    given_name = fields.String(required=True, validate=_NAME)
    family_name = fields.String(required=True, validate=_NAME)
    birth_date = Date(required=True, validate=_birth_date)
    sex_at_birth = fields.String(required=True, validate=validate.OneOf(SEX_AT_BIRTH))
    preferred_language = language_tag(load_default="en")


class PatientUpdateSchema(_PatientFields):
    """Every field optional; ``null`` clears an optional field (required ones refuse ``null``)."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A new email address": {"email": "jordan.example@example.com"}
    }


class PatientQueryArgsSchema(PageArgsSchema):
    external_id = fields.String()
    email = fields.String()


PatientPageSchema = page_schema(PatientSchema, "PatientPage")


class ConsentSchema(Schema):
    id = fields.String(required=True)
    patient_id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(CONSENT_TYPES))
    version = fields.String(required=True)
    accepted_at = Timestamp(required=True)
    created_at = Timestamp(required=True)
    withdrawn_at = Timestamp(
        required=True,
        allow_none=True,
        metadata={
            "description": "When the patient withdrew it (null while in force); it then no longer counts"
        },
    )


class ConsentCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Telehealth consent": {
            "type": "telehealth",
            "version": "2026-01",
            "accepted_at": "2026-12-03T14:05:00Z",
        }
    }

    type = fields.String(required=True, validate=validate.OneOf(CONSENT_TYPES))
    version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    accepted_at = Timestamp(required=True)


ConsentPageSchema = page_schema(ConsentSchema, "ConsentPage")


class InvitationCreateSchema(StrictSchema):
    """No fields today; the body may be empty or ``{}``."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {"No fields": {}}


class InvitationSchema(Schema):
    id = fields.String(required=True)
    patient_id = fields.String(required=True)
    activation_url = fields.Url(
        required=True, metadata={"description": "One-time link; shown once, never stored in clear"}
    )
    expires_at = Timestamp(required=True)
