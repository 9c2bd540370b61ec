"""Consultations: request, read, eligibility, review, cancel (scopes consultations:*)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.http.representation import Representation
from api.models import Consultation
from api.schemas.consultations import (
    ConsultationCancelSchema,
    ConsultationCreateSchema,
    ConsultationPageSchema,
    ConsultationQueryArgsSchema,
    ConsultationReviewSchema,
    ConsultationSchema,
    EligibilitySchema,
    EscalationAcknowledgeSchema,
)
from api.services import consultations as service
from api.services.inputs import ConsultationRequest

blp = Blueprint(
    "consultations",
    __name__,
    url_prefix="/v1/consultations",
    description="Consultation requests, eligibility and clinician review",
)

CONSULTATION = Representation(ConsultationSchema)  # the planned dump of GET /v1/consultations/{id}


@blp.route("")
class Consultations(MethodView):
    @blp.operation(
        "createConsultation",
        scopes=["consultations:write"],
        errors=[404, 409],
        creates=Consultation,
    )
    @blp.arguments(ConsultationCreateSchema)
    @blp.response(201, ConsultationSchema)
    def post(self, data: ConsultationRequest) -> Any:
        """Request a consultation

        The patient must be 18 or older (422 `patient_underage`) and have accepted the `telehealth`
        consent (422 `consent_required`). The consultation starts `submitted`; it moves on as the
        screenings arrive (see `GET /v1/consultations/{id}/eligibility`).
        """
        consultation = service.create_consultation(get_session(), current_principal(), data)
        return consultation

    @blp.operation("listConsultations", scopes=["consultations:read"])
    @blp.arguments(ConsultationQueryArgsSchema, location="query")
    @blp.response(200, ConsultationPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List consultations

        Newest first. Filter by `patient_id`, `provider_id`, `status` (one, or several separated by
        commas) and `created_after`.
        """
        page = service.list_consultations(
            get_session(), current_principal(), args, page_request("consultations", args)
        )
        return page_body("consultations", page)


@blp.route("/<string:consultation_id>")
class ConsultationById(MethodView):
    @blp.operation("getConsultation", scopes=["consultations:read"], token_in_statement=True)
    @blp.etag
    @blp.response(200, ConsultationSchema)
    def get(self, consultation_id: str) -> Any:
        """Get a consultation

        Returns a strong `ETag`; send it in `If-Match` with an action to act only on what you read.
        """
        consultation = service.read_consultation(get_session(), current_principal(), consultation_id)
        return blp.represent(consultation, CONSULTATION)


@blp.route("/<string:consultation_id>/eligibility")
class ConsultationEligibility(MethodView):
    @blp.operation("getConsultationEligibility", scopes=["consultations:read"])
    @blp.response(200, EligibilitySchema)
    def get(self, consultation_id: str) -> Any:
        """Get a consultation's eligibility

        The latest decision with every reason behind it (the code, the screening and the answer),
        the screenings still missing, and crisis resources when the case was escalated. `pending`
        until every required screening is in (a C-SSRS `high` escalates at once).
        """
        return service.get_eligibility(get_session(), current_principal(), consultation_id)


@blp.route("/<string:consultation_id>/cancel")
class CancelConsultation(MethodView):
    @blp.operation("cancelConsultation", scopes=["consultations:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(ConsultationCancelSchema, required=False)
    @blp.response(200, ConsultationSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Cancel a consultation

        Allowed in any state before the visit starts (409 `invalid_transition` after). Honours `If-Match`.
        """
        return service.cancel_consultation(
            get_session(),
            current_principal(),
            consultation_id,
            data.get("reason"),
            precondition=blp.precondition(ConsultationSchema),
        )


@blp.route("/<string:consultation_id>/review")
class ReviewConsultation(MethodView):
    @blp.operation("reviewConsultation", scopes=["consultations:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(ConsultationReviewSchema)
    @blp.response(200, ConsultationSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Review a flagged or escalated consultation

        A clinician (provider) or an admin approves (`ready`) or declines (`declined`) a consultation in
        `awaiting_review`, with a note kept on the case. An `escalated` one only a psychiatrist (MD or DO,
        specialty psychiatry) decides (403 `psychiatrist_required`, an admin included); approving it needs
        the escalation acknowledged (422 `escalation_not_acknowledged`), `safety_plan_documented: true`
        (422 `safety_plan_required`), every required screening (422 `screenings_incomplete`) and no
        absolute contraindication once the crisis is set aside (422 `contraindicated`); the relative reasons
        are returned in `eligibility`, and the case is matched to psychiatrists only. Honours `If-Match`.
        """
        return service.review_consultation(
            get_session(),
            current_principal(),
            consultation_id,
            data["decision"],
            data["note"],
            safety_plan_documented=data.get("safety_plan_documented"),
            precondition=blp.precondition(ConsultationSchema),
        )


@blp.route("/<string:consultation_id>/acknowledge-escalation")
class AcknowledgeConsultationEscalation(MethodView):
    @blp.operation("acknowledgeConsultationEscalation", scopes=["consultations:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(EscalationAcknowledgeSchema)
    @blp.response(200, ConsultationSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Acknowledge an escalation

        A provider records the urgent contact with an escalated patient: who, when, and its outcome
        (`reached`, `not_reached`, `emergency_services`), shown as the consultation's `escalation`. Any
        provider who sees the case may (escalated cases are in every licensed provider's queue); a partner
        or an admin: 403. A second acknowledgement: 409 `already_acknowledged`; a case never escalated: 409
        `not_escalated`. Until it is acknowledged, the worker sends
        `consultation.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours `If-Match`.
        """
        return service.acknowledge_escalation(
            get_session(),
            current_principal(),
            consultation_id,
            note=data["note"],
            contact_outcome=data["contact_outcome"],
            precondition=blp.precondition(ConsultationSchema),
        )
