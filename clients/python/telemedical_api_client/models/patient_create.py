from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sex_at_birth import SexAtBirth
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address import Address


T = TypeVar("T", bound="PatientCreate")


@_attrs_define
class PatientCreate:
    """
    Attributes:
        birth_date (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        family_name (str):
        given_name (str):
        sex_at_birth (SexAtBirth): Sex assigned at birth
        address (Address | None | Unset):
        email (None | str | Unset):
        external_id (None | str | Unset):
        partner_id (str | Unset): Required for platform admins; a partner's own id is implied otherwise
        phone (None | str | Unset):
        preferred_language (str | Unset): BCP 47 language tag, e.g. `en` or `es-MX` Default: 'en'.
        timezone (None | str | Unset): IANA time zone name (tz database), e.g. `America/New_York`; `UTC` is accepted
            Example: America/New_York.
    """

    birth_date: datetime.date
    family_name: str
    given_name: str
    sex_at_birth: SexAtBirth
    address: Address | None | Unset = UNSET
    email: None | str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    partner_id: str | Unset = UNSET
    phone: None | str | Unset = UNSET
    preferred_language: str | Unset = "en"
    timezone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address  # noqa: PLC0415

        birth_date = self.birth_date.isoformat()

        family_name = self.family_name

        given_name = self.given_name

        sex_at_birth = self.sex_at_birth.value

        address: dict[str, Any] | None | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        elif isinstance(self.address, Address):
            address = self.address.to_dict()
        else:
            address = self.address

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

        partner_id = self.partner_id

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        preferred_language = self.preferred_language

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "birth_date": birth_date,
                "family_name": family_name,
                "given_name": given_name,
                "sex_at_birth": sex_at_birth,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if email is not UNSET:
            field_dict["email"] = email
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if partner_id is not UNSET:
            field_dict["partner_id"] = partner_id
        if phone is not UNSET:
            field_dict["phone"] = phone
        if preferred_language is not UNSET:
            field_dict["preferred_language"] = preferred_language
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address import Address  # noqa: PLC0415

        d = dict(src_dict)
        birth_date = datetime.date.fromisoformat(d.pop("birth_date"))

        family_name = d.pop("family_name")

        given_name = d.pop("given_name")

        sex_at_birth = SexAtBirth(d.pop("sex_at_birth"))

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

        partner_id = d.pop("partner_id", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        preferred_language = d.pop("preferred_language", UNSET)

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        patient_create = cls(
            birth_date=birth_date,
            family_name=family_name,
            given_name=given_name,
            sex_at_birth=sex_at_birth,
            address=address,
            email=email,
            external_id=external_id,
            partner_id=partner_id,
            phone=phone,
            preferred_language=preferred_language,
            timezone=timezone,
        )

        return patient_create
