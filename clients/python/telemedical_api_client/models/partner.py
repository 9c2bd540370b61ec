from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Partner")


@_attrs_define
class Partner:
    """
    Attributes:
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        id (str):
        name (str):
    """

    created_at: datetime.datetime
    id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        name = d.pop("name")

        partner = cls(
            created_at=created_at,
            id=id,
            name=name,
        )

        return partner
