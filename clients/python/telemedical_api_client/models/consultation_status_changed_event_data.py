from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.consultation_status import ConsultationStatus
from ..models.eligibility_outcome import EligibilityOutcome
from ..models.review_decision import ReviewDecision
from ..models.visit_outcome import VisitOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsultationStatusChangedEventData")


@_attrs_define
class ConsultationStatusChangedEventData:
    """The object the event is about and the facts to route on; never PHI. Fetch the object with your token for the rest.

    Attributes:
        id (str): The consultation's id
        object_ (Literal['consultation']):
        previous_status (ConsultationStatus): Consultation status
        status (ConsultationStatus): Consultation status
        eligibility_outcome (EligibilityOutcome | Unset): Eligibility decision
        outcome (VisitOutcome | Unset): Outcome of a completed consultation
        provider_id (str | Unset): Scheduled: the assigned provider
        review_decision (ReviewDecision | Unset): A clinician's review decision
    """

    id: str
    object_: Literal["consultation"]
    previous_status: ConsultationStatus
    status: ConsultationStatus
    eligibility_outcome: EligibilityOutcome | Unset = UNSET
    outcome: VisitOutcome | Unset = UNSET
    provider_id: str | Unset = UNSET
    review_decision: ReviewDecision | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        previous_status = self.previous_status.value

        status = self.status.value

        eligibility_outcome: str | Unset = UNSET
        if not isinstance(self.eligibility_outcome, Unset):
            eligibility_outcome = self.eligibility_outcome.value

        outcome: str | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome.value

        provider_id = self.provider_id

        review_decision: str | Unset = UNSET
        if not isinstance(self.review_decision, Unset):
            review_decision = self.review_decision.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "previous_status": previous_status,
                "status": status,
            }
        )
        if eligibility_outcome is not UNSET:
            field_dict["eligibility_outcome"] = eligibility_outcome
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if provider_id is not UNSET:
            field_dict["provider_id"] = provider_id
        if review_decision is not UNSET:
            field_dict["review_decision"] = review_decision

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["consultation"], d.pop("object"))
        if object_ != "consultation":
            raise ValueError(f"object must match const 'consultation', got '{object_}'")

        previous_status = ConsultationStatus(d.pop("previous_status"))

        status = ConsultationStatus(d.pop("status"))

        _eligibility_outcome = d.pop("eligibility_outcome", UNSET)
        eligibility_outcome: EligibilityOutcome | Unset
        if isinstance(_eligibility_outcome, Unset):
            eligibility_outcome = UNSET
        else:
            eligibility_outcome = EligibilityOutcome(_eligibility_outcome)

        _outcome = d.pop("outcome", UNSET)
        outcome: VisitOutcome | Unset
        if isinstance(_outcome, Unset):
            outcome = UNSET
        else:
            outcome = VisitOutcome(_outcome)

        provider_id = d.pop("provider_id", UNSET)

        _review_decision = d.pop("review_decision", UNSET)
        review_decision: ReviewDecision | Unset
        if isinstance(_review_decision, Unset):
            review_decision = UNSET
        else:
            review_decision = ReviewDecision(_review_decision)

        consultation_status_changed_event_data = cls(
            id=id,
            object_=object_,
            previous_status=previous_status,
            status=status,
            eligibility_outcome=eligibility_outcome,
            outcome=outcome,
            provider_id=provider_id,
            review_decision=review_decision,
        )

        consultation_status_changed_event_data.additional_properties = d
        return consultation_status_changed_event_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
