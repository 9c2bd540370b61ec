from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sex_at_birth import SexAtBirth

if TYPE_CHECKING:
    from ..models.address import Address
    from ..models.rems_enrollment import RemsEnrollment


T = TypeVar("T", bound="Patient")


@_attrs_define
class Patient:
    """
    Attributes:
        address (Address | None):
        birth_date (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        email (None | str):
        external_id (None | str):
        family_name (str):
        given_name (str):
        id (str):  Example: pat_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        partner_id (str):
        phone (None | str):
        preferred_language (str):
        rems_enrollment (None | RemsEnrollment): The Spravato REMS enrolment; null until recorded
        sex_at_birth (SexAtBirth): Sex assigned at birth
        timezone (None | str):
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    address: Address | None
    birth_date: datetime.date
    created_at: datetime.datetime
    email: None | str
    external_id: None | str
    family_name: str
    given_name: str
    id: str
    partner_id: str
    phone: None | str
    preferred_language: str
    rems_enrollment: None | RemsEnrollment
    sex_at_birth: SexAtBirth
    timezone: None | str
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address  # noqa: PLC0415
        from ..models.rems_enrollment import RemsEnrollment  # noqa: PLC0415

        address: dict[str, Any] | None
        if isinstance(self.address, Address):
            address = self.address.to_dict()
        else:
            address = self.address

        birth_date = self.birth_date.isoformat()

        created_at = self.created_at.isoformat()

        email: None | str
        email = self.email

        external_id: None | str
        external_id = self.external_id

        family_name = self.family_name

        given_name = self.given_name

        id = self.id

        partner_id = self.partner_id

        phone: None | str
        phone = self.phone

        preferred_language = self.preferred_language

        rems_enrollment: dict[str, Any] | None
        if isinstance(self.rems_enrollment, RemsEnrollment):
            rems_enrollment = self.rems_enrollment.to_dict()
        else:
            rems_enrollment = self.rems_enrollment

        sex_at_birth = self.sex_at_birth.value

        timezone: None | str
        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address": address,
                "birth_date": birth_date,
                "created_at": created_at,
                "email": email,
                "external_id": external_id,
                "family_name": family_name,
                "given_name": given_name,
                "id": id,
                "partner_id": partner_id,
                "phone": phone,
                "preferred_language": preferred_language,
                "rems_enrollment": rems_enrollment,
                "sex_at_birth": sex_at_birth,
                "timezone": timezone,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address import Address  # noqa: PLC0415
        from ..models.rems_enrollment import RemsEnrollment  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_address(data: object) -> Address | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                address_type_0 = Address.from_dict(data)

                return address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None, data)

        address = _parse_address(d.pop("address"))

        birth_date = datetime.date.fromisoformat(d.pop("birth_date"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        family_name = d.pop("family_name")

        given_name = d.pop("given_name")

        id = d.pop("id")

        partner_id = d.pop("partner_id")

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        preferred_language = d.pop("preferred_language")

        def _parse_rems_enrollment(data: object) -> None | RemsEnrollment:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rems_enrollment_type_0 = RemsEnrollment.from_dict(data)

                return rems_enrollment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemsEnrollment, data)

        rems_enrollment = _parse_rems_enrollment(d.pop("rems_enrollment"))

        sex_at_birth = SexAtBirth(d.pop("sex_at_birth"))

        def _parse_timezone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        timezone = _parse_timezone(d.pop("timezone"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        patient = cls(
            address=address,
            birth_date=birth_date,
            created_at=created_at,
            email=email,
            external_id=external_id,
            family_name=family_name,
            given_name=given_name,
            id=id,
            partner_id=partner_id,
            phone=phone,
            preferred_language=preferred_language,
            rems_enrollment=rems_enrollment,
            sex_at_birth=sex_at_birth,
            timezone=timezone,
            updated_at=updated_at,
        )

        return patient
