from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScoreComponents")


@_attrs_define
class ScoreComponents:
    """
    Attributes:
        continuity (float): 1 when this provider saw the patient before
        earliest_slot (float): 1 = now, 0 = 30 days out
        language (float):
        preferred_times (float): Share of the patient's preferred windows holding a free slot
        spare_capacity (float):
    """

    continuity: float
    earliest_slot: float
    language: float
    preferred_times: float
    spare_capacity: float

    def to_dict(self) -> dict[str, Any]:
        continuity = self.continuity

        earliest_slot = self.earliest_slot

        language = self.language

        preferred_times = self.preferred_times

        spare_capacity = self.spare_capacity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "continuity": continuity,
                "earliest_slot": earliest_slot,
                "language": language,
                "preferred_times": preferred_times,
                "spare_capacity": spare_capacity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        continuity = d.pop("continuity")

        earliest_slot = d.pop("earliest_slot")

        language = d.pop("language")

        preferred_times = d.pop("preferred_times")

        spare_capacity = d.pop("spare_capacity")

        score_components = cls(
            continuity=continuity,
            earliest_slot=earliest_slot,
            language=language,
            preferred_times=preferred_times,
            spare_capacity=spare_capacity,
        )

        return score_components
