"""Every problem a test provokes is declared in the catalogue (``api.http.problems.PROBLEM_TYPES``) with the
status it was sent with: its ``type`` URI, ``/problems/{code}``, has a page, and the docs site lists it.

``install()`` connects once to Flask's ``request_finished`` signal (every app the tests build); ``take()``
returns and clears what was found, for the autouse fixture in tests/conftest.py to fail the test with.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request, request_finished

from api.http.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES

_undeclared: list[str] = []


def check(body: Any, status: int) -> str | None:
    """What is wrong with this problem document against the catalogue, if anything."""
    code = body.get("code") if isinstance(body, dict) else None
    declared = PROBLEM_TYPES.get(str(code))
    if declared is None:
        return f"problem code {code!r} (status {status}) is not declared in api.http.problems.PROBLEM_TYPES"
    if declared.status != status:
        return f"problem code {code!r} was sent with {status}; PROBLEM_TYPES declares {declared.status}"
    return None


def _check(_sender: Flask, response: Response, **_: Any) -> None:
    if response.mimetype != PROBLEM_MEDIA_TYPE or response.direct_passthrough:
        return
    found = check(json.loads(response.get_data()), response.status_code)
    if found:
        _undeclared.append(f"{request.method} {request.path}: {found}")


def install() -> None:
    request_finished.connect(_check)


def take() -> list[str]:
    found = list(_undeclared)
    _undeclared.clear()
    return found
