from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.consultation_status import ConsultationStatus
from ..models.eligibility_outcome import EligibilityOutcome
from ..models.instrument import Instrument

if TYPE_CHECKING:
    from ..models.consideration import Consideration
    from ..models.crisis_resource import CrisisResource
    from ..models.eligibility_reason import EligibilityReason


T = TypeVar("T", bound="Eligibility")


@_attrs_define
class Eligibility:
    """
    Attributes:
        considerations (list[Consideration]): Medications that may blunt the response; never a reason by themselves
        consultation_id (str):
        consultation_status (ConsultationStatus): Consultation status
        crisis_resources (list[CrisisResource]):
        evaluated_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        missing_screenings (list[Instrument]):
        outcome (EligibilityOutcome): Eligibility decision
        reasons (list[EligibilityReason]):
    """

    considerations: list[Consideration]
    consultation_id: str
    consultation_status: ConsultationStatus
    crisis_resources: list[CrisisResource]
    evaluated_at: datetime.datetime | None
    missing_screenings: list[Instrument]
    outcome: EligibilityOutcome
    reasons: list[EligibilityReason]

    def to_dict(self) -> dict[str, Any]:
        considerations = []
        for considerations_item_data in self.considerations:
            considerations_item = considerations_item_data.to_dict()
            considerations.append(considerations_item)

        consultation_id = self.consultation_id

        consultation_status = self.consultation_status.value

        crisis_resources = []
        for crisis_resources_item_data in self.crisis_resources:
            crisis_resources_item = crisis_resources_item_data.to_dict()
            crisis_resources.append(crisis_resources_item)

        evaluated_at: None | str
        if isinstance(self.evaluated_at, datetime.datetime):
            evaluated_at = self.evaluated_at.isoformat()
        else:
            evaluated_at = self.evaluated_at

        missing_screenings = []
        for missing_screenings_item_data in self.missing_screenings:
            missing_screenings_item = missing_screenings_item_data.value
            missing_screenings.append(missing_screenings_item)

        outcome = self.outcome.value

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "considerations": considerations,
                "consultation_id": consultation_id,
                "consultation_status": consultation_status,
                "crisis_resources": crisis_resources,
                "evaluated_at": evaluated_at,
                "missing_screenings": missing_screenings,
                "outcome": outcome,
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

        consultation_id = d.pop("consultation_id")

        consultation_status = ConsultationStatus(d.pop("consultation_status"))

        crisis_resources = []
        _crisis_resources = d.pop("crisis_resources")
        for crisis_resources_item_data in _crisis_resources:
            crisis_resources_item = CrisisResource.from_dict(crisis_resources_item_data)

            crisis_resources.append(crisis_resources_item)

        def _parse_evaluated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                evaluated_at_type_0 = datetime.datetime.fromisoformat(data)

                return evaluated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        evaluated_at = _parse_evaluated_at(d.pop("evaluated_at"))

        missing_screenings = []
        _missing_screenings = d.pop("missing_screenings")
        for missing_screenings_item_data in _missing_screenings:
            missing_screenings_item = Instrument(missing_screenings_item_data)

            missing_screenings.append(missing_screenings_item)

        outcome = EligibilityOutcome(d.pop("outcome"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = EligibilityReason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        eligibility = cls(
            considerations=considerations,
            consultation_id=consultation_id,
            consultation_status=consultation_status,
            crisis_resources=crisis_resources,
            evaluated_at=evaluated_at,
            missing_screenings=missing_screenings,
            outcome=outcome,
            reasons=reasons,
        )

        return eligibility
