from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.cohort_figures import CohortFigures
    from ..models.cohort_window import CohortWindow


T = TypeVar("T", bound="CohortTable")


@_attrs_define
class CohortTable:
    """
    Attributes:
        groups (list[CohortFigures]):
        instrument (str):
        totals (CohortFigures):
        window (CohortWindow):
    """

    groups: list[CohortFigures]
    instrument: str
    totals: CohortFigures
    window: CohortWindow

    def to_dict(self) -> dict[str, Any]:
        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        instrument = self.instrument

        totals = self.totals.to_dict()

        window = self.window.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "groups": groups,
                "instrument": instrument,
                "totals": totals,
                "window": window,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cohort_figures import CohortFigures  # noqa: PLC0415
        from ..models.cohort_window import CohortWindow  # noqa: PLC0415

        d = dict(src_dict)
        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = CohortFigures.from_dict(groups_item_data)

            groups.append(groups_item)

        instrument = d.pop("instrument")

        totals = CohortFigures.from_dict(d.pop("totals"))

        window = CohortWindow.from_dict(d.pop("window"))

        cohort_table = cls(
            groups=groups,
            instrument=instrument,
            totals=totals,
            window=window,
        )

        return cohort_table
