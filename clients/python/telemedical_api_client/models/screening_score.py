from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScreeningScore")


@_attrs_define
class ScreeningScore:
    """
    Attributes:
        severity (None | str): The band (e.g. moderate), the C-SSRS risk level, or null for the intake
        total (int | None): Null for cssrs and intake
    """

    severity: None | str
    total: int | None

    def to_dict(self) -> dict[str, Any]:
        severity: None | str
        severity = self.severity

        total: int | None
        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "severity": severity,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_severity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        severity = _parse_severity(d.pop("severity"))

        def _parse_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total = _parse_total(d.pop("total"))

        screening_score = cls(
            severity=severity,
            total=total,
        )

        return screening_score
