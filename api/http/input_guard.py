"""Hostile input stops at the door: one check of every request's path, query, form and JSON body.

Every value a request carries is checked here once, before any view, parser or query sees it, so that no
endpoint (today's or the next one) can pass it to the database or to arithmetic that fails with a 500:

- NUL characters anywhere (PostgreSQL text cannot hold them; SQLite would store them as data; Python's
  ``fromisoformat`` stops reading at one), and lone surrogates in JSON strings (not encodable as UTF-8);
- JSON that is malformed, nested deeper than ``MAX_JSON_DEPTH``, or holds integers outside 64 bits, non-finite
  numbers (``NaN``, ``Infinity``, ``1e999``) or integer literals too long to convert;
- a request line over ``MAX_REQUEST_LINE`` bytes (414) or a header over ``MAX_HEADER_FIELD`` bytes (431): the
  limits the API states, checked here so that the answer is problem+json whatever the HTTP server allows;
- bodies over ``MAX_CONTENT_LENGTH`` sent chunked (``BodyLimit``, a WSGI middleware): 413, as with a
  ``Content-Length``, instead of a silently truncated body.

The JSON body is parsed here once; the argument parser (``JsonBodyParser``) reads that result instead of
parsing the bytes again. Problems: 400 for what is not JSON at all, 422 with a pointer for a bad value, in
problem+json — or in RFC 6749 form on the OAuth endpoints.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from flask import Flask, Request, Response, jsonify
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import RequestEntityTooLarge

from api.errors import (
    BadRequest,
    FieldError,
    HeaderFieldsTooLarge,
    RequestTimeout,
    ServiceUnavailable,
    UriTooLong,
    ValidationFailed,
)
from api.http.current import current_request, request_globals
from api.http.front import BAD_HOST, BODY_TIMEOUT, FRONT_REFUSAL, TOO_MANY_BODIES

MAX_JSON_DEPTH = 32
# The request line ("GET /v1/patients?… HTTP/1.1") and each header line ("Name: value"), in bytes: the
# limits the API states (gunicorn enforced them when it served the API; granian does not).
MAX_REQUEST_LINE = 4094
MAX_HEADER_FIELD = 8190
# What a request target keeps unescaped (RFC 3986 pchar and "/"): the server hands the path over decoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
INT64 = 2**63
# Longer integer literals are refused before Python converts them (int() of 4,300+ digits raises).
MAX_INT_DIGITS = 20
_BODY_TOO_LARGE = "telemedical.body_too_large"
_SURROGATE = re.compile("[\ud800-\udfff]")
# OAuth endpoints answer in RFC 6749 form (api-contract.md §1).
_OAUTH_ENDPOINTS = frozenset({"/oauth/token", "/oauth/revoke", "/oauth/introspect"})
# The bodies werkzeug parses into ``request.form``.
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class MalformedJson(BadRequest):
    code, title = "malformed_json", "Malformed JSON"


class _Unrepresentable:
    """A JSON number this API cannot hold (too many digits, not finite): reported with its pointer."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _string_problem(value: str) -> str | None:
    if "\x00" in value:
        return "NUL characters are not allowed."
    if _SURROGATE.search(value):
        return "Lone surrogates (invalid UTF-16 escapes) are not allowed."
    return None


def _parse_int(literal: str) -> int | _Unrepresentable:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        return _Unrepresentable(literal)
    return int(literal)


def _parse_float(literal: str) -> float | _Unrepresentable:
    value = float(literal)
    return value if math.isfinite(value) else _Unrepresentable(literal)


def _walk(document: Any) -> Iterator[FieldError]:
    """Every bad value of a parsed document, with its JSON pointer (iterative: no recursion limit)."""
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        pointer, value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                message = f"JSON may nest at most {MAX_JSON_DEPTH} levels."
                yield FieldError(pointer or "/", "too_deep", message)
                continue
            items: Iterable[tuple[str, Any]] = (
                value.items() if isinstance(value, dict) else ((str(i), v) for i, v in enumerate(value))
            )
            for key, item in items:
                child = f"{pointer}/{_escape(key)}"
                problem = _string_problem(key) if isinstance(value, dict) else None
                if problem:
                    yield FieldError(child, "invalid_character", f"Member name: {problem}")
                    continue
                stack.append((child, item, depth + 1))
        elif isinstance(value, str):
            problem = _string_problem(value)
            if problem:
                yield FieldError(pointer or "/", "invalid_character", problem)
        elif isinstance(value, _Unrepresentable):
            yield FieldError(pointer or "/", "out_of_range", "Numbers must be finite and fit in 64 bits.")
        elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
            yield FieldError(pointer or "/", "out_of_range", "Integers must fit in 64 bits.")


def parse_json_document(raw: bytes) -> Any:
    """``raw`` as JSON, or ``MalformedJson`` (400); values are checked separately by ``_walk``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJson("The body is not valid UTF-8.") from None
    try:
        return json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_Unrepresentable
        )
    except RecursionError:
        raise MalformedJson(f"The JSON body nests too deeply (at most {MAX_JSON_DEPTH} levels).") from None
    except ValueError as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc}.") from None


_NOT_PARSED = object()  # no body checked and parsed yet (a JSON body may be ``null``)


def _check_parameters(request: Request) -> list[FieldError]:
    """Path parameters, query parameters and form fields (the OAuth endpoints and sign-in pages)."""
    errors = []
    values = [*(request.view_args or {}).items()]
    if request.query_string:  # parsed only when there is one (most reads by id have none)
        values.extend(request.args.items(multi=True))
    # Only these bodies are form fields (werkzeug's own test); no Content-Type (most reads): nothing to parse.
    if "CONTENT_TYPE" in request.environ and request.mimetype in _FORM_TYPES:
        values.extend(request.form.items(multi=True))
    for name, value in values:
        problem = _string_problem(name) or (_string_problem(value) if isinstance(value, str) else None)
        if problem:
            errors.append(FieldError(f"/{_escape(_printable(name))}", "invalid_character", problem))
    if not errors and _string_problem(request.path):
        errors.append(FieldError("/", "invalid_character", "The path holds a NUL character."))
    return errors


def _printable(name: str) -> str:
    """A parameter name safe to echo in a pointer."""
    return name.replace("\x00", "\\0")


def _check_json_body(request: Request) -> list[FieldError]:
    if "CONTENT_TYPE" not in request.environ or not core.is_json(request.mimetype):
        return []
    raw = request.get_data(cache=True)
    if not raw:
        return []
    document = parse_json_document(raw)
    errors = list(_walk(document))
    if not errors:
        request_globals().json_body = document
    return errors


def check_request_size(environ: dict[str, Any]) -> None:
    """414 or 431 when the request line or a header line is over the limit the API states."""
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    rest = len(environ.get("REQUEST_METHOD", "")) + len(environ.get("SERVER_PROTOCOL", "")) + 2
    if query:
        rest += 1 + len(query)
    # The path as sent: escaping makes a character at most 12 bytes (4 UTF-8 bytes, each "%XX"), so a path
    # short enough even then is not escaped to be measured.
    if rest + 12 * len(path) > MAX_REQUEST_LINE:
        line = rest + len(quote(path, safe=_PATH_SAFE))
        if line > MAX_REQUEST_LINE:
            raise UriTooLong(
                f"The request line is {line:,} bytes; at most {MAX_REQUEST_LINE:,}:"
                " send filters in fewer characters."
            )
    _check_header_lines(environ)


def _check_header_lines(environ: dict[str, Any]) -> None:
    for key, value in environ.items():
        # "HTTP_X_NAME" is the header "X-Name": its line is the name, ": " and the value.
        if (
            key.startswith("HTTP_")
            and isinstance(value, str)
            and len(key) - 3 + len(value) > MAX_HEADER_FIELD
        ):
            raise HeaderFieldsTooLarge(
                f"A header line is over {MAX_HEADER_FIELD:,} bytes (at most 100 headers of that size)."
            )


def _guard() -> Response | None:
    request = current_request()  # on every request: the request itself, not its proxy (api/http/current.py)
    check_request_size(request.environ)
    if request.environ.get(_BODY_TOO_LARGE):
        raise RequestEntityTooLarge()
    if request.routing_exception is not None:
        return None  # no operation here (404) or not with this method (405): routing answers, not the body
    try:
        errors = _check_parameters(request) or _check_json_body(request)
    except MalformedJson as exc:
        if request.path in _OAUTH_ENDPOINTS:
            return _oauth_error(exc.detail)
        raise
    if not errors:
        return None
    if request.path in _OAUTH_ENDPOINTS:
        return _oauth_error(f"{errors[0].pointer.lstrip('/')}: {errors[0].message}")
    raise ValidationFailed("The request holds values no field may hold; see errors.", errors=errors)


def _oauth_error(description: str) -> Response:
    response = jsonify(error="invalid_request", error_description=description)
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


class JsonBodyParser(FlaskParser):
    """webargs, reading the body the guard already parsed and checked (never parsing it a second time), with
    one instance of each argument schema shared by every request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[Schema], Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        """The operation's argument schema. ``blp.arguments`` is given schema classes, and webargs would make
        an instance of the class on every request: marshmallow copies each declared field into the new
        instance, about 5 % of a search's CPU under load (bench/README.md, 2026-12-06, night). An instance is
        made once per class instead: a schema keeps nothing of one load for the next (marshmallow 4 has no
        ``context``; ``unknown`` is passed to each ``load``), so requests on many threads can share it."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        made: Schema = super()._get_schema(argmap, req)
        return made

    def _raw_load_json(self, req: Any) -> Any:
        document = request_globals().get("json_body", _NOT_PARSED)  # no proxy (api/http/current.py)
        return super()._raw_load_json(req) if document is _NOT_PARSED else document


class BodyLimit:
    """WSGI middleware: a chunked body is read up to ``MAX_CONTENT_LENGTH`` + 1 bytes; over the limit the
    request is marked for a 413, otherwise handed on with its Content-Length.

    Werkzeug would instead stop reading at the limit and hand the view a truncated body (a 400 for invalid
    JSON, or worse, a valid prefix).
    """

    def __init__(self, app: Any, flask_app: Flask) -> None:
        self.app = app
        self.flask_app = flask_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # Transfer-Encoding overrides any Content-Length (RFC 9112 §6.3); the server de-chunked the stream.
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and environ.get("wsgi.input_terminated"):
            limit = self.flask_app.config["MAX_CONTENT_LENGTH"]
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            if len(body) > limit:
                environ[_BODY_TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def _read_at_most(stream: Any, size: int) -> bytes:
    parts, remaining = [], size
    while remaining > 0:
        chunk = stream.read(min(remaining, 64 * 1024))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _front_refusal() -> None:
    """The problem for a request the server's front refused before the application ran (api.http.front)."""
    refusal = current_request().environ.get(FRONT_REFUSAL)
    if refusal is None:
        return
    if refusal == BODY_TIMEOUT:
        raise RequestTimeout("The request body did not arrive in time; send it again, at once.")
    if refusal == TOO_MANY_BODIES:
        raise ServiceUnavailable(
            "The server is reading too many request bodies at once. Retry shortly.",
            headers={"Retry-After": "1"},
        )
    if refusal == BAD_HOST:
        raise BadRequest("An HTTP/1.1 request carries exactly one Host header.", code="bad_host")
    raise BadRequest()


def init_front_refusals(app: Flask) -> None:
    """Before any other check: a request the front refused gets its problem, whatever else it holds."""
    app.before_request(_front_refusal)


def init_input_guard(app: Flask) -> None:
    app.wsgi_app = BodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app (a method assigned)
    app.before_request(_guard)
