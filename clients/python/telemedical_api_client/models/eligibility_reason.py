from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="EligibilityReason")


@_attrs_define
class EligibilityReason:
    """
    Attributes:
        code (str):  Example: blood_pressure_elevated.
        detail (str):
        field (None | str): JSON pointer to the answer in that screening (e.g. /answers/systolic_bp), or to the
            consultation (/conditions) when screening_id is null
        screening_id (None | str): The screening holding the answer
    """

    code: str
    detail: str
    field: None | str
    screening_id: None | str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        field: None | str
        field = self.field

        screening_id: None | str
        screening_id = self.screening_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "field": field,
                "screening_id": screening_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        def _parse_field(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        field = _parse_field(d.pop("field"))

        def _parse_screening_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        screening_id = _parse_screening_id(d.pop("screening_id"))

        eligibility_reason = cls(
            code=code,
            detail=detail,
            field=field,
            screening_id=screening_id,
        )

        return eligibility_reason
