from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Invitation")


@_attrs_define
class Invitation:
    """
    Attributes:
        activation_url (str): One-time link; shown once, never stored in clear
        expires_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        id (str):
        patient_id (str):
    """

    activation_url: str
    expires_at: datetime.datetime
    id: str
    patient_id: str

    def to_dict(self) -> dict[str, Any]:
        activation_url = self.activation_url

        expires_at = self.expires_at.isoformat()

        id = self.id

        patient_id = self.patient_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activation_url": activation_url,
                "expires_at": expires_at,
                "id": id,
                "patient_id": patient_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        activation_url = d.pop("activation_url")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = d.pop("id")

        patient_id = d.pop("patient_id")

        invitation = cls(
            activation_url=activation_url,
            expires_at=expires_at,
            id=id,
            patient_id=patient_id,
        )

        return invitation
