from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.consent_type import ConsentType

T = TypeVar("T", bound="ConsentCreate")


@_attrs_define
class ConsentCreate:
    """
    Attributes:
        accepted_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        type_ (ConsentType): Kind of consent
        version (str):
    """

    accepted_at: datetime.datetime
    type_: ConsentType
    version: str

    def to_dict(self) -> dict[str, Any]:
        accepted_at = self.accepted_at.isoformat()

        type_ = self.type_.value

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accepted_at": accepted_at,
                "type": type_,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted_at = datetime.datetime.fromisoformat(d.pop("accepted_at"))

        type_ = ConsentType(d.pop("type"))

        version = d.pop("version")

        consent_create = cls(
            accepted_at=accepted_at,
            type_=type_,
            version=version,
        )

        return consent_create
