"""Schemas shared by every resource: problems, pages, pagination arguments, dates and times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

# Every date and time the API accepts lies in these years: far beyond any real appointment, birth or plan,
# yet far enough from Python's and the databases' limits that no arithmetic on them overflows (a plan's
# 12-week default end, a slot search's window, a time zone's offset).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
_RANGE_MESSAGE = f"Must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."


def _with_range(metadata: dict[str, Any]) -> dict[str, Any]:
    """The field's spec description, saying which dates it takes."""
    description = metadata.get("description", "")
    return {**metadata, "description": f"{description} {_RANGE_MESSAGE}".strip()}


def check_date_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_RANGE_MESSAGE)


class StrictSchema(Schema):
    """Request bodies reject unknown fields (422), per the contract."""

    class Meta:
        unknown = RAISE


class ProblemFieldErrorSchema(Schema):
    pointer = fields.String(required=True, metadata={"description": "JSON pointer (RFC 6901) to the value"})
    code = fields.String(required=True)
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    code = fields.String(required=True, metadata={"description": "Stable snake_case error code"})
    request_id = fields.String()
    errors = fields.List(fields.Nested(ProblemFieldErrorSchema))


class PageArgsSchema(Schema):
    """``limit`` above 100 is clamped, not refused; ``cursor`` is the opaque ``next_cursor`` of a page."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1))
    cursor = fields.String(load_default=None, validate=validate.Length(max=1000))


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A named ``{data, has_more, next_cursor}`` schema, so each list has its own component in the spec."""
    attrs: dict[str, Any] = {
        "data": fields.List(fields.Nested(item), required=True),
        "has_more": fields.Boolean(required=True),
        "next_cursor": fields.String(required=True, allow_none=True),
    }
    return type(name, (Schema,), attrs)


class Timestamp(fields.AwareDateTime):
    """RFC 3339 in UTC with ``Z``; input must carry an offset, is converted to UTC and must fall within
    ``EARLIEST_DATE`` … ``LATEST_DATE`` (so that no offset or arithmetic overflows)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", metadata=_with_range(kwargs.pop("metadata", {})), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):  # stored in a JSON column
            value = datetime.fromisoformat(value)
        return str(value.astimezone(UTC).isoformat().replace("+00:00", "Z"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed: datetime = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DATE <= parsed.date() <= LATEST_DATE:
            raise ValidationError(_RANGE_MESSAGE)
        return parsed.astimezone(UTC)


class Date(fields.Date):
    """``YYYY-MM-DD`` within ``EARLIEST_DATE`` … ``LATEST_DATE``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata=_with_range(kwargs.pop("metadata", {})), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed: date = super()._deserialize(value, attr, data, **kwargs)
        check_date_range(parsed)
        return parsed
