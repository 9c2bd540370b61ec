"""Patients, consents and invitations (scopes patients:*)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.config import get_settings
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.http.representation import Representation
from api.models import Consent, Invitation, Patient
from api.schemas.common import PageArgsSchema
from api.schemas.patients import (
    ConsentCreateSchema,
    ConsentPageSchema,
    ConsentSchema,
    InvitationCreateSchema,
    InvitationSchema,
    PatientCreateSchema,
    PatientPageSchema,
    PatientQueryArgsSchema,
    PatientSchema,
    PatientUpdateSchema,
    RemsEnrollmentSchema,
)
from api.services import consents
from api.services import patients as service
from api.services.inputs import NewConsent, NewPatient, PatientChanges

blp = Blueprint(
    "patients", __name__, url_prefix="/v1/patients", description="Patients, consents, invitations"
)

PATIENT = Representation(PatientSchema)  # the planned dump of the read partners make most


@blp.route("")
class Patients(MethodView):
    @blp.operation("createPatient", scopes=["patients:write"], errors=[404, 409], creates=Patient)
    @blp.arguments(PatientCreateSchema)
    @blp.response(201, PatientSchema)
    def post(self, data: NewPatient) -> Any:
        """Create a patient

        A partner creates patients for itself; a platform admin names the `partner_id`.
        """
        patient = service.create_patient(get_session(), current_principal(), data)
        return patient

    @blp.operation("listPatients", scopes=["patients:read"])
    @blp.arguments(PatientQueryArgsSchema, location="query")
    @blp.response(200, PatientPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List patients

        Newest first. Filter by `external_id` or `email` (exact, case-insensitive).
        """
        page = service.list_patients(get_session(), current_principal(), args, page_request("patients", args))
        return page_body("patients", page)


@blp.route("/<string:patient_id>")
class PatientById(MethodView):
    @blp.operation("getPatient", scopes=["patients:read"], token_in_statement=True)
    @blp.etag
    @blp.response(200, PatientSchema)
    def get(self, patient_id: str) -> Any:
        """Get a patient

        Returns a strong `ETag`; send it in `If-None-Match` for a 304, or in `If-Match` to update.
        """
        return blp.represent(service.read_patient(get_session(), current_principal(), patient_id), PATIENT)

    @blp.operation("updatePatient", scopes=["patients:write"], errors=[409])
    @blp.etag
    @blp.arguments(PatientUpdateSchema)
    @blp.response(200, PatientSchema)
    def patch(self, changes: PatientChanges, patient_id: str) -> Any:
        """Update a patient

        Requires `If-Match` with the patient's current `ETag` (428 without, 412 when it changed).
        A patient may change only their contact details.
        """
        return service.update_patient(
            get_session(),
            current_principal(),
            patient_id,
            changes,
            precondition=blp.precondition(PatientSchema),
        )


@blp.route("/<string:patient_id>/rems-enrollment")
class RemsEnrollment(MethodView):
    @blp.operation("putRemsEnrollment", scopes=["patients:write"])
    @blp.arguments(RemsEnrollmentSchema)
    @blp.response(200, PatientSchema)
    def put(self, data: dict[str, Any], patient_id: str) -> Any:
        """Record a patient's Spravato REMS enrolment

        By the partner, a provider or an admin; replaces any enrolment recorded before. Shown as the
        patient's `rems_enrollment`. An intranasal esketamine plan is activated only with one on record
        (422 `rems_enrollment_required`).
        """
        return service.record_rems_enrollment(get_session(), current_principal(), patient_id, data)


@blp.route("/<string:patient_id>/consents")
class Consents(MethodView):
    @blp.operation("createConsent", scopes=["patients:write"], creates=Consent)
    @blp.arguments(ConsentCreateSchema)
    @blp.response(201, ConsentSchema)
    def post(self, data: NewConsent, patient_id: str) -> Any:
        """Record a consent

        Consents are append-only: a new version is a new record.
        """
        return service.record_consent(get_session(), current_principal(), patient_id, data)

    @blp.operation("listConsents", scopes=["patients:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ConsentPageSchema)
    def get(self, args: dict[str, Any], patient_id: str) -> Any:
        """List a patient's consents

        Newest first, cursor-paginated.
        """
        page = service.list_consents(
            get_session(), current_principal(), patient_id, page_request("consents", args)
        )
        return page_body("consents", page)


@blp.route("/<string:patient_id>/consents/<string:consent_id>/withdraw")
class ConsentWithdrawal(MethodView):
    @blp.operation("withdrawConsent", scopes=["patients:write"], errors=[409])
    @blp.response(200, ConsentSchema)
    def post(self, patient_id: str, consent_id: str) -> Any:
        """Withdraw a consent

        The patient (or their care partner on their behalf) withdraws a consent: `withdrawn_at` is set on
        it and on any other record of the same type still in force, and it no longer counts. Without
        `telehealth` no new consultation can be requested (422 `consent_required`); withdrawing
        `ketamine_treatment` puts the patient's active follow-up plans `on_hold` at once (their pending
        sessions stay until a provider decides) and no plan is activated until the consent is given again.
        A consent already withdrawn is 409 `consent_withdrawn`. No body.
        """
        return consents.withdraw_consent(get_session(), current_principal(), patient_id, consent_id)


@blp.route("/<string:patient_id>/invitations")
class Invitations(MethodView):
    @blp.operation("createInvitation", scopes=["patients:write"], errors=[409], creates=Invitation)
    @blp.arguments(InvitationCreateSchema, required=False)
    @blp.response(201, InvitationSchema)
    def post(self, _data: dict[str, Any], patient_id: str) -> Any:
        """Invite a patient to sign in

        Returns a one-time activation link (valid 72 hours) on which the patient sets a password;
        they then sign in through the partner's app with authorization code + PKCE. A new invitation
        supersedes the patient's earlier ones (their links stop working). A patient who already has a
        sign-in account is not invited again: 409 `patient_already_active`.
        """
        settings = get_settings()
        invitation, token = service.create_invitation(
            get_session(), current_principal(), patient_id, settings.invitation_ttl
        )
        return {
            "id": invitation.id,
            "patient_id": invitation.patient_id,
            "activation_url": f"{settings.issuer}/activate?token={token}",
            "expires_at": invitation.expires_at,
        }
