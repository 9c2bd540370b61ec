"""Every JSON response a test receives is checked against the committed spec (openapi/v1.json): the schema of
its operation's documented status, or it is a violation. SDKs are generated from that document, so a field
the spec calls required and a response omits would break every client that reads it.

``install()`` connects once to Flask's ``request_finished`` signal (every app the tests build); ``take()``
returns and clears what was found, for the autouse fixture in tests/conftest.py to fail the test with.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
from flask import Flask, Response, request, request_finished

SPEC = json.loads((Path(__file__).resolve().parent.parent / "openapi" / "v1.json").read_text())
_RULE_PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_validators: dict[tuple[str, str, str], Any] = {}
_violations: list[str] = []
_webhook_event: Any = None


def _schema_for(path: str, method: str, status: int) -> dict[str, Any] | None:
    operation = SPEC["paths"].get(path, {}).get(method)
    if operation is None:
        return None
    response = operation["responses"].get(str(status)) or operation["responses"].get("default")
    if response is None:
        _violations.append(f"{method.upper()} {path}: status {status} is not documented")
        return None
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content") or {}
    return next(iter(content.values()), {}).get("schema")


def _documented_headers(path: str, method: str, status: int) -> dict[str, Any]:
    operation = SPEC["paths"].get(path, {}).get(method) or {}
    response = operation.get("responses", {}).get(str(status)) or {}
    headers = {}
    for name, header in response.get("headers", {}).items():
        if "$ref" in header:
            header = SPEC["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
        headers[name] = header
    return headers


def _validator(path: str, method: str, status: int) -> Any:
    key = (path, method, str(status))
    if key not in _validators:
        schema = _schema_for(path, method, status)
        _validators[key] = (
            None
            if schema is None
            else jsonschema_rs.validator_for(
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    **schema,
                    "components": SPEC["components"],
                }
            )
        )
    return _validators[key]


def _check(_sender: Flask, response: Response, **_: Any) -> None:
    if request.url_rule is None or not response.is_json or response.direct_passthrough:
        return
    path = _RULE_PARAMETER.sub(r"{\1}", request.url_rule.rule)
    validator = _validator(path, request.method.lower(), response.status_code)
    if validator is None:
        return
    for name, header in _documented_headers(path, request.method.lower(), response.status_code).items():
        if header.get("required") and name not in response.headers:
            _violations.append(
                f"{request.method} {path} {response.status_code} lacks the required header {name}"
            )
    body = response.get_json(silent=True)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
    if errors:
        _violations.append(
            f"{request.method} {path} {response.status_code} does not match the spec: "
            + "; ".join(errors[:5])
        )
    if request.method == "GET" and path.startswith("/v1/events") and response.status_code == 200:
        _check_events(body.get("data") if "next_cursor" in body else [body])


def _check_events(events: Any) -> None:
    """Every event a test reads back is also what its webhook posts: its ``type``, ``timestamp`` and ``data``
    match the typed payload of its type in the spec's ``webhooks`` section (``WebhookEvent``)."""
    global _webhook_event
    if _webhook_event is None:
        _webhook_event = jsonschema_rs.validator_for(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": "#/components/schemas/WebhookEvent",
                "components": SPEC["components"],
            }
        )
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or "type" not in event:
            continue  # a problem document: checked above
        posted = {key: event.get(key) for key in ("type", "timestamp", "data")}
        errors = [f"{e.instance_path}: {e.message}" for e in _webhook_event.iter_errors(posted)]
        if errors:
            _violations.append(
                f"event {event.get('id')} ({event.get('type')}) does not match its webhook payload in the "
                "spec: " + "; ".join(errors[:5])
            )


def install() -> None:
    request_finished.connect(_check)


def take() -> list[str]:
    found = list(_violations)
    _violations.clear()
    return found
