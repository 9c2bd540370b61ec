"""The audit chain's pure rules: digests, links, and naming an access."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.domain.audit import (
    GENESIS,
    Action,
    Outcome,
    SealedRow,
    action_of,
    chain_digest,
    first_broken_link,
    outcome_of,
    row_digest,
)

FIELDS = [{"id": f"aud_{n}", "action": "read", "patient_id": "pat_1", "ip": "127.0.0.1"} for n in range(5)]


def chain(rows: list[dict[str, object]]) -> list[SealedRow]:
    previous, sealed = GENESIS, []
    for seq, fields in enumerate(rows, start=1):
        digest = row_digest(fields)
        previous = chain_digest(previous, digest)
        sealed.append(SealedRow(seq, str(fields["id"]), digest, previous, fields))
    return sealed


def test_an_intact_chain_has_no_broken_link() -> None:
    assert first_broken_link(chain(FIELDS)) is None
    assert first_broken_link([]) is None


def test_the_digest_ignores_key_order_but_not_values() -> None:
    assert row_digest({"a": 1, "b": [2]}) == row_digest({"b": [2], "a": 1})
    assert row_digest({"a": 1}) != row_digest({"a": 2})


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        (
            lambda rows: rows.__setitem__(2, replace(rows[2], fields={**FIELDS[2], "ip": "10.0.0.9"})),
            3,
            "changed",
        ),
        (lambda rows: rows.__setitem__(1, replace(rows[1], fields=None)), 2, "gone"),
        (lambda rows: rows.pop(3), 5, "missing"),
        (lambda rows: rows.__setitem__(1, replace(rows[1], chain_digest="0" * 64)), 2, "link"),
        (lambda rows: rows.__setitem__(0, replace(rows[0], row_digest=row_digest({"x": 1}))), 1, "changed"),
    ],
    ids=["row-changed", "row-gone", "seal-missing", "seal-rewritten", "digest-rewritten"],
)
def test_the_first_broken_link_is_named(tamper: object, seq: int, reason: str) -> None:
    rows = chain(FIELDS)
    tamper(rows)  # type: ignore[operator]
    broken = first_broken_link(rows)
    assert broken is not None and broken.seq == seq and reason in broken.reason


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
