from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CheckInComplete")


@_attrs_define
class CheckInComplete:
    """
    Attributes:
        screening_id (str): A screening of one of the check-in's instruments, completed for this plan
    """

    screening_id: str

    def to_dict(self) -> dict[str, Any]:
        screening_id = self.screening_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "screening_id": screening_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        screening_id = d.pop("screening_id")

        check_in_complete = cls(
            screening_id=screening_id,
        )

        return check_in_complete
