"""The keyset query behind every list: newest first, on (created_at, id), stable under inserts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: tuple[datetime, str] | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    has_more: bool
    last_key: tuple[datetime, str] | None


def keyset(stmt: Select[Any], model: type[Any], page: PageRequest) -> Select[Any]:
    """``stmt`` narrowed to the rows after the page's cursor, newest first, one more than the page holds."""
    return newest_first(stmt, model, after=page.after, limit=page.limit + 1)


def newest_first(
    stmt: Select[Any], columns: Any, *, after: tuple[Any, Any] | None, limit: Any
) -> Select[Any]:
    """The lists' order and cursor, once: ``stmt``'s rows (``columns``: what has their ``created_at`` and
    ``id``) after ``after`` = (created_at, id), newest first, ``limit`` of them. The values may be bound
    parameters (``bindparam``), for a statement built once and run with each page's values."""
    if after is not None:
        created_at, row_id = after
        stmt = stmt.where(
            or_(columns.created_at < created_at, and_(columns.created_at == created_at, columns.id < row_id))
        )
    return stmt.order_by(columns.created_at.desc(), columns.id.desc()).limit(limit)


def fetch_page(session: Session, stmt: Select[Any], model: type[T], page: PageRequest) -> Page[T]:
    """A page of ``model`` entities (``stmt`` selects the entity)."""
    return page_of(list(session.scalars(keyset(stmt, model, page))), page)


def fetch_row_page(session: Session, stmt: Select[Any], model: type[Any], page: PageRequest) -> Page[Any]:
    """A page of plain rows (``stmt`` selects columns of ``model``, its ``created_at`` and ``id`` among
    them): no entities, no identity map, for a list served without the ORM's per-object work."""
    return page_of(list(session.execute(keyset(stmt, model, page)).all()), page)


def page_of(rows: list[Any], page: PageRequest) -> Page[Any]:
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    last = rows[-1] if rows else None
    return Page(items=rows, has_more=has_more, last_key=(last.created_at, last.id) if last else None)
