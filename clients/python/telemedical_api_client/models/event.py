from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.event_type import EventType

if TYPE_CHECKING:
    from ..models.event_data import EventData


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        data (EventData):
        id (str): Also the `webhook-id` of its deliveries
        partner_id (str):
        timestamp (datetime.datetime): When it happened; order by it Must be between 1900-01-01 and 2999-12-31.
        type_ (EventType): Event type
    """

    data: EventData
    id: str
    partner_id: str
    timestamp: datetime.datetime
    type_: EventType

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        id = self.id

        partner_id = self.partner_id

        timestamp = self.timestamp.isoformat()

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "id": id,
                "partner_id": partner_id,
                "timestamp": timestamp,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_data import EventData  # noqa: PLC0415

        d = dict(src_dict)
        data = EventData.from_dict(d.pop("data"))

        id = d.pop("id")

        partner_id = d.pop("partner_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = EventType(d.pop("type"))

        event = cls(
            data=data,
            id=id,
            partner_id=partner_id,
            timestamp=timestamp,
            type_=type_,
        )

        return event
