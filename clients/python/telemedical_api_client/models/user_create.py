from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.user_role import UserRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCreate")


@_attrs_define
class UserCreate:
    """
    Attributes:
        email (str):
        password (str):
        role (UserRole): Role of a user who signs in
        patient_id (str | Unset):
        provider_id (str | Unset):
    """

    email: str
    password: str
    role: UserRole
    patient_id: str | Unset = UNSET
    provider_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        role = self.role.value

        patient_id = self.patient_id

        provider_id = self.provider_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
                "role": role,
            }
        )
        if patient_id is not UNSET:
            field_dict["patient_id"] = patient_id
        if provider_id is not UNSET:
            field_dict["provider_id"] = provider_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        role = UserRole(d.pop("role"))

        patient_id = d.pop("patient_id", UNSET)

        provider_id = d.pop("provider_id", UNSET)

        user_create = cls(
            email=email,
            password=password,
            role=role,
            patient_id=patient_id,
            provider_id=provider_id,
        )

        return user_create
