from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.endpoint_disabled_reason import EndpointDisabledReason
from ..models.event_type import EventType

T = TypeVar("T", bound="WebhookEndpointWithSecret")


@_attrs_define
class WebhookEndpointWithSecret:
    """
    Attributes:
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        description (None | str):
        disabled_reason (EndpointDisabledReason | None): Why it is disabled: `manual`, `gone` (it answered 410),
            `retries_exhausted`
        enabled (bool):
        event_types (list[EventType]):
        id (str):
        partner_id (str):
        secret (str): `whsec_…`: shown in this response only; verify signatures with it
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        url (str):
    """

    created_at: datetime.datetime
    description: None | str
    disabled_reason: EndpointDisabledReason | None
    enabled: bool
    event_types: list[EventType]
    id: str
    partner_id: str
    secret: str
    updated_at: datetime.datetime
    url: str

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description: None | str
        description = self.description

        disabled_reason: None | str
        if isinstance(self.disabled_reason, EndpointDisabledReason):
            disabled_reason = self.disabled_reason.value
        else:
            disabled_reason = self.disabled_reason

        enabled = self.enabled

        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)

        id = self.id

        partner_id = self.partner_id

        secret = self.secret

        updated_at = self.updated_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "disabled_reason": disabled_reason,
                "enabled": enabled,
                "event_types": event_types,
                "id": id,
                "partner_id": partner_id,
                "secret": secret,
                "updated_at": updated_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_disabled_reason(data: object) -> EndpointDisabledReason | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_reason_type_0 = EndpointDisabledReason(data)

                return disabled_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EndpointDisabledReason | None, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        enabled = d.pop("enabled")

        event_types = []
        _event_types = d.pop("event_types")
        for event_types_item_data in _event_types:
            event_types_item = EventType(event_types_item_data)

            event_types.append(event_types_item)

        id = d.pop("id")

        partner_id = d.pop("partner_id")

        secret = d.pop("secret")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        url = d.pop("url")

        webhook_endpoint_with_secret = cls(
            created_at=created_at,
            description=description,
            disabled_reason=disabled_reason,
            enabled=enabled,
            event_types=event_types,
            id=id,
            partner_id=partner_id,
            secret=secret,
            updated_at=updated_at,
            url=url,
        )

        return webhook_endpoint_with_secret
