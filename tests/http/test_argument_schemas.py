"""An operation's argument schema is made once and shared by every request (api/http/input_guard.py,
``JsonBodyParser``): webargs would make one per request. Shared, it must still give each request its own
arguments, or its own errors, however many threads parse at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask, request
from werkzeug.exceptions import HTTPException

from api.http.blueprint import Blueprint
from api.schemas.providers import ProviderQueryArgsSchema
from tests.helpers import bearer, cc_token
from tests.world import partner_with_portal

# (query string, what it loads to, or the fields its error names)
CASES: list[tuple[str, dict[str, Any] | None, set[str]]] = [
    ("state=CA&limit=5", {"state": "CA", "limit": 5}, set()),
    ("state=NY&route=oral&limit=7", {"state": "NY", "route": "oral", "limit": 7}, set()),
    ("language=es&accepting_new_patients=false", {"language": "es", "accepting_new_patients": False}, set()),
    ("state=ZZ", None, {"state"}),
    ("limit=0&route=oral", None, {"limit"}),
    ("route=smoke&state=CA", None, {"route"}),
    ("specialty=&limit=3", None, {"specialty"}),
]


def _parse(app: Flask, index: int) -> tuple[int, dict[str, Any] | None, set[str]]:
    case = index % len(CASES)
    with app.test_request_context(f"/v1/providers?{CASES[case][0]}"):
        try:
            loaded = Blueprint.ARGUMENTS_PARSER.parse(ProviderQueryArgsSchema, request, location="query")
        except HTTPException as error:
            messages = getattr(error, "data", {}).get("messages", {}).get("query", {})
            return case, None, set(messages)
    return case, loaded, set()


def test_many_threads_parsing_at_once_each_get_their_own_arguments_or_errors(app: Flask) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda index: _parse(app, index), range(700)))

    for case, loaded, failed in results:
        _, expected, expected_failures = CASES[case]
        assert failed == expected_failures, CASES[case][0]
        if expected is not None:
            assert loaded is not None and {k: loaded.get(k) for k in expected} == expected, CASES[case][0]


def test_an_argument_schema_is_made_once_not_per_request(
    app: Flask, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    original = ProviderQueryArgsSchema.__init__

    def counting(self: ProviderQueryArgsSchema, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ProviderQueryArgsSchema, "__init__", counting)
    _, portal = partner_with_portal(db, "Schema partner")
    client = app.test_client()
    token = cc_token(client, portal)
    statuses = [
        client.get(f"/v1/providers?{query}", headers=bearer(token)).status_code
        for query in ("state=CA", "state=NY&limit=3", "state=ZZ", "route=oral")
    ]

    assert statuses == [200, 200, 422, 200]
    assert len(made) <= 1  # at most the first use in this process; never one a request
