"""415 for a request body that is not JSON, before anything tries to parse it."""

from __future__ import annotations

from flask import Flask, Request

from api.errors import DomainError
from api.http.current import current_request

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


def _has_body(request: Request) -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _check_media_type() -> None:
    request = current_request()  # before every request: the request itself, not its proxy
    needs_json = request.method in _BODY_METHODS and request.path.startswith("/v1/") and _has_body(request)
    if needs_json and not _is_json(request.mimetype):
        raise UnsupportedMediaType(
            f"Send the body as application/json (got {request.mimetype or 'no Content-Type'}).",
            headers={"Accept-Post": "application/json", "Accept-Patch": "application/json"},
        )


def init_media_type_check(app: Flask) -> None:
    app.before_request(_check_media_type)
