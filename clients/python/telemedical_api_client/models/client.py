from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Client")


@_attrs_define
class Client:
    """
    Attributes:
        can_introspect (bool):
        client_id (str):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        grant_types (list[str]):
        name (str):
        partner_id (None | str):
        public (bool):
        redirect_uris (list[str]):
        scope (str):
    """

    can_introspect: bool
    client_id: str
    created_at: datetime.datetime
    grant_types: list[str]
    name: str
    partner_id: None | str
    public: bool
    redirect_uris: list[str]
    scope: str

    def to_dict(self) -> dict[str, Any]:
        can_introspect = self.can_introspect

        client_id = self.client_id

        created_at = self.created_at.isoformat()

        grant_types = self.grant_types

        name = self.name

        partner_id: None | str
        partner_id = self.partner_id

        public = self.public

        redirect_uris = self.redirect_uris

        scope = self.scope

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "can_introspect": can_introspect,
                "client_id": client_id,
                "created_at": created_at,
                "grant_types": grant_types,
                "name": name,
                "partner_id": partner_id,
                "public": public,
                "redirect_uris": redirect_uris,
                "scope": scope,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        can_introspect = d.pop("can_introspect")

        client_id = d.pop("client_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        grant_types = cast(list[str], d.pop("grant_types"))

        name = d.pop("name")

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        public = d.pop("public")

        redirect_uris = cast(list[str], d.pop("redirect_uris"))

        scope = d.pop("scope")

        client = cls(
            can_introspect=can_introspect,
            client_id=client_id,
            created_at=created_at,
            grant_types=grant_types,
            name=name,
            partner_id=partner_id,
            public=public,
            redirect_uris=redirect_uris,
            scope=scope,
        )

        return client
