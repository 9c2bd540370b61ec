"""The audit chain's rules: a row's fields and MAC, how seals link, what the anchors prove, what an access's
outcome is called. Pure: no Session, no files (api/audit_custody.py reads the key and the anchors).

The chain is keyed, under a key the database never holds (docs/audit.md, "Append-only, keyed, anchored"):

- **Each row carries its own MAC** from the moment it is written: HMAC-SHA256 under the current key of the
  row's fields as canonical JSON (sorted keys, no spaces), ``key_id`` among them. A row changed before its
  seal, or inserted by someone without the key, is found by ``row_problem`` whether it is sealed or not.
- **Seal n** holds the SHA-256 digest of row n's fields (its MAC included) and a MAC under the sealer's key
  of (its key id, n, the row's id, that digest, seal n-1's MAC); the first links to ``GENESIS``. Recomputing
  seals after an edit needs the key: one recomputed with a guessed key does not verify, one naming another
  key id names a key this deployment does not have.
- **Anchors**: after each sealing the head (seal number, MAC, key id, time) is written outside the database.
  An anchored seal that is gone (a truncation) or differs (a rewrite) is found by comparing the two.
- Seals made before migration 0011 have no key (``key_id`` None) and link by plain SHA-256 as they always
  did. They are accepted only as the chain's beginning, only for rows without a MAC; the first keyed seal's
  MAC covers their head, so they cannot be recomputed after it either.

``first_broken_link`` names the first seal that fails, ``anchor_gap`` a truncation or a missing anchor.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

GENESIS: Final = "0" * 64
# A key shorter than this is refused (32 characters: e.g. ``openssl rand -hex 32`` gives 64).
MIN_KEY_LENGTH: Final = 32


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


# --- a row's fields -----------------------------------------------------------------------------------------

# Covered by every digest since migration 0007.
_FIELDS: Final = (
    "id",
    "actor_type",
    "actor_id",
    "client_id",
    "partner_id",
    "action",
    "operation",
    "resource_type",
    "resource_id",
    "patient_id",
    "outcome",
    "status",
    "request_id",
    "ip",
)
# Added by migration 0011; present in the fields only when set, so a row written before keeps its digest.
_LATER_FIELDS: Final = ("target_patient_id", "key_id", "row_mac", "row_count")  # row_count: migration 0018


def chained_fields(columns: Mapping[str, Any]) -> dict[str, Any]:
    """What the digests and MACs cover: every column of an ``audit_events`` row (given by column name)."""
    created_at: datetime = columns["created_at"]
    fields = {name: columns.get(name) for name in _FIELDS}
    fields["occurred_at"] = created_at.isoformat()
    fields["resource_ids"] = list(columns.get("resource_ids") or ())
    fields["patient_ids"] = list(columns.get("patient_ids") or ())
    fields.update({name: columns[name] for name in _LATER_FIELDS if columns.get(name) is not None})
    return fields


# Built once: ``json.dumps`` with these options builds an encoder on every call (a row's MAC is made on every
# request). The same text as ``json.dumps`` with the same options.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(fields: Mapping[str, Any]) -> bytes:
    return _CANONICAL.encode(fields).encode()


def row_digest(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(fields)).hexdigest()


def chain_digest(previous: str, row: str) -> str:
    """The link of a seal made before migration 0011 (no key)."""
    return hashlib.sha256((previous + row).encode()).hexdigest()


# --- keys ---------------------------------------------------------------------------------------------------


def key_id_of(secret: bytes) -> str:
    """A key's public name, derived from it: a seal names the key that made it, nobody can name a key wrongly,
    and a guessed key has a name of its own (an unknown one). Reveals nothing usable about the key."""
    return hashlib.sha256(b"telemedical audit key id\x00" + secret).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes = field(repr=False)

    @classmethod
    def of(cls, secret: bytes) -> AuditKey:
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"an audit key needs at least {MIN_KEY_LENGTH} characters")
        return cls(key_id_of(secret), secret)

    def mac(self, purpose: bytes, message: bytes) -> str:
        # HMAC-SHA256 in one call (OpenSSL's, as ``hmac.new(...).hexdigest()`` gives, without its object).
        return hmac.digest(self.secret, purpose + b"\x00" + message, "sha256").hex()


@dataclass(frozen=True)
class Keyring:
    """The key that seals now, and earlier ones kept to verify what they sealed (a rotation)."""

    current: AuditKey
    previous: tuple[AuditKey, ...] = ()

    def find(self, key_id: str | None) -> AuditKey | None:
        return next((k for k in (self.current, *self.previous) if k.id == key_id), None)


def row_mac(key: AuditKey, fields: Mapping[str, Any]) -> str:
    """The MAC a row carries from its insert, of its fields (``key_id`` is ``key``'s; not ``row_mac``)."""
    signed = {name: value for name, value in fields.items() if name != "row_mac"}
    return key.mac(b"audit row", _canonical(signed))


def seal_mac(key: AuditKey, seq: int, audit_id: str, digest: str, previous: str) -> str:
    return key.mac(b"audit seal", f"{key.id}\x00{seq}\x00{audit_id}\x00{digest}\x00{previous}".encode())


def row_problem(fields: Mapping[str, Any], keyring: Keyring) -> str | None:
    """Why a row written since migration 0011 is not what the service wrote, or None."""
    mac, key_id = fields.get("row_mac"), fields.get("key_id")
    if mac is None:
        return "the audit row carries no MAC: it was written or changed without the key"
    key = keyring.find(key_id)
    if key is None:
        return f"the audit row's MAC is under an unknown key {key_id}"
    if not hmac.compare_digest(row_mac(key, fields), str(mac)):
        return "the audit row was changed: its own MAC does not verify"
    return None


# --- anchors ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The chain's head as it was written outside the database after a sealing."""

    seq: int
    audit_id: str
    mac: str
    key_id: str
    anchored_at: str  # ISO 8601, UTC

    def line(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "audit_id": self.audit_id,
                "mac": self.mac,
                "key_id": self.key_id,
                "anchored_at": self.anchored_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, line: str) -> Anchor:
        data = json.loads(line)
        anchor = cls(
            seq=data["seq"],
            audit_id=data["audit_id"],
            mac=data["mac"],
            key_id=data["key_id"],
            anchored_at=data["anchored_at"],
        )
        if not isinstance(anchor.seq, int) or anchor.seq < 1 or not isinstance(anchor.mac, str):
            raise ValueError("not an anchor")
        return anchor


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain as a verify found it whole, written outside the database (beside the anchors):
    the next verify walks only the seals after it, linked to its MAC (``audit verify --full`` walks all)."""

    seq: int
    audit_id: str
    mac: str
    key_id: str | None
    verified_at: str  # ISO 8601, UTC

    def line(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "audit_id": self.audit_id,
                "mac": self.mac,
                "key_id": self.key_id,
                "verified_at": self.verified_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        data = json.loads(line)
        checkpoint = cls(
            seq=data["seq"],
            audit_id=data["audit_id"],
            mac=data["mac"],
            key_id=data["key_id"],
            verified_at=data["verified_at"],
        )
        if not isinstance(checkpoint.seq, int) or checkpoint.seq < 1 or not isinstance(checkpoint.mac, str):
            raise ValueError("not a checkpoint")
        return checkpoint


@dataclass(frozen=True)
class ArchivedMonth:
    """A month of the trail taken out of the database by ``telemedical audit archive``, as recorded outside
    it (``audit-archived.jsonl`` beside the anchors): which seals' rows went to the archive (``runs``: the
    inclusive ranges of their seal numbers, mostly one; rows of the next month sealed among them stay in
    the database), how many, the MAC of the last seal of the range, and the archive file's SHA-256.
    ``audit verify`` checks the links of those seals without their rows; the rows are checked offline,
    against the same seals, in the archive (``telemedical audit verify-archive``)."""

    month: str  # YYYY-MM
    runs: tuple[tuple[int, int], ...]
    rows: int
    last_mac: str | None  # the chain_digest of seal runs[-1][1] (None for a month without rows)
    sha256: str
    file: str
    archived_at: str  # ISO 8601, UTC

    def contains(self, seq: int) -> bool:
        at = bisect.bisect_right(self.runs, (seq, float("inf"))) - 1
        return at >= 0 and self.runs[at][0] <= seq <= self.runs[at][1]

    @property
    def last_seq(self) -> int | None:
        return self.runs[-1][1] if self.runs else None

    def line(self) -> str:
        return json.dumps(
            {
                "month": self.month,
                "runs": [list(run) for run in self.runs],
                "rows": self.rows,
                "last_mac": self.last_mac,
                "sha256": self.sha256,
                "file": self.file,
                "archived_at": self.archived_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, line: str) -> ArchivedMonth:
        data = json.loads(line)
        runs = tuple((int(a), int(b)) for a, b in data["runs"])
        if any(a > b for a, b in runs) or list(runs) != sorted(runs):
            raise ValueError("runs out of order")
        return cls(
            month=str(data["month"]),
            runs=runs,
            rows=int(data["rows"]),
            last_mac=data["last_mac"],
            sha256=str(data["sha256"]),
            file=str(data["file"]),
            archived_at=str(data["archived_at"]),
        )


def runs_of(seqs: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Ascending seal numbers as inclusive ranges: 1, 2, 3, 7, 8 -> (1, 3), (7, 8)."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return tuple((a, b) for a, b in runs)


# --- walking the chain --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealedRow:
    seq: int
    audit_id: str
    row_digest: str
    chain_digest: str
    fields: Mapping[str, Any] | None  # the audit row as stored now; None if it is gone
    key_id: str | None = None  # the key that made the seal; None before migration 0011
    # The row is not here but in a month's archive (``ArchivedMonth``): its seal's link is still checked, with
    # the digest the seal holds; the row itself is checked against that digest offline, in the archive.
    archived: bool = False


@dataclass(frozen=True)
class Break:
    seq: int | None  # None: an unsealed row, or the anchors themselves
    audit_id: str | None
    reason: str


def _broken(row: SealedRow, previous: str | None, keyring: Keyring, keyed: bool) -> str | None:
    """Why seal ``row`` fails, or None. ``previous``: the MAC or digest it must link to (None: unknown, the
    seals before it were purged at the end of retention); ``keyed``: a keyed seal came before it."""
    if row.fields is None:
        if not row.archived:
            return "the audit row is gone"
    elif row_digest(row.fields) != row.row_digest:
        return "the audit row was changed after it was sealed"
    if row.key_id is None:
        if keyed or (row.fields is not None and row.fields.get("row_mac") is not None):
            return "the seal was made without the key after the chain was keyed: it was forged"
        if previous is not None and chain_digest(previous, row.row_digest) != row.chain_digest:
            return "the seal does not link to the one before"
        return None
    key = keyring.find(row.key_id)
    if key is None:
        return f"the seal is under an unknown key {row.key_id}: not one of this deployment's keys"
    problem = row_problem(row.fields, keyring) if row.fields is not None else None
    if problem is not None:
        return problem + " (before it was sealed)"
    if previous is not None and not hmac.compare_digest(
        seal_mac(key, row.seq, row.audit_id, row.row_digest, previous), row.chain_digest
    ):
        return (
            f"the seal's MAC does not verify under key {key.id}: it, or one before it, was recomputed "
            "without the key"
        )
    return None


def first_broken_link(
    rows: Iterable[SealedRow],
    keyring: Keyring,
    anchors: Mapping[int, Anchor] | None = None,
    *,
    previous: str | None = GENESIS,
    expected_seq: int = 1,
    keyed: bool = False,
) -> Break | None:
    """Walk seals in ``seq`` order from ``expected_seq`` (chained to ``previous``; None: the seals before
    were purged, so the first one's link cannot be checked); the first that fails, or differs from its
    anchor. ``keyed``: a keyed seal came before ``expected_seq`` (a walk from a checkpoint)."""
    anchors = anchors or {}
    for row in rows:
        if row.seq != expected_seq:
            return Break(row.seq, row.audit_id, f"seal {expected_seq} is missing")
        reason = _broken(row, previous, keyring, keyed)
        if reason is not None:
            return Break(row.seq, row.audit_id, reason)
        anchor = anchors.get(row.seq)
        if anchor is not None and (anchor.mac, anchor.key_id, anchor.audit_id) != (
            row.chain_digest,
            row.key_id,
            row.audit_id,
        ):
            return Break(
                row.seq, row.audit_id, "the seal differs from its anchor outside the database: rewritten"
            )
        keyed = keyed or row.key_id is not None
        previous, expected_seq = row.chain_digest, expected_seq + 1
    return None


def anchor_gap(
    anchors: Mapping[int, Anchor], *, starts_at: int | None, head: int | None, keyed: bool
) -> Break | None:
    """What the anchors know that the chain does not: a later seal (the chain was truncated), or, for a keyed
    chain, that there are no anchors at all (they are missing, or this is not the chain they anchor)."""
    if anchors:
        last = anchors[max(anchors)]
        if head is None or last.seq > head:
            ends = f"ends at seal {head}" if head is not None else "has no seal"
            return Break(
                last.seq,
                last.audit_id,
                f"seal {last.seq} is anchored outside the database, but the chain {ends}: it was truncated",
            )
        return None
    if keyed:
        return Break(
            starts_at,
            None,
            "no anchor outside the database names this chain: AUDIT_ANCHOR_DIR is empty, lost, or another's",
        )
    return None
