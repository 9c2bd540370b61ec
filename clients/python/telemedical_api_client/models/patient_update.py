from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sex_at_birth import SexAtBirth
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address import Address


T = TypeVar("T", bound="PatientUpdate")


@_attrs_define
class PatientUpdate:
    """
    Attributes:
        address (Address | None | Unset):
        birth_date (datetime.date | Unset): Must be between 1900-01-01 and 2999-12-31.
        email (None | str | Unset):
        external_id (None | str | Unset):
        family_name (str | Unset):
        given_name (str | Unset):
        phone (None | str | Unset):
        preferred_language (str | Unset): BCP 47 language tag, e.g. `en` or `es-MX`
        sex_at_birth (SexAtBirth | Unset): Sex assigned at birth
        timezone (None | str | Unset): IANA time zone name (tz database), e.g. `America/New_York`; `UTC` is accepted
            Example: America/New_York.
    """

    address: Address | None | Unset = UNSET
    birth_date: datetime.date | Unset = UNSET
    email: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    family_name: str | Unset = UNSET
    given_name: str | Unset = UNSET
    phone: None | str | Unset = UNSET
    preferred_language: str | Unset = UNSET
    sex_at_birth: SexAtBirth | Unset = UNSET
    timezone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address  # noqa: PLC0415

        address: dict[str, Any] | None | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        elif isinstance(self.address, Address):
            address = self.address.to_dict()
        else:
            address = self.address

        birth_date: str | Unset = UNSET
        if not isinstance(self.birth_date, Unset):
            birth_date = self.birth_date.isoformat()

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        family_name = self.family_name

        given_name = self.given_name

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        preferred_language = self.preferred_language

        sex_at_birth: str | Unset = UNSET
        if not isinstance(self.sex_at_birth, Unset):
            sex_at_birth = self.sex_at_birth.value

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if address is not UNSET:
            field_dict["address"] = address
        if birth_date is not UNSET:
            field_dict["birth_date"] = birth_date
        if email is not UNSET:
            field_dict["email"] = email
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if family_name is not UNSET:
            field_dict["family_name"] = family_name
        if given_name is not UNSET:
            field_dict["given_name"] = given_name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if preferred_language is not UNSET:
            field_dict["preferred_language"] = preferred_language
        if sex_at_birth is not UNSET:
            field_dict["sex_at_birth"] = sex_at_birth
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address import Address  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                address_type_0 = Address.from_dict(data)

                return address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        _birth_date = d.pop("birth_date", UNSET)
        birth_date: datetime.date | Unset
        if isinstance(_birth_date, Unset):
            birth_date = UNSET
        else:
            birth_date = datetime.date.fromisoformat(_birth_date)

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        family_name = d.pop("family_name", UNSET)

        given_name = d.pop("given_name", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        preferred_language = d.pop("preferred_language", UNSET)

        _sex_at_birth = d.pop("sex_at_birth", UNSET)
        sex_at_birth: SexAtBirth | Unset
        if isinstance(_sex_at_birth, Unset):
            sex_at_birth = UNSET
        else:
            sex_at_birth = SexAtBirth(_sex_at_birth)

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        patient_update = cls(
            address=address,
            birth_date=birth_date,
            email=email,
            external_id=external_id,
            family_name=family_name,
            given_name=given_name,
            phone=phone,
            preferred_language=preferred_language,
            sex_at_birth=sex_at_birth,
            timezone=timezone,
        )

        return patient_update
