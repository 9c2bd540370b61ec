from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Redeliver")


@_attrs_define
class Redeliver:
    """
    Attributes:
        endpoint_id (str | Unset): Only to this endpoint (even if not subscribed to the type); by default to every
            enabled endpoint subscribed to it
    """

    endpoint_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if endpoint_id is not UNSET:
            field_dict["endpoint_id"] = endpoint_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endpoint_id = d.pop("endpoint_id", UNSET)

        redeliver = cls(
            endpoint_id=endpoint_id,
        )

        return redeliver
