"""problem+json (RFC 9457) for every error: domain errors, Werkzeug's HTTP errors and crashes.

One renderer; every error path in the service comes through ``problem_response``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, Response, current_app, g, json
from werkzeug.exceptions import HTTPException

from api.errors import DomainError, FieldError

log = logging.getLogger("api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"

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
    ("Must be greater", "out_of_range"),
    ("Must be less", "out_of_range"),
    ("String does not match", "invalid_format"),
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
        "type": f"{current_app.extensions['settings'].issuer}/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "code": code,
        "request_id": g.get("request_id"),
    }
    error_list = [e.as_dict() for e in errors]
    if error_list:
        body["errors"] = error_list
    if extra:
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
        for location, loc_messages in messages.items():
            errors.extend(marshmallow_errors(loc_messages))
            _ = location
        detail = "The request has invalid fields; see errors."
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if data.get("headers"):
        headers.update(data["headers"])
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # type: ignore[attr-defined]
    if status == 413:
        detail = f"The request body exceeds the limit of {current_app.config['MAX_CONTENT_LENGTH']} bytes."
    return problem_response(status, code, title, detail, errors=errors, headers=headers)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if isinstance(exc, DomainError):
        return handle_domain_error(exc)
    log.exception("unhandled error (request_id=%s)", g.get("request_id"))
    return problem_response(500, "internal_error", "Internal server error", "An unexpected error occurred.")


def register_error_handlers(app: Flask) -> None:
    """Registered after flask-smorest's own, so these win."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
