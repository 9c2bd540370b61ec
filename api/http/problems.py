"""problem+json (RFC 9457) for every error: domain errors, Werkzeug's HTTP errors and crashes.

One renderer; every error path in the service comes through ``problem_response``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, json
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from api.config import get_settings
from api.errors import DomainError, FieldError

log = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A problem lists at most this many field errors (in the order found), and says how many there were.
MAX_FIELD_ERRORS = 100

# Stable codes for the HTTP errors Werkzeug and flask-smorest raise themselves.
HTTP_CODES: dict[int, str] = {
    304: "not_modified",
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One problem code, declared once: what /problems/{code} (the ``type`` URI), the /problems index, the
    spec's ``Problem.code`` and the docs site's catalogue (``make docs``) say about it.

    ``status`` is the HTTP status it is always sent with (tests/http/test_problem_pages.py checks every
    problem the test suite provokes against it); ``title`` the one it is usually sent with (a 404 names the
    resource); ``doc`` when it happens and what it needs (Markdown code spans); ``example`` the ``detail``
    and members of a typical instance, real answers of the service (ids are fictional)."""

    status: int
    title: str
    doc: str
    example: Mapping[str, Any] = field(default_factory=dict)

    @property
    def advice(self) -> str:
        return STATUS_ADVICE[self.status]


# What a client does about a problem of each status, beside what the code's own ``doc`` says.
STATUS_ADVICE: dict[int, str] = {
    400: "Correct the request; sent again unchanged it gets the same answer.",
    401: "Get a new access token (`POST /oauth/token`) and send it as `Authorization: Bearer …`; then retry.",
    403: "Use a token of a principal allowed to do this, with the scopes it needs; the same request with the "
    "same token is refused again.",
    404: "Check the id and that it belongs to your tenant: another partner's resources do not exist for you.",
    405: "Use one of the methods the `Allow` header lists.",
    406: "Accept `application/json` (and `application/problem+json`).",
    408: "Send the request again, its body without pauses.",
    409: "Read the resource again (GET) to see its current state, then decide; retrying unchanged gets the "
    "same answer unless the state changes.",
    412: "GET the resource for its current `ETag`, apply your change to what it holds now and send it with "
    "that `If-Match`.",
    413: "Send a smaller body.",
    414: "Send a shorter request line: fewer or shorter query parameters.",
    415: "Send the body as `application/json`.",
    417: "Send the request without the `Expect` header.",
    422: "Correct what `detail` and `errors` name; sent again unchanged it is refused again.",
    428: "GET the resource and send its `ETag` in `If-Match`.",
    429: "Wait the `Retry-After` seconds, then retry (the SDKs do); spread your requests.",
    431: "Send fewer or shorter headers.",
    500: "Retry later, a POST with the same `Idempotency-Key`; quote `request_id` if it persists.",
    501: "Send the request in a form HTTP/1.1 servers must support (a `Content-Length` or chunked body).",
    503: "Retry after `Retry-After` seconds, a POST with the same `Idempotency-Key`: nothing was changed.",
}

# Every problem code the service sends, by code (``/problems/{code}``; ``make docs`` renders them all).
PROBLEM_TYPES: dict[str, ProblemType] = {
    "bad_request": ProblemType(
        400,
        "Bad Request",
        "The request could not be understood. Check the syntax and parameters.",
        example={
            "detail": "The browser (or proxy) sent a request that this server could not understand.",
        },
    ),
    "malformed_json": ProblemType(
        400,
        "Malformed JSON",
        "The body is not JSON this API can read: invalid syntax or UTF-8, or nested deeper than 32 levels.",
        example={
            "detail": "The JSON body nests too deeply (at most 32 levels).",
        },
    ),
    "invalid_cursor": ProblemType(
        400,
        "Invalid cursor",
        "The cursor is malformed or belongs to another list. Restart from the first page.",
        example={
            "detail": "The cursor is malformed or belongs to another list.",
        },
    ),
    "invalid_idempotency_key": ProblemType(
        400,
        "Bad request",
        "Idempotency-Key must be 1 to 255 characters.",
        example={
            "detail": "Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces), e.g. a UUID.",
        },
    ),
    "unauthorized": ProblemType(
        401,
        "Unauthorized",
        "No access token was sent. Get one from /oauth/token and send it as a Bearer token.",
        example={
            "detail": "An access token is required.",
        },
    ),
    "invalid_token": ProblemType(
        401,
        "Invalid access token",
        "The access token is invalid, expired or revoked. Get a new one.",
        example={
            "detail": (
                "The access token expired at 2026-12-05T05:04:20Z. Get a new one (or use the refresh token)."
            ),
        },
    ),
    "forbidden": ProblemType(
        403,
        "Forbidden",
        "Your principal may not perform this operation.",
        example={
            "detail": "A partner client may not review consultations.",
        },
    ),
    "insufficient_scope": ProblemType(
        403,
        "Insufficient scope",
        "The token lacks a scope this operation needs (named in WWW-Authenticate).",
        example={
            "detail": "This operation needs the scope(s): plans:write.",
        },
    ),
    "not_found": ProblemType(
        404,
        "Not found",
        "No such resource, or it belongs to another tenant.",
        example={
            "title": "Patient not found",
            "detail": "No patient pat_qxaswcetqpmwsqykrmdvxwinge.",
        },
    ),
    "method_not_allowed": ProblemType(
        405,
        "Method Not Allowed",
        "The resource does not support this method; see the Allow header.",
        example={
            "detail": "The method is not allowed for the requested URL.",
        },
    ),
    "conflict": ProblemType(
        409,
        "Conflict",
        "The request conflicts with the current state of the resource.",
        example={
            "detail": "The request conflicts with the current state of the resource.",
        },
    ),
    "invalid_transition": ProblemType(
        409,
        "Invalid state transition",
        "The resource's state does not allow this action now.",
        example={
            "detail": (
                "Action cancel is not allowed when the consultation is cancelled (cancelled is final)."
            ),
            "current_status": "cancelled",
            "action": "cancel",
            "allowed_actions": [],
        },
    ),
    "idempotency_key_in_use": ProblemType(
        409,
        "Conflict",
        "A request with this Idempotency-Key is still running; retry later.",
        example={
            "detail": "A request with this idempotency key is still being processed.",
        },
    ),
    "idempotency_record_lost": ProblemType(
        409,
        "Conflict",
        (
            "The request with this Idempotency-Key took effect, but its response cannot be replayed. Read "
            "the resource to see the result; send a new key to make another."
        ),
        example={
            "detail": (
                "The request with this Idempotency-Key was carried out, but the service failed before its "
                "response was recorded. Read the resource to see the result; send a new key to make "
                "another."
            ),
        },
    ),
    "external_id_taken": ProblemType(
        409,
        "Conflict",
        "Another patient of this partner already has this external_id.",
        example={
            "detail": "Another patient of this partner already has this external_id.",
            "errors": [
                {
                    "pointer": "/external_id",
                    "code": "external_id_taken",
                    "message": "Already used by another patient.",
                },
            ],
        },
    ),
    "client_exists": ProblemType(
        409,
        "Conflict",
        "An OAuth client with this id already exists.",
        example={
            "detail": "A client cli_portal_west already exists.",
        },
    ),
    "user_exists": ProblemType(
        409,
        "Conflict",
        "A user with this email (or for this patient) already exists.",
        example={
            "detail": "A user with this email (or for this patient) already exists.",
        },
    ),
    "precondition_failed": ProblemType(
        412,
        "Precondition failed",
        "If-Match does not match the current ETag: someone changed it. GET it again.",
        example={
            "title": "Precondition Failed",
            "detail": "If-Match does not match the current ETag: someone changed it. GET it again.",
        },
    ),
    "payload_too_large": ProblemType(
        413,
        "Request Entity Too Large",
        "The request body exceeds MAX_CONTENT_LENGTH.",
        example={
            "detail": "The request body exceeds the limit of 2048 bytes.",
        },
    ),
    "unsupported_media_type": ProblemType(
        415,
        "Unsupported media type",
        "Send request bodies as application/json.",
        example={
            "detail": "Send the body as application/json (got application/x-www-form-urlencoded).",
        },
    ),
    "validation_failed": ProblemType(
        422,
        "Validation failed",
        "Some fields are invalid; each entry of `errors` points at one (JSON pointer).",
        example={
            "title": "Unprocessable Entity",
            "detail": "The request has invalid fields; see errors.",
            "errors": [
                {
                    "pointer": "/action",
                    "code": "invalid_choice",
                    "message": (
                        "Must be one of: read, list, create, update, delete, token_issued, token_refused, "
                        "token_revoked."
                    ),
                },
            ],
        },
    ),
    "unknown_parameter": ProblemType(
        422,
        "Validation failed",
        (
            "A query parameter the operation does not take (a typo would otherwise filter by nothing); "
            "each entry of `errors` names one and the nearest parameter that exists."
        ),
        example={
            "detail": "Unknown query parameter(s): emial. This operation takes: no query parameters.",
            "errors": [
                {
                    "pointer": "/emial",
                    "code": "unknown_parameter",
                    "message": "Unknown query parameter.",
                },
            ],
        },
    ),
    "rule_violation": ProblemType(
        422,
        "Rule violation",
        "A business or clinical rule refuses the request; see detail.",
        example={
            "detail": "A business or clinical rule refuses the request.",
        },
    ),
    "idempotency_key_reused": ProblemType(
        422,
        "Rule violation",
        "This Idempotency-Key was used with a different request. Use a new key.",
        example={
            "detail": "This Idempotency-Key was already used with a different request.",
        },
    ),
    "email_required": ProblemType(
        422,
        "Rule violation",
        "The patient needs an email address before they can be invited to sign in.",
        example={
            "detail": "The patient needs an email address to sign in; add one first.",
        },
    ),
    "invitation_invalid": ProblemType(
        422,
        "Invitation invalid",
        "The activation link is invalid, expired or already used.",
        example={
            "detail": "The activation link is invalid, expired or already used.",
        },
    ),
    "patient_already_active": ProblemType(
        409,
        "Patient already active",
        (
            "The patient already has a sign-in account; invitations only create accounts (they never reset "
            "a password)."
        ),
        example={
            "detail": "This patient already has a sign-in account; they sign in with their password.",
        },
    ),
    "consultation_not_completed": ProblemType(
        422,
        "Rule violation",
        "A follow-up plan follows a completed consultation; complete it first.",
        example={
            "detail": "The consultation is in_progress; a plan follows a completed consultation.",
            "errors": [
                {
                    "pointer": "/consultation_id",
                    "code": "consultation_not_completed",
                    "message": "Complete it first.",
                },
            ],
        },
    ),
    "treatment_not_recommended": ProblemType(
        422,
        "Rule violation",
        "The consultation's outcome is not treatment_recommended: no plan follows.",
        example={
            "detail": "The consultation's outcome is not_recommended, not treatment_recommended.",
            "errors": [
                {
                    "pointer": "/consultation_id",
                    "code": "treatment_not_recommended",
                    "message": "Treatment was not recommended.",
                },
            ],
        },
    ),
    "provider_required": ProblemType(
        422,
        "Rule violation",
        "The consultation has no assigned provider to own the plan; assign one first.",
        example={
            "detail": "The consultation has no assigned provider to own the plan.",
            "errors": [
                {
                    "pointer": "/consultation_id",
                    "code": "provider_required",
                    "message": "Assign a provider first.",
                },
            ],
        },
    ),
    "plan_exists": ProblemType(
        409,
        "Conflict",
        "The consultation already has an open follow-up plan; complete or revoke it first.",
        example={
            "detail": "This consultation already has an open follow-up plan; complete or revoke it first.",
        },
    ),
    "plan_closed": ProblemType(
        409,
        "Conflict",
        "The follow-up plan is completed or revoked and can no longer change.",
        example={
            "detail": "The plan is revoked: it takes no new prescription.",
        },
    ),
    "plan_started": ProblemType(
        409,
        "Conflict",
        "This can change only while the follow-up plan is a draft.",
        example={
            "detail": "start_date can change only while the plan is a draft.",
            "errors": [
                {
                    "pointer": "/start_date",
                    "code": "plan_started",
                    "message": "The plan has started.",
                },
            ],
        },
    ),
    "plan_not_active": ProblemType(
        409,
        "Conflict",
        "The follow-up plan's status does not allow this now (see detail); activate it first.",
        example={
            "detail": "The plan has not started; there is no treatment to report on.",
        },
    ),
    "task_kind_mismatch": ProblemType(
        409,
        "Conflict",
        "Wrong kind of task: sessions are recorded, check-ins completed (see detail).",
        example={
            "detail": "Task tsk_3qwy4grgn4s5yvbvkeixhzfgoa is a check_in; complete it with screening_ids.",
        },
    ),
    "task_already_done": ProblemType(
        409,
        "Conflict",
        "The task is already done.",
        example={
            "detail": "Task tsk_d7scuxj7snw7cwlc7npis5gzde is already done.",
        },
    ),
    "task_cancelled": ProblemType(
        409,
        "Conflict",
        "The task was cancelled (the plan ended or its schedule changed).",
        example={
            "detail": "Task tsk_4m2qv7xkp3n6r8t1w5y9b0c2d4 was cancelled.",
        },
    ),
    "screening_already_linked": ProblemType(
        409,
        "Conflict",
        "The screening already answers another check-in; submit a new one.",
        example={
            "detail": "A screening already answers another check-in.",
            "errors": [
                {
                    "pointer": "/screening_ids/0",
                    "code": "screening_already_linked",
                    "message": (
                        "Screening scr_krl5qdfaqgeqblhvxf667pfguy already answers task "
                        "tsk_qmlwxwehs2rmtytpqdyrjon4zq."
                    ),
                },
            ],
        },
    ),
    "check_in_instruments_required": ProblemType(
        422,
        "Rule violation",
        "Check-ins must re-screen phq9 and cssrs (see missing_instruments); gad7 and pcl5 may be added.",
        example={
            "detail": "Check-ins must re-screen phq9 and cssrs; add phq9, cssrs.",
            "missing_instruments": ["phq9", "cssrs"],
            "errors": [
                {
                    "pointer": "/check_in_instruments",
                    "code": "check_in_instruments_required",
                    "message": "Check-ins must re-screen phq9 and cssrs; add phq9, cssrs.",
                },
            ],
        },
    ),
    "session_frequency_exceeded": ProblemType(
        422,
        "Rule violation",
        (
            "Too many sessions in 7 consecutive days (2 intranasal, 3 other routes; a psychiatrist may "
            "lift it), or two on one day; the pointer names the first session over."
        ),
        example={
            "detail": (
                "The session on 2026-01-11 is over the limit. At most 2 intranasal sessions in any 7 "
                "consecutive days, and one a day; a psychiatrist may lift the weekly limit with "
                "frequency_override_reason."
            ),
            "errors": [
                {
                    "pointer": "/sessions/2",
                    "code": "session_frequency_exceeded",
                    "message": (
                        "At most 2 intranasal sessions in any 7 consecutive days, and one a day; a "
                        "psychiatrist may lift the weekly limit with frequency_override_reason."
                    ),
                },
            ],
        },
    ),
    "induction_review_pending": ProblemType(
        422,
        "Rule violation",
        (
            "The end-of-induction review must be completed (decision continue or stop) before a session "
            "due on or after it."
        ),
        example={
            "detail": (
                "The session cannot be recorded now: The end-of-induction review "
                "tsk_wwzid6effs4aghk7fgyeaygvri (due 2026-02-02) must be done before a session due on or "
                "after it."
            ),
            "errors": [
                {
                    "pointer": "/task_id",
                    "code": "induction_review_pending",
                    "message": (
                        "The end-of-induction review tsk_wwzid6effs4aghk7fgyeaygvri (due 2026-02-02) must "
                        "be done before a session due on or after it."
                    ),
                },
            ],
        },
    ),
    "risk_review_pending": ProblemType(
        422,
        "Rule violation",
        (
            "A check-in's suicide-risk finding awaits a provider's review task; complete it before the "
            "next session."
        ),
        example={
            "detail": (
                "The session cannot be recorded now: A provider must complete the risk review "
                "tsk_g23wib6n5nosbnawytuiche6ru (due 2026-12-05) first."
            ),
            "errors": [
                {
                    "pointer": "/task_id",
                    "code": "risk_review_pending",
                    "message": (
                        "A provider must complete the risk review tsk_g23wib6n5nosbnawytuiche6ru (due "
                        "2026-12-05) first."
                    ),
                },
            ],
        },
    ),
    "rems_enrollment_required": ProblemType(
        422,
        "Rule violation",
        (
            "Record the patient's Spravato REMS enrolment (PUT /v1/patients/{id}/rems-enrollment) before "
            "activating an intranasal plan."
        ),
        example={
            "detail": (
                "The patient has no Spravato REMS enrolment on record; record it with PUT "
                "/v1/patients/{id}/rems-enrollment before activating."
            ),
        },
    ),
    "check_in_incomplete": ProblemType(
        422,
        "Rule violation",
        (
            "A check-in needs one screening per instrument of the task, each submitted for the plan (see "
            "missing_instruments)."
        ),
        example={
            "detail": "The check-in needs every one of its instruments; missing: cssrs, gad7.",
            "missing_instruments": ["cssrs", "gad7"],
            "errors": [
                {
                    "pointer": "/screening_ids",
                    "code": "check_in_incomplete",
                    "message": "No cssrs screening given.",
                },
            ],
        },
    ),
    "blood_pressure_above_threshold": ProblemType(
        422,
        "Rule violation",
        "Pre-dose blood pressure above 140/90: do not dose, or a provider gives override_reason.",
        example={
            "detail": (
                "Pre-dose diastolic 91 mmHg is above 90; a provider may proceed by giving override_reason."
            ),
            "errors": [
                {
                    "pointer": "/pre_diastolic",
                    "code": "blood_pressure_above_threshold",
                    "message": (
                        "Pre-dose diastolic 91 mmHg is above 90; a provider may proceed by giving "
                        "override_reason."
                    ),
                },
            ],
        },
    ),
    "override_requires_provider": ProblemType(
        422,
        "Rule violation",
        (
            "Only a provider may make this clinical decision: override the pre-dose blood pressure "
            "threshold, the dose limit or the discharge criteria, or record a patient who left against "
            "medical advice."
        ),
        example={
            "detail": "Only a provider may override the pre-dose blood pressure threshold.",
            "errors": [
                {
                    "pointer": "/override_reason",
                    "code": "override_requires_provider",
                    "message": "Only a provider may override the pre-dose blood pressure threshold.",
                },
            ],
        },
    ),
    "observation_too_short": ProblemType(
        422,
        "Rule violation",
        (
            "Observation after the first dose is too short: intranasal 120 minutes, intravenous the "
            "infusion plus 30, intramuscular 60."
        ),
        example={
            "detail": (
                "An intramuscular session needs at least 60 minutes of observation (60); 30 recorded."
            ),
            "errors": [
                {
                    "pointer": "/observation_minutes",
                    "code": "observation_too_short",
                    "message": (
                        "An intramuscular session needs at least 60 minutes of observation (60); 30 recorded."
                    ),
                },
            ],
        },
    ),
    "blood_pressure_hard_stop": ProblemType(
        422,
        "Rule violation",
        "Pre-dose blood pressure at or above 180/110: not dosed today, no override. Re-measure after rest.",
        example={
            "detail": (
                "Pre-dose diastolic 110 mmHg is at or above 110: do not dose today (no override); "
                "re-measure after rest."
            ),
            "errors": [
                {
                    "pointer": "/pre_diastolic",
                    "code": "blood_pressure_hard_stop",
                    "message": (
                        "Pre-dose diastolic 110 mmHg is at or above 110: do not dose today (no override); "
                        "re-measure after rest."
                    ),
                },
            ],
        },
    ),
    "dose_above_limit": ProblemType(
        422,
        "Rule violation",
        "Above 1.0 mg/kg (intravenous, intramuscular): a provider may proceed with dose_override_reason.",
        example={
            "detail": (
                "80.8 mg for 80 kg is 1.01 mg/kg, above 1.00 mg/kg; a provider may proceed by giving "
                "dose_override_reason."
            ),
            "errors": [
                {
                    "pointer": "/dose_mg",
                    "code": "dose_above_limit",
                    "message": (
                        "80.8 mg for 80 kg is 1.01 mg/kg, above 1.00 mg/kg; a provider may proceed by "
                        "giving dose_override_reason."
                    ),
                },
            ],
        },
    ),
    "dose_above_maximum": ProblemType(
        422,
        "Rule violation",
        "Above 2.0 mg/kg (the anaesthetic range): never given, no override.",
        example={
            "detail": (
                "1000 mg for 80 kg is 12.50 mg/kg, above 2.00 mg/kg (the anaesthetic range): never given, "
                "no override."
            ),
            "errors": [
                {
                    "pointer": "/dose_mg",
                    "code": "dose_above_maximum",
                    "message": (
                        "1000 mg for 80 kg is 12.50 mg/kg, above 2.00 mg/kg (the anaesthetic range): never "
                        "given, no override."
                    ),
                },
            ],
        },
    ),
    "site_not_eligible": ProblemType(
        422,
        "Rule violation",
        (
            "The session needs a practice site in the patient's state (REMS-certified for intranasal); see "
            "errors."
        ),
        example={
            "detail": "Name the practice site where the session was given (site_id).",
            "errors": [
                {
                    "pointer": "/site_id",
                    "code": "site_not_eligible",
                    "message": "Name the practice site where the session was given (site_id).",
                },
            ],
        },
    ),
    "monitoring_provider_not_eligible": ProblemType(
        422,
        "Rule violation",
        "The monitoring provider (monitored_by) needs an active licence in the site's state.",
        example={
            "detail": "Name the provider who monitored the patient (monitored_by).",
            "errors": [
                {
                    "pointer": "/monitored_by",
                    "code": "monitoring_provider_not_eligible",
                    "message": "Name the provider who monitored the patient (monitored_by).",
                },
            ],
        },
    ),
    "onsite_prescriber_required": ProblemType(
        422,
        "Rule violation",
        (
            "Intranasal: name a prescriber with a schedule III DEA registration in the site's state, "
            "present at the site throughout."
        ),
        example={
            "detail": "Name the prescriber present at the site throughout (onsite_prescriber_id).",
            "errors": [
                {
                    "pointer": "/onsite_prescriber_id",
                    "code": "onsite_prescriber_required",
                    "message": "Name the prescriber present at the site throughout (onsite_prescriber_id).",
                },
            ],
        },
    ),
    "sitter_required": ProblemType(
        422,
        "Rule violation",
        "An at-home session needs an adult sitter present throughout (sitter_present: true).",
        example={
            "detail": "An at-home session needs an adult sitter present throughout (sitter_present: true).",
            "errors": [
                {
                    "pointer": "/sitter_present",
                    "code": "sitter_required",
                    "message": (
                        "An at-home session needs an adult sitter present throughout (sitter_present: true)."
                    ),
                },
            ],
        },
    ),
    "monitoring_reading_missing": ProblemType(
        422,
        "Rule violation",
        (
            "A required reading is missing (the 30-60 minute one, or the completion reading with SpO2 in "
            "the last 15 minutes); errors names which."
        ),
        example={
            "detail": (
                "Record a reading at minute 30 to 60 after the dose (the 40-minute blood pressure), with "
                "SpO2."
            ),
            "errors": [
                {
                    "pointer": "/readings",
                    "code": "monitoring_reading_missing",
                    "message": (
                        "Record a reading at minute 30 to 60 after the dose (the 40-minute blood "
                        "pressure), with SpO2."
                    ),
                },
            ],
        },
    ),
    "not_stable_for_discharge": ProblemType(
        422,
        "Rule violation",
        (
            "The last reading does not meet the discharge criteria (each in errors); a provider may "
            "discharge with discharge_override_reason."
        ),
        example={
            "detail": (
                "Blood pressure 159/96 mmHg: ready to leave at 140/90 or below, at or below the pre-dose "
                "150/95, or declining (below 160/100 and 10 mmHg systolic under the highest earlier "
                "reading)."
            ),
            "errors": [
                {
                    "pointer": "/readings/1/systolic",
                    "code": "not_stable_for_discharge",
                    "message": (
                        "Blood pressure 159/96 mmHg: ready to leave at 140/90 or below, at or below the "
                        "pre-dose 150/95, or declining (below 160/100 and 10 mmHg systolic under the "
                        "highest earlier reading)."
                    ),
                },
            ],
        },
    ),
    "ready_before_stable": ProblemType(
        422,
        "Rule violation",
        "ready_to_leave_minute is not after a reading where the patient was not yet stable; no override.",
        example={
            "detail": (
                "ready_to_leave_minute 30 is not after minute 40, when the patient was not yet stable "
                "(MOAA/S 3, dissociation mild, SpO2 97)."
            ),
            "errors": [
                {
                    "pointer": "/ready_to_leave_minute",
                    "code": "ready_before_stable",
                    "message": (
                        "ready_to_leave_minute 30 is not after minute 40, when the patient was not yet "
                        "stable (MOAA/S 3, dissociation mild, SpO2 97)."
                    ),
                },
            ],
        },
    ),
    "escort_not_confirmed": ProblemType(
        422,
        "Rule violation",
        "Confirm that a responsible adult escorts the patient home (escort_confirmed).",
        example={
            "detail": "Confirm that a responsible adult escorts the patient home (escort_confirmed: true).",
            "errors": [
                {
                    "pointer": "/escort_confirmed",
                    "code": "escort_not_confirmed",
                    "message": (
                        "Confirm that a responsible adult escorts the patient home (escort_confirmed: true)."
                    ),
                },
            ],
        },
    ),
    "precondition_required": ProblemType(
        428,
        "Precondition Required",
        "This operation needs If-Match with the resource's current ETag.",
        example={
            "detail": "This operation needs If-Match with the resource's current ETag.",
        },
    ),
    "patient_underage": ProblemType(
        422,
        "Rule violation",
        "The patient must be 18 or older for this service.",
        example={
            "detail": "Ketamine treatment through this service is for adults (18 and over).",
        },
    ),
    "consent_required": ProblemType(
        422,
        "Rule violation",
        "A required consent (see missing_consents) is not on record; record it first.",
        example={
            "detail": "The patient has not accepted the required consents: ketamine_treatment.",
            "missing_consents": ["ketamine_treatment"],
        },
    ),
    "npi_taken": ProblemType(
        409,
        "Conflict",
        "Another provider already has this NPI.",
        example={
            "detail": "Another provider already has this NPI.",
            "errors": [
                {
                    "pointer": "/npi",
                    "code": "npi_taken",
                    "message": "Another provider already has this NPI.",
                },
            ],
        },
    ),
    "license_taken": ProblemType(
        409,
        "Conflict",
        "Another provider already holds this state licence number (`errors` points at each).",
        example={
            "detail": "Another provider already holds this state licence number.",
            "errors": [
                {
                    "pointer": "/licenses/1/number",
                    "code": "license_taken",
                    "message": "Another provider already holds this state licence number.",
                },
            ],
        },
    ),
    "consent_withdrawn": ProblemType(
        409,
        "Consent already withdrawn",
        "Already withdrawn (see withdrawn_at); record a new consent to give it again.",
        example={
            "detail": "This consent was withdrawn at 2026-12-05T05:06:02.208940+00:00.",
            "withdrawn_at": "2026-12-05T05:06:02.208940Z",
        },
    ),
    "slot_unavailable": ProblemType(
        409,
        "Slot unavailable",
        "The slot is taken (perhaps by a concurrent booking) or not free. Pick another.",
        example={
            "detail": (
                "This slot is not free: taken, outside the availability, in the past or beyond 30 days."
            ),
            "errors": [
                {
                    "pointer": "/slot_start",
                    "code": "slot_unavailable",
                    "message": "Pick one of the provider's free slots.",
                },
            ],
        },
    ),
    "provider_not_qualified": ProblemType(
        422,
        "Provider not qualified",
        "The provider fails a hard matching filter (each in `errors`). Pick another.",
        example={
            "detail": "The provider does not qualify for this consultation: capacity.",
            "failed_filters": ["capacity"],
            "errors": [
                {
                    "pointer": "/provider_id",
                    "code": "capacity",
                    "message": "Not accepting new patients, or at the active-patient limit.",
                },
            ],
        },
    ),
    "consultation_not_ready": ProblemType(
        409,
        "Consultation not ready for matching",
        "Providers are matched and booked only for a consultation in status ready.",
        example={
            "detail": "Providers are matched to a ready consultation; this one is awaiting_review.",
        },
    ),
    "provider_not_licensed_in_state": ProblemType(
        422,
        "Rule violation",
        (
            "The patient is in another state than the consultation's, where you hold no active licence and "
            "schedule III DEA registration."
        ),
        example={
            "detail": (
                "The visit cannot be recorded. The patient is in NM, not TX: you need an active licence "
                "and a schedule III DEA registration in NM to see them there."
            ),
            "errors": [
                {
                    "pointer": "/patient_location_state",
                    "code": "provider_not_licensed_in_state",
                    "message": (
                        "The patient is in NM, not TX: you need an active licence and a schedule III DEA "
                        "registration in NM to see them there."
                    ),
                },
            ],
        },
    ),
    "site_not_in_state": ProblemType(
        422,
        "Rule violation",
        "The practice site the patient joins from is not in the patient's state.",
        example={
            "detail": "The visit cannot be recorded. The site is in OK; the patient is in TX.",
            "errors": [
                {
                    "pointer": "/patient_site_id",
                    "code": "site_not_in_state",
                    "message": "The site is in OK; the patient is in TX.",
                },
            ],
        },
    ),
    "practitioner_not_registered_in_state": ProblemType(
        422,
        "Rule violation",
        (
            "The practitioner present with the patient holds no schedule III DEA registration in the "
            "patient's state."
        ),
        example={
            "detail": (
                "The visit cannot be recorded. The practitioner present holds no schedule III DEA "
                "registration in OK."
            ),
            "errors": [
                {
                    "pointer": "/present_practitioner_id",
                    "code": "practitioner_not_registered_in_state",
                    "message": "The practitioner present holds no schedule III DEA registration in OK.",
                },
            ],
        },
    ),
    "identity_not_verified": ProblemType(
        422,
        "Rule violation",
        "Verify the patient's identity before the visit (identity_verified: true).",
        example={
            "detail": (
                "The visit cannot be recorded. Verify the patient's identity before the visit "
                "(identity_verified: true)."
            ),
            "errors": [
                {
                    "pointer": "/identity_verified",
                    "code": "identity_not_verified",
                    "message": "Verify the patient's identity before the visit (identity_verified: true).",
                },
            ],
        },
    ),
    "visit_required": ProblemType(
        422,
        "Rule violation",
        (
            "A prescription follows your own visit with the patient within the last 30 days "
            "(PRESCRIPTION_VISIT_MAX_AGE_DAYS); name it in visit_id."
        ),
        example={
            "detail": (
                "The prescription cannot be issued. Name a visit of this patient that you held in the last "
                "30 days (a consultation's visit or one recorded on the plan: POST "
                "/v1/follow-up-plans/{id}/visits)."
            ),
            "errors": [
                {
                    "pointer": "/visit_id",
                    "code": "visit_required",
                    "message": (
                        "Name a visit of this patient that you held in the last 30 days (a consultation's "
                        "visit or one recorded on the plan: POST /v1/follow-up-plans/{id}/visits)."
                    ),
                },
            ],
        },
    ),
    "prescriber_not_registered_in_state": ProblemType(
        422,
        "Rule violation",
        (
            "You held no active licence and schedule III DEA registration in the state where the patient "
            "was during the visit."
        ),
        example={
            "detail": (
                "The prescription cannot be issued. You held no active licence and schedule III DEA "
                "registration in NM, where the patient was during the visit (21 U.S.C. 822(e), 21 CFR "
                "1301.12; state licensure)."
            ),
            "errors": [
                {
                    "pointer": "/visit_id",
                    "code": "prescriber_not_registered_in_state",
                    "message": (
                        "You held no active licence and schedule III DEA registration in NM, where the "
                        "patient was during the visit (21 U.S.C. 822(e), 21 CFR 1301.12; state licensure)."
                    ),
                },
            ],
        },
    ),
    "esketamine_rems_violation": ProblemType(
        422,
        "Rule violation",
        (
            "Esketamine (Spravato REMS): intranasal, 28/56/84 mg, clinic_administered at a REMS-certified "
            "site, no refills; each broken condition in errors."
        ),
        example={
            "detail": (
                "The prescription cannot be issued. Esketamine is given intranasally only (Spravato REMS). "
                "Esketamine doses are 28, 56 or 84 mg. Esketamine is clinic_administered; never dispensed "
                "to a patient. Esketamine needs a REMS-certified site (site_id). Esketamine prescriptions "
                "carry no refills."
            ),
            "errors": [
                {
                    "pointer": "/route",
                    "code": "esketamine_rems_violation",
                    "message": "Esketamine is given intranasally only (Spravato REMS).",
                },
            ],
        },
    ),
    "refills_exceed_schedule_limit": ProblemType(
        422,
        "Rule violation",
        "A schedule III prescription has at most 5 refills (21 CFR 1306.22).",
        example={
            "detail": (
                "The prescription cannot be issued. A schedule III prescription may be refilled at most 5 "
                "times (21 CFR 1306.22)."
            ),
            "errors": [
                {
                    "pointer": "/refills",
                    "code": "refills_exceed_schedule_limit",
                    "message": (
                        "A schedule III prescription may be refilled at most 5 times (21 CFR 1306.22)."
                    ),
                },
            ],
        },
    ),
    "pharmacy_required": ProblemType(
        422,
        "Rule violation",
        "A prescription a pharmacy dispenses names the pharmacy (pharmacy_ncpdp_id).",
        example={
            "detail": (
                "The prescription cannot be issued. Name the dispensing pharmacy's NCPDP id (7 digits)."
            ),
            "errors": [
                {
                    "pointer": "/pharmacy_ncpdp_id",
                    "code": "pharmacy_required",
                    "message": "Name the dispensing pharmacy's NCPDP id (7 digits).",
                },
            ],
        },
    ),
    "pdmp_check_required": ProblemType(
        422,
        "Rule violation",
        (
            "Name your PDMP check of the visit's state made within the last 24 hours "
            "(PDMP_CHECK_MAX_AGE_HOURS); an outage, noted as unavailable, counts."
        ),
        example={
            "detail": (
                "The prescription cannot be issued. Name a PDMP check of TX that you made in the last 24 "
                "hours."
            ),
            "errors": [
                {
                    "pointer": "/pdmp_check_id",
                    "code": "pdmp_check_required",
                    "message": "Name a PDMP check of TX that you made in the last 24 hours.",
                },
            ],
        },
    ),
    "no_legal_basis": ProblemType(
        422,
        "Rule violation",
        (
            "No in-person evaluation on record and no telemedicine rule in force covers the visit; the "
            "detail says what would give one."
        ),
        example={
            "detail": (
                "The prescription cannot be issued. No legal basis on 2026-12-05 for a schedule III "
                "prescription after this audio_only visit. One would be given by an in-person evaluation "
                "of the patient by you on record (POST /v1/patients/{id}/in-person-evaluations); or a "
                "audio_video visit with the patient anywhere (dea_telemedicine_flexibilities, 90 FR "
                "61301); or a audio_video visit with the patient at a practice site (patient_site_id) "
                "(telemedicine_registered_site, 21 U.S.C. 802(54)(A)); or a audio_video visit with a "
                "DEA-registered practitioner physically with the patient (present_practitioner_id) "
                "(telemedicine_practitioner_present, 21 U.S.C. 802(54)(B))."
            ),
            "errors": [
                {
                    "pointer": "/visit_id",
                    "code": "no_legal_basis",
                    "message": (
                        "No legal basis on 2026-12-05 for a schedule III prescription after this "
                        "audio_only visit. One would be given by an in-person evaluation of the patient by "
                        "you on record (POST /v1/patients/{id}/in-person-evaluations); or a audio_video "
                        "visit with the patient anywhere (dea_telemedicine_flexibilities, 90 FR 61301); or "
                        "a audio_video visit with the patient at a practice site (patient_site_id) "
                        "(telemedicine_registered_site, 21 U.S.C. 802(54)(A)); or a audio_video visit with "
                        "a DEA-registered practitioner physically with the patient "
                        "(present_practitioner_id) (telemedicine_practitioner_present, 21 U.S.C. "
                        "802(54)(B))."
                    ),
                },
            ],
        },
    ),
    "prescription_required": ProblemType(
        422,
        "Rule violation",
        (
            "An at-home session needs an active oral or sublingual ketamine prescription of the plan, "
            "dispensed by a pharmacy."
        ),
        example={
            "detail": (
                "The at-home session cannot be recorded. An at-home session needs an active oral or "
                "sublingual ketamine prescription of this plan, dispensed by a pharmacy."
            ),
            "errors": [
                {
                    "pointer": "/dose_mg",
                    "code": "prescription_required",
                    "message": (
                        "An at-home session needs an active oral or sublingual ketamine prescription of "
                        "this plan, dispensed by a pharmacy."
                    ),
                },
            ],
        },
    ),
    "dose_exceeds_prescription": ProblemType(
        422,
        "Rule violation",
        "The session's dose is above the active prescription's dose_mg.",
        example={
            "detail": "The at-home session cannot be recorded. The dose exceeds the prescription's 100 mg.",
            "errors": [
                {
                    "pointer": "/dose_mg",
                    "code": "dose_exceeds_prescription",
                    "message": "The dose exceeds the prescription's 100 mg.",
                },
            ],
        },
    ),
    "rate_limited": ProblemType(
        429,
        "Too many requests",
        "Too many requests for this client. Retry after Retry-After seconds.",
        example={
            "detail": "Rate limit exceeded; retry in 61 seconds.",
        },
    ),
    "uri_too_long": ProblemType(
        414,
        "URI too long",
        "The request line is over 4,094 bytes. Send filters in fewer characters.",
        example={
            "detail": "The request line is 4,126 bytes; at most 4,094: send filters in fewer characters.",
        },
    ),
    "request_header_fields_too_large": ProblemType(
        431,
        "Request header fields too large",
        "Over 100 headers, or one over 8,190 bytes.",
        example={
            "detail": "A header line is over 8,190 bytes (at most 100 headers of that size).",
        },
    ),
    "request_timeout": ProblemType(
        408,
        "Request timeout",
        "The request body did not arrive within the server's deadline (10 s). Send it again.",
        example={
            "detail": "The request body did not arrive within 10 seconds. Send it again.",
        },
    ),
    "bad_host": ProblemType(
        400,
        "Bad request",
        "An HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2).",
        example={
            "detail": "An HTTP/1.1 request carries exactly one Host header.",
        },
    ),
    "not_implemented": ProblemType(
        501,
        "Not Implemented",
        "The server does not support this (e.g. a transfer coding other than chunked).",
        example={
            "detail": (
                "Transfer-Encoding gzip is not supported; send the body with chunked or Content-Length."
            ),
        },
    ),
    "expectation_failed": ProblemType(
        417,
        "Expectation Failed",
        "The Expect header cannot be met.",
        example={
            "detail": "The server could not meet the requirements of the Expect header.",
        },
    ),
    "internal_error": ProblemType(
        500,
        "Internal server error",
        "Something failed on our side. Retry later; quote request_id if you contact us.",
        example={
            "detail": "An unexpected error occurred.",
        },
    ),
    "service_unavailable": ProblemType(
        503,
        "Service unavailable",
        "A dependency (the database) is unreachable. Retry after Retry-After seconds.",
        example={
            "detail": "The database is busy or unreachable; nothing was changed. Retry shortly.",
        },
    ),
    "recall_mismatch": ProblemType(
        422,
        "Rule violation",
        (
            "A C-SSRS for a consultation (or neither) uses recall lifetime_recent; one for a plan's "
            "check-in uses since_last_contact (see expected_recall)."
        ),
        example={
            "detail": (
                "A C-SSRS given as a intake uses recall lifetime_recent. This one uses since_last_contact."
            ),
            "expected_recall": "lifetime_recent",
            "errors": [
                {
                    "pointer": "/answers/recall",
                    "code": "recall_mismatch",
                    "message": "A C-SSRS given as a intake uses recall lifetime_recent.",
                },
            ],
        },
    ),
    "already_acknowledged": ProblemType(
        409,
        "Conflict",
        "This escalation was already acknowledged (see acknowledged_at); a new crisis opens a new one.",
        example={
            "detail": "This escalation was already acknowledged.",
            "acknowledged_at": "2026-12-05T05:06:47.972772Z",
        },
    ),
    "not_escalated": ProblemType(
        409,
        "Conflict",
        "The case has no escalation to acknowledge.",
        example={
            "detail": "There is no escalation to acknowledge.",
        },
    ),
    "psychiatrist_required": ProblemType(
        403,
        "Forbidden",
        (
            "Only a psychiatrist (credential MD or DO, specialty psychiatry) may decide this escalated "
            "case; an admin may not."
        ),
        example={
            "detail": (
                "Only a psychiatrist (credential MD or DO, specialty psychiatry) may clear an escalated "
                "patient."
            ),
        },
    ),
    "safety_plan_required": ProblemType(
        422,
        "Rule violation",
        "Document a safety plan with the patient and send safety_plan_documented: true.",
        example={
            "detail": (
                "The escalated case cannot be approved yet: Document a safety plan with the patient first, "
                "then send safety_plan_documented: true. Every required screening is needed before "
                "approval; missing: phq9, gad7, ketamine_intake. Acknowledge the escalation (POST "
                "…/acknowledge-escalation, after contacting the patient) before approving."
            ),
            "missing_screenings": ["phq9", "gad7", "ketamine_intake"],
            "errors": [
                {
                    "pointer": "/safety_plan_documented",
                    "code": "safety_plan_required",
                    "message": (
                        "Document a safety plan with the patient first, then send safety_plan_documented: "
                        "true."
                    ),
                },
            ],
        },
    ),
    "screenings_incomplete": ProblemType(
        422,
        "Rule violation",
        (
            "Every required screening is needed first (see missing_screenings): a crisis escalates before "
            "the intake may exist."
        ),
        example={
            "detail": (
                "The escalated case cannot be approved yet: Every required screening is needed before "
                "approval; missing: phq9, gad7, ketamine_intake. Acknowledge the escalation (POST "
                "…/acknowledge-escalation, after contacting the patient) before approving."
            ),
            "missing_screenings": ["phq9", "gad7", "ketamine_intake"],
            "errors": [
                {
                    "pointer": "/decision",
                    "code": "screenings_incomplete",
                    "message": (
                        "Every required screening is needed before approval; missing: phq9, gad7, "
                        "ketamine_intake."
                    ),
                },
            ],
        },
    ),
    "escalation_not_acknowledged": ProblemType(
        422,
        "Rule violation",
        "Acknowledge the escalation (the urgent contact) first.",
        example={
            "detail": (
                "The escalated case cannot be approved yet: Acknowledge the escalation (POST "
                "…/acknowledge-escalation, after contacting the patient) before approving."
            ),
            "missing_screenings": [],
            "errors": [
                {
                    "pointer": "/decision",
                    "code": "escalation_not_acknowledged",
                    "message": (
                        "Acknowledge the escalation (POST …/acknowledge-escalation, after contacting the "
                        "patient) before approving."
                    ),
                },
            ],
        },
    ),
    "contraindicated": ProblemType(
        422,
        "Rule violation",
        "An absolute contraindication rules treatment out (see contraindications); only decline remains.",
        example={
            "detail": "An absolute contraindication rules treatment out: only decline remains.",
            "contraindications": [
                {
                    "code": "current_psychotic_symptoms",
                    "screening_id": "scr_klh6gzfjcxn2cuqok5uevfe7ay",
                    "field": "/answers/current_psychotic_symptoms",
                }
            ],
            "errors": [
                {
                    "pointer": "/decision",
                    "code": "contraindicated",
                    "message": (
                        "Intake reports current psychotic symptoms. This is an absolute contraindication "
                        "to ketamine."
                    ),
                },
            ],
        },
    ),
    "endpoint_disabled": ProblemType(
        409,
        "Conflict",
        (
            "The webhook endpoint is disabled (by you, or after failing for days): enable it with PATCH "
            "`enabled: true` before sending it a test or a redelivery."
        ),
        example={
            "detail": "The endpoint is disabled; enable it (PATCH enabled=true) first.",
        },
    ),
    "no_endpoint": ProblemType(
        409,
        "Conflict",
        (
            "No enabled endpoint of yours subscribes to this event's type, so there is nowhere to "
            "redeliver it; subscribe an endpoint first."
        ),
        example={
            "detail": "No enabled endpoint subscribes to this event's type.",
        },
    ),
    "reactivation_requires_provider": ProblemType(
        422,
        "Rule violation",
        (
            "A plan on hold for the patient's safety resumes only on a provider's decision; an admin or "
            "partner may not resume it."
        ),
        example={
            "detail": "Only a provider may resume a plan held for the patient's safety.",
        },
    ),
    "reason_required": ProblemType(
        422,
        "Rule violation",
        "Resuming a plan held for the patient's safety needs a `reason` in words.",
        example={
            "detail": "Say why treatment may resume.",
            "errors": [
                {
                    "pointer": "/reason",
                    "code": "required",
                    "message": "Say why treatment may resume.",
                },
            ],
        },
    ),
    "not_acceptable": ProblemType(
        406,
        "Not Acceptable",
        "The `Accept` header asks for a media type the operation cannot send: accept `application/json` "
        "(errors come as `application/problem+json`).",
        example={
            "detail": "The resource identified by the request is only capable of generating response "
            "entities which have content characteristics not acceptable according to the accept headers sent "
            "in the request."
        },
    ),
    # The FHIR API answers with an OperationOutcome whose issues name these codes (system {issuer}/problems).
    "invalid_search": ProblemType(
        400,
        "Invalid search",
        "A FHIR search this server cannot run as asked: an unknown parameter, modifier or value; each issue "
        "of the OperationOutcome names one (docs/fhir.md lists the searches served).",
        example={
            "detail": "The search cannot be run as asked; see errors.",
            "errors": [
                {
                    "pointer": "/_count",
                    "code": "invalid",
                    "message": "_count is a whole number from 1 to 100.",
                }
            ],
        },
    ),
}
# Each code's ``doc`` alone: the spec's description of ``Problem.code``.
PROBLEM_DOCS: dict[str, str] = {code: problem.doc for code, problem in PROBLEM_TYPES.items()}
# The ``request_id`` of the examples.
EXAMPLE_REQUEST_ID = "4f1c9b2e7d3a48c6a0e5b8d2c7f1a93e"


def problem_example(code: str, issuer: str) -> dict[str, Any]:
    """A typical problem+json body of ``code``, as the server at ``issuer`` would send it."""
    problem = PROBLEM_TYPES[code]
    body: dict[str, Any] = {
        "type": f"{issuer}/problems/{code}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.title,
        "code": code,
        "request_id": EXAMPLE_REQUEST_ID,
    }
    body.update(problem.example)
    return body


# marshmallow's messages -> stable codes for each field error.
_MESSAGE_CODES: tuple[tuple[str, str], ...] = (
    ("Unknown field", "unknown_field"),
    ("Missing data for required field", "required"),
    ("Field may not be null", "null_not_allowed"),
    ("Not a valid", "wrong_type"),
    ("Invalid input type", "wrong_type"),
    ("Must be one of", "invalid_choice"),
    ("Length must be", "invalid_length"),
    ("Shorter than", "invalid_length"),
    ("Longer than", "invalid_length"),
    ("May not be empty", "invalid_length"),
    ("Must be greater", "out_of_range"),
    ("Must be less", "out_of_range"),
    ("String does not match", "invalid_format"),
    ("Use ", "invalid_format"),  # our own format hints: "Use a BCP 47 language tag ..."
)


def _message_code(message: str) -> str:
    for prefix, code in _MESSAGE_CODES:
        if message.startswith(prefix):
            return code
    return "invalid"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def marshmallow_errors(messages: Any, pointer: str = "") -> list[FieldError]:
    """Flatten marshmallow's nested message dicts into JSON-pointer field errors."""
    out: list[FieldError] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            sub = pointer if key == "_schema" else f"{pointer}/{_escape(str(key))}"
            out.extend(marshmallow_errors(value, sub))
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, str):
                out.append(FieldError(pointer or "/", _message_code(item), item))
            else:
                out.extend(marshmallow_errors(item, pointer))
    elif isinstance(messages, str):
        out.append(FieldError(pointer or "/", _message_code(messages), messages))
    return out


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    errors: Iterable[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"{get_settings().issuer}/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "code": code,
        "request_id": g.get("request_id"),
    }
    error_list = list(errors)
    if len(error_list) > MAX_FIELD_ERRORS:
        # A body of 90,000 unknown keys made a 6.5 MB answer (issue 22, finding 14): the first ones suffice.
        listed = f"The first {MAX_FIELD_ERRORS} of {len(error_list):,} errors are listed."
        body["detail"] = f"{body['detail']} {listed}"
        error_list = error_list[:MAX_FIELD_ERRORS]
    if error_list:
        body["errors"] = [e.as_dict() for e in error_list]
    if extra:  # DomainError has refused reserved names (api.errors.RESERVED_PROBLEM_MEMBERS)
        body.update(extra)
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_domain_error(exc: DomainError) -> Response:
    return problem_response(
        exc.status, exc.code, exc.title, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 304:
        # flask-smorest aborts with 304 for If-None-Match; it carries no body.
        resp = current_app.response_class(status=304)
        resp.headers.update(exc.get_headers())
        resp.headers.pop("Content-Type", None)
        return resp
    code = HTTP_CODES.get(status, "http_error")
    title = exc.name
    detail = exc.description
    errors: list[FieldError] = []
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, Mapping) else None
    if status == 422 and messages:
        # webargs: {"json": {...}, "query": {...}}; query errors point at the parameter name.
        for loc_messages in messages.values():
            errors.extend(marshmallow_errors(loc_messages))
        detail = "The request has invalid fields; see errors."
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if data.get("headers"):
        headers.update(data["headers"])
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    if status == 413:
        detail = f"The request body exceeds the limit of {current_app.config['MAX_CONTENT_LENGTH']} bytes."
    elif status in (412, 428):  # flask-smorest's ETag checks: say what to do, not Werkzeug's generic text
        detail = PROBLEM_DOCS[code]
    return problem_response(status, code, title, detail, errors=errors, headers=headers)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if isinstance(exc, DomainError):
        return handle_domain_error(exc)
    if isinstance(exc, OperationalError):
        # The database is unreachable, or busy past its lock timeout (SQLite's busy_timeout, a PostgreSQL
        # deadlock or lost connection): nothing was written; the client may retry. Named, not dumped.
        log.warning("database unavailable (request_id=%s): %s", g.get("request_id"), type(exc.orig).__name__)
        return problem_response(
            503,
            "service_unavailable",
            "Service unavailable",
            "The database is busy or unreachable; nothing was changed. Retry shortly.",
            headers={"Retry-After": "1"},
        )
    log.exception("unhandled error (request_id=%s)", g.get("request_id"))
    return problem_response(500, "internal_error", "Internal server error", "An unexpected error occurred.")


def register_error_handlers(app: Flask) -> None:
    """Registered after flask-smorest's own, so these win."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
