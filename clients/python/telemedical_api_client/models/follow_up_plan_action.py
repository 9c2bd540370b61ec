from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FollowUpPlanAction")


@_attrs_define
class FollowUpPlanAction:
    """
    Attributes:
        reason (str | Unset): Kept as status_reason when holding or revoking
        safety_plan_documented (bool | Unset): activate: a psychiatrist resuming a plan held for an escalated crisis
            attests a safety plan (true required)
    """

    reason: str | Unset = UNSET
    safety_plan_documented: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        safety_plan_documented = self.safety_plan_documented

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reason is not UNSET:
            field_dict["reason"] = reason
        if safety_plan_documented is not UNSET:
            field_dict["safety_plan_documented"] = safety_plan_documented

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason", UNSET)

        safety_plan_documented = d.pop("safety_plan_documented", UNSET)

        follow_up_plan_action = cls(
            reason=reason,
            safety_plan_documented=safety_plan_documented,
        )

        return follow_up_plan_action
