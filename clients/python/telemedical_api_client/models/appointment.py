from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.appointment_status import AppointmentStatus

T = TypeVar("T", bound="Appointment")


@_attrs_define
class Appointment:
    """
    Attributes:
        consultation_id (str):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        ends_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        id (str):  Example: apt_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        provider_id (str):
        starts_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        status (AppointmentStatus): Appointment status
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        video_url (str): Join link of the video visit; do not share it further
    """

    consultation_id: str
    created_at: datetime.datetime
    ends_at: datetime.datetime
    id: str
    provider_id: str
    starts_at: datetime.datetime
    status: AppointmentStatus
    updated_at: datetime.datetime
    video_url: str

    def to_dict(self) -> dict[str, Any]:
        consultation_id = self.consultation_id

        created_at = self.created_at.isoformat()

        ends_at = self.ends_at.isoformat()

        id = self.id

        provider_id = self.provider_id

        starts_at = self.starts_at.isoformat()

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        video_url = self.video_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "consultation_id": consultation_id,
                "created_at": created_at,
                "ends_at": ends_at,
                "id": id,
                "provider_id": provider_id,
                "starts_at": starts_at,
                "status": status,
                "updated_at": updated_at,
                "video_url": video_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consultation_id = d.pop("consultation_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        id = d.pop("id")

        provider_id = d.pop("provider_id")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        status = AppointmentStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        video_url = d.pop("video_url")

        appointment = cls(
            consultation_id=consultation_id,
            created_at=created_at,
            ends_at=ends_at,
            id=id,
            provider_id=provider_id,
            starts_at=starts_at,
            status=status,
            updated_at=updated_at,
            video_url=video_url,
        )

        return appointment
