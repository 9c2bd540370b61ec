from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.grant_type import GrantType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientCreate")


@_attrs_define
class ClientCreate:
    """
    Attributes:
        grant_type (GrantType): OAuth grant type of a client
        name (str):
        scope (str): Space-separated; any of: patients:read patients:write consultations:read consultations:write
            screenings:read screenings:write providers:read providers:write plans:read plans:write webhooks:manage
            audit:read outcomes:read admin
        can_introspect (bool | Unset):  Default: False.
        public (bool | Unset):  Default: False.
        redirect_uris (list[str] | Unset):
    """

    grant_type: GrantType
    name: str
    scope: str
    can_introspect: bool | Unset = False
    public: bool | Unset = False
    redirect_uris: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type.value

        name = self.name

        scope = self.scope

        can_introspect = self.can_introspect

        public = self.public

        redirect_uris: list[str] | Unset = UNSET
        if not isinstance(self.redirect_uris, Unset):
            redirect_uris = self.redirect_uris

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "name": name,
                "scope": scope,
            }
        )
        if can_introspect is not UNSET:
            field_dict["can_introspect"] = can_introspect
        if public is not UNSET:
            field_dict["public"] = public
        if redirect_uris is not UNSET:
            field_dict["redirect_uris"] = redirect_uris

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = GrantType(d.pop("grant_type"))

        name = d.pop("name")

        scope = d.pop("scope")

        can_introspect = d.pop("can_introspect", UNSET)

        public = d.pop("public", UNSET)

        redirect_uris = cast(list[str], d.pop("redirect_uris", UNSET))

        client_create = cls(
            grant_type=grant_type,
            name=name,
            scope=scope,
            can_introspect=can_introspect,
            public=public,
            redirect_uris=redirect_uris,
        )

        return client_create
