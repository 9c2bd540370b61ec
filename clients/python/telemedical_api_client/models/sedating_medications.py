from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SedatingMedications")


@_attrs_define
class SedatingMedications:
    """
    Attributes:
        benzodiazepines (bool):
        maois (bool):
        non_benzodiazepine_hypnotics (bool):
        psychostimulants (bool):
    """

    benzodiazepines: bool
    maois: bool
    non_benzodiazepine_hypnotics: bool
    psychostimulants: bool

    def to_dict(self) -> dict[str, Any]:
        benzodiazepines = self.benzodiazepines

        maois = self.maois

        non_benzodiazepine_hypnotics = self.non_benzodiazepine_hypnotics

        psychostimulants = self.psychostimulants

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "benzodiazepines": benzodiazepines,
                "maois": maois,
                "non_benzodiazepine_hypnotics": non_benzodiazepine_hypnotics,
                "psychostimulants": psychostimulants,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        benzodiazepines = d.pop("benzodiazepines")

        maois = d.pop("maois")

        non_benzodiazepine_hypnotics = d.pop("non_benzodiazepine_hypnotics")

        psychostimulants = d.pop("psychostimulants")

        sedating_medications = cls(
            benzodiazepines=benzodiazepines,
            maois=maois,
            non_benzodiazepine_hypnotics=non_benzodiazepine_hypnotics,
            psychostimulants=psychostimulants,
        )

        return sedating_medications
