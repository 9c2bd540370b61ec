from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.queued_delivery import QueuedDelivery


T = TypeVar("T", bound="RedeliveryQueued")


@_attrs_define
class RedeliveryQueued:
    """
    Attributes:
        deliveries (list[QueuedDelivery]):
        event_id (str):
    """

    deliveries: list[QueuedDelivery]
    event_id: str

    def to_dict(self) -> dict[str, Any]:
        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        event_id = self.event_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "deliveries": deliveries,
                "event_id": event_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.queued_delivery import QueuedDelivery  # noqa: PLC0415

        d = dict(src_dict)
        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in _deliveries:
            deliveries_item = QueuedDelivery.from_dict(deliveries_item_data)

            deliveries.append(deliveries_item)

        event_id = d.pop("event_id")

        redelivery_queued = cls(
            deliveries=deliveries,
            event_id=event_id,
        )

        return redelivery_queued
