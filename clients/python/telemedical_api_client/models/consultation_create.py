from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.condition import Condition
from ..models.route import Route
from ..models.us_state import UsState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.time_window import TimeWindow


T = TypeVar("T", bound="ConsultationCreate")


@_attrs_define
class ConsultationCreate:
    """
    Attributes:
        conditions (list[Condition]):
        patient_id (str):
        patient_location_state (UsState): USPS state or territory code
        notes (None | str | Unset):
        preferred_language (str | Unset): Defaults to the patient's preferred language
        preferred_routes (list[Route] | Unset): Routes the patient accepts; empty means any
        preferred_times (list[TimeWindow] | Unset):
    """

    conditions: list[Condition]
    patient_id: str
    patient_location_state: UsState
    notes: None | str | Unset = UNSET
    preferred_language: str | Unset = UNSET
    preferred_routes: list[Route] | Unset = UNSET
    preferred_times: list[TimeWindow] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        conditions = []
        for conditions_item_data in self.conditions:
            conditions_item = conditions_item_data.value
            conditions.append(conditions_item)

        patient_id = self.patient_id

        patient_location_state = self.patient_location_state.value

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        preferred_language = self.preferred_language

        preferred_routes: list[str] | Unset = UNSET
        if not isinstance(self.preferred_routes, Unset):
            preferred_routes = []
            for preferred_routes_item_data in self.preferred_routes:
                preferred_routes_item = preferred_routes_item_data.value
                preferred_routes.append(preferred_routes_item)

        preferred_times: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.preferred_times, Unset):
            preferred_times = []
            for preferred_times_item_data in self.preferred_times:
                preferred_times_item = preferred_times_item_data.to_dict()
                preferred_times.append(preferred_times_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "conditions": conditions,
                "patient_id": patient_id,
                "patient_location_state": patient_location_state,
            }
        )
        if notes is not UNSET:
            field_dict["notes"] = notes
        if preferred_language is not UNSET:
            field_dict["preferred_language"] = preferred_language
        if preferred_routes is not UNSET:
            field_dict["preferred_routes"] = preferred_routes
        if preferred_times is not UNSET:
            field_dict["preferred_times"] = preferred_times

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.time_window import TimeWindow  # noqa: PLC0415

        d = dict(src_dict)
        conditions = []
        _conditions = d.pop("conditions")
        for conditions_item_data in _conditions:
            conditions_item = Condition(conditions_item_data)

            conditions.append(conditions_item)

        patient_id = d.pop("patient_id")

        patient_location_state = UsState(d.pop("patient_location_state"))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        preferred_language = d.pop("preferred_language", UNSET)

        _preferred_routes = d.pop("preferred_routes", UNSET)
        preferred_routes: list[Route] | Unset = UNSET
        if _preferred_routes is not UNSET:
            preferred_routes = []
            for preferred_routes_item_data in _preferred_routes:
                preferred_routes_item = Route(preferred_routes_item_data)

                preferred_routes.append(preferred_routes_item)

        _preferred_times = d.pop("preferred_times", UNSET)
        preferred_times: list[TimeWindow] | Unset = UNSET
        if _preferred_times is not UNSET:
            preferred_times = []
            for preferred_times_item_data in _preferred_times:
                preferred_times_item = TimeWindow.from_dict(preferred_times_item_data)

                preferred_times.append(preferred_times_item)

        consultation_create = cls(
            conditions=conditions,
            patient_id=patient_id,
            patient_location_state=patient_location_state,
            notes=notes,
            preferred_language=preferred_language,
            preferred_routes=preferred_routes,
            preferred_times=preferred_times,
        )

        return consultation_create
