from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LegalBasis")


@_attrs_define
class LegalBasis:
    """
    Attributes:
        code (str): `in_person_evaluation`, or the code of the telemedicine rule that allowed it Example:
            dea_telemedicine_flexibilities.
        source (str):  Example: 90 FR 61301.
    """

    code: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        source = d.pop("source")

        legal_basis = cls(
            code=code,
            source=source,
        )

        return legal_basis
