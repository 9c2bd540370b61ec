"""The committed Postman collection (make postman; CI: make postman-check) covers every operation of the
committed spec, authenticates as a partner system would, and holds nothing random."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = json.loads((ROOT / "openapi" / "v1.json").read_text())
COLLECTION = json.loads(
    (ROOT / "clients" / "postman" / "telemedical-api.postman_collection.json").read_text()
)
METHODS = {"get", "post", "put", "patch", "delete"}


def _requests(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found += _requests(item["item"]) if "item" in item else [item["request"]]
    return found


def _route(request: dict[str, Any]) -> tuple[str, str]:
    path = "/" + "/".join(re.sub(r"^:(.+)$", r"{\1}", part) for part in request["url"]["path"])
    return request["method"].lower(), path


def test_every_operation_of_the_spec_is_a_request() -> None:
    operations = {(m, p) for p, item in SPEC["paths"].items() for m in item if m in METHODS}
    routes = [_route(request) for request in _requests(COLLECTION["item"])]
    assert sorted(routes) == sorted(operations)


def test_requests_authenticate_with_client_credentials_on_the_base_url() -> None:
    auth = {entry["key"]: entry["value"] for entry in COLLECTION["auth"]["oauth2"]}
    assert COLLECTION["auth"]["type"] == "oauth2" and auth["grant_type"] == "client_credentials"
    assert auth["accessTokenUrl"] == "{{baseUrl}}/oauth/token"
    assert (auth["clientId"], auth["clientSecret"]) == ("{{clientId}}", "{{clientSecret}}")
    public = {
        (m, p)
        for p, item in SPEC["paths"].items()
        for m, op in item.items()
        if m in METHODS and op["security"] == []
    }
    for request in _requests(COLLECTION["item"]):
        assert request["url"]["host"] == ["{{baseUrl}}"]
        if _route(request) in public:
            assert request["auth"] == {"type": "noauth"}
        else:
            assert "auth" not in request, _route(request)  # inherits the collection's
        keys = [h for h in request["header"] if h["key"].lower() == "idempotency-key"]
        assert all(h["value"] == "{{$guid}}" for h in keys)


def test_nothing_random_is_committed() -> None:
    text = json.dumps(COLLECTION)
    assert '"_postman_id"' not in text and not re.search(r'"id": "[0-9a-f]{8}-[0-9a-f]{4}-', text)
