"""Schemathesis hooks for contract fuzzing (loaded through ``hooks`` in tests/contract/schemathesis.toml).

Applied to schema-valid (positive) headers and cases only; negative ones are sent as generated, so the
refusals (400, 412, 428) are still exercised:

* ``Idempotency-Key``: a fresh key per operation. Generated keys come from a small alphabet and repeat
  across cases, and a repeated key with another body is rightly refused (422 ``idempotency_key_reused``),
  which stops the request before the logic under test. The generated key is kept as a prefix.
* ``If-Match`` on PATCH: the resource's current ``ETag`` (read with the case's own credentials), so an
  update reaches validation and the database instead of stopping at 412. A resource that cannot be read
  (unknown id, another tenant's) keeps the generated value.
* Hostile values: in one case in five, one string or integer of the JSON body or the query becomes a value
  that has caused 5xx before (docs/api-contract.md "Bad input never causes a 5xx"): a NUL byte, a date or
  time at the edge of the calendar or with an extreme offset, an integer beyond 64 bits. Random generation
  reaches these too, but rarely within a few minutes. Such a case stays schema-valid, so a 4xx refusal
  of it is not held against positive_data_acceptance (``filter_failure``); a NUL byte must be refused
  with a 4xx, never accepted (``nul_bytes_refused``); a 5xx fails not_a_server_error as usual.
  (Lone surrogates are not injected: Schemathesis cannot revalidate a case holding one and aborts the
  run. tests/http covers them.)
"""

from __future__ import annotations

import itertools
import os
import random
import re
import secrets
import threading
from datetime import date
from typing import Any

import requests
import schemathesis
from schemathesis.core.parameters import ParameterLocation

HOSTILE_RATE = 0.2
HOSTILE_STRINGS = ("a\x00b", "\x00", "\x00\ufffe", "0\x00" * 3)
HOSTILE_DATETIMES = (
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00Z",
)
HOSTILE_DATES = ("9999-12-31", "0001-01-01")
HOSTILE_INTEGERS = (2**63, -(2**63) - 1, 10**30, 2**31)
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")

_RUN = secrets.token_hex(4)
_SEQUENCE = itertools.count()
_HTTP = requests.Session()
_RANDOM = random.Random(os.environ.get("FUZZ_SEED", "0"))
_LOCK = threading.Lock()
# Ids of the cases given a hostile value, with that value.
_HOSTILE: dict[str, Any] = {}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    meta = case.meta
    headers = case.headers
    if headers is not None and not (meta is not None and meta.is_negative_at(ParameterLocation.HEADER)):
        key = headers.get("Idempotency-Key")
        if isinstance(key, str) and key.strip() and key.isprintable() and len(key) <= 255:
            headers["Idempotency-Key"] = f"{key[:200]}-{_RUN}-{next(_SEQUENCE)}"
        if case.method.upper() == "PATCH" and isinstance(headers.get("If-Match"), str):
            etag = _current_etag(case)
            if etag:
                headers["If-Match"] = etag
    if meta is not None and meta.generation.mode.is_negative:
        return
    with _LOCK:
        hostile = _RANDOM.random() < HOSTILE_RATE
        pick = _RANDOM.random()
        choice = _RANDOM.randrange(1 << 30)
    if hostile:
        value = _make_hostile(case, pick, choice)
        if value is not None:
            with _LOCK:
                _HOSTILE[case.id] = value


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but a 4xx refusal (ST202) of a case made hostile on purpose, or of one whose
    generated strings hold a NUL byte refused as such (422 ``invalid_character`` at that very part): JSON
    Schema cannot say "no NUL" short of a pattern on every string, and the contract refuses them."""
    if getattr(failure, "code", None) != "ST202" or not 400 <= response.status_code < 500:
        return True
    return not (case.id in _HOSTILE or _refused_for_nul(case, response) or _reversed_window(case, response))


def _refused_for_nul(case: Any, response: Any) -> bool:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return False
    sent = repr((case.path_parameters, case.query, case.body, case.headers))
    return bool(errors) and "\\x00" in sent and all(e.get("code") == "invalid_character" for e in errors)


def _reversed_window(case: Any, response: Any) -> bool:
    """A population-outcomes window that ends before it starts is refused (422 at ``/started_to``, as its
    parameter's description says): a rule between two parameters, which JSON Schema cannot state."""
    query = case.query or {}
    start, end = query.get("started_from"), query.get("started_to")
    if not (isinstance(start, str) and isinstance(end, str) and response.status_code == 422):
        return False
    try:
        errors = response.json().get("errors") or []
        reversed_ = date.fromisoformat(end) < date.fromisoformat(start)
    except ValueError:
        return False
    return reversed_ and [e.get("pointer") for e in errors] == ["/started_to"]


@schemathesis.check
def nul_bytes_refused(ctx: Any, response: Any, case: Any) -> bool | None:
    """A NUL byte in a string is refused with a 4xx problem (docs/api-contract.md), not accepted."""
    value = _HOSTILE.get(case.id)
    if isinstance(value, str) and "\x00" in value and response.status_code < 400:
        raise AssertionError(f"A string with a NUL byte ({value!r}) was accepted: {response.status_code}")
    return None


def _current_etag(case: Any) -> str | None:
    authorization = (case.headers or {}).get("Authorization")
    if not authorization:
        return None
    base = case.operation.schema.get_base_url().rstrip("/")
    try:
        response = _HTTP.get(
            f"{base}{case.formatted_path}", headers={"Authorization": authorization}, timeout=30
        )
    except requests.RequestException:
        return None
    return response.headers.get("ETag") if response.status_code == 200 else None


def _make_hostile(case: Any, pick: float, choice: int) -> Any:
    """Replace one string or integer leaf of the JSON body or the query with a hostile value."""
    leaves: list[tuple[Any, Any, Any]] = []  # (container, key, value)
    if isinstance(case.body, (dict, list)):
        _collect(case.body, leaves)
    if isinstance(case.query, dict):
        _collect(case.query, leaves, depth=1)
    if not leaves:
        return None
    container, key, value = leaves[int(pick * len(leaves))]
    if isinstance(value, int):
        values: tuple[Any, ...] = HOSTILE_INTEGERS
    elif DATETIME.match(value):
        values = HOSTILE_DATETIMES
    elif DATE.match(value):
        values = HOSTILE_DATES
    else:
        values = HOSTILE_STRINGS
    container[key] = values[choice % len(values)]
    return container[key]


def _collect(node: Any, leaves: list[tuple[Any, Any, Any]], depth: int = 8) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, bool):
            continue
        if isinstance(value, (str, int)):
            leaves.append((node, key, value))
        elif isinstance(value, (dict, list)) and depth > 1:
            _collect(value, leaves, depth - 1)
