"""Matching a consultation to providers, booking, and the visit (scopes consultations:*)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.config import get_settings
from api.db import get_session
from api.http.blueprint import Blueprint
from api.models import Appointment
from api.schemas.bookings import (
    AppointmentSchema,
    AssignmentSchema,
    ConsultationCompleteSchema,
    ConsultationStartSchema,
    MatchQueryArgsSchema,
    ProviderMatchListSchema,
    RescheduleSchema,
)
from api.schemas.consultations import ConsultationSchema
from api.services import booking, matching, visits
from api.services.inputs import VisitBody

blp = Blueprint(
    "bookings",
    __name__,
    url_prefix="/v1/consultations",
    description="Provider matching, booking and the video visit",
)


@blp.route("/<string:consultation_id>/provider-matches")
class ProviderMatches(MethodView):
    @blp.operation("listProviderMatches", scopes=["consultations:read"], errors=[409])
    @blp.arguments(MatchQueryArgsSchema, location="query")
    @blp.response(200, ProviderMatchListSchema)
    def get(self, args: dict[str, Any], consultation_id: str) -> Any:
        """Match providers to a consultation

        For a `ready` consultation (409 `consultation_not_ready` otherwise): the providers passing every
        hard filter of the clinical rules (licence and DEA schedule III registration in the patient's state,
        an accepted route they can deliver there, capacity, a free slot within 30 days, a psychiatrist for
        reviewed or bipolar cases), best first, each with its score components and earliest slots;
        `excluded` counts the providers each filter removed.
        """
        settings = get_settings()
        return matching.find_matches(
            get_session(),
            current_principal(),
            consultation_id,
            limit=args["limit"],
            weights=matching.match_weights(settings.match_weights),
        )


@blp.route("/<string:consultation_id>/assignment")
class Assignment(MethodView):
    @blp.operation(
        "assignProvider",
        scopes=["consultations:write"],
        errors=[409, 412],
        creates=Appointment,
    )
    @blp.arguments(AssignmentSchema)
    @blp.response(201, AppointmentSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Book a provider

        Books `provider_id` at `slot_start` for a `ready` consultation, which becomes `scheduled`. Every
        hard filter is checked again in the same transaction: 422 `provider_not_qualified` (each failed
        filter in `errors`), 409 `slot_unavailable` when the slot is taken, even by a concurrent request.
        Honours `If-Match` (the consultation's ETag).
        """
        appointment = booking.assign_provider(
            get_session(),
            current_principal(),
            consultation_id,
            data["provider_id"],
            data["slot_start"],
            video_base_url=get_settings().video_base_url,
            precondition=blp.precondition(ConsultationSchema),
        )
        return appointment


@blp.route("/<string:consultation_id>/reschedule")
class Reschedule(MethodView):
    @blp.operation("rescheduleConsultation", scopes=["consultations:write"], errors=[409, 412])
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Reschedule the appointment

        Moves a `scheduled` consultation's appointment to another free slot of the same provider (409
        `slot_unavailable` if taken). The hard filters are checked again, except capacity: the patient
        already holds a place. Honours `If-Match` (the consultation's ETag).
        """
        return booking.reschedule(
            get_session(),
            current_principal(),
            consultation_id,
            data["slot_start"],
            precondition=blp.precondition(ConsultationSchema),
        )


@blp.route("/<string:consultation_id>/start")
class StartVisit(MethodView):
    @blp.operation("startConsultation", scopes=["consultations:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(ConsultationStartSchema)
    @blp.response(200, ConsultationSchema)
    def post(self, data: VisitBody, consultation_id: str) -> Any:
        """Start the visit

        The assigned clinician starts the visit: `scheduled` -> `in_progress` (an admin or a partner: 403).
        The body records how it is held (`modality`), where the patient is (`patient_location_state`, and
        `patient_site_id` when they join from a practice site), a practitioner physically with them
        (`present_practitioner_id`) and their identity check, shown as the consultation's `visit`. 422
        `provider_not_licensed_in_state` (the patient is in another state, where you hold no active licence
        and schedule III DEA registration), `site_not_in_state`, `practitioner_not_registered_in_state`,
        `identity_not_verified`: every failure at once. Honours `If-Match`.
        """
        return visits.start_visit(
            get_session(),
            current_principal(),
            consultation_id,
            data,
            precondition=blp.precondition(ConsultationSchema),
        )


@blp.route("/<string:consultation_id>/complete")
class CompleteVisit(MethodView):
    @blp.operation("completeConsultation", scopes=["consultations:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(ConsultationCompleteSchema)
    @blp.response(200, ConsultationSchema)
    def post(self, data: dict[str, Any], consultation_id: str) -> Any:
        """Complete the visit

        The assigned clinician (or an admin) records the outcome and summary: `in_progress` ->
        `completed`; the provider's place is freed. A completed `in_person` visit records an in-person
        evaluation by its provider. Honours `If-Match`.
        """
        return visits.complete_visit(
            get_session(),
            current_principal(),
            consultation_id,
            data["outcome"],
            data["summary"],
            precondition=blp.precondition(ConsultationSchema),
        )


@blp.route("/<string:consultation_id>/appointment")
class ConsultationAppointment(MethodView):
    @blp.operation("getAppointment", scopes=["consultations:read"])
    @blp.etag
    @blp.response(200, AppointmentSchema)
    def get(self, consultation_id: str) -> Any:
        """Get the appointment

        The consultation's latest appointment (booked, completed or cancelled), with its video join link.
        """
        return booking.get_appointment(get_session(), current_principal(), consultation_id)
