"""A representation for the hot reads: a marshmallow schema's dump, planned once, and its JSON written once.

``GET /v1/patients/{id}`` and ``GET /v1/consultations/{id}`` are the calls partners make most. flask-smorest
dumps the view's result through the response schema (marshmallow walks every field's ``serialize``, its
accessor and its default, each time), writes it as JSON for the body, then writes it as JSON again for the
strong ETag. ``Representation`` reads the schema once and keeps, for each field, what that walk would do:
where the value comes from, its default, and how it is written (``String``, ``Boolean``, ``Nested`` and
``List`` inline; every other field through its own ``_serialize``, exactly as marshmallow calls it). A field
it cannot plan (a ``Method``, a dotted ``attribute``, a field overriding ``serialize`` or ``get_value``) and a
schema with dump hooks are dumped by marshmallow itself. The result is the same dict, in the same order, as
``schema.dump`` gives (tests/unit/test_representation.py checks that over generated records).

The schema stays the one source of the shape: the spec, the SDKs and every other response are still made
from it; this only skips the per-request walk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.utils import ensure_text_type, get_value

# How a field writes a value it was given: marshmallow's ``Field._serialize(value, attr, obj)``.
Writer = Callable[[Any, str, Any], Any]


def _string_writer(value: Any, attr: str, obj: Any) -> Any:
    if value is None or type(value) is str:
        return value
    return ensure_text_type(value)


def _writer(field: fields.Field[Any]) -> Writer:
    """What ``field._serialize`` does, inline where it is simple enough (the field's class does not change
    it), else the field's own ``_serialize``."""
    method: Any = type(field)._serialize  # compared with the classes' own: is it theirs?
    if method is fields.String._serialize:
        return _string_writer
    if method is fields.Boolean._serialize:
        serialize = field._serialize

        def boolean(value: Any, attr: str, obj: Any) -> Any:
            if value is None or type(value) is bool:
                return value
            return serialize(value, attr, obj)

        return boolean
    if method is fields.Nested._serialize and isinstance(field, fields.Nested):
        schema = field.schema
        nested = Representation(schema)
        many = bool(schema.many or field.many)

        def nested_writer(value: Any, attr: str, obj: Any) -> Any:
            if value is None:
                return None
            if nested.hooked:
                return schema.dump(value, many=many)
            return nested.dump_many(value) if many else nested.dump(value)

        return nested_writer
    if method is fields.List._serialize and isinstance(field, fields.List):
        inner = _writer(field.inner)

        def list_writer(value: Any, attr: str, obj: Any) -> Any:
            if value is None:
                return None
            return [inner(each, attr, obj) for each in value]

        return list_writer
    return field._serialize


def _getter(key: str) -> Callable[[Any], Any]:
    """marshmallow's accessor (``utils.get_value``) for an undotted key: ``obj[key]`` where ``obj`` has items
    (falling back to the attribute), else the attribute; ``missing`` when neither is there."""

    def get(obj: Any) -> Any:
        if type(obj) is dict:
            return obj[key] if key in obj else getattr(obj, key, missing)
        if not hasattr(obj, "__getitem__"):
            return getattr(obj, key, missing)
        return get_value(obj, key, missing)

    return get


class _Step:
    """One field of the plan: its key in the output and how its value is read, defaulted and written."""

    __slots__ = ("attr", "default", "field", "get", "key", "write")

    def __init__(self, schema: Schema, name: str, field: fields.Field[Any]) -> None:
        self.attr = name
        self.key = field.data_key if field.data_key is not None else name
        self.field = field
        self.default = field.dump_default
        source = field.attribute if field.attribute is not None else name
        planned = (
            field._CHECK_ATTRIBUTE
            and "." not in source
            and type(field).serialize is fields.Field.serialize
            and type(field).get_value is fields.Field.get_value
            and type(schema).get_attribute is Schema.get_attribute
        )
        # None: marshmallow's own ``field.serialize`` (what ``Schema.dump`` calls), for what is not planned.
        self.get: Callable[[Any], Any] | None = _getter(source) if planned else None
        self.write: Writer = _writer(field)


class Representation:
    """``schema.dump(obj, many=False)``, planned once (the module's docstring)."""

    def __init__(self, schema: Schema | type[Schema]) -> None:
        self.schema = schema() if isinstance(schema, type) else schema
        # Dump hooks see the whole input and output: such a schema is dumped by marshmallow.
        self.hooked = bool(self.schema._hooks.get("pre_dump") or self.schema._hooks.get("post_dump"))
        self._steps: list[_Step] | None = (
            None
            if self.hooked
            else [_Step(self.schema, name, field) for name, field in self.schema.dump_fields.items()]
        )

    def dump(self, obj: Any) -> dict[str, Any]:
        """One object's representation."""
        if self._steps is None:
            dumped: dict[str, Any] = self.schema.dump(obj, many=False)
            return dumped
        out: dict[str, Any] = {}
        accessor = self.schema.get_attribute
        for step in self._steps:
            if step.get is None:
                value = step.field.serialize(step.attr, obj, accessor=accessor)
                if value is not missing:
                    out[step.key] = value
                continue
            value = step.get(obj)
            if value is missing:
                default = step.default
                value = default() if callable(default) else default
                if value is missing:
                    continue
            out[step.key] = step.write(value, step.attr, obj)
        return out

    def dump_many(self, objs: Any) -> list[dict[str, Any]]:
        return [self.dump(obj) for obj in objs]
