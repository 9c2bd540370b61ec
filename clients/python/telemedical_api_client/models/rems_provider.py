from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsProvider")


@_attrs_define
class RemsProvider:
    """
    Attributes:
        id (str):
        name (str):
        npi (str):
    """

    id: str
    name: str
    npi: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        npi = self.npi

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "npi": npi,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        npi = d.pop("npi")

        rems_provider = cls(
            id=id,
            name=name,
            npi=npi,
        )

        return rems_provider
