from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.instrument import Instrument

if TYPE_CHECKING:
    from ..models.consideration import Consideration
    from ..models.crisis_resource import CrisisResource
    from ..models.eligibility_reason import EligibilityReason


T = TypeVar("T", bound="EligibilityDetail")


@_attrs_define
class EligibilityDetail:
    """
    Attributes:
        considerations (list[Consideration]): Medications that may blunt the response; never a reason by themselves
        crisis_resources (list[CrisisResource]):
        missing_screenings (list[Instrument]):
        reasons (list[EligibilityReason]):
    """

    considerations: list[Consideration]
    crisis_resources: list[CrisisResource]
    missing_screenings: list[Instrument]
    reasons: list[EligibilityReason]

    def to_dict(self) -> dict[str, Any]:
        considerations = []
        for considerations_item_data in self.considerations:
            considerations_item = considerations_item_data.to_dict()
            considerations.append(considerations_item)

        crisis_resources = []
        for crisis_resources_item_data in self.crisis_resources:
            crisis_resources_item = crisis_resources_item_data.to_dict()
            crisis_resources.append(crisis_resources_item)

        missing_screenings = []
        for missing_screenings_item_data in self.missing_screenings:
            missing_screenings_item = missing_screenings_item_data.value
            missing_screenings.append(missing_screenings_item)

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "considerations": considerations,
                "crisis_resources": crisis_resources,
                "missing_screenings": missing_screenings,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consideration import Consideration  # noqa: PLC0415
        from ..models.crisis_resource import CrisisResource  # noqa: PLC0415
        from ..models.eligibility_reason import EligibilityReason  # noqa: PLC0415

        d = dict(src_dict)
        considerations = []
        _considerations = d.pop("considerations")
        for considerations_item_data in _considerations:
            considerations_item = Consideration.from_dict(considerations_item_data)

            considerations.append(considerations_item)

        crisis_resources = []
        _crisis_resources = d.pop("crisis_resources")
        for crisis_resources_item_data in _crisis_resources:
            crisis_resources_item = CrisisResource.from_dict(crisis_resources_item_data)

            crisis_resources.append(crisis_resources_item)

        missing_screenings = []
        _missing_screenings = d.pop("missing_screenings")
        for missing_screenings_item_data in _missing_screenings:
            missing_screenings_item = Instrument(missing_screenings_item_data)

            missing_screenings.append(missing_screenings_item)

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = EligibilityReason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        eligibility_detail = cls(
            considerations=considerations,
            crisis_resources=crisis_resources,
            missing_screenings=missing_screenings,
            reasons=reasons,
        )

        return eligibility_detail
