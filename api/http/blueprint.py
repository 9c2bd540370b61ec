"""flask-smorest, extended once: every operation is authorised, documented and committed by one decorator.

``Blueprint.operation`` checks the token and scopes before anything else runs (so an anonymous caller
gets 401, not 422), and writes the operationId, the OAuth security requirement and the problem+json
error responses into the spec, so that generated SDKs read well. The error responses every operation of its
kind gives are computed from what it is (``common_errors``, and 404 for a path parameter in
``Blueprint.add_url_rule``); an operation lists by hand only those its own rules raise (``errors=``: 409, 412,
a 404 for a resource its body names).

It is also the operation's boundary: services only flush, and the wrapper commits. On success it adds the
audit row (the write's, or the read's) and marks the idempotency claim taken, then commits them with the
operation's writes; on failure it rolls the operation back and records the refusal in a transaction of its
own (api/http/audit.py, api/http/idempotency.py). An operation that creates a resource names its model
(``creates=``): its ``Location`` is sent, and documented, from the model's declaration.
"""

from __future__ import annotations

import difflib
import hashlib
import http
import json
import warnings
from collections.abc import Callable, Iterable
from copy import deepcopy
from functools import wraps
from typing import Any, TypeVar

import flask_smorest
from flask import Response, current_app, request
from flask_smorest.exceptions import CurrentApiNotAvailableError, NotModified, PreconditionRequired
from flask_smorest.utils import prepare_response, resolve_schema_instance
from werkzeug.http import quote_etag

from api.auth.protector import check_revocation, require_scopes, revocation_refusal
from api.db import Base, get_session
from api.errors import FieldError, PreconditionFailed, ValidationFailed
from api.http import audit, idempotency
from api.http.current import current_flask, current_request, request_globals
from api.http.input_guard import JsonBodyParser
from api.http.json_provider import json_bytes
from api.http.problems import PROBLEM_MEDIA_TYPE
from api.http.representation import Representation
from api.http.spec_shape import shape
from api.models.resources import Resource, resource_of
from api.schemas.common import PageArgsSchema, ProblemSchema, request_examples

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME = "oauth2"

_ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Bearer challenge (RFC 6750)", "schema": {"type": "string"}}},
    403: {"WWW-Authenticate": {"description": "insufficient_scope challenge", "schema": {"type": "string"}}},
    405: {"Allow": {"description": "Methods the resource allows", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds until the limit resets", "schema": {"type": "integer"}}},
}


IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]{1,255}$"},
    "description": "Retry safely: keys belong to the OAuth client and the signed-in user; the same key and "
    "body within 24 h replays the first response, authorised like a new request "
    "(`Idempotent-Replayed: true`); another body is 422 `idempotency_key_reused`; "
    "a request still running is 409 `idempotency_key_in_use`.",
}


# The methods that carry a body. Whatever the operation, a body sent with one is checked before the view:
# its media type (415, api/http/media.py), its size (413, api/http/input_guard.BodyLimit), its JSON (400
# when malformed, 422 for a value the API cannot hold: api/http/input_guard.py); and a POST's
# Idempotency-Key (400 when malformed, api/http/idempotency.py).
BODY_METHODS = frozenset({"post", "put", "patch"})


def _arguments(func: Any) -> list[dict[str, Any]]:
    """What ``@blp.arguments`` (applied below ``operation``) documents: one entry per schema and location."""
    parameters: list[dict[str, Any]] = getattr(func, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return parameters


def query_parameters(arguments: list[dict[str, Any]]) -> frozenset[str]:
    """The query parameters an operation documents (its query schemas' loadable fields, by the name a client
    sends): every other one is refused, computed once when the operation is declared."""
    names: set[str] = set()
    for parameter in arguments:
        if parameter["in"] == "query":
            schema = resolve_schema_instance(parameter["schema"])
            names |= {field.data_key or name for name, field in schema.fields.items() if not field.dump_only}
    return frozenset(names)


def refuse_unknown_parameters(known: frozenset[str]) -> None:
    """422 ``unknown_parameter`` for any query parameter the operation does not take, each named with the
    nearest one it does take: ``?emial=ada@example.com`` would otherwise be ignored, and a list filtered
    by nothing handed back — code reading ``data[0]`` would pick the wrong patient (issue 27)."""
    request = current_request()
    if not request.query_string:  # nothing sent: nothing to parse (most reads by id)
        return
    unknown = sorted(set(request.args) - known)
    if not unknown:
        return
    takes = ", ".join(sorted(known)) or "no query parameters"
    errors = []
    for name in unknown:
        near = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        errors.append(FieldError(f"/{name}", "unknown_parameter", f"Unknown query parameter.{hint}"))
    raise ValidationFailed(
        f"Unknown query parameter(s): {', '.join(unknown)}. This operation takes: {takes}.",
        code="unknown_parameter",
        errors=errors,
    )


def _documents_a_required_body(func: Any) -> bool:
    """Whether ``@blp.arguments`` documents a required JSON body."""
    return any(p["in"] == "json" and p["required"] for p in _arguments(func))


def common_errors(method: str, scopes: list[str], arguments: list[dict[str, Any]]) -> set[int]:
    """The error responses an operation gives for what it is, not for what its rules decide:

    - 401 (no valid token), 422 (a query parameter it does not take: ``unknown_parameter``) and 429 (rate
      limit), always; 403 (``insufficient_scope``) when it needs a scope;
    - 400, 413, 415 and 422 when its method carries a body (``BODY_METHODS``);
    - 422 too when it parses arguments (a body or a query string: webargs validation);
    - 400 when it pages with a cursor (``invalid_cursor``);
    - 404 when its path has a parameter, added where the path is known (``Blueprint.add_url_rule``).

    5xx are the spec's ``default`` response (problem+json), documented on every operation by flask-smorest;
    304, 412 and 428 of an ETag by flask-smorest's ``etag`` too.
    """
    statuses = {401, 422, 429}
    if scopes:  # GET /v1/me takes any valid token
        statuses.add(403)
    if method in BODY_METHODS:
        statuses |= {400, 413, 415, 422}
    if any(isinstance(resolve_schema_instance(p["schema"]), PageArgsSchema) for p in arguments):
        statuses.add(400)
    return statuses


# A path parameter names a resource that may not exist, or be another tenant's: 404.
_PATH_PARAMETER_ERRORS = (404,)


class NotModifiedWithETag(NotModified):  # type: ignore[misc]  # flask-smorest is untyped: the base class is Any
    """304 carries the ETag it confirms (RFC 9110 §15.4.5)."""

    def __init__(self, etag: str) -> None:
        super().__init__()
        self.etag = etag

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [("ETag", quote_etag(self.etag))]


def status_name(status: int) -> str:
    return http.HTTPStatus(status).name


class UndeclaredCreation(Exception):
    """An operation answers 201 without naming the model it creates (``creates=``), or names one that is no
    resource of the API."""


# Operations that create a resource, by operationId: what each creates (filled as the views are declared).
CREATES: dict[str, Resource] = {}


def created_with_location() -> frozenset[str]:
    """The operations whose 201 names the new resource in ``Location``: those creating a resource the API
    serves (its model declares a path)."""
    return frozenset(operation for operation, resource in CREATES.items() if resource.path)


# An entity-tag list (RFC 9110 §8.8.3): what If-Match and If-None-Match carry.
ENTITY_TAGS = r'^\s*(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)\s*$'


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest is untyped: the base class is Any
    ERROR_SCHEMA = ProblemSchema
    _document: dict[str, Any] | None = None

    def document(self) -> dict[str, Any]:
        """The OpenAPI document as served and committed: apispec's, shaped for SDK generators (a copy:
        apispec hands out its own dicts). Built once, on first use: the routes are all registered by then."""
        if self._document is None:
            self._document = shape(deepcopy(self.spec.to_dict()), created_with_location())
        return self._document

    def _openapi_json(self) -> Response:
        return current_app.response_class(json.dumps(self.document(), indent=2), mimetype="application/json")

    def _register_etag_headers(self) -> None:
        """flask-smorest's conditional headers, described as the server reads them."""
        self.spec.components.parameter(
            "IF_NONE_MATCH",
            "header",
            {
                "name": "If-None-Match",
                "description": "ETags you hold: 304 Not Modified when one is current (anything else is "
                "simply not current)",
                "schema": {"type": "string"},
            },
            lazy=True,
        )
        self.spec.components.parameter(
            "IF_MATCH",
            "header",
            {
                "name": "If-Match",
                "required": True,
                "description": "The resource's current ETag (from a GET): 412 when it changed since, "
                "428 when absent",
                "schema": {"type": "string", "pattern": ENTITY_TAGS},
            },
            lazy=True,
        )
        self.spec.components.header(
            "ETAG",
            {"description": "Strong ETag of the returned representation", "schema": {"type": "string"}},
            lazy=True,
        )

    def _register_pagination_header(self) -> None:
        """Our lists use keyset cursors (api.http.pagination), not flask-smorest's offset pagination."""

    def _register_responses(self) -> None:
        """Every error response of the spec is problem+json with the Problem schema."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                content_type = PROBLEM_MEDIA_TYPE
                if status in _ERROR_HEADERS:
                    response["headers"] = _ERROR_HEADERS[status]
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest is untyped: the base class is Any
    # Bodies are parsed (and checked for hostile values) once, by api.http.input_guard.
    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Any:
        """flask-smorest's, with the body schema's declared ``EXAMPLES`` (api.schemas.common.StrictSchema) as
        the request body's examples in the spec."""
        examples = request_examples(schema) if location == "json" else {}
        if examples and "example" not in kwargs and "examples" not in kwargs:
            kwargs["examples"] = examples
        return super().arguments(schema, location=location, **kwargs)

    @staticmethod
    def _prepare_response_content(data: Any) -> Any:
        audit.capture(data)  # what the response holds, for the audit row of a read
        return data

    @staticmethod
    def serialized(body: Any) -> Response:
        """A body the view built already in its documented schema's shape (see the operation's
        ``@blp.response``), sent as is: flask-smorest passes a Response through without dumping it."""
        audit.capture(body)
        return current_app.json.response(body)  # type: ignore[return-value]  # typed as the sans-IO Response; it builds app.response_class

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Any = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Register the route as flask-smorest does, then document what its path gives every operation on it:
        a path parameter (``<name>``, ``<converter:name>``) names a resource that may not exist."""
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
        if "<" not in rule:
            return
        documented = self._docs[self._endpoints[-1]]  # the endpoint's name as flask-smorest made it unique
        for method, apidoc in documented.items():
            if method != "parameters":  # the route's own parameters, not an operation
                _document_errors(apidoc, _PATH_PARAMETER_ERRORS)

    # flask-smorest's ETag steps, run by its ``etag`` wrapper on every request of an operation under
    # ``@blp.etag`` (flask-smorest pinned to 0.47 in pyproject.toml: these are its private methods), doing the
    # same with the request's objects instead of their proxies (api/http/current.py): its own read eight
    # proxies a request, each about 8,500 instructions on Python 3.11.

    def _is_etag_enabled(self) -> bool:
        app = current_flask()
        apis = app.extensions["flask-smorest"]["blp_name_to_api"]
        for name in current_request().blueprints:
            api = apis.get(name)
            if api:  # its ``config`` is the app's, under its prefix (a mapping that raises to say "absent")
                return not app.config.get(f"{api.config_prefix}ETAG_DISABLED", False)
        raise CurrentApiNotAvailableError("Current Blueprint not registered in any Api.")

    def _check_precondition(self) -> None:
        request = current_request()
        if request.method in self.METHODS_NEEDING_CHECK_ETAG and not request.if_match:
            raise PreconditionRequired

    def _verify_check_etag(self) -> None:
        request = current_request()
        if request.method in self.METHODS_NEEDING_CHECK_ETAG and not _etag_context().get("etag_checked"):
            warnings.warn(
                f"ETag not checked in endpoint {request.endpoint} on {request.method} request.", stacklevel=2
            )

    def _set_etag_in_response(self, response: Response) -> None:
        if current_request().method not in self.METHODS_ALLOWING_SET_ETAG:
            return
        etag = _etag_context().get("etag")
        if etag is None:  # no ``set_etag`` nor ``represent``: from the response's dumped content
            extra = tuple((k, v) for k, v in response.headers if k in self.ETAG_INCLUDE_HEADERS)
            etag = self._generate_etag(_smorest_context()["result_dump"], extra)
            self._check_not_modified(etag)
        response.set_etag(etag)

    def _check_not_modified(self, etag: str) -> None:
        request = current_request()
        if (
            "HTTP_IF_NONE_MATCH" in request.environ  # not parsed when not sent (most reads)
            and request.method in self.METHODS_CHECKING_NOT_MODIFIED
            and etag in request.if_none_match
        ):
            raise NotModifiedWithETag(etag)

    @staticmethod
    def _generate_etag(etag_data: Any, extra_data: Any = None) -> str:
        """The strong ETag of a representation: the SHA-1 of its JSON as the body writes it (flask-smorest's
        own, which hashes ``flask.json.dumps``: the app's orjson provider, in the schema's order), so that a
        body written once (``represent``) gives its ETag without a second serialisation."""
        if extra_data:
            etag_data = (etag_data, extra_data)
        return _etag_of(json_bytes(etag_data))

    def represent(self, obj: Any, representation: Representation) -> Response:
        """The response of a hot read (an operation under ``@blp.etag`` and ``@blp.response`` with the
        representation's schema): ``obj`` dumped by its planned ``representation``
        (api/http/representation.py), the JSON written once for both the body and the strong ETag, 304 for an
        ``If-None-Match`` that holds it. The same bytes, ETag and audit facts as the schema's dump through
        flask-smorest (tests/http/test_lean_reads.py)."""
        document = representation.dump(obj)
        body = json_bytes(document)
        etag = _etag_of(body)
        self._check_not_modified(etag)
        _etag_context()["etag"] = etag  # flask-smorest's etag wrapper sets the header from it
        audit.capture(document)
        return Response(body + b"\n", mimetype="application/json")

    def operation(
        self,
        operation_id: str,
        *,
        scopes: Iterable[str],
        errors: Iterable[int] = (),
        creates: type[Base] | None = None,
        token_in_statement: bool = False,
    ) -> Callable[[F], F]:
        """Require ``scopes``, document the operation and be its boundary (the module's docstring). Put it
        right under ``@blp.route``. An operation answering 201 names the model it ``creates``; ``errors``
        are the statuses its own rules give beyond the ``common_errors`` of its kind.

        ``token_in_statement`` (a GET whose service runs one statement first, with ``token_is_live`` and
        ``confirm_token_live``: api/auth/store.py): the token check leaves the token's revocation to that
        statement instead of a read of its own. Whatever the service does, the revocation is settled here
        before anything is recorded or answered (``check_revocation``, ``revocation_refusal``)."""
        scope_list = list(scopes)

        def decorator(func: F) -> F:
            statuses = sorted(common_errors(func.__name__, scope_list, _arguments(func)) | set(errors))
            known_parameters = query_parameters(_arguments(func))
            body_required = _documents_a_required_body(func)
            declared = getattr(func, "_apidoc", {}).get("response", {}).get("responses", {})
            success = min((int(code) for code in declared if 200 <= int(code) < 300), default=200)
            created = _created(operation_id, success, creates, declared.get(success, []))

            @wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                context = audit.begin(operation_id, success)  # every operation is audited, once, here
                try:
                    principal = context.principal = require_scopes(*scope_list)
                    refuse_unknown_parameters(known_parameters)
                    current = current_request()  # no proxy (api/http/current.py)
                    if body_required and not current.get_data(cache=True):
                        # The spec says `requestBody: required`: no body at all is not an empty change.
                        raise ValidationFailed(errors=[FieldError("/", "required", "Send a JSON body.")])
                    response = None
                    if current.method == "POST":
                        # After the scope check: a replay is authorised like a new request.
                        response = idempotency.claim(principal)
                    if response is None:
                        response = func(*args, **kwargs)
                        _locate(response, created)
                    check_revocation()  # when left to the operation's statement: settled before the rest
                    wrote = audit.record_writes(context)
                    if wrote:
                        _commit()  # the writes, their audit row and the claim's mark, together
                except Exception as error:
                    refusal = revocation_refusal(error)  # a revoked token: 401, whatever the operation found
                    if refusal is None:
                        audit.fail(context, error)  # rolls the operation back; the refusal's row on its own
                        raise
                    context.principal = None  # refused as the token check refuses: no actor
                    audit.fail(context, refusal)
                    raise refusal from None
                else:
                    # A read's row: if it cannot be recorded, 500 and no data out. A GET's row goes to the
                    # process's group commit, which leaves this session nothing to commit (its reads ran in
                    # autocommit, or the SQLite snapshot was closed): no commit's bookkeeping then.
                    if not wrote and audit.record_read(context, response):
                        _commit()
                    return response
                finally:
                    audit.end(context)

            setattr(wrapper, TOKEN_IN_STATEMENT, token_in_statement)
            apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
            manual = apidoc.setdefault("manual_doc", {})
            manual["operationId"] = operation_id
            manual["security"] = [{SECURITY_SCHEME: scope_list}]
            if func.__name__ == "post":  # every POST honours Idempotency-Key (see wrapper)
                manual["parameters"] = [*manual.get("parameters", []), IDEMPOTENCY_KEY_PARAMETER]
            _document_errors(apidoc, statuses)
            wrapper._apidoc = apidoc  # type: ignore[attr-defined]  # flask-smorest reads the spec from this attribute it sets on view functions
            return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature; mypy sees a plain callable

        return decorator

    def precondition(self, schema: Any) -> Callable[[Any], None]:
        """The If-Match check a service runs on the row it has locked (api.services.precondition).

        PATCH requires If-Match (flask-smorest answers 428 before the view when it is missing); PUT and the
        state-changing actions (POST) check it when it is sent. The ETag is computed exactly as for the
        resource's GET, so a client sends back what it read; a mismatch is 412.
        """

        def check(obj: Any) -> None:
            if request.method == "PATCH":
                self.check_etag(obj, schema)
                return
            if not request.if_match:
                return
            etag = self._generate_etag(resolve_schema_instance(schema).dump(obj))
            if etag not in request.if_match:
                raise PreconditionFailed(
                    "If-Match does not match the current ETag: the resource changed. GET it again."
                )

        return check

    def public_operation(self, operation_id: str, *, errors: Iterable[int] = ()) -> Callable[[F], F]:
        """An operation that needs no token (health checks)."""

        def decorator(func: F) -> F:
            apidoc = deepcopy(getattr(func, "_apidoc", {}))
            apidoc.setdefault("manual_doc", {}).update(operationId=operation_id, security=[])
            _document_errors(apidoc, errors)
            func._apidoc = apidoc  # type: ignore[attr-defined]  # flask-smorest reads the spec from this attribute it sets on view functions
            return func

        return decorator


def _smorest_context() -> dict[str, Any]:
    """flask-smorest's part of ``g`` (its ``get_appcontext``), without the proxy."""
    context: dict[str, Any] = request_globals().setdefault("_flask_smorest", {})
    return context


def _etag_context() -> dict[str, Any]:
    """flask-smorest's ETag state of the request (its ``_get_etag_ctx``), without the proxy."""
    context: dict[str, Any] = _smorest_context().setdefault("etag", {})
    return context


# The attribute ``operation`` puts on an operation's view: whether its statement checks the token (see there).
TOKEN_IN_STATEMENT = "_token_in_statement"


def token_in_statement(view: F) -> F:
    """Declare a view outside ``Blueprint.operation`` (a FHIR read) as ``token_in_statement`` (see there); its
    boundary settles the revocation as ``operation`` does (api/http/fhir.py)."""
    setattr(view, TOKEN_IN_STATEMENT, True)
    return view


def defers_revocation() -> bool:
    """Whether this request's operation checks its token's revocation in its own statement, so the token
    check leaves it to it (api/auth/protector.py ``DEFERS_REVOCATION``): a GET or HEAD of an operation
    declared ``token_in_statement``. Asked once per request, by the first token check."""
    request = current_request()  # once a request, on every request: no proxies (api/http/current.py)
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_flask().view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, "get", None) if view_class is not None else view
    return bool(getattr(handler, TOKEN_IN_STATEMENT, False))


def _etag_of(body: bytes) -> str:
    """flask-smorest's strong ETag: SHA-1 of the JSON (a tag to compare, not a security measure)."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def _document_errors(apidoc: dict[str, Any], statuses: Iterable[int]) -> None:
    """Add each status's problem+json response (a component, ``Api._register_responses``) to ``apidoc``."""
    responses = apidoc.setdefault("response", {}).setdefault("responses", {})
    for status in statuses:
        if status_name(status) not in responses.setdefault(status, []):
            responses[status].append(status_name(status))


def _created(
    operation_id: str, success: int, creates: type[Base] | None, documented: list[Any]
) -> Resource | None:
    """The resource the operation creates, as its model declares it. Refused at import: an operation
    answering 201 that does not say what it creates (its Location and the spec would be guessed), and one
    whose response does not show what the resource's path is made of."""
    if creates is None:
        if success == 201:
            raise UndeclaredCreation(f"{operation_id} answers 201: name the model it creates (creates=...)")
        return None
    resource = resource_of(creates)
    if resource is None or resource.type is None:
        raise UndeclaredCreation(f"{operation_id} creates {creates.__name__}, no resource of the API")
    shown = {name for doc in documented for name in resolve_schema_instance(doc["schema"]).fields}
    if missing := set(resource.path_fields) - shown:
        raise UndeclaredCreation(f"{operation_id}: its response does not show {sorted(missing)} for Location")
    CREATES[operation_id] = resource
    return resource


def _locate(response: Response, created: Resource | None) -> None:
    """``Location`` of the resource a 201 created, from its representation as the response holds it."""
    if created is None or response.status_code != 201:
        return
    location = created.location(response.get_json())
    if location is not None:
        response.headers["Location"] = location


def _commit() -> None:
    """Commit the operation, its claim marked taken in the same transaction (api/http/idempotency.py)."""
    idempotency.mark_taken_effect()
    get_session().commit()
