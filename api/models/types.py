"""Column types shared by the models."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from sqlalchemy import JSON, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")

E = TypeVar("E", bound=StrEnum)


class StrEnumType(TypeDecorator[E]):
    """A domain ``StrEnum`` in a plain string column: the model's attribute is the enum (so mypy catches a
    misspelt state), the database keeps the value as text (no native enum to migrate), and a value that is
    not a member fails before it reaches the database."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)
