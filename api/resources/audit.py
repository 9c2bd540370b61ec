"""The audit trail (audit:read): docs/audit.md."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.schemas.audit import AuditEventPageSchema, AuditEventQueryArgsSchema
from api.services import audit as service

blp = Blueprint(
    "audit", __name__, url_prefix="/v1", description="Audit trail: who read or changed which record, and when"
)


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @blp.operation("listAuditEvents", scopes=["audit:read"])
    @blp.arguments(AuditEventQueryArgsSchema, location="query")
    @blp.response(200, AuditEventPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List audit events

        Newest first. Every read and write of a record, every refused request (401, 403, and the 404 that
        hides another tenant's record) and every token issued, refused or revoked. `patient_id` answers "who
        saw or changed this patient's data". A partner sees its own callers' rows and every row about its
        patients; a platform admin sees all. References only: ids, never values.
        """
        page = service.list_audit_events(
            get_session(), current_principal(), args, page_request("audit_events", args)
        )
        return page_body("audit_events", page)
