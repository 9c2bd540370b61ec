from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsPatient")


@_attrs_define
class RemsPatient:
    """
    Attributes:
        birth_date (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        family_name (str):
        given_name (str):
        id (str):
    """

    birth_date: datetime.date
    family_name: str
    given_name: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        birth_date = self.birth_date.isoformat()

        family_name = self.family_name

        given_name = self.given_name

        id = self.id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "birth_date": birth_date,
                "family_name": family_name,
                "given_name": given_name,
                "id": id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        birth_date = datetime.date.fromisoformat(d.pop("birth_date"))

        family_name = d.pop("family_name")

        given_name = d.pop("given_name")

        id = d.pop("id")

        rems_patient = cls(
            birth_date=birth_date,
            family_name=family_name,
            given_name=given_name,
            id=id,
        )

        return rems_patient
