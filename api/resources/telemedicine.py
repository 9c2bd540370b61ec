"""Follow-up visits, in-person evaluations, PDMP checks and prescriptions (clinical-rules.md §5).

Writing any of them is a provider's act (a partner's systems or an admin: 403); reading follows the plan or
the patient, as everywhere.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.config import get_settings
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.models import InPersonEvaluation, PdmpCheck, Prescription, Visit
from api.schemas.common import PageArgsSchema
from api.schemas.telemedicine import (
    InPersonEvaluationCreateSchema,
    InPersonEvaluationPageSchema,
    InPersonEvaluationSchema,
    PdmpCheckCreateSchema,
    PdmpCheckPageSchema,
    PdmpCheckSchema,
    PlanVisitCreateSchema,
    PrescriptionCancelSchema,
    PrescriptionCreateSchema,
    PrescriptionPageSchema,
    PrescriptionSchema,
    VisitPageSchema,
    VisitSchema,
)
from api.services import evaluations, prescriptions, visits
from api.services.inputs import InPersonEvaluationBody, PdmpCheckBody, PrescriptionBody, VisitBody

blp = Blueprint(
    "prescribing",
    __name__,
    url_prefix="/v1",
    description="Telemedicine visits, in-person evaluations, PDMP checks, controlled-substance prescriptions",
)


@blp.route("/follow-up-plans/<string:plan_id>/visits")
class PlanVisits(MethodView):
    @blp.operation("recordPlanVisit", scopes=["plans:write"], creates=Visit)
    @blp.arguments(PlanVisitCreateSchema)
    @blp.response(201, VisitSchema)
    def post(self, data: VisitBody, plan_id: str) -> Any:
        """Record a follow-up visit

        A visit the plan's provider holds now (a partner or an admin: 403), with the checks of a
        consultation's visit (422 `provider_not_licensed_in_state`, `site_not_in_state`,
        `practitioner_not_registered_in_state`, `identity_not_verified`, every failure at once). A
        prescription follows a visit held within 30 days. An `in_person` visit records an in-person
        evaluation.
        """
        return visits.record_plan_visit(get_session(), current_principal(), plan_id, data)

    @blp.operation("listPlanVisits", scopes=["plans:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, VisitPageSchema)
    def get(self, args: dict[str, Any], plan_id: str) -> Any:
        """List a plan's visits

        Newest first: the plan's follow-up visits and its consultation's visit.
        """
        page = visits.list_plan_visits(
            get_session(), current_principal(), plan_id, page_request("visits", args)
        )
        return page_body("visits", page)


@blp.route("/patients/<string:patient_id>/in-person-evaluations")
class InPersonEvaluations(MethodView):
    @blp.operation("recordInPersonEvaluation", scopes=["patients:write"], creates=InPersonEvaluation)
    @blp.arguments(InPersonEvaluationCreateSchema)
    @blp.response(201, InPersonEvaluationSchema)
    def post(self, data: InPersonEvaluationBody, patient_id: str) -> Any:
        """Record an in-person evaluation

        By the provider who examined the patient in person, for themself only (`provider_id`, if sent,
        must be you; another provider, a partner or an admin: 403). `evaluated_on` is today or earlier.
        It is a legal basis for your later prescriptions to the patient (21 U.S.C. 829(e)).
        """
        return evaluations.record_evaluation(get_session(), current_principal(), patient_id, data)

    @blp.operation("listInPersonEvaluations", scopes=["patients:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, InPersonEvaluationPageSchema)
    def get(self, args: dict[str, Any], patient_id: str) -> Any:
        """List a patient's in-person evaluations

        Newest first.
        """
        page = evaluations.list_evaluations(
            get_session(), current_principal(), patient_id, page_request("in_person_evaluations", args)
        )
        return page_body("in_person_evaluations", page)


@blp.route("/patients/<string:patient_id>/pdmp-checks")
class PdmpChecks(MethodView):
    @blp.operation("recordPdmpCheck", scopes=["patients:write"], creates=PdmpCheck)
    @blp.arguments(PdmpCheckCreateSchema)
    @blp.response(201, PdmpCheckSchema)
    def post(self, data: PdmpCheckBody, patient_id: str) -> Any:
        """Record a PDMP check

        By a provider (a partner or an admin: 403): the state's prescription drug monitoring programme
        was queried at `checked_at` (not in the future). `note` is required unless the result is
        `no_concerns`; `unavailable` documents a failed attempt, which satisfies a prescription's check
        and marks it `pdmp_unverified`.
        """
        return evaluations.record_pdmp_check(get_session(), current_principal(), patient_id, data)

    @blp.operation("listPdmpChecks", scopes=["patients:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PdmpCheckPageSchema)
    def get(self, args: dict[str, Any], patient_id: str) -> Any:
        """List a patient's PDMP checks

        Newest first.
        """
        page = evaluations.list_pdmp_checks(
            get_session(), current_principal(), patient_id, page_request("pdmp_checks", args)
        )
        return page_body("pdmp_checks", page)


@blp.route("/follow-up-plans/<string:plan_id>/prescriptions")
class Prescriptions(MethodView):
    @blp.operation("issuePrescription", scopes=["plans:write"], errors=[409], creates=Prescription)
    @blp.arguments(PrescriptionCreateSchema)
    @blp.response(201, PrescriptionSchema)
    def post(self, data: PrescriptionBody, plan_id: str) -> Any:
        """Issue a prescription

        By the plan's provider (anyone else 403), on a plan not completed or revoked (409 `plan_closed`).
        Checked at issue, every failure at once (422): `visit_required` (your visit with the patient
        within 30 days), `prescriber_not_registered_in_state` (licence and schedule III DEA registration
        where the patient was), `esketamine_rems_violation`, `refills_exceed_schedule_limit` (5),
        `pharmacy_required`, `pdmp_check_required` (your check of that state within 24 hours),
        `no_legal_basis`. The legal basis found is stored as `legal_basis {code, source}`. Immutable;
        emits `prescription.created`.
        """
        return prescriptions.issue_prescription(
            get_session(), current_principal(), plan_id, data, settings=get_settings()
        )

    @blp.operation("listPrescriptions", scopes=["plans:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PrescriptionPageSchema)
    def get(self, args: dict[str, Any], plan_id: str) -> Any:
        """List a plan's prescriptions

        Newest first, with their status now (`active`, `cancelled`, `expired` after `active_until`).
        """
        page = prescriptions.list_prescriptions(
            get_session(), current_principal(), plan_id, page_request("prescriptions", args)
        )
        return page_body("prescriptions", page)


@blp.route("/follow-up-plans/<string:plan_id>/prescriptions/<string:prescription_id>")
class PrescriptionById(MethodView):
    @blp.operation("getPrescription", scopes=["plans:read"])
    @blp.etag
    @blp.response(200, PrescriptionSchema)
    def get(self, plan_id: str, prescription_id: str) -> Any:
        """Get a prescription

        One prescription of the plan, with the legal basis it was issued under, the visit and PDMP check it
        rests on, and its status (docs/prescribing.md). Another tenant's plan or prescription is 404."""
        return prescriptions.get_prescription(get_session(), current_principal(), plan_id, prescription_id)


@blp.route("/follow-up-plans/<string:plan_id>/prescriptions/<string:prescription_id>/cancel")
class CancelPrescription(MethodView):
    @blp.operation("cancelPrescription", scopes=["plans:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(PrescriptionCancelSchema)
    @blp.response(200, PrescriptionSchema)
    def post(self, data: dict[str, Any], plan_id: str, prescription_id: str) -> Any:
        """Cancel a prescription

        The plan's provider cancels an active prescription with a `reason` (anyone else 403; a cancelled
        or expired one: 409 `invalid_transition`); emits `prescription.cancelled`, for the pharmacy to be
        told. Honours `If-Match`.
        """
        return prescriptions.cancel_prescription(
            get_session(),
            current_principal(),
            plan_id,
            prescription_id,
            data["reason"],
            precondition=blp.precondition(PrescriptionSchema),
        )
