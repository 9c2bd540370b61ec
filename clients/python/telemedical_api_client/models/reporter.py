from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.caller_type import CallerType

T = TypeVar("T", bound="Reporter")


@_attrs_define
class Reporter:
    """
    Attributes:
        id (str): The user or OAuth client
        type_ (CallerType): Kind of caller a token speaks for
    """

    id: str
    type_: CallerType

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = CallerType(d.pop("type"))

        reporter = cls(
            id=id,
            type_=type_,
        )

        return reporter
