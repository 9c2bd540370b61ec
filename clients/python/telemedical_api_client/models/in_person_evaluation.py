from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="InPersonEvaluation")


@_attrs_define
class InPersonEvaluation:
    """
    Attributes:
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        evaluated_on (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        id (str):  Example: ipe_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        note (None | str):
        patient_id (str):
        provider_id (str): The provider who examined
        site_id (None | str):
        visit_id (None | str): The in-person visit that recorded it, if any
    """

    created_at: datetime.datetime
    evaluated_on: datetime.date
    id: str
    note: None | str
    patient_id: str
    provider_id: str
    site_id: None | str
    visit_id: None | str

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        evaluated_on = self.evaluated_on.isoformat()

        id = self.id

        note: None | str
        note = self.note

        patient_id = self.patient_id

        provider_id = self.provider_id

        site_id: None | str
        site_id = self.site_id

        visit_id: None | str
        visit_id = self.visit_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "evaluated_on": evaluated_on,
                "id": id,
                "note": note,
                "patient_id": patient_id,
                "provider_id": provider_id,
                "site_id": site_id,
                "visit_id": visit_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        evaluated_on = datetime.date.fromisoformat(d.pop("evaluated_on"))

        id = d.pop("id")

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        patient_id = d.pop("patient_id")

        provider_id = d.pop("provider_id")

        def _parse_site_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        site_id = _parse_site_id(d.pop("site_id"))

        def _parse_visit_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        visit_id = _parse_visit_id(d.pop("visit_id"))

        in_person_evaluation = cls(
            created_at=created_at,
            evaluated_on=evaluated_on,
            id=id,
            note=note,
            patient_id=patient_id,
            provider_id=provider_id,
            site_id=site_id,
            visit_id=visit_id,
        )

        return in_person_evaluation
