from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ExcludedCounts")


@_attrs_define
class ExcludedCounts:
    """
    Attributes:
        capacity (int): Excluded by `capacity`
        credential (int): Excluded by `credential`
        dea (int): Excluded by `dea`
        license_ (int): Excluded by `license`
        no_slot (int): Excluded by `no_slot`
        route (int): Excluded by `route`
    """

    capacity: int
    credential: int
    dea: int
    license_: int
    no_slot: int
    route: int

    def to_dict(self) -> dict[str, Any]:
        capacity = self.capacity

        credential = self.credential

        dea = self.dea

        license_ = self.license_

        no_slot = self.no_slot

        route = self.route

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "capacity": capacity,
                "credential": credential,
                "dea": dea,
                "license": license_,
                "no_slot": no_slot,
                "route": route,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        capacity = d.pop("capacity")

        credential = d.pop("credential")

        dea = d.pop("dea")

        license_ = d.pop("license")

        no_slot = d.pop("no_slot")

        route = d.pop("route")

        excluded_counts = cls(
            capacity=capacity,
            credential=credential,
            dea=dea,
            license_=license_,
            no_slot=no_slot,
            route=route,
        )

        return excluded_counts
