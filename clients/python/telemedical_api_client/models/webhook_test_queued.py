from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.queued_delivery import QueuedDelivery


T = TypeVar("T", bound="WebhookTestQueued")


@_attrs_define
class WebhookTestQueued:
    """
    Attributes:
        delivery (QueuedDelivery):
        event_id (str): The `webhook-id` the test arrives with
    """

    delivery: QueuedDelivery
    event_id: str

    def to_dict(self) -> dict[str, Any]:
        delivery = self.delivery.to_dict()

        event_id = self.event_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "delivery": delivery,
                "event_id": event_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queued_delivery import QueuedDelivery  # noqa: PLC0415

        d = dict(src_dict)
        delivery = QueuedDelivery.from_dict(d.pop("delivery"))

        event_id = d.pop("event_id")

        webhook_test_queued = cls(
            delivery=delivery,
            event_id=event_id,
        )

        return webhook_test_queued
