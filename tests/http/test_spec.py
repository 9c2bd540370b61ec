"""The committed spec is what the code serves, and every operation is documented for SDK generators."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.http.blueprint import CREATES
from api.spec import render_spec

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "v1.json"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.get_json())


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_committed_spec_matches_the_code(app: Flask) -> None:
    assert SPEC_PATH.read_text() == render_spec(app), (
        "openapi/v1.json is stale: run `telemedical openapi write openapi/v1.json` (make spec)"
    )


def test_spec_is_openapi_31_with_oauth(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    flows = spec["components"]["securitySchemes"]["oauth2"]["flows"]
    assert set(flows) == {"clientCredentials", "authorizationCode"}


def test_every_operation_is_documented(spec: dict[str, Any]) -> None:
    ids = []
    for path, method, op in _operations(spec):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][A-Za-z]+", op.get("operationId", "")), where
        ids.append(op["operationId"])
        assert op.get("summary") and op.get("tags"), where
        assert "security" in op, where
        errors = {code for code in op["responses"] if code.startswith(("4", "5"))}
        if op["security"]:
            (requirement,) = op["security"]
            # Each operation names the scopes it needs; only getMe needs none (any valid token).
            assert requirement["oauth2"] or op["operationId"] == "getMe", where
            assert {"401", "429"} <= errors and ("403" in errors) == bool(requirement["oauth2"]), where
        for code in errors:
            assert op["responses"][code] == {"$ref": f"#/components/responses/{_name(code)}"}, where
        if method == "post" and op["security"]:
            headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in headers, where
    assert len(ids) == len(set(ids))
    assert {"createPatient", "listPatients", "getPatient", "updatePatient"} <= set(ids)


def _name(code: str) -> str:
    import http

    return http.HTTPStatus(int(code)).name


def test_every_creating_operation_declares_its_resource_and_its_location(spec: dict[str, Any]) -> None:
    """A 201 names the model it creates (Blueprint.operation(creates=...)); Location is documented exactly
    for those the API serves (their model declares a path, api/models/resources.py)."""
    created = {
        op["operationId"]: op["responses"]["201"]
        for _, _, op in _operations(spec)
        if "201" in op["responses"]
    }
    assert set(created) == set(CREATES)
    located = {name for name, response in created.items() if "Location" in response.get("headers", {})}
    assert located == {name for name, resource in CREATES.items() if resource.path}
    assert {"createPatient", "assignProvider", "createWebhookEndpoint"} <= located
    assert "createPartner" not in located  # no GET serves one partner


def test_error_responses_are_problem_json(spec: dict[str, Any]) -> None:
    for name, response in spec["components"]["responses"].items():
        if "content" in response and name not in ("NOT_MODIFIED",):
            assert list(response["content"]) == ["application/problem+json"], name
            assert response["content"]["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }


def test_schemas_are_named_components(spec: dict[str, Any]) -> None:
    for path, method, op in _operations(spec):
        for response in op["responses"].values():
            for media in response.get("content", {}).values():
                schema = media.get("schema", {})
                assert "$ref" in schema or schema.get("type") == "string", f"{method} {path}"
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body:
            assert "$ref" in body, f"{method} {path}"
