"""The FHIR API's HTTP conventions (api-contract.md, "FHIR R4 read API"), in one place:

- every error under ``/fhir/`` is an OperationOutcome (``application/fhir+json``), never problem+json. The
  errors themselves are raised and rendered as everywhere else (api/errors.py, api/http/problems.py); the
  response is then rewritten here, after the request, so that one raised anywhere — the rate limiter (429), a
  route that does not exist (404), a method (405), the input guard (400) — is an OperationOutcome too;
- the scope check: a /v1 scope reads the resources built from its data; a SMART v2 scope
  (``system/``, ``patient/``, ``user/``, ``<Type>`` or ``*``, ``.rs``) the type it names, in its context;
- the operation's boundary, as ``Blueprint.operation`` is for /v1: every read is audited, from what the
response
  holds (our ids, the patients), and a refusal in a transaction of its own (api/http/audit.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, Final, TypeVar

from flask import Blueprint, Response, g

from api.auth.principal import Principal
from api.auth.protector import InsufficientScope, check_revocation, require_scopes, revocation_refusal
from api.auth.scopes import SMART_PERMISSIONS
from api.auth.tokens import REALM
from api.config import get_settings
from api.db import get_session
from api.fhir.registry import Served
from api.http import audit
from api.http.current import current_flask, current_request, request_globals
from api.http.problems import PROBLEM_MEDIA_TYPE

F = TypeVar("F", bound=Callable[..., Any])
FHIR_JSON: Final = "application/fhir+json"
FHIR_PREFIX: Final = "/fhir/"

# The OperationOutcome issue type (R4 value set issue-type) of each status.
ISSUE_TYPES: Final = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    410: "deleted",
    413: "too-long",
    415: "not-supported",
    422: "processing",
    429: "throttled",
    503: "transient",
}


def fhir_response(body: dict[str, Any], status: int = 200) -> Response:
    response: Response = current_flask().response_class(  # on every FHIR answer: no proxy
        json.dumps(body, separators=(",", ":")), status=status, mimetype=FHIR_JSON
    )
    return response


def operation_outcome(problem: dict[str, Any]) -> dict[str, Any]:
    """A problem+json body as an OperationOutcome: one issue per field error (its parameter in
    ``expression``), else one for the problem; the problem's code in ``details``."""
    status = int(problem.get("status") or 500)
    kind = ISSUE_TYPES.get(status, "exception")
    coding = [{"system": f"{get_settings().issuer}/problems", "code": str(problem.get("code") or "error")}]
    issues = [
        {
            "severity": "error",
            "code": "not-supported" if error.get("code") == "unknown_parameter" else kind,
            "details": {"coding": coding, "text": str(error.get("message") or problem.get("detail"))},
            "expression": [str(error.get("pointer", "/")).lstrip("/") or "request"],
        }
        for error in problem.get("errors") or []
        if isinstance(error, dict)
    ] or [
        {"severity": "error", "code": kind, "details": {"coding": coding, "text": str(problem.get("detail"))}}
    ]
    outcome: dict[str, Any] = {"resourceType": "OperationOutcome", "issue": issues}
    if problem.get("request_id"):
        for issue in issues:
            issue["diagnostics"] = f"request_id {problem['request_id']}"
    return outcome


def _as_fhir(response: Response) -> Response:
    """After every request under /fhir/: an error as an OperationOutcome; no cache holds PHI."""
    if not current_request().path.startswith(FHIR_PREFIX):  # after every request: no proxy
        return response
    if not response.headers.getlist("Cache-Control"):  # ``setdefault`` raises and catches when absent
        response.headers.add("Cache-Control", "no-store")
    if response.mimetype == PROBLEM_MEDIA_TYPE:
        problem = json.loads(response.get_data() or b"{}")
        response.set_data(json.dumps(operation_outcome(problem), separators=(",", ":")))
        response.mimetype = FHIR_JSON
    return response


def init_fhir_responses(blueprint: Blueprint) -> None:
    blueprint.after_app_request(_as_fhir)


# --- scopes
# ---------------------------------------------------------------------------------------------------


def smart_context(principal: Principal) -> str:
    """Whose data a SMART scope of this token reaches: a client's own (``system``), the signed-in patient's
    (``patient``), or what the signed-in provider or admin may see (``user``)."""
    if principal.kind == "patient":
        return "patient"
    if principal.user_id is None:
        return "system"
    return "user"


def grants(principal: Principal, served: Served, interaction: str) -> bool:
    """Whether the token may ``interaction`` (``r`` read, ``s`` search) ``served``: its /v1 scope, or a SMART
    scope of the token's context naming the type or ``*`` with that permission."""
    return bool(granted_scopes(principal, served, interaction))


def granted_scopes(principal: Principal, served: Served, interaction: str) -> frozenset[str]:
    """The /v1 scopes whose part of ``served`` the token reaches (Observation: screenings:read the scores,
    plans:read the vital signs): those it holds, or all of them with a SMART scope naming the type."""
    held = frozenset(s for s in served.scopes if principal.has_scope(s))
    return frozenset(served.scopes) if _smart_grants(principal, served, interaction) else held


def _smart_grants(principal: Principal, served: Served, interaction: str) -> bool:
    context = smart_context(principal)
    for scope in principal.scopes:
        prefix, _, rest = scope.partition("/")
        resource_type, _, permissions = rest.partition(".")
        if (
            prefix == context
            and resource_type in (served.type, "*")
            and interaction in permissions
            and set(permissions) <= set(SMART_PERMISSIONS)
        ):
            return True
    return False


def require_fhir_scope(served: Served, interaction: str) -> Principal:
    principal = require_scopes()  # authenticated (401 otherwise), remembered for the audit trail
    if not grants(principal, served, interaction):
        smart = f"{smart_context(principal)}/{served.type}.{SMART_PERMISSIONS}"
        needed = " or ".join([*served.scopes, smart])
        raise InsufficientScope(
            f"Reading {served.type} needs the scope {needed}.",
            headers={
                "WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", scope="{needed}"'
            },
        )
    return principal


# --- the boundary
# -----------------------------------------------------------------------------------------------


def fhir_operation(view: F) -> F:
    """Audit a FHIR read as Blueprint.operation audits a /v1 read; the view names its operation in
    ``g.fhir_operation`` before it raises or returns (``readFhirPatient``, ``listFhirObservation``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        resource_type = kwargs.get("resource_type", "")
        operation = f"readFhir{resource_type}" if "resource_id" in kwargs else f"listFhir{resource_type}"
        context = audit.begin(operation, 200)
        try:
            response = view(*args, **kwargs)
            check_revocation()  # when left to the read's statement: settled before the rest
            context.principal = request_globals().get("principal")
        except Exception as error:
            refusal = revocation_refusal(error)  # a revoked token: 401, whatever the read found
            if refusal is None:
                context.principal = g.get("principal")
                audit.fail(context, error)
                raise
            audit.fail(context, refusal)  # refused as the token check refuses: no actor
            raise refusal from None
        else:
            # If it cannot be recorded: 500, no data out. A row handed to the process's group commit leaves
            # the session nothing to commit (as ``Blueprint.operation``): no commit's bookkeeping then.
            if audit.record_read(context, response):
                get_session().commit()
            return response
        finally:
            audit.end(context)

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature
