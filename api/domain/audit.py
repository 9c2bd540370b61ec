"""The audit chain's rules: a row's digest, how seals link, what an access's outcome is called. Pure.

Each row's digest is SHA-256 of its fields as canonical JSON (sorted keys, no spaces); seal n's chain digest
is SHA-256 of seal n-1's chain digest followed by row n's digest (the first links to ``GENESIS``). Changing,
removing or reordering any sealed row, or any seal, breaks every link after it; ``first_broken_link`` says
where the first break is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

GENESIS: Final = "0" * 64


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REFUSED = "token_refused"
    TOKEN_REVOKED = "token_revoked"


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"  # 401, 403
    NOT_FOUND = "not_found"  # 404: absent, or another tenant's
    REJECTED = "rejected"  # another 4xx: the request was refused before any change
    ERROR = "error"  # 5xx


def outcome_of(status: int) -> Outcome:
    if status < 400:
        return Outcome.SUCCESS
    if status in (401, 403):
        return Outcome.DENIED
    if status == 404:
        return Outcome.NOT_FOUND
    return Outcome.REJECTED if status < 500 else Outcome.ERROR


# The verbs an operationId starts with that make something new; any other POST acts on what exists.
_CREATING_VERBS: Final = ("create", "report", "record")


def action_of(method: str, operation_id: str) -> Action:
    method = method.upper()
    if method in ("GET", "HEAD"):
        return Action.LIST if operation_id.startswith("list") else Action.READ
    if method == "DELETE":
        return Action.DELETE
    if method == "POST" and operation_id.startswith(_CREATING_VERBS):
        return Action.CREATE
    return Action.UPDATE


def row_digest(fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_digest(previous: str, row: str) -> str:
    return hashlib.sha256((previous + row).encode()).hexdigest()


@dataclass(frozen=True)
class SealedRow:
    seq: int
    audit_id: str
    row_digest: str
    chain_digest: str
    fields: Mapping[str, Any] | None  # the audit row as stored now; None if it is gone


@dataclass(frozen=True)
class Break:
    seq: int
    audit_id: str
    reason: str


def first_broken_link(
    rows: Iterable[SealedRow], *, previous: str = GENESIS, expected_seq: int = 1
) -> Break | None:
    """Walk seals in ``seq`` order from ``expected_seq`` (chained to ``previous``); the first that fails."""
    for row in rows:
        if row.seq != expected_seq:
            return Break(row.seq, row.audit_id, f"seal {expected_seq} is missing")
        if row.fields is None:
            return Break(row.seq, row.audit_id, "the audit row is gone")
        if row_digest(row.fields) != row.row_digest:
            return Break(row.seq, row.audit_id, "the audit row was changed after it was sealed")
        if chain_digest(previous, row.row_digest) != row.chain_digest:
            return Break(row.seq, row.audit_id, "the seal does not link to the one before")
        previous, expected_seq = row.chain_digest, expected_seq + 1
    return None
