"""The error hierarchy: extension members of a problem never reuse a reserved member (finding 7)."""

from __future__ import annotations

import pytest

from api.errors import RESERVED_PROBLEM_MEMBERS, Conflict, InvalidTransition


@pytest.mark.parametrize("member", sorted(RESERVED_PROBLEM_MEMBERS))
def test_an_extension_member_may_not_reuse_a_reserved_one(member: str) -> None:
    with pytest.raises(ValueError, match=member):
        InvalidTransition("not now", extra={member: "cancelled"})


def test_extension_members_are_kept() -> None:
    error = Conflict("not now", extra={"current_status": "cancelled", "allowed_actions": []})
    assert error.extra == {"current_status": "cancelled", "allowed_actions": []}
