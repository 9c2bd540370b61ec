from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.license_status import LicenseStatus
from ..models.us_state import UsState

T = TypeVar("T", bound="License")


@_attrs_define
class License:
    """
    Attributes:
        expires_on (datetime.date): Last day the licence is valid Must be between 1900-01-01 and 2999-12-31.
        number (str): As the board issued it; stored in capitals. One provider holds it.
        state (UsState): USPS state or territory code
        status (LicenseStatus): Licence status
    """

    expires_on: datetime.date
    number: str
    state: UsState
    status: LicenseStatus

    def to_dict(self) -> dict[str, Any]:
        expires_on = self.expires_on.isoformat()

        number = self.number

        state = self.state.value

        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "expires_on": expires_on,
                "number": number,
                "state": state,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        number = d.pop("number")

        state = UsState(d.pop("state"))

        status = LicenseStatus(d.pop("status"))

        license_ = cls(
            expires_on=expires_on,
            number=number,
            state=state,
            status=status,
        )

        return license_
