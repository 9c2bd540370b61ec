from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.us_state import UsState

T = TypeVar("T", bound="Address")


@_attrs_define
class Address:
    """
    Attributes:
        city (str):
        line1 (str):
        postal_code (str):
        state (UsState): USPS state or territory code
    """

    city: str
    line1: str
    postal_code: str
    state: UsState

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        line1 = self.line1

        postal_code = self.postal_code

        state = self.state.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "city": city,
                "line1": line1,
                "postal_code": postal_code,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        city = d.pop("city")

        line1 = d.pop("line1")

        postal_code = d.pop("postal_code")

        state = UsState(d.pop("state"))

        address = cls(
            city=city,
            line1=line1,
            postal_code=postal_code,
            state=state,
        )

        return address
