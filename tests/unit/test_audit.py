"""The audit chain's pure rules: fields, MACs, links, anchors, keys, and naming an access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from api.domain.audit import (
    GENESIS,
    Action,
    Anchor,
    AuditKey,
    Keyring,
    Outcome,
    SealedRow,
    action_of,
    anchor_gap,
    chain_digest,
    chained_fields,
    first_broken_link,
    key_id_of,
    outcome_of,
    row_digest,
    row_mac,
    row_problem,
    seal_mac,
)

KEY = AuditKey.of(b"k" * 32)
OLD_KEY = AuditKey.of(b"o" * 32)
KEYRING = Keyring(KEY)
NOW = datetime(2026, 12, 4, 16, 0, 0, 123456, tzinfo=UTC)


def columns(n: int, **overrides: Any) -> dict[str, Any]:
    return {
        "id": f"aud_{n}",
        "created_at": NOW,
        "actor_type": "partner_client",
        "action": "read",
        "outcome": "success",
        "patient_id": "pat_1",
        "ip": "127.0.0.1",
        "resource_ids": [],
        "patient_ids": ["pat_1"],
        **overrides,
    }


def written(n: int, key: AuditKey = KEY) -> dict[str, Any]:
    """A row's fields as the service writes them: with its key id and its own MAC."""
    fields = chained_fields({**columns(n), "key_id": key.id})
    return {**fields, "row_mac": row_mac(key, fields)}


def chain(rows: list[dict[str, Any]], key: AuditKey | None = KEY, start: int = 1) -> list[SealedRow]:
    previous, sealed = GENESIS, []
    for seq, fields in enumerate(rows, start=start):
        digest = row_digest(fields)
        if key is None:
            previous = chain_digest(previous, digest)
        else:
            previous = seal_mac(key, seq, str(fields["id"]), digest, previous)
        sealed.append(SealedRow(seq, str(fields["id"]), digest, previous, fields, key.id if key else None))
    return sealed


ROWS = [written(n) for n in range(5)]


def test_an_intact_chain_has_no_broken_link() -> None:
    assert first_broken_link(chain(ROWS), KEYRING) is None
    assert first_broken_link([], KEYRING) is None


def test_the_digest_ignores_key_order_but_not_values() -> None:
    assert row_digest({"a": 1, "b": [2]}) == row_digest({"b": [2], "a": 1})
    assert row_digest({"a": 1}) != row_digest({"a": 2})


def test_a_row_from_before_the_key_keeps_its_digest() -> None:
    """Migration 0011's columns enter the fields only when set: a row sealed before keeps its digest."""
    old = chained_fields(columns(1))
    assert set(old) == {
        "id", "occurred_at", "actor_type", "actor_id", "client_id", "partner_id", "action", "operation",
        "resource_type", "resource_id", "resource_ids", "patient_id", "patient_ids", "outcome", "status",
        "request_id", "ip",
    }  # fmt: skip
    assert old["occurred_at"] == "2026-12-04T16:00:00.123456+00:00"
    assert "target_patient_id" in chained_fields(columns(1, target_patient_id="pat_2"))


def _set(rows: list[SealedRow], index: int, **changes: Any) -> None:
    rows[index] = replace(rows[index], **changes)


def _edit(index: int, **fields: Any) -> Callable[[list[SealedRow]], None]:
    return lambda rows: _set(rows, index, fields={**ROWS[index], **fields})


Tamper = Callable[[list[SealedRow]], None]


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        (_edit(2, ip="10.0.0.9"), 3, "changed after it was sealed"),
        (lambda rows: _set(rows, 1, fields=None), 2, "gone"),
        (lambda rows: rows.pop(3), 5, "seal 4 is missing"),
        (lambda rows: _set(rows, 1, chain_digest="0" * 64), 2, "does not verify"),
        (lambda rows: _set(rows, 0, row_digest=row_digest({"x": 1})), 1, "changed after it was sealed"),
        (lambda rows: rows.__setitem__(slice(2, None), chain(ROWS[2:], OLD_KEY, 3)), 3, "unknown key"),
        (lambda rows: rows.__setitem__(slice(2, None), chain(ROWS[2:], None, 3)), 3, "without the key"),
    ],
    ids=[
        "row-changed",
        "row-gone",
        "seal-missing",
        "seal-rewritten",
        "digest-rewritten",
        "resealed-under-another-key",
        "resealed-without-a-key",
    ],
)
def test_the_first_broken_link_is_named(tamper: Tamper, seq: int, reason: str) -> None:
    rows = chain(ROWS)
    tamper(rows)
    broken = first_broken_link(rows, KEYRING)
    assert broken is not None and broken.seq == seq and reason in broken.reason, broken


def test_a_row_edited_before_its_seal_is_found_by_its_own_mac() -> None:
    edited = {**ROWS[2], "outcome": "success", "ip": "10.9.9.9"}
    assert row_problem(ROWS[2], KEYRING) is None
    assert "its own MAC does not verify" in (row_problem(edited, KEYRING) or "")
    rows = chain([*ROWS[:2], edited, *ROWS[3:]])  # sealed as it was found: the seal does not launder it
    broken = first_broken_link(rows, KEYRING)
    assert broken is not None and broken.seq == 3 and "before it was sealed" in broken.reason
    unmacd = {k: v for k, v in ROWS[2].items() if k not in ("row_mac", "key_id")}
    assert "carries no MAC" in (row_problem(unmacd, KEYRING) or "")


def test_a_rotated_key_verifies_what_it_sealed_and_seals_no_more() -> None:
    old = [written(n, OLD_KEY) for n in range(3)]
    sealed_before = chain(old, OLD_KEY)
    rows = [*sealed_before, *chain_after(sealed_before[-1], [written(n, OLD_KEY) for n in range(3, 5)], KEY)]
    assert first_broken_link(rows, Keyring(KEY, (OLD_KEY,))) is None
    broken = first_broken_link(rows, Keyring(KEY))
    assert broken is not None and broken.seq == 1 and OLD_KEY.id in broken.reason


def chain_after(last: SealedRow, rows: list[dict[str, Any]], key: AuditKey) -> list[SealedRow]:
    previous, sealed = last.chain_digest, []
    for seq, fields in enumerate(rows, start=last.seq + 1):
        digest = row_digest(fields)
        previous = seal_mac(key, seq, str(fields["id"]), digest, previous)
        sealed.append(SealedRow(seq, str(fields["id"]), digest, previous, fields, key.id))
    return sealed


def test_unkeyed_seals_are_accepted_only_as_the_chains_beginning() -> None:
    old = chain([chained_fields(columns(n)) for n in range(3)], None)
    rows = [*old, *chain_after(old[-1], ROWS[3:], KEY)]
    assert first_broken_link(rows, KEYRING) is None
    # Rewriting the unkeyed beginning changes its head, which the first keyed seal's MAC covers.
    rewritten = chain([chained_fields(columns(n, ip="10.9.9.9")) for n in range(3)], None)
    broken = first_broken_link([*rewritten, *rows[3:]], KEYRING)
    assert broken is not None and broken.seq == 4


def test_a_seal_that_differs_from_its_anchor_is_named() -> None:
    rows = chain(ROWS)
    anchors = {5: anchor_of(rows[4])}
    assert first_broken_link(rows, KEYRING, anchors) is None
    other = chain([written(n + 10) for n in range(5)])
    broken = first_broken_link(other, KEYRING, anchors)
    assert broken is not None and broken.seq == 5 and "anchor" in broken.reason


def anchor_of(row: SealedRow) -> Anchor:
    return Anchor(row.seq, row.audit_id, row.chain_digest, str(row.key_id), NOW.isoformat())


def test_the_anchors_find_a_truncation_and_a_keyed_chain_without_them() -> None:
    anchors = {3: anchor_of(chain(ROWS)[2]), 5: anchor_of(chain(ROWS)[4])}
    assert anchor_gap(anchors, starts_at=1, head=5, keyed=True) is None
    assert anchor_gap(anchors, starts_at=1, head=7, keyed=True) is None  # sealed since the last anchor
    truncated = anchor_gap(anchors, starts_at=1, head=4, keyed=True)
    assert truncated is not None and truncated.seq == 5 and "truncated" in truncated.reason
    emptied = anchor_gap(anchors, starts_at=None, head=None, keyed=False)
    assert emptied is not None and "no seal" in emptied.reason
    missing = anchor_gap({}, starts_at=1, head=5, keyed=True)
    assert missing is not None and "no anchor" in missing.reason
    assert anchor_gap({}, starts_at=1, head=5, keyed=False) is None  # only seals from before the key


def test_an_anchor_is_one_json_line_and_back() -> None:
    anchor = anchor_of(chain(ROWS)[4])
    assert "\n" not in anchor.line() and Anchor.parse(anchor.line()) == anchor
    for line in ("{}", "[]", '{"seq": 0, "audit_id": "a", "mac": "m", "key_id": "k", "anchored_at": "t"}'):
        with pytest.raises((ValueError, KeyError, TypeError)):
            Anchor.parse(line)


def test_a_key_is_named_by_what_it_is_and_must_be_long() -> None:
    assert KEY.id == key_id_of(b"k" * 32) != OLD_KEY.id and len(KEY.id) == 16
    assert "k" * 8 not in repr(KEY)
    with pytest.raises(ValueError, match="32"):
        AuditKey.of(b"short")
    assert KEYRING.find(KEY.id) is KEY and KEYRING.find(OLD_KEY.id) is None and KEYRING.find(None) is None


@pytest.mark.parametrize(
    ("method", "operation", "action"),
    [
        ("GET", "getPatient", Action.READ),
        ("GET", "listPatients", Action.LIST),
        ("POST", "createPatient", Action.CREATE),
        ("POST", "reportAdverseEvent", Action.CREATE),
        ("POST", "recordFollowUpPlanSession", Action.CREATE),
        ("POST", "cancelConsultation", Action.UPDATE),
        ("PATCH", "updatePatient", Action.UPDATE),
        ("PUT", "setProviderAvailability", Action.UPDATE),
        ("DELETE", "deleteWebhookEndpoint", Action.DELETE),
    ],
)
def test_the_action_follows_the_method_and_operation(method: str, operation: str, action: Action) -> None:
    assert action_of(method, operation) is action


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS),
        (201, Outcome.SUCCESS),
        (304, Outcome.SUCCESS),
        (401, Outcome.DENIED),
        (403, Outcome.DENIED),
        (404, Outcome.NOT_FOUND),
        (409, Outcome.REJECTED),
        (422, Outcome.REJECTED),
        (500, Outcome.ERROR),
    ],
)
def test_the_outcome_follows_the_status(status: int, outcome: Outcome) -> None:
    assert outcome_of(status) is outcome
