"""Constraints the database enforces, told to the client as the domain error each one means.

One way to turn a constraint violation into a problem: name the constraints a write may hit and the error
each one means; any other integrity error is a bug and stays a 500. The constraint is identified by its
name (the naming convention of api.db): on PostgreSQL from the server's diagnostics (unique and exclusion
constraints alike), on SQLite from the table and columns of a unique violation, or from the message of a
trigger that aborts with the constraint's name (``RAISE(ABORT, 'appointment_overlap')``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from api.db import Base
from api.errors import DomainError

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
_TRIGGER_NAME = re.compile(r"[a-z][a-z0-9_]*")


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the unique (or primary-key) constraint ``exc`` reports, when it is one."""
    diagnostics = getattr(exc.orig, "diag", None)
    if diagnostics is not None:
        return getattr(diagnostics, "constraint_name", None)
    message = str(exc.orig)
    if _TRIGGER_NAME.fullmatch(message):
        return message
    match = _SQLITE_UNIQUE.search(message)
    if match is None:
        return None
    qualified = [column.strip().split(".", 1) for column in match.group(1).split(",")]
    table = Base.metadata.tables.get(qualified[0][0])
    columns = [name for _, name in qualified]
    if table is None:
        return None
    candidates = [
        *(c for c in table.constraints if isinstance(c, UniqueConstraint | PrimaryKeyConstraint)),
        *(index for index in table.indexes if index.unique),
    ]
    for candidate in candidates:
        if [column.name for column in candidate.columns] == columns:
            return str(candidate.name)
    return None


@contextmanager
def constraint_violations(errors: Mapping[str, Callable[[], DomainError]]) -> Iterator[None]:
    """Run a flush; a violation of a constraint named in ``errors`` raises its error (the operation's boundary
    rolls the transaction back, as for any error). ``errors`` maps constraint names to factories of the
    domain error each one means."""
    try:
        yield
    except IntegrityError as exc:
        make_error = errors.get(violated_constraint(exc) or "")
        if make_error is None:
            raise
        raise make_error() from None
