from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsRespiratory")


@_attrs_define
class RemsRespiratory:
    """
    Attributes:
        lowest_spo2 (int | None):
        occurred (bool):
    """

    lowest_spo2: int | None
    occurred: bool

    def to_dict(self) -> dict[str, Any]:
        lowest_spo2: int | None
        lowest_spo2 = self.lowest_spo2

        occurred = self.occurred

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lowest_spo2": lowest_spo2,
                "occurred": occurred,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_lowest_spo2(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lowest_spo2 = _parse_lowest_spo2(d.pop("lowest_spo2"))

        occurred = d.pop("occurred")

        rems_respiratory = cls(
            lowest_spo2=lowest_spo2,
            occurred=occurred,
        )

        return rems_respiratory
