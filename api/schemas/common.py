"""Schemas shared by every resource: problems, pages, pagination arguments."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate


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
    """RFC 3339 in UTC with ``Z``; input must carry an offset and is converted to UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        from datetime import UTC, datetime

        if isinstance(value, str):  # stored in a JSON column
            value = datetime.fromisoformat(value)

        return str(value.astimezone(UTC).isoformat().replace("+00:00", "Z"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        from datetime import UTC

        return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)
