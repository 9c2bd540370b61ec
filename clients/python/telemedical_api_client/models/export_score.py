from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ExportScore")


@_attrs_define
class ExportScore:
    """
    Attributes:
        total (int):
        week (int): Whole weeks since the plan's start
    """

    total: int
    week: int

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        week = self.week

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "total": total,
                "week": week,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total")

        week = d.pop("week")

        export_score = cls(
            total=total,
            week=week,
        )

        return export_score
