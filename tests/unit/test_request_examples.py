"""Every request body in the committed spec (openapi/v1.json) shows at least one example, declared on its
schema in code (``EXAMPLES`` on the StrictSchema, api/schemas); each is valid against the body's schema as
JSON Schema 2020-12 (OpenAPI 3.1's dialect, formats checked), and the server's own parser (the marshmallow
schema) accepts it. tests/http/test_request_examples_posted.py sends some of them to the API."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

import api.schemas
from api.schemas.common import StrictSchema

SPEC = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "v1.json").read_text())
METHODS = ("post", "put", "patch")
BODIES = [
    (f"{method.upper()} {path}", operation["requestBody"]["content"]["application/json"])
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in METHODS and "requestBody" in operation
]
EXAMPLES = [
    pytest.param(media["schema"], name, example["value"], id=f"{where} {name}")
    for where, media in BODIES
    for name, example in media.get("examples", {}).items()
]


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "components": SPEC["components"],
        },
        validate_formats=True,
    )


def _body_schemas() -> list[type[StrictSchema]]:
    for module in pkgutil.iter_modules(api.schemas.__path__):
        importlib.import_module(f"api.schemas.{module.name}")
    found: list[type[StrictSchema]] = []
    todo = list(StrictSchema.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_there_are_request_bodies_to_check() -> None:
    assert len(BODIES) >= 38


@pytest.mark.parametrize(("where", "media"), BODIES, ids=[where for where, _ in BODIES])
def test_every_request_body_has_an_example(where: str, media: dict[str, Any]) -> None:
    examples = media.get("examples") or {}
    assert examples, f"{where}: declare EXAMPLES on its body schema (api/schemas)"
    for example in examples.values():
        assert example["summary"] and isinstance(example["value"], dict)


@pytest.mark.parametrize(("schema", "name", "value"), EXAMPLES)
def test_each_example_is_valid_against_its_schema(schema: dict[str, Any], name: str, value: Any) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in _validator(schema).iter_errors(value)]
    assert not errors, errors


def test_the_validation_can_fail() -> None:
    """The same validator refuses a broken body: a missing required member, an unknown one, a bad format."""
    (patient,) = [media for where, media in BODIES if where == "POST /v1/patients"]
    good = next(iter(patient["examples"].values()))["value"]
    validator = _validator(patient["schema"])
    assert validator.is_valid(good)
    assert not validator.is_valid({k: v for k, v in good.items() if k != "birth_date"})
    assert not validator.is_valid({**good, "nickname": "Jo"})
    assert not validator.is_valid({**good, "birth_date": "12/04/1988"})
    assert not validator.is_valid({**good, "email": "not an address"})


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in _body_schemas() if c.EXAMPLES])
def test_the_servers_parser_accepts_each_example(cls: type[StrictSchema]) -> None:
    for summary, value in cls.EXAMPLES.items():
        cls().load(value)  # raises ValidationError: unknown fields, values the API refuses
        assert summary.strip()


def test_examples_are_fictional() -> None:
    """No real contact details: example.com addresses, 555-01xx phone numbers, example hosts."""
    text = json.dumps([value for _, _, value in (p.values for p in EXAMPLES)])
    emails = re.findall(r"[\w.+-]+@[\w.-]+", text)
    assert emails and all(email.endswith("@example.com") for email in emails), emails
    assert '"+1212555' in text and "example-clinic.com" in text
