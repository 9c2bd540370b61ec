from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_field_error import ProblemFieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """
    Attributes:
        code (str): Stable snake_case code of the problem; `type` links to its page, `/problems/{code}`. An open set:
            new codes may be added, so treat an unknown one by its HTTP status. The codes today:

            - `already_acknowledged`: This escalation was already acknowledged (see acknowledged_at); a new crisis opens a
            new one.
            - `bad_host`: An HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2).
            - `bad_request`: The request could not be understood. Check the syntax and parameters.
            - `blood_pressure_above_threshold`: Pre-dose blood pressure above 140/90: do not dose, or a provider gives
            override_reason.
            - `blood_pressure_hard_stop`: Pre-dose blood pressure at or above 180/110: not dosed today, no override. Re-
            measure after rest.
            - `check_in_incomplete`: A check-in needs one screening per instrument of the task, each submitted for the plan
            (see missing_instruments).
            - `check_in_instruments_required`: Check-ins must re-screen phq9 and cssrs (see missing_instruments); gad7 and
            pcl5 may be added.
            - `client_exists`: An OAuth client with this id already exists.
            - `conflict`: The request conflicts with the current state of the resource.
            - `consent_required`: A required consent (see missing_consents) is not on record; record it first.
            - `consent_withdrawn`: Already withdrawn (see withdrawn_at); record a new consent to give it again.
            - `consultation_not_completed`: A follow-up plan follows a completed consultation; complete it first.
            - `consultation_not_ready`: Providers are matched and booked only for a consultation in status ready.
            - `contraindicated`: An absolute contraindication rules treatment out (see contraindications); only decline
            remains.
            - `dose_above_limit`: Above 1.0 mg/kg (intravenous, intramuscular): a provider may proceed with
            dose_override_reason.
            - `dose_above_maximum`: Above 2.0 mg/kg (the anaesthetic range): never given, no override.
            - `dose_exceeds_prescription`: The session's dose is above the active prescription's dose_mg.
            - `email_required`: The patient needs an email address before they can be invited to sign in.
            - `endpoint_disabled`: The webhook endpoint is disabled (by you, or after failing for days): enable it with
            PATCH `enabled: true` before sending it a test or a redelivery.
            - `escalation_not_acknowledged`: Acknowledge the escalation (the urgent contact) first.
            - `escort_not_confirmed`: Confirm that a responsible adult escorts the patient home (escort_confirmed).
            - `esketamine_rems_violation`: Esketamine (Spravato REMS): intranasal, 28/56/84 mg, clinic_administered at a
            REMS-certified site, no refills; each broken condition in errors.
            - `expectation_failed`: The Expect header cannot be met.
            - `external_id_taken`: Another patient of this partner already has this external_id.
            - `forbidden`: Your principal may not perform this operation.
            - `idempotency_key_in_use`: A request with this Idempotency-Key is still running; retry later.
            - `idempotency_key_reused`: This Idempotency-Key was used with a different request. Use a new key.
            - `idempotency_record_lost`: The request with this Idempotency-Key took effect, but its response cannot be
            replayed. Read the resource to see the result; send a new key to make another.
            - `identity_not_verified`: Verify the patient's identity before the visit (identity_verified: true).
            - `induction_review_pending`: The end-of-induction review must be completed (decision continue or stop) before a
            session due on or after it.
            - `insufficient_scope`: The token lacks a scope this operation needs (named in WWW-Authenticate).
            - `internal_error`: Something failed on our side. Retry later; quote request_id if you contact us.
            - `invalid_cursor`: The cursor is malformed or belongs to another list. Restart from the first page.
            - `invalid_idempotency_key`: Idempotency-Key must be 1 to 255 characters.
            - `invalid_search`: A FHIR search this server cannot run as asked: an unknown parameter, modifier or value; each
            issue of the OperationOutcome names one (docs/fhir.md lists the searches served).
            - `invalid_token`: The access token is invalid, expired or revoked. Get a new one.
            - `invalid_transition`: The resource's state does not allow this action now.
            - `invitation_invalid`: The activation link is invalid, expired or already used.
            - `license_taken`: Another provider already holds this state licence number (`errors` points at each).
            - `malformed_json`: The body is not JSON this API can read: invalid syntax or UTF-8, or nested deeper than 32
            levels.
            - `method_not_allowed`: The resource does not support this method; see the Allow header.
            - `monitoring_provider_not_eligible`: The monitoring provider (monitored_by) needs an active licence in the
            site's state.
            - `monitoring_reading_missing`: A required reading is missing (the 30-60 minute one, or the completion reading
            with SpO2 in the last 15 minutes); errors names which.
            - `no_endpoint`: No enabled endpoint of yours subscribes to this event's type, so there is nowhere to redeliver
            it; subscribe an endpoint first.
            - `no_legal_basis`: No in-person evaluation on record and no telemedicine rule in force covers the visit; the
            detail says what would give one.
            - `not_acceptable`: The `Accept` header asks for a media type the operation cannot send: accept
            `application/json` (errors come as `application/problem+json`).
            - `not_escalated`: The case has no escalation to acknowledge.
            - `not_found`: No such resource, or it belongs to another tenant.
            - `not_implemented`: The server does not support this (e.g. a transfer coding other than chunked).
            - `not_stable_for_discharge`: The last reading does not meet the discharge criteria (each in errors); a provider
            may discharge with discharge_override_reason.
            - `npi_taken`: Another provider already has this NPI.
            - `observation_too_short`: Observation after the first dose is too short: intranasal 120 minutes, intravenous
            the infusion plus 30, intramuscular 60.
            - `onsite_prescriber_required`: Intranasal: name a prescriber with a schedule III DEA registration in the site's
            state, present at the site throughout.
            - `override_requires_provider`: Only a provider may make this clinical decision: override the pre-dose blood
            pressure threshold, the dose limit or the discharge criteria, or record a patient who left against medical
            advice.
            - `patient_already_active`: The patient already has a sign-in account; invitations only create accounts (they
            never reset a password).
            - `patient_underage`: The patient must be 18 or older for this service.
            - `payload_too_large`: The request body exceeds MAX_CONTENT_LENGTH.
            - `pdmp_check_required`: Name your PDMP check of the visit's state made within the last 24 hours
            (PDMP_CHECK_MAX_AGE_HOURS); an outage, noted as unavailable, counts.
            - `pharmacy_required`: A prescription a pharmacy dispenses names the pharmacy (pharmacy_ncpdp_id).
            - `plan_closed`: The follow-up plan is completed or revoked and can no longer change.
            - `plan_exists`: The consultation already has an open follow-up plan; complete or revoke it first.
            - `plan_not_active`: The follow-up plan's status does not allow this now (see detail); activate it first.
            - `plan_started`: This can change only while the follow-up plan is a draft.
            - `practitioner_not_registered_in_state`: The practitioner present with the patient holds no schedule III DEA
            registration in the patient's state.
            - `precondition_failed`: If-Match does not match the current ETag: someone changed it. GET it again.
            - `precondition_required`: This operation needs If-Match with the resource's current ETag.
            - `prescriber_not_registered_in_state`: You held no active licence and schedule III DEA registration in the
            state where the patient was during the visit.
            - `prescription_required`: An at-home session needs an active oral or sublingual ketamine prescription of the
            plan, dispensed by a pharmacy.
            - `provider_not_licensed_in_state`: The patient is in another state than the consultation's, where you hold no
            active licence and schedule III DEA registration.
            - `provider_not_qualified`: The provider fails a hard matching filter (each in `errors`). Pick another.
            - `provider_required`: The consultation has no assigned provider to own the plan; assign one first.
            - `psychiatrist_required`: Only a psychiatrist (credential MD or DO, specialty psychiatry) may decide this
            escalated case; an admin may not.
            - `rate_limited`: Too many requests for this client. Retry after Retry-After seconds.
            - `reactivation_requires_provider`: A plan on hold for the patient's safety resumes only on a provider's
            decision; an admin or partner may not resume it.
            - `ready_before_stable`: ready_to_leave_minute is not after a reading where the patient was not yet stable; no
            override.
            - `reason_required`: Resuming a plan held for the patient's safety needs a `reason` in words.
            - `recall_mismatch`: A C-SSRS for a consultation (or neither) uses recall lifetime_recent; one for a plan's
            check-in uses since_last_contact (see expected_recall).
            - `refills_exceed_schedule_limit`: A schedule III prescription has at most 5 refills (21 CFR 1306.22).
            - `rems_enrollment_required`: Record the patient's Spravato REMS enrolment (PUT /v1/patients/{id}/rems-
            enrollment) before activating an intranasal plan.
            - `request_header_fields_too_large`: Over 100 headers, or one over 8,190 bytes.
            - `request_timeout`: The request body did not arrive within the server's deadline (10 s). Send it again.
            - `risk_review_pending`: A check-in's suicide-risk finding awaits a provider's review task; complete it before
            the next session.
            - `rule_violation`: A business or clinical rule refuses the request; see detail.
            - `safety_plan_required`: Document a safety plan with the patient and send safety_plan_documented: true.
            - `screening_already_linked`: The screening already answers another check-in; submit a new one.
            - `screenings_incomplete`: Every required screening is needed first (see missing_screenings): a crisis escalates
            before the intake may exist.
            - `service_unavailable`: A dependency (the database) is unreachable. Retry after Retry-After seconds.
            - `session_frequency_exceeded`: Too many sessions in 7 consecutive days (2 intranasal, 3 other routes; a
            psychiatrist may lift it), or two on one day; the pointer names the first session over.
            - `site_not_eligible`: The session needs a practice site in the patient's state (REMS-certified for intranasal);
            see errors.
            - `site_not_in_state`: The practice site the patient joins from is not in the patient's state.
            - `sitter_required`: An at-home session needs an adult sitter present throughout (sitter_present: true).
            - `slot_unavailable`: The slot is taken (perhaps by a concurrent booking) or not free. Pick another.
            - `task_already_done`: The task is already done.
            - `task_cancelled`: The task was cancelled (the plan ended or its schedule changed).
            - `task_kind_mismatch`: Wrong kind of task: sessions are recorded, check-ins completed (see detail).
            - `treatment_not_recommended`: The consultation's outcome is not treatment_recommended: no plan follows.
            - `unauthorized`: No access token was sent. Get one from /oauth/token and send it as a Bearer token.
            - `unknown_parameter`: A query parameter the operation does not take (a typo would otherwise filter by nothing);
            each entry of `errors` names one and the nearest parameter that exists.
            - `unsupported_media_type`: Send request bodies as application/json.
            - `uri_too_long`: The request line is over 4,094 bytes. Send filters in fewer characters.
            - `user_exists`: A user with this email (or for this patient) already exists.
            - `validation_failed`: Some fields are invalid; each entry of `errors` points at one (JSON pointer).
            - `visit_required`: A prescription follows your own visit with the patient within the last 30 days
            (PRESCRIPTION_VISIT_MAX_AGE_DAYS); name it in visit_id.
        detail (str):
        request_id (None | str):
        status (int): The HTTP status code
        title (str):
        type_ (str): URI of the page that explains `code`
        action (str | Unset): `invalid_transition`: the action that was refused
        allowed_actions (list[str] | Unset): `invalid_transition`: the actions the status allows
        current_status (str | Unset): `invalid_transition`: the resource's status when the action was refused
        errors (list[ProblemFieldError] | Unset):
        failed_filters (list[str] | Unset): `provider_not_qualified`: the hard matching filters the provider fails
        missing_consents (list[str] | Unset): `consent_required`: the consent types still missing
    """

    code: str
    detail: str
    request_id: None | str
    status: int
    title: str
    type_: str
    action: str | Unset = UNSET
    allowed_actions: list[str] | Unset = UNSET
    current_status: str | Unset = UNSET
    errors: list[ProblemFieldError] | Unset = UNSET
    failed_filters: list[str] | Unset = UNSET
    missing_consents: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        request_id: None | str
        request_id = self.request_id

        status = self.status

        title = self.title

        type_ = self.type_

        action = self.action

        allowed_actions: list[str] | Unset = UNSET
        if not isinstance(self.allowed_actions, Unset):
            allowed_actions = self.allowed_actions

        current_status = self.current_status

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        failed_filters: list[str] | Unset = UNSET
        if not isinstance(self.failed_filters, Unset):
            failed_filters = self.failed_filters

        missing_consents: list[str] | Unset = UNSET
        if not isinstance(self.missing_consents, Unset):
            missing_consents = self.missing_consents

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "request_id": request_id,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if action is not UNSET:
            field_dict["action"] = action
        if allowed_actions is not UNSET:
            field_dict["allowed_actions"] = allowed_actions
        if current_status is not UNSET:
            field_dict["current_status"] = current_status
        if errors is not UNSET:
            field_dict["errors"] = errors
        if failed_filters is not UNSET:
            field_dict["failed_filters"] = failed_filters
        if missing_consents is not UNSET:
            field_dict["missing_consents"] = missing_consents

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_field_error import ProblemFieldError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        action = d.pop("action", UNSET)

        allowed_actions = cast(list[str], d.pop("allowed_actions", UNSET))

        current_status = d.pop("current_status", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemFieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemFieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        failed_filters = cast(list[str], d.pop("failed_filters", UNSET))

        missing_consents = cast(list[str], d.pop("missing_consents", UNSET))

        problem = cls(
            code=code,
            detail=detail,
            request_id=request_id,
            status=status,
            title=title,
            type_=type_,
            action=action,
            allowed_actions=allowed_actions,
            current_status=current_status,
            errors=errors,
            failed_filters=failed_filters,
            missing_consents=missing_consents,
        )

        problem.additional_properties = d
        return problem

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
