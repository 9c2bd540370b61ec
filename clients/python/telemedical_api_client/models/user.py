from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.user_role import UserRole

T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """
    Attributes:
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        email (str):
        id (str):
        partner_id (None | str):
        patient_id (None | str):
        provider_id (None | str):
        role (UserRole): Role of a user who signs in
    """

    created_at: datetime.datetime
    email: str
    id: str
    partner_id: None | str
    patient_id: None | str
    provider_id: None | str
    role: UserRole

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        id = self.id

        partner_id: None | str
        partner_id = self.partner_id

        patient_id: None | str
        patient_id = self.patient_id

        provider_id: None | str
        provider_id = self.provider_id

        role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "email": email,
                "id": id,
                "partner_id": partner_id,
                "patient_id": patient_id,
                "provider_id": provider_id,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        email = d.pop("email")

        id = d.pop("id")

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        def _parse_patient_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        patient_id = _parse_patient_id(d.pop("patient_id"))

        def _parse_provider_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_id = _parse_provider_id(d.pop("provider_id"))

        role = UserRole(d.pop("role"))

        user = cls(
            created_at=created_at,
            email=email,
            id=id,
            partner_id=partner_id,
            patient_id=patient_id,
            provider_id=provider_id,
            role=role,
        )

        return user
