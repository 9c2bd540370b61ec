from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.delivery_status import DeliveryStatus

T = TypeVar("T", bound="QueuedDelivery")


@_attrs_define
class QueuedDelivery:
    """
    Attributes:
        endpoint_id (str):
        event_id (str):
        id (str):
        next_attempt_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        status (DeliveryStatus): Webhook delivery status
    """

    endpoint_id: str
    event_id: str
    id: str
    next_attempt_at: datetime.datetime
    status: DeliveryStatus

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        event_id = self.event_id

        id = self.id

        next_attempt_at = self.next_attempt_at.isoformat()

        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "endpoint_id": endpoint_id,
                "event_id": event_id,
                "id": id,
                "next_attempt_at": next_attempt_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endpoint_id = d.pop("endpoint_id")

        event_id = d.pop("event_id")

        id = d.pop("id")

        next_attempt_at = datetime.datetime.fromisoformat(d.pop("next_attempt_at"))

        status = DeliveryStatus(d.pop("status"))

        queued_delivery = cls(
            endpoint_id=endpoint_id,
            event_id=event_id,
            id=id,
            next_attempt_at=next_attempt_at,
            status=status,
        )

        return queued_delivery
