from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.route import Route

if TYPE_CHECKING:
    from ..models.provider import Provider
    from ..models.score_components import ScoreComponents
    from ..models.slot import Slot


T = TypeVar("T", bound="ProviderMatch")


@_attrs_define
class ProviderMatch:
    """
    Attributes:
        available_routes (list[Route]): Accepted routes this provider can deliver in the patient's state
        earliest_slots (list[Slot]): The first free slots, bookable
        provider (Provider):
        score (float):
        score_components (ScoreComponents):
    """

    available_routes: list[Route]
    earliest_slots: list[Slot]
    provider: Provider
    score: float
    score_components: ScoreComponents

    def to_dict(self) -> dict[str, Any]:
        available_routes = []
        for available_routes_item_data in self.available_routes:
            available_routes_item = available_routes_item_data.value
            available_routes.append(available_routes_item)

        earliest_slots = []
        for earliest_slots_item_data in self.earliest_slots:
            earliest_slots_item = earliest_slots_item_data.to_dict()
            earliest_slots.append(earliest_slots_item)

        provider = self.provider.to_dict()

        score = self.score

        score_components = self.score_components.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "available_routes": available_routes,
                "earliest_slots": earliest_slots,
                "provider": provider,
                "score": score,
                "score_components": score_components,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider import Provider  # noqa: PLC0415
        from ..models.score_components import ScoreComponents  # noqa: PLC0415
        from ..models.slot import Slot  # noqa: PLC0415

        d = dict(src_dict)
        available_routes = []
        _available_routes = d.pop("available_routes")
        for available_routes_item_data in _available_routes:
            available_routes_item = Route(available_routes_item_data)

            available_routes.append(available_routes_item)

        earliest_slots = []
        _earliest_slots = d.pop("earliest_slots")
        for earliest_slots_item_data in _earliest_slots:
            earliest_slots_item = Slot.from_dict(earliest_slots_item_data)

            earliest_slots.append(earliest_slots_item)

        provider = Provider.from_dict(d.pop("provider"))

        score = d.pop("score")

        score_components = ScoreComponents.from_dict(d.pop("score_components"))

        provider_match = cls(
            available_routes=available_routes,
            earliest_slots=earliest_slots,
            provider=provider,
            score=score,
            score_components=score_components,
        )

        return provider_match
