"""Keyset cursor pagination: opaque, signed cursors; ``{data, has_more, next_cursor}`` and ``Link``.

A cursor names the list it belongs to and the (created_at, id) of the last row served; it is signed
so that a tampered or foreign cursor is refused (400 ``invalid_cursor``) rather than misread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Response
from marshmallow import ValidationError

from api.config import get_settings
from api.errors import InvalidCursor
from api.http import audit
from api.http.current import current_request
from api.http.json_provider import json_bytes, object_response
from api.schemas.common import check_date_range
from api.services.directory_pages import RenderedPage
from api.services.paging import Page, PageRequest

MAX_LIMIT = 100
T = TypeVar("T")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: bytes) -> bytes:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"cursor:" + payload, hashlib.sha256).digest()[:16]


def encode_cursor(list_name: str, key: tuple[datetime, str]) -> str:
    payload = json.dumps(
        {"l": list_name, "t": key[0].isoformat(), "i": key[1]}, separators=(",", ":")
    ).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode_cursor(list_name: str, cursor: str) -> tuple[datetime, str]:
    """The (created_at, id) a cursor names. Its content is checked even when the signature holds: whoever
    knows the secret (a leaked or development one) must not reach the database with an unusable key."""
    try:
        body, _, signature = cursor.partition(".")
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(signature), _sign(payload)):
            raise ValueError("bad signature")
        data = json.loads(payload)
        if data["l"] != list_name:
            raise ValueError("cursor of another list")
        created_at, row_id = datetime.fromisoformat(data["t"]), data["i"]
        if created_at.tzinfo is None or not isinstance(row_id, str) or not row_id.isprintable():
            raise ValueError("not a key of this list")
        check_date_range(created_at.astimezone(UTC).date())
        return created_at, row_id
    except (ValueError, KeyError, TypeError, OverflowError, ValidationError) as exc:
        raise InvalidCursor("The cursor is malformed or belongs to another list.") from exc


def page_request(list_name: str, args: dict[str, Any]) -> PageRequest:
    limit = min(int(args.get("limit") or 20), MAX_LIMIT)
    cursor = args.get("cursor")
    return PageRequest(limit=limit, after=decode_cursor(list_name, cursor) if cursor else None)


def page_links(
    list_name: str, has_more: bool, last_key: tuple[datetime, str] | None
) -> tuple[str | None, dict[str, str]]:
    """A page's ``next_cursor`` and headers (``Link: <…>; rel="next"``: this request's query, the cursor)."""
    next_cursor = encode_cursor(list_name, last_key) if has_more and last_key else None
    headers: dict[str, str] = {}
    if next_cursor:
        request = current_request()  # on every page with a next one: no proxy (api/http/current.py)
        params = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
        params.append(("cursor", next_cursor))
        # From ISSUER, the service's public address: never from the request's Host, which the caller chose.
        base = get_settings().issuer
        headers["Link"] = f'<{base}{request.path}?{urlencode(params)}>; rel="next"'
    return next_cursor, headers


def page_body(list_name: str, page: Page[T]) -> tuple[dict[str, Any], dict[str, str]]:
    """The response body and headers (``Link: <…>; rel="next"``) for a page."""
    next_cursor, headers = page_links(list_name, page.has_more, page.last_key)
    return {"data": list(page.items), "has_more": page.has_more, "next_cursor": next_cursor}, headers


def rendered_page_response(list_name: str, page: RenderedPage) -> tuple[Response, dict[str, str]]:
    """The response for a page whose ``data`` array is JSON already (api.services.directory_pages): the same
    bytes and headers as ``page_body`` gives for the same page. The read's audit row names the ids listed."""
    next_cursor, headers = page_links(list_name, page.has_more, page.last_key)
    listed = [{"id": item_id} for item_id in page.ids]
    audit.capture({"data": listed, "has_more": page.has_more, "next_cursor": next_cursor})
    members = (
        ("data", page.data),
        ("has_more", json_bytes(page.has_more)),
        ("next_cursor", json_bytes(next_cursor)),
    )
    return object_response(members), headers
