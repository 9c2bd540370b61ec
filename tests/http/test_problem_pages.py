"""/problems and /problems/{code}: every problem code, from the one catalogue (api.http.problems), as HTML for
a person and JSON for a program; each page says the status, when it happens, what to do, and shows an
example that is a valid Problem of the committed spec."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from flask.testing import FlaskClient

import api.app  # noqa: F401  (imports every module that declares an error)
from api.errors import DomainError
from api.http.problems import HTTP_CODES, PROBLEM_TYPES, STATUS_ADVICE, problem_example
from tests.helpers import bearer, cc_token
from tests.problem_catalogue import check
from tests.world import World

ISSUER = "http://127.0.0.1:8000"
JSON = {"Accept": "application/json"}
SPEC = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "v1.json").read_text())
# Domain errors that never become a problem document: the sign-in page answers RFC 6749's access_denied.
NOT_PROBLEMS = {"access_denied"}


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_the_index_lists_every_code_with_its_title_and_link(client: FlaskClient) -> None:
    page = client.get("/problems")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    linked = re.findall(r'<a href="([^"]+)"><code>([a-z_]+)</code></a></td><td>(\d+)</td>', text)
    assert [code for _, code, _ in linked] == sorted(PROBLEM_TYPES)
    for href, code, status in linked:
        assert href == f"{ISSUER}/problems/{code}" and int(status) == PROBLEM_TYPES[code].status
    assert "default-src 'none'" in page.headers["Content-Security-Policy"] and "<script" not in text


def test_the_index_as_json_links_pages_that_exist(client: FlaskClient) -> None:
    index = client.get("/problems", headers=JSON)
    assert index.status_code == 200 and index.mimetype == "application/json"
    listed = index.get_json()["data"]
    assert [item["code"] for item in listed] == sorted(PROBLEM_TYPES)
    for item in listed:
        declared = PROBLEM_TYPES[item["code"]]
        assert (item["status"], item["title"], item["description"]) == (
            declared.status,
            declared.title,
            declared.doc,
        )
        assert item["href"] == f"{ISSUER}/problems/{item['code']}"
        assert client.get(f"/problems/{item['code']}").status_code == 200


def test_a_page_says_the_status_when_it_happens_what_to_do_and_shows_an_example(client: FlaskClient) -> None:
    text = client.get("/problems/consent_required").get_data(as_text=True)
    assert "422 Rule violation" in text
    assert "A required consent (see missing_consents) is not on record; record it first." in text
    assert "Correct what <code>detail</code> and <code>errors</code> name" in text
    shown = json.loads(html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", text, re.S).group(1)))
    assert shown == problem_example("consent_required", ISSUER)
    assert shown["missing_consents"] == ["ketamine_treatment"] and shown["status"] == 422
    assert "`" not in text and "<script" not in text


def test_a_page_as_json(client: FlaskClient) -> None:
    page = client.get("/problems/rate_limited", headers=JSON).get_json()
    assert page["code"] == "rate_limited" and page["status"] == 429
    assert page["what_to_do"] == STATUS_ADVICE[429] and "Retry-After" in page["what_to_do"]
    assert page["example"]["type"] == f"{ISSUER}/problems/rate_limited"


def test_an_unknown_code_has_no_page(client: FlaskClient) -> None:
    assert client.get("/problems/no_such_code").status_code == 404
    missing = client.get("/problems/no_such_code", headers=JSON)
    assert missing.status_code == 404 and missing.get_json()["code"] == "no_such_code"


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_every_example_is_a_problem_of_the_spec(code: str) -> None:
    validator = jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/components/schemas/Problem",
            "components": SPEC["components"],
        }
    )
    example = problem_example(code, ISSUER)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(example)]
    assert not errors, errors
    assert example["code"] == code and example["status"] == PROBLEM_TYPES[code].status
    assert PROBLEM_TYPES[code].status in STATUS_ADVICE


def test_an_example_has_the_members_the_service_sends(client: FlaskClient, world: World) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    sent: dict[str, Any] = client.get("/v1/patients/pat_nope", headers=headers).get_json()
    example = problem_example("not_found", ISSUER)
    assert set(example) == set(sent) and example["title"] == sent["title"] == "Patient not found"


def test_every_error_class_and_http_code_is_declared_with_its_status() -> None:
    classes = [cls for cls in _subclasses(DomainError) if cls.code not in NOT_PROBLEMS]
    assert len(classes) > 20
    for cls in classes:
        assert check({"code": cls.code}, cls.status) is None, cls
    for status, code in HTTP_CODES.items():
        if status != 304:  # not_modified has no body
            assert check({"code": code}, status) is None, code


def test_the_guard_names_an_undeclared_code_or_a_wrong_status() -> None:
    assert "not declared" in (check({"code": "no_such_code"}, 422) or "")
    assert "declares 404" in (check({"code": "not_found"}, 409) or "")
    assert check({"code": "not_found"}, 404) is None
