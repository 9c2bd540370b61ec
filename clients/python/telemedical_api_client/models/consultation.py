from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.condition import Condition
from ..models.consultation_status import ConsultationStatus
from ..models.eligibility_outcome import EligibilityOutcome
from ..models.review_decision import ReviewDecision
from ..models.route import Route
from ..models.visit_outcome import VisitOutcome

if TYPE_CHECKING:
    from ..models.eligibility_detail import EligibilityDetail
    from ..models.escalation import Escalation
    from ..models.time_window import TimeWindow
    from ..models.visit import Visit


T = TypeVar("T", bound="Consultation")


@_attrs_define
class Consultation:
    """
    Attributes:
        cancellation_reason (None | str):
        cancelled_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        completed_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        conditions (list[Condition]):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        eligibility (EligibilityDetail | None): The latest eligibility decision's reasons, as at /eligibility
        eligibility_outcome (EligibilityOutcome): Eligibility decision
        escalation (Escalation | None): The latest escalation of the case (C-SSRS high); null when never escalated
        id (str):  Example: con_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        notes (None | str):
        outcome (None | VisitOutcome): Set when the visit is completed (the outcome /complete was given)
        partner_id (str):
        patient_id (str):
        patient_location_state (str):
        preferred_language (None | str):
        preferred_routes (list[Route]):
        preferred_times (list[TimeWindow]):
        provider_id (None | str): The assigned clinician
        review_decision (None | ReviewDecision):
        review_note (None | str):
        reviewed_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        reviewed_by (None | str):
        safety_plan_documented (bool | None): Attested by the psychiatrist who cleared an escalated case (else null)
        started_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        status (ConsultationStatus): Consultation status
        summary (None | str):
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        visit (None | Visit): How and where the visit was held (set by /start); null before
    """

    cancellation_reason: None | str
    cancelled_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    conditions: list[Condition]
    created_at: datetime.datetime
    eligibility: EligibilityDetail | None
    eligibility_outcome: EligibilityOutcome
    escalation: Escalation | None
    id: str
    notes: None | str
    outcome: None | VisitOutcome
    partner_id: str
    patient_id: str
    patient_location_state: str
    preferred_language: None | str
    preferred_routes: list[Route]
    preferred_times: list[TimeWindow]
    provider_id: None | str
    review_decision: None | ReviewDecision
    review_note: None | str
    reviewed_at: datetime.datetime | None
    reviewed_by: None | str
    safety_plan_documented: bool | None
    started_at: datetime.datetime | None
    status: ConsultationStatus
    summary: None | str
    updated_at: datetime.datetime
    visit: None | Visit

    def to_dict(self) -> dict[str, Any]:
        from ..models.eligibility_detail import EligibilityDetail  # noqa: PLC0415
        from ..models.escalation import Escalation  # noqa: PLC0415
        from ..models.visit import Visit  # noqa: PLC0415

        cancellation_reason: None | str
        cancellation_reason = self.cancellation_reason

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        conditions = []
        for conditions_item_data in self.conditions:
            conditions_item = conditions_item_data.value
            conditions.append(conditions_item)

        created_at = self.created_at.isoformat()

        eligibility: dict[str, Any] | None
        if isinstance(self.eligibility, EligibilityDetail):
            eligibility = self.eligibility.to_dict()
        else:
            eligibility = self.eligibility

        eligibility_outcome = self.eligibility_outcome.value

        escalation: dict[str, Any] | None
        if isinstance(self.escalation, Escalation):
            escalation = self.escalation.to_dict()
        else:
            escalation = self.escalation

        id = self.id

        notes: None | str
        notes = self.notes

        outcome: None | str
        if isinstance(self.outcome, VisitOutcome):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        partner_id = self.partner_id

        patient_id = self.patient_id

        patient_location_state = self.patient_location_state

        preferred_language: None | str
        preferred_language = self.preferred_language

        preferred_routes = []
        for preferred_routes_item_data in self.preferred_routes:
            preferred_routes_item = preferred_routes_item_data.value
            preferred_routes.append(preferred_routes_item)

        preferred_times = []
        for preferred_times_item_data in self.preferred_times:
            preferred_times_item = preferred_times_item_data.to_dict()
            preferred_times.append(preferred_times_item)

        provider_id: None | str
        provider_id = self.provider_id

        review_decision: None | str
        if isinstance(self.review_decision, ReviewDecision):
            review_decision = self.review_decision.value
        else:
            review_decision = self.review_decision

        review_note: None | str
        review_note = self.review_note

        reviewed_at: None | str
        if isinstance(self.reviewed_at, datetime.datetime):
            reviewed_at = self.reviewed_at.isoformat()
        else:
            reviewed_at = self.reviewed_at

        reviewed_by: None | str
        reviewed_by = self.reviewed_by

        safety_plan_documented: bool | None
        safety_plan_documented = self.safety_plan_documented

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        summary: None | str
        summary = self.summary

        updated_at = self.updated_at.isoformat()

        visit: dict[str, Any] | None
        if isinstance(self.visit, Visit):
            visit = self.visit.to_dict()
        else:
            visit = self.visit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cancellation_reason": cancellation_reason,
                "cancelled_at": cancelled_at,
                "completed_at": completed_at,
                "conditions": conditions,
                "created_at": created_at,
                "eligibility": eligibility,
                "eligibility_outcome": eligibility_outcome,
                "escalation": escalation,
                "id": id,
                "notes": notes,
                "outcome": outcome,
                "partner_id": partner_id,
                "patient_id": patient_id,
                "patient_location_state": patient_location_state,
                "preferred_language": preferred_language,
                "preferred_routes": preferred_routes,
                "preferred_times": preferred_times,
                "provider_id": provider_id,
                "review_decision": review_decision,
                "review_note": review_note,
                "reviewed_at": reviewed_at,
                "reviewed_by": reviewed_by,
                "safety_plan_documented": safety_plan_documented,
                "started_at": started_at,
                "status": status,
                "summary": summary,
                "updated_at": updated_at,
                "visit": visit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.eligibility_detail import EligibilityDetail  # noqa: PLC0415
        from ..models.escalation import Escalation  # noqa: PLC0415
        from ..models.time_window import TimeWindow  # noqa: PLC0415
        from ..models.visit import Visit  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_cancellation_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cancellation_reason = _parse_cancellation_reason(d.pop("cancellation_reason"))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        conditions = []
        _conditions = d.pop("conditions")
        for conditions_item_data in _conditions:
            conditions_item = Condition(conditions_item_data)

            conditions.append(conditions_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_eligibility(data: object) -> EligibilityDetail | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                eligibility_type_0 = EligibilityDetail.from_dict(data)

                return eligibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EligibilityDetail | None, data)

        eligibility = _parse_eligibility(d.pop("eligibility"))

        eligibility_outcome = EligibilityOutcome(d.pop("eligibility_outcome"))

        def _parse_escalation(data: object) -> Escalation | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                escalation_type_0 = Escalation.from_dict(data)

                return escalation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Escalation | None, data)

        escalation = _parse_escalation(d.pop("escalation"))

        id = d.pop("id")

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))

        def _parse_outcome(data: object) -> None | VisitOutcome:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = VisitOutcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VisitOutcome, data)

        outcome = _parse_outcome(d.pop("outcome"))

        partner_id = d.pop("partner_id")

        patient_id = d.pop("patient_id")

        patient_location_state = d.pop("patient_location_state")

        def _parse_preferred_language(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        preferred_language = _parse_preferred_language(d.pop("preferred_language"))

        preferred_routes = []
        _preferred_routes = d.pop("preferred_routes")
        for preferred_routes_item_data in _preferred_routes:
            preferred_routes_item = Route(preferred_routes_item_data)

            preferred_routes.append(preferred_routes_item)

        preferred_times = []
        _preferred_times = d.pop("preferred_times")
        for preferred_times_item_data in _preferred_times:
            preferred_times_item = TimeWindow.from_dict(preferred_times_item_data)

            preferred_times.append(preferred_times_item)

        def _parse_provider_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_id = _parse_provider_id(d.pop("provider_id"))

        def _parse_review_decision(data: object) -> None | ReviewDecision:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                review_decision_type_0 = ReviewDecision(data)

                return review_decision_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewDecision, data)

        review_decision = _parse_review_decision(d.pop("review_decision"))

        def _parse_review_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        review_note = _parse_review_note(d.pop("review_note"))

        def _parse_reviewed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_at_type_0 = datetime.datetime.fromisoformat(data)

                return reviewed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at"))

        def _parse_reviewed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reviewed_by = _parse_reviewed_by(d.pop("reviewed_by"))

        def _parse_safety_plan_documented(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        safety_plan_documented = _parse_safety_plan_documented(d.pop("safety_plan_documented"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = ConsultationStatus(d.pop("status"))

        def _parse_summary(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        summary = _parse_summary(d.pop("summary"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_visit(data: object) -> None | Visit:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                visit_type_0 = Visit.from_dict(data)

                return visit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Visit, data)

        visit = _parse_visit(d.pop("visit"))

        consultation = cls(
            cancellation_reason=cancellation_reason,
            cancelled_at=cancelled_at,
            completed_at=completed_at,
            conditions=conditions,
            created_at=created_at,
            eligibility=eligibility,
            eligibility_outcome=eligibility_outcome,
            escalation=escalation,
            id=id,
            notes=notes,
            outcome=outcome,
            partner_id=partner_id,
            patient_id=patient_id,
            patient_location_state=patient_location_state,
            preferred_language=preferred_language,
            preferred_routes=preferred_routes,
            preferred_times=preferred_times,
            provider_id=provider_id,
            review_decision=review_decision,
            review_note=review_note,
            reviewed_at=reviewed_at,
            reviewed_by=reviewed_by,
            safety_plan_documented=safety_plan_documented,
            started_at=started_at,
            status=status,
            summary=summary,
            updated_at=updated_at,
            visit=visit,
        )

        return consultation
