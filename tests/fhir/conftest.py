"""The FHIR tests' fixtures: a client whose every successful FHIR answer is validated
(tests/fhir/validators.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.fhir.validators import PROFILE_VALIDATOR, assert_valid

Headers = dict[str, str]


@pytest.fixture(scope="session", autouse=True)
def profile_validator() -> Iterator[None]:
    yield
    PROFILE_VALIDATOR.close()


class Fhir:
    """GET under /fhir/R4; every 200 with a resource body is checked by both validators before it is
    returned."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.read: list[dict[str, Any]] = []  # every resource read, for the must-support checks

    def get(self, path: str, headers: Headers | None = None, **params: Any) -> TestResponse:
        response = self.client.get(f"/fhir/R4/{path.lstrip('/')}", headers=headers or {}, query_string=params)
        if response.status_code == 200 and response.mimetype == "application/fhir+json":
            body = response.get_json()
            assert_valid(body)
            self.read.append(body)
        return response

    def ok(self, path: str, headers: Headers | None = None, **params: Any) -> dict[str, Any]:
        response = self.get(path, headers, **params)
        assert response.status_code == 200, response.get_json()
        assert response.mimetype == "application/fhir+json"
        body: dict[str, Any] = response.get_json()
        return body

    def search(self, path: str, headers: Headers | None = None, **params: Any) -> list[dict[str, Any]]:
        body = self.ok(path, headers, **params)
        assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
        return [e["resource"] for e in body.get("entry", [])]


@pytest.fixture
def fhir(client: FlaskClient) -> Fhir:
    return Fhir(client)
