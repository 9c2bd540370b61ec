"""problem+json (RFC 9457) for every error: domain errors, Werkzeug's HTTP errors and crashes.

One renderer; every error path in the service comes through ``problem_response``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
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

# What each problem code means and what to do about it, served at /problems/{code} (the ``type`` URI).
PROBLEM_DOCS: dict[str, str] = {
    "bad_request": "The request could not be understood. Check the syntax and parameters.",
    "malformed_json": "The body is not JSON this API can read: invalid syntax or UTF-8, or nested deeper "
    "than 32 levels.",
    "invalid_cursor": "The cursor is malformed or belongs to another list. Restart from the first page.",
    "invalid_idempotency_key": "Idempotency-Key must be 1 to 255 characters.",
    "unauthorized": "No access token was sent. Get one from /oauth/token and send it as a Bearer token.",
    "invalid_token": "The access token is invalid, expired or revoked. Get a new one.",
    "forbidden": "Your principal may not perform this operation.",
    "insufficient_scope": "The token lacks a scope this operation needs (named in WWW-Authenticate).",
    "not_found": "No such resource, or it belongs to another tenant.",
    "method_not_allowed": "The resource does not support this method; see the Allow header.",
    "conflict": "The request conflicts with the current state of the resource.",
    "invalid_transition": "The resource's state does not allow this action now.",
    "idempotency_key_in_use": "A request with this Idempotency-Key is still running; retry later.",
    "idempotency_record_lost": (
        "The request with this Idempotency-Key took effect, but its response cannot be replayed. "
        "Read the resource to see the result; send a new key to make another."
    ),
    "external_id_taken": "Another patient of this partner already has this external_id.",
    "client_exists": "An OAuth client with this id already exists.",
    "user_exists": "A user with this email (or for this patient) already exists.",
    "precondition_failed": "If-Match does not match the current ETag: someone changed it. GET it again.",
    "payload_too_large": "The request body exceeds MAX_CONTENT_LENGTH.",
    "unsupported_media_type": "Send request bodies as application/json.",
    "validation_failed": "Some fields are invalid; each entry of `errors` points at one (JSON pointer).",
    "unknown_parameter": "A query parameter the operation does not take (a typo would otherwise filter by "
    "nothing); each entry of `errors` names one and the nearest parameter that exists.",
    "rule_violation": "A business or clinical rule refuses the request; see detail.",
    "idempotency_key_reused": "This Idempotency-Key was used with a different request. Use a new key.",
    "email_required": "The patient needs an email address before they can be invited to sign in.",
    "invitation_invalid": "The activation link is invalid, expired or already used.",
    "patient_already_active": "The patient already has a sign-in account; invitations only create accounts "
    "(they never reset a password).",
    "consultation_not_completed": "A follow-up plan follows a completed consultation; complete it first.",
    "treatment_not_recommended": "The consultation's outcome is not treatment_recommended: no plan follows.",
    "provider_required": "The consultation has no assigned provider to own the plan; assign one first.",
    "plan_exists": "The consultation already has an open follow-up plan; complete or revoke it first.",
    "plan_closed": "The follow-up plan is completed or revoked and can no longer change.",
    "plan_started": "This can change only while the follow-up plan is a draft.",
    "plan_not_active": "The follow-up plan's status does not allow this now (see detail); activate it first.",
    "task_kind_mismatch": "Wrong kind of task: sessions are recorded, check-ins completed (see detail).",
    "task_already_done": "The task is already done.",
    "task_cancelled": "The task was cancelled (the plan ended or its schedule changed).",
    "screening_already_linked": "The screening already answers another check-in; submit a new one.",
    # Follow-up plans, second edition (clinical-rules.md §4 [2e], docs/follow-up-plans.md).
    "check_in_instruments_required": "Check-ins must re-screen phq9 and cssrs (see missing_instruments); "
    "gad7 and pcl5 may be added.",
    "session_frequency_exceeded": "Too many sessions in 7 consecutive days (2 intranasal, 3 other routes; "
    "a psychiatrist may lift it), or two on one day; the pointer names the first session over.",
    "induction_review_pending": "The end-of-induction review must be completed (decision continue or stop) "
    "before a session due on or after it.",
    "risk_review_pending": "A check-in's suicide-risk finding awaits a provider's review task; complete it "
    "before the next session.",
    "rems_enrollment_required": "Record the patient's Spravato REMS enrolment (PUT "
    "/v1/patients/{id}/rems-enrollment) before activating an intranasal plan.",
    "check_in_incomplete": "A check-in needs one screening per instrument of the task, each submitted for "
    "the plan (see missing_instruments).",
    "blood_pressure_above_threshold": "Pre-dose blood pressure above 140/90: do not dose, or a provider "
    "gives override_reason.",
    "override_requires_provider": "Only a provider may make this clinical decision: override the pre-dose "
    "blood pressure threshold, the dose limit or the discharge criteria, or record a patient who left "
    "against medical advice.",
    "observation_too_short": "Observation after the first dose is too short: intranasal 120 minutes, "
    "intravenous the infusion plus 30, intramuscular 60.",
    "blood_pressure_hard_stop": "Pre-dose blood pressure at or above 180/110: not dosed today, no override. "
    "Re-measure after rest.",
    "dose_above_limit": "Above 1.0 mg/kg (intravenous, intramuscular): a provider may proceed with "
    "dose_override_reason.",
    "dose_above_maximum": "Above 2.0 mg/kg (the anaesthetic range): never given, no override.",
    "site_not_eligible": "The session needs a practice site in the patient's state (REMS-certified for "
    "intranasal); see errors.",
    "monitoring_provider_not_eligible": "The monitoring provider (monitored_by) needs an active licence in "
    "the site's state.",
    "onsite_prescriber_required": "Intranasal: name a prescriber with a schedule III DEA registration in the "
    "site's state, present at the site throughout.",
    "sitter_required": "An at-home session needs an adult sitter present throughout (sitter_present: true).",
    "monitoring_reading_missing": "A required reading is missing (the 30-60 minute one, or the completion "
    "reading with SpO2 in the last 15 minutes); errors names which.",
    "not_stable_for_discharge": "The last reading does not meet the discharge criteria (each in errors); a "
    "provider may discharge with discharge_override_reason.",
    "ready_before_stable": "ready_to_leave_minute is not after a reading where the patient was not yet "
    "stable; no override.",
    "escort_not_confirmed": "Confirm that a responsible adult escorts the patient home (escort_confirmed).",
    "precondition_required": "This operation needs If-Match with the resource's current ETag.",
    "patient_underage": "The patient must be 18 or older for this service.",
    "consent_required": "A required consent (see missing_consents) is not on record; record it first.",
    "npi_taken": "Another provider already has this NPI.",
    "license_taken": "Another provider already holds this state licence number (`errors` points at each).",
    "consent_withdrawn": "Already withdrawn (see withdrawn_at); record a new consent to give it again.",
    "slot_unavailable": "The slot is taken (perhaps by a concurrent booking) or not free. Pick another.",
    "provider_not_qualified": "The provider fails a hard matching filter (each in `errors`). Pick another.",
    "consultation_not_ready": "Providers are matched and booked only for a consultation in status ready.",
    # Telemedicine visits and prescriptions (clinical-rules.md §5, docs/prescribing.md).
    "provider_not_licensed_in_state": "The patient is in another state than the consultation's, "
    "where you hold "
    "no active licence and schedule III DEA registration.",
    "site_not_in_state": "The practice site the patient joins from is not in the patient's state.",
    "practitioner_not_registered_in_state": "The practitioner present with the patient holds no schedule III "
    "DEA registration in the patient's state.",
    "identity_not_verified": "Verify the patient's identity before the visit (identity_verified: true).",
    "visit_required": "A prescription follows your own visit with the patient within the last 30 days "
    "(PRESCRIPTION_VISIT_MAX_AGE_DAYS); name it in visit_id.",
    "prescriber_not_registered_in_state": "You held no active licence and schedule III DEA "
    "registration in the "
    "state where the patient was during the visit.",
    "esketamine_rems_violation": "Esketamine (Spravato REMS): intranasal, 28/56/84 mg, "
    "clinic_administered at "
    "a REMS-certified site, no refills; each broken condition in errors.",
    "refills_exceed_schedule_limit": "A schedule III prescription has at most 5 refills (21 CFR 1306.22).",
    "pharmacy_required": "A prescription a pharmacy dispenses names the pharmacy (pharmacy_ncpdp_id).",
    "pdmp_check_required": "Name your PDMP check of the visit's state made within the last 24 hours "
    "(PDMP_CHECK_MAX_AGE_HOURS); an outage, noted as unavailable, counts.",
    "no_legal_basis": "No in-person evaluation on record and no telemedicine rule in force covers the visit; "
    "the detail says what would give one.",
    "prescription_required": "An at-home session needs an active oral or sublingual ketamine prescription of "
    "the plan, dispensed by a pharmacy.",
    "dose_exceeds_prescription": "The session's dose is above the active prescription's dose_mg.",
    "rate_limited": "Too many requests for this client. Retry after Retry-After seconds.",
    "uri_too_long": "The request line is over 4,094 bytes. Send filters in fewer characters.",
    "request_header_fields_too_large": "Over 100 headers, or one over 8,190 bytes.",
    "request_timeout": "The request body did not arrive within the server's deadline (10 s). Send it again.",
    "bad_host": "An HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2).",
    "not_implemented": "The server does not support this (e.g. a transfer coding other than chunked).",
    "expectation_failed": "The Expect header cannot be met.",
    "internal_error": "Something failed on our side. Retry later; quote request_id if you contact us.",
    "service_unavailable": "A dependency (the database) is unreachable. Retry after Retry-After seconds.",
    # Issue 24 [2e]: C-SSRS recall and escalated consultations (clinical-rules.md §1, §2).
    "recall_mismatch": "A C-SSRS for a consultation (or neither) uses recall lifetime_recent; one for a "
    "plan's check-in uses since_last_contact (see expected_recall).",
    "already_acknowledged": "This escalation was already acknowledged (see acknowledged_at); a new crisis "
    "opens a new one.",
    "not_escalated": "The case has no escalation to acknowledge.",
    "psychiatrist_required": "Only a psychiatrist (credential MD or DO, specialty psychiatry) may decide "
    "this escalated case; an admin may not.",
    "safety_plan_required": "Document a safety plan with the patient and send safety_plan_documented: true.",
    "screenings_incomplete": "Every required screening is needed first (see missing_screenings): a crisis "
    "escalates before the intake may exist.",
    "escalation_not_acknowledged": "Acknowledge the escalation (the urgent contact) first.",
    "contraindicated": "An absolute contraindication rules treatment out (see contraindications); only "
    "decline remains.",
}

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
