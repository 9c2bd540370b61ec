from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CrisisResource")


@_attrs_define
class CrisisResource:
    """
    Attributes:
        contact (str):  Example: Call or text 988.
        description (str):
        name (str):  Example: 988 Suicide & Crisis Lifeline.
    """

    contact: str
    description: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        contact = self.contact

        description = self.description

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact": contact,
                "description": description,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        contact = d.pop("contact")

        description = d.pop("description")

        name = d.pop("name")

        crisis_resource = cls(
            contact=contact,
            description=description,
            name=name,
        )

        return crisis_resource
