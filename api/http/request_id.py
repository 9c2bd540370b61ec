"""``X-Request-ID`` on every response: the caller's (when it is a sane token) or a new one."""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_for(incoming: str) -> str:
    """The request's id: the caller's ``X-Request-ID`` when it is a valid one, else a new random one."""
    return incoming if VALID_REQUEST_ID.match(incoming) else secrets.token_hex(16)


def _assign() -> None:
    g.request_id = request_id_for(request.headers.get(HEADER, ""))


def _echo(response: Response) -> Response:
    response.headers[HEADER] = g.get("request_id") or ""
    return response


def init_request_id(app: Flask) -> None:
    app.before_request(_assign)
    app.after_request(_echo)
