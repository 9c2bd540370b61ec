from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsSetting")


@_attrs_define
class RemsSetting:
    """
    Attributes:
        id (str):
        name (str):
        state (str):
    """

    id: str
    name: str
    state: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        state = self.state

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        state = d.pop("state")

        rems_setting = cls(
            id=id,
            name=name,
            state=state,
        )

        return rems_setting
