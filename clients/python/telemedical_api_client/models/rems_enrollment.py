from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RemsEnrollment")


@_attrs_define
class RemsEnrollment:
    """
    Attributes:
        enrolled_on (datetime.date): The date of enrolment; not in the future Must be between 1900-01-01 and 2999-12-31.
        enrollment_id (str): The patient's Spravato REMS enrolment identifier
    """

    enrolled_on: datetime.date
    enrollment_id: str

    def to_dict(self) -> dict[str, Any]:
        enrolled_on = self.enrolled_on.isoformat()

        enrollment_id = self.enrollment_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enrolled_on": enrolled_on,
                "enrollment_id": enrollment_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrolled_on = datetime.date.fromisoformat(d.pop("enrolled_on"))

        enrollment_id = d.pop("enrollment_id")

        rems_enrollment = cls(
            enrolled_on=enrolled_on,
            enrollment_id=enrollment_id,
        )

        return rems_enrollment
