from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.dea_schedule import DeaSchedule
from ..models.us_state import UsState

T = TypeVar("T", bound="DeaRegistration")


@_attrs_define
class DeaRegistration:
    """
    Attributes:
        expires_on (datetime.date): Last day the registration is valid Must be between 1900-01-01 and 2999-12-31.
        number (str):
        schedules (list[DeaSchedule]): Controlled-substance schedules covered; ketamine is schedule III
        state (UsState): USPS state or territory code
    """

    expires_on: datetime.date
    number: str
    schedules: list[DeaSchedule]
    state: UsState

    def to_dict(self) -> dict[str, Any]:
        expires_on = self.expires_on.isoformat()

        number = self.number

        schedules = []
        for schedules_item_data in self.schedules:
            schedules_item = schedules_item_data.value
            schedules.append(schedules_item)

        state = self.state.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "expires_on": expires_on,
                "number": number,
                "schedules": schedules,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        number = d.pop("number")

        schedules = []
        _schedules = d.pop("schedules")
        for schedules_item_data in _schedules:
            schedules_item = DeaSchedule(schedules_item_data)

            schedules.append(schedules_item)

        state = UsState(d.pop("state"))

        dea_registration = cls(
            expires_on=expires_on,
            number=number,
            schedules=schedules,
            state=state,
        )

        return dea_registration
