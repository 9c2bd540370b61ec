"""The caller, as ``GET /v1/me`` describes it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.auth.principal import PRINCIPAL_KINDS


class MeSchema(Schema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(PRINCIPAL_KINDS),
        metadata={"description": "partner_client: a partner's system; patient, provider, admin: a person"},
    )
    id = fields.String(
        required=True,
        metadata={"description": "The user's id for a person; the OAuth client's id for a partner's system"},
    )
    client_id = fields.String(
        required=True, metadata={"description": "The OAuth client the token was issued to"}
    )
    partner_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The tenant; null for platform clients"}
    )
    patient_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The patient a patient's token speaks for"}
    )
    provider_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The provider a clinician's token speaks for"},
    )
    scopes = fields.List(fields.String(), required=True, metadata={"description": "Granted scopes, sorted"})
