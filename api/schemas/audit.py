"""The audit trail (api-contract.md §3 Audit): references only, never values."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.domain.audit import Action, Outcome
from api.schemas.common import PageArgsSchema, Timestamp, page_schema

_ID = validate.Length(min=1, max=40)


def _text(description: str, **kwargs: Any) -> fields.String:
    return fields.String(required=True, allow_none=True, metadata={"description": description}, **kwargs)


class AuditActorSchema(Schema):
    type = fields.String(
        required=True,
        metadata={"description": "`partner_client`, `patient`, `provider`, `admin`; `anonymous`: no token"},
    )
    id = _text("The user, or the client acting for itself")


class AuditEventSchema(Schema):
    id = fields.String(required=True)
    occurred_at = Timestamp(required=True, attribute="created_at")
    actor = fields.Nested(AuditActorSchema, required=True)
    client_id = _text("The OAuth client the request came through")
    partner_id = _text("The caller's partner")
    action = fields.String(required=True, validate=validate.OneOf([a.value for a in Action]))
    operation = _text("The operationId of the request")
    resource_type = _text("`patient`, `consultation`, `screening`, `follow_up_plan`, `follow_up_task`, …")
    resource_id = _text("The record read, changed or asked for")
    resource_ids = fields.List(
        fields.String(), required=True, metadata={"description": "What a list returned; what a write changed"}
    )
    patient_id = _text("Whose data it was, when it was one patient's")
    patient_ids = fields.List(
        fields.String(), required=True, metadata={"description": "Every patient whose data it concerned"}
    )
    outcome = fields.String(required=True, validate=validate.OneOf([o.value for o in Outcome]))
    status = fields.Integer(required=True, allow_none=True, metadata={"description": "The HTTP status"})
    request_id = _text("The request's X-Request-ID")
    ip = _text("The caller's address: an export of the trail is PHI")
    row_count = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "How many rows a bulk read sent (`exportOutcomes`: the de-identified rows "
            "streamed); null for any other request"
        },
    )


AuditEventPageSchema = page_schema(AuditEventSchema, "AuditEventPage")


class AuditEventQueryArgsSchema(PageArgsSchema):
    actor_id = fields.String(validate=_ID)
    resource_type = fields.String(validate=validate.Length(min=1, max=40))
    resource_id = fields.String(validate=_ID)
    patient_id = fields.String(validate=_ID, metadata={"description": "Every access to this patient's data"})
    action = fields.String(validate=validate.OneOf([a.value for a in Action]))
    occurred_after = Timestamp(metadata={"description": "At or after this time"})
    occurred_before = Timestamp(metadata={"description": "Before this time"})
