"""Schemas shared by every resource: problems, pages, pagination arguments, dates and times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate

from api.domain.reference import BCP47, is_valid_timezone

# Every date and time the API accepts lies in these years (as written, before any offset is applied): far
# beyond any real appointment, birth or plan, yet far enough from Python's and the databases' limits that no
# arithmetic on them overflows (a plan's 12-week default end, a slot search's window, a time zone's offset).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
_RANGE_MESSAGE = f"Must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
# The same range in the spec, as whole-value patterns (generators and validators can both use them).
_DAY = "(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = f"^{_DAY}$"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?"
TIMESTAMP_PATTERN = f"^{_DAY}T{_TIME}(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"


_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)


def _with_range(metadata: dict[str, Any], pattern: str) -> dict[str, Any]:
    """The field's spec: which values it takes, as a pattern and in words."""
    description = metadata.get("description", "")
    return {**metadata, "pattern": pattern, "description": f"{description} {_RANGE_MESSAGE}".strip()}


def check_date_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_RANGE_MESSAGE)


class StrictSchema(Schema):
    """Request bodies reject unknown fields (422), per the contract.

    ``EXAMPLES`` (a summary -> a body): what the spec shows for a request body of this schema, declared on
    the schema (api.http.blueprint.Blueprint.arguments); each is checked against the committed spec, and
    every request body must have one (tests/unit/test_request_examples.py). Fictional values, never PHI.
    """

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {}

    class Meta:
        unknown = RAISE


def request_examples(schema: Any) -> dict[str, dict[str, Any]]:
    """A body schema's ``EXAMPLES`` as OpenAPI Example Objects, named from their summaries."""
    declared: dict[str, dict[str, Any]] = getattr(
        schema if isinstance(schema, type) else type(schema), "EXAMPLES", {}
    )
    return {
        re.sub(r"[^a-z0-9]+", "_", summary.lower()).strip("_"): {"summary": summary, "value": value}
        for summary, value in declared.items()
    }


class ProblemFieldErrorSchema(Schema):
    pointer = fields.String(required=True, metadata={"description": "JSON pointer (RFC 6901) to the value"})
    code = fields.String(required=True)
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """An error, as ``application/problem+json`` (RFC 9457).

    ``type title status detail code request_id errors`` are reserved; ``status`` is always the HTTP status.
    Some codes add extension members (declared below); others may be added within v1, so clients must
    ignore members they do not know.
    """

    class Meta:
        unknown = INCLUDE  # extension members (RFC 9457 §3.2): additionalProperties is true

    type = fields.String(required=True, metadata={"description": "URI of the page that explains `code`"})
    title = fields.String(required=True)
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    detail = fields.String()
    code = fields.String(required=True, metadata={"description": "Stable snake_case error code"})
    request_id = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(ProblemFieldErrorSchema))
    current_status = fields.String(
        metadata={"description": "`invalid_transition`: the resource's status when the action was refused"}
    )
    action = fields.String(metadata={"description": "`invalid_transition`: the action that was refused"})
    allowed_actions = fields.List(
        fields.String(), metadata={"description": "`invalid_transition`: the actions the status allows"}
    )
    missing_consents = fields.List(
        fields.String(), metadata={"description": "`consent_required`: the consent types still missing"}
    )
    failed_filters = fields.List(
        fields.String(),
        metadata={"description": "`provider_not_qualified`: the hard matching filters the provider fails"},
    )


# --- fields every resource uses alike ------------------------------------------------------------------
# The size of every language column; RFC 5646 §4.4.1 asks implementations to take tags of 35 characters.
LANGUAGE_TAG_MAX_LENGTH = 35


def language_tag(**kwargs: Any) -> fields.String:
    """A BCP 47 language tag (``en``, ``es-MX``), at most 35 characters."""
    metadata = {"description": "BCP 47 language tag, e.g. `en` or `es-MX`", **kwargs.pop("metadata", {})}
    return fields.String(
        validate=[
            validate.Length(max=LANGUAGE_TAG_MAX_LENGTH),
            validate.Regexp(BCP47, error="Use a BCP 47 language tag, e.g. en or es-MX."),
        ],
        metadata=metadata,
        **kwargs,
    )


def _timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError("Not a valid IANA time zone (e.g. America/New_York).")


def time_zone(**kwargs: Any) -> fields.String:
    """An IANA time zone name, checked against the tz database the service runs with."""
    metadata = {
        "description": "IANA time zone name (tz database), e.g. `America/New_York`; `UTC` is accepted",
        "example": "America/New_York",
        **kwargs.pop("metadata", {}),
    }
    return fields.String(validate=_timezone, metadata=metadata, **kwargs)


def enum_field(enum: type[StrEnum], **kwargs: Any) -> fields.Enum[Any]:
    """A domain enum's value in JSON, loaded as the enum member (services take the type, not a string)."""
    metadata = {"type": "string", **kwargs.pop("metadata", {})}
    return fields.Enum(enum, by_value=True, metadata=metadata, **kwargs)


class Boolean(fields.Boolean):
    """A JSON ``true`` or ``false`` only: marshmallow's own also takes ``0``, ``1``, ``"yes"`` and the
    like, which the spec (``type: boolean``) does not, and a client that sends them has a bug to hear of."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _no_repeats(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Must not repeat a value.")


def unique_list(item: fields.Field[Any], *, validators: Any = (), **kwargs: Any) -> fields.List[Any]:
    """A list whose items may not repeat (``uniqueItems`` in the spec, 422 on a repeat)."""
    metadata = {"uniqueItems": True, **kwargs.pop("metadata", {})}
    return fields.List(item, validate=[*validators, _no_repeats], metadata=metadata, **kwargs)


_NOT_EMPTY = "May not be empty; leave the parameter out instead."


class PageArgsSchema(Schema):
    """``limit`` above 100 is clamped, not refused; ``cursor`` is the opaque ``next_cursor`` of a page.

    A parameter given with no value (``?email=``, ``?status=``) is refused (422 ``invalid_length``), never
    read as "no filter": a client whose variable was empty would otherwise be handed every record (issue 22,
    finding 13). Every text or list parameter of every list gets that rule here, and ``minLength`` /
    ``minItems`` 1 in the spec.
    """

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        enumerated = any(isinstance(v, validate.OneOf) for v in field_obj.validators)  # "" is not a choice
        if isinstance(field_obj, fields.String | fields.List) and not enumerated:
            field_obj.validators = [*field_obj.validators, validate.Length(min=1, error=_NOT_EMPTY)]

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
        metadata = _with_range(kwargs.pop("metadata", {}), TIMESTAMP_PATTERN)
        super().__init__(format="iso", metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):  # stored in a JSON column
            value = datetime.fromisoformat(value)
        if value.tzinfo is not UTC:  # stored values are UTC already (api.db.UTCDateTime)
            value = value.astimezone(UTC)
        return str(value.isoformat().replace("+00:00", "Z"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed: datetime = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DATE <= parsed.date() <= LATEST_DATE:  # the date as written, in its own offset
            raise ValidationError(_RANGE_MESSAGE)
        if not _TIMESTAMP.fullmatch(value):  # what the spec's pattern says: RFC 3339 with seconds
            raise ValidationError(
                "Use an RFC 3339 date-time with seconds and an offset, e.g. 2026-01-02T09:00:00Z."
            )
        return parsed.astimezone(UTC)


class Date(fields.Date):
    """``YYYY-MM-DD`` within ``EARLIEST_DATE`` … ``LATEST_DATE``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata=_with_range(kwargs.pop("metadata", {}), DATE_PATTERN), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed: date = super()._deserialize(value, attr, data, **kwargs)
        check_date_range(parsed)
        return parsed
