from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Loinc")


@_attrs_define
class Loinc:
    """
    Attributes:
        item_9 (str | Unset):
        panel (str | Unset):
        risk_level (str | Unset):
        total (str | Unset):
    """

    item_9: str | Unset = UNSET
    panel: str | Unset = UNSET
    risk_level: str | Unset = UNSET
    total: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        item_9 = self.item_9

        panel = self.panel

        risk_level = self.risk_level

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if item_9 is not UNSET:
            field_dict["item_9"] = item_9
        if panel is not UNSET:
            field_dict["panel"] = panel
        if risk_level is not UNSET:
            field_dict["risk_level"] = risk_level
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        item_9 = d.pop("item_9", UNSET)

        panel = d.pop("panel", UNSET)

        risk_level = d.pop("risk_level", UNSET)

        total = d.pop("total", UNSET)

        loinc = cls(
            item_9=item_9,
            panel=panel,
            risk_level=risk_level,
            total=total,
        )

        return loinc
