from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsSedation")


@_attrs_define
class RemsSedation:
    """
    Attributes:
        lowest_moaas (int | None):
        occurred (bool):
    """

    lowest_moaas: int | None
    occurred: bool

    def to_dict(self) -> dict[str, Any]:
        lowest_moaas: int | None
        lowest_moaas = self.lowest_moaas

        occurred = self.occurred

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lowest_moaas": lowest_moaas,
                "occurred": occurred,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_lowest_moaas(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lowest_moaas = _parse_lowest_moaas(d.pop("lowest_moaas"))

        occurred = d.pop("occurred")

        rems_sedation = cls(
            lowest_moaas=lowest_moaas,
            occurred=occurred,
        )

        return rems_sedation
