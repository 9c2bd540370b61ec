from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsDissociation")


@_attrs_define
class RemsDissociation:
    """
    Attributes:
        occurred (bool):
        peak (None | str):
    """

    occurred: bool
    peak: None | str

    def to_dict(self) -> dict[str, Any]:
        occurred = self.occurred

        peak: None | str
        peak = self.peak

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "occurred": occurred,
                "peak": peak,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        occurred = d.pop("occurred")

        def _parse_peak(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        peak = _parse_peak(d.pop("peak"))

        rems_dissociation = cls(
            occurred=occurred,
            peak=peak,
        )

        return rems_dissociation
