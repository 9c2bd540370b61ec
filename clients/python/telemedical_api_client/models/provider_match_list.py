from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.excluded_counts import ExcludedCounts
    from ..models.provider_match import ProviderMatch


T = TypeVar("T", bound="ProviderMatchList")


@_attrs_define
class ProviderMatchList:
    """
    Attributes:
        data (list[ProviderMatch]):
        excluded (ExcludedCounts):
    """

    data: list[ProviderMatch]
    excluded: ExcludedCounts

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        excluded = self.excluded.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "excluded": excluded,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.excluded_counts import ExcludedCounts  # noqa: PLC0415
        from ..models.provider_match import ProviderMatch  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = ProviderMatch.from_dict(data_item_data)

            data.append(data_item)

        excluded = ExcludedCounts.from_dict(d.pop("excluded"))

        provider_match_list = cls(
            data=data,
            excluded=excluded,
        )

        return provider_match_list
