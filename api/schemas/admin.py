from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, validate

from api.auth.scopes import SCOPES
from api.models.user import ROLES
from api.schemas.common import Boolean, StrictSchema, Timestamp, page_schema
from api.services.accounts import GRANT_TYPES


class PartnerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    created_at = Timestamp(required=True)


class PartnerCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {"A clinic group": {"name": "Example Health Partners"}}

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


PartnerPageSchema = page_schema(PartnerSchema, "PartnerPage")


class ClientSchema(Schema):
    client_id = fields.String(required=True, attribute="id")
    partner_id = fields.String(allow_none=True)
    name = fields.String(required=True)
    grant_types = fields.List(fields.String(), required=True)
    redirect_uris = fields.List(fields.String(), required=True)
    scope = fields.String(required=True)
    public = Boolean(required=True, attribute="is_public")
    can_introspect = Boolean(required=True)
    created_at = Timestamp(required=True)


class ClientWithSecret:
    """A just-created client with its one-time plaintext secret, for ``ClientWithSecretSchema``."""

    def __init__(self, client: object, client_secret: str | None) -> None:
        self._client = client
        self.client_secret = client_secret

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)


class ClientWithSecretSchema(ClientSchema):
    client_secret = fields.String(
        allow_none=True, metadata={"description": "Shown once, at creation; null for public clients"}
    )


class ClientCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A partner's back-end system": {
            "name": "Example Clinic back office",
            "grant_type": "client_credentials",
            "scope": "patients:read patients:write consultations:read consultations:write webhooks:manage",
        }
    }

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    grant_type = fields.String(required=True, validate=validate.OneOf(GRANT_TYPES))
    scope = fields.String(
        required=True, metadata={"description": "Space-separated; any of: " + " ".join(SCOPES)}
    )
    redirect_uris = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)
    public = Boolean(load_default=False)
    can_introspect = Boolean(load_default=False)


ClientPageSchema = page_schema(ClientSchema, "ClientPage")


class UserSchema(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    partner_id = fields.String(allow_none=True)
    patient_id = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True)
    created_at = Timestamp(required=True)


class UserCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A provider's sign-in": {
            "email": "sam.example@example.com",
            "password": "correct-horse-battery-staple-42",
            "role": "provider",
            "provider_id": "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m",
        }
    }

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    patient_id = fields.String()
    provider_id = fields.String()
