from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.caller_type import CallerType

T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        client_id (str): The OAuth client the token was issued to
        id (str): The user's id for a person; the OAuth client's id for a partner's system
        partner_id (None | str): The tenant; null for platform clients
        patient_id (None | str): The patient a patient's token speaks for
        provider_id (None | str): The provider a clinician's token speaks for
        scopes (list[str]): Granted scopes, sorted
        type_ (CallerType): Kind of caller a token speaks for
    """

    client_id: str
    id: str
    partner_id: None | str
    patient_id: None | str
    provider_id: None | str
    scopes: list[str]
    type_: CallerType

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        id = self.id

        partner_id: None | str
        partner_id = self.partner_id

        patient_id: None | str
        patient_id = self.patient_id

        provider_id: None | str
        provider_id = self.provider_id

        scopes = self.scopes

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
                "id": id,
                "partner_id": partner_id,
                "patient_id": patient_id,
                "provider_id": provider_id,
                "scopes": scopes,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("client_id")

        id = d.pop("id")

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        def _parse_patient_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        patient_id = _parse_patient_id(d.pop("patient_id"))

        def _parse_provider_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_id = _parse_provider_id(d.pop("provider_id"))

        scopes = cast(list[str], d.pop("scopes"))

        type_ = CallerType(d.pop("type"))

        me = cls(
            client_id=client_id,
            id=id,
            partner_id=partner_id,
            patient_id=patient_id,
            provider_id=provider_id,
            scopes=scopes,
            type_=type_,
        )

        return me
