"""``X-Request-ID`` on every response: the caller's (when it is a sane token) or a new one."""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response

from api.http.current import current_request, request_globals

HEADER = "X-Request-ID"
_ENVIRON_KEY = "HTTP_X_REQUEST_ID"  # the header as WSGI carries it
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_for(incoming: str) -> str:
    """The request's id: the caller's ``X-Request-ID`` when it is a valid one, else a new random one."""
    return incoming if VALID_REQUEST_ID.match(incoming) else secrets.token_hex(16)


def _assign() -> None:
    # Before and after every request: the context's objects, not their proxies (api/http/current.py).
    request_globals().request_id = request_id_for(current_request().environ.get(_ENVIRON_KEY, ""))


def _echo(response: Response) -> Response:
    response.headers[HEADER] = request_globals().get("request_id") or ""
    return response


def init_request_id(app: Flask) -> None:
    app.before_request(_assign)
    app.after_request(_echo)
