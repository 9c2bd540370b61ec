from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InPersonEvaluationCreate")


@_attrs_define
class InPersonEvaluationCreate:
    """
    Attributes:
        evaluated_on (datetime.date): Today or earlier Must be between 1900-01-01 and 2999-12-31.
        note (str):
        provider_id (str | Unset): You: the examining provider records their own evaluation
        site_id (None | str | Unset): Where, if at a site
    """

    evaluated_on: datetime.date
    note: str
    provider_id: str | Unset = UNSET
    site_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        evaluated_on = self.evaluated_on.isoformat()

        note = self.note

        provider_id = self.provider_id

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        else:
            site_id = self.site_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "evaluated_on": evaluated_on,
                "note": note,
            }
        )
        if provider_id is not UNSET:
            field_dict["provider_id"] = provider_id
        if site_id is not UNSET:
            field_dict["site_id"] = site_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        evaluated_on = datetime.date.fromisoformat(d.pop("evaluated_on"))

        note = d.pop("note")

        provider_id = d.pop("provider_id", UNSET)

        def _parse_site_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

        in_person_evaluation_create = cls(
            evaluated_on=evaluated_on,
            note=note,
            provider_id=provider_id,
            site_id=site_id,
        )

        return in_person_evaluation_create
