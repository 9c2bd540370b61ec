from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.us_state import UsState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Site")


@_attrs_define
class Site:
    """
    Attributes:
        name (str):
        state (UsState): USPS state or territory code
        id (str | Unset):
        rems_certified (bool | Unset): Spravato REMS-certified (needed for intranasal) Default: False.
    """

    name: str
    state: UsState
    id: str | Unset = UNSET
    rems_certified: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        state = self.state.value

        id = self.id

        rems_certified = self.rems_certified

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "state": state,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if rems_certified is not UNSET:
            field_dict["rems_certified"] = rems_certified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        state = UsState(d.pop("state"))

        id = d.pop("id", UNSET)

        rems_certified = d.pop("rems_certified", UNSET)

        site = cls(
            name=name,
            state=state,
            id=id,
            rems_certified=rems_certified,
        )

        return site
