from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScorePoint")


@_attrs_define
class ScorePoint:
    """
    Attributes:
        on (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        total (int):
    """

    on: datetime.date
    total: int

    def to_dict(self) -> dict[str, Any]:
        on = self.on.isoformat()

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "on": on,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        on = datetime.date.fromisoformat(d.pop("on"))

        total = d.pop("total")

        score_point = cls(
            on=on,
            total=total,
        )

        return score_point
