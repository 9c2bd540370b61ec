"""Domain errors. Each carries its HTTP status and a stable snake_case ``code``.

Services and domain code raise these; ``api.http.problems`` renders them as
``application/problem+json``. This module imports nothing from Flask so that
pure domain code may raise these errors too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one part of the request, located by a JSON pointer (RFC 6901)."""

    pointer: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "code": self.code, "message": self.message}


# RFC 9457 members and ours: an extension member never reuses them (a resource's state goes in
# ``current_status``, not ``status``, which is always the HTTP status code).
RESERVED_PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "code", "request_id", "errors"})


class DomainError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code is not None:
            self.code = code
        self.errors = list(errors)
        self.headers = dict(headers or {})
        # Extra top-level members of the problem document (RFC 9457 §3.2 extensions).
        self.extra = dict(extra or {})
        clash = RESERVED_PROBLEM_MEMBERS.intersection(self.extra)
        if clash:
            raise ValueError(f"problem extension members may not reuse {sorted(clash)}")


class BadRequest(DomainError):
    status, code, title = 400, "bad_request", "Bad request"


class InvalidCursor(BadRequest):
    code, title = "invalid_cursor", "Invalid cursor"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidTransition(Conflict):
    code, title = "invalid_transition", "Invalid state transition"


class PreconditionFailed(DomainError):
    status, code, title = 412, "precondition_failed", "Precondition failed"


class RuleViolation(DomainError):
    """The request is well-formed but a business or clinical rule refuses it (422)."""

    status, code, title = 422, "rule_violation", "Rule violation"


class ValidationFailed(RuleViolation):
    """The request body or parameters are invalid; ``errors`` point at each offending part."""

    code, title = "validation_failed", "Validation failed"


class RateLimited(DomainError):
    status, code, title = 429, "rate_limited", "Too many requests"


class UriTooLong(DomainError):
    status, code, title = 414, "uri_too_long", "URI too long"


class RequestTimeout(DomainError):
    status, code, title = 408, "request_timeout", "Request timeout"


class ServiceUnavailable(DomainError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


class HeaderFieldsTooLarge(DomainError):
    status, code, title = 431, "request_header_fields_too_large", "Request header fields too large"
