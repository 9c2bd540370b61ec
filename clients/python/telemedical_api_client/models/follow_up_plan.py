from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.plan_action import PlanAction
from ..models.plan_status import PlanStatus
from ..models.route import Route
from ..models.treatment_protocol import TreatmentProtocol

if TYPE_CHECKING:
    from ..models.escalation import Escalation


T = TypeVar("T", bound="FollowUpPlan")


@_attrs_define
class FollowUpPlan:
    """
    Attributes:
        activated_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        allowed_actions (list[PlanAction]): The life-cycle actions the plan's status allows now
        check_in_instruments (list[str]):
        check_in_interval_days (int):
        completed_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        consultation_id (str):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        dose_note (None | str):
        end_date (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        escalation (Escalation | None): The latest escalation of a check-in's crisis (C-SSRS high), or null
        frequency_override_reason (None | str): A psychiatrist's (MD/DO, psychiatry) reason to lift the weekly session
            limit for this plan (2 intranasal, 3 other routes in any 7 days); never more than one session a day. null in a
            PATCH restores the limit.
        id (str):  Example: pln_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        partner_id (str):
        patient_id (str):
        protocol (TreatmentProtocol): Follow-up treatment protocol
        provider_id (str): The clinician who owns the plan
        revoked_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        route (Route): Route of ketamine administration
        start_date (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        status (PlanStatus): Follow-up plan status
        status_reason (None | str): Why the plan is on hold or was revoked
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    activated_at: datetime.datetime | None
    allowed_actions: list[PlanAction]
    check_in_instruments: list[str]
    check_in_interval_days: int
    completed_at: datetime.datetime | None
    consultation_id: str
    created_at: datetime.datetime
    dose_note: None | str
    end_date: datetime.date
    escalation: Escalation | None
    frequency_override_reason: None | str
    id: str
    partner_id: str
    patient_id: str
    protocol: TreatmentProtocol
    provider_id: str
    revoked_at: datetime.datetime | None
    route: Route
    start_date: datetime.date
    status: PlanStatus
    status_reason: None | str
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        from ..models.escalation import Escalation  # noqa: PLC0415

        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        allowed_actions = []
        for allowed_actions_item_data in self.allowed_actions:
            allowed_actions_item = allowed_actions_item_data.value
            allowed_actions.append(allowed_actions_item)

        check_in_instruments = self.check_in_instruments

        check_in_interval_days = self.check_in_interval_days

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        consultation_id = self.consultation_id

        created_at = self.created_at.isoformat()

        dose_note: None | str
        dose_note = self.dose_note

        end_date = self.end_date.isoformat()

        escalation: dict[str, Any] | None
        if isinstance(self.escalation, Escalation):
            escalation = self.escalation.to_dict()
        else:
            escalation = self.escalation

        frequency_override_reason: None | str
        frequency_override_reason = self.frequency_override_reason

        id = self.id

        partner_id = self.partner_id

        patient_id = self.patient_id

        protocol = self.protocol.value

        provider_id = self.provider_id

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        route = self.route.value

        start_date = self.start_date.isoformat()

        status = self.status.value

        status_reason: None | str
        status_reason = self.status_reason

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activated_at": activated_at,
                "allowed_actions": allowed_actions,
                "check_in_instruments": check_in_instruments,
                "check_in_interval_days": check_in_interval_days,
                "completed_at": completed_at,
                "consultation_id": consultation_id,
                "created_at": created_at,
                "dose_note": dose_note,
                "end_date": end_date,
                "escalation": escalation,
                "frequency_override_reason": frequency_override_reason,
                "id": id,
                "partner_id": partner_id,
                "patient_id": patient_id,
                "protocol": protocol,
                "provider_id": provider_id,
                "revoked_at": revoked_at,
                "route": route,
                "start_date": start_date,
                "status": status,
                "status_reason": status_reason,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.escalation import Escalation  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

        allowed_actions = []
        _allowed_actions = d.pop("allowed_actions")
        for allowed_actions_item_data in _allowed_actions:
            allowed_actions_item = PlanAction(allowed_actions_item_data)

            allowed_actions.append(allowed_actions_item)

        check_in_instruments = cast(list[str], d.pop("check_in_instruments"))

        check_in_interval_days = d.pop("check_in_interval_days")

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

        consultation_id = d.pop("consultation_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_dose_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dose_note = _parse_dose_note(d.pop("dose_note"))

        end_date = datetime.date.fromisoformat(d.pop("end_date"))

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

        def _parse_frequency_override_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        frequency_override_reason = _parse_frequency_override_reason(d.pop("frequency_override_reason"))

        id = d.pop("id")

        partner_id = d.pop("partner_id")

        patient_id = d.pop("patient_id")

        protocol = TreatmentProtocol(d.pop("protocol"))

        provider_id = d.pop("provider_id")

        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))

        route = Route(d.pop("route"))

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        status = PlanStatus(d.pop("status"))

        def _parse_status_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_reason = _parse_status_reason(d.pop("status_reason"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        follow_up_plan = cls(
            activated_at=activated_at,
            allowed_actions=allowed_actions,
            check_in_instruments=check_in_instruments,
            check_in_interval_days=check_in_interval_days,
            completed_at=completed_at,
            consultation_id=consultation_id,
            created_at=created_at,
            dose_note=dose_note,
            end_date=end_date,
            escalation=escalation,
            frequency_override_reason=frequency_override_reason,
            id=id,
            partner_id=partner_id,
            patient_id=patient_id,
            protocol=protocol,
            provider_id=provider_id,
            revoked_at=revoked_at,
            route=route,
            start_date=start_date,
            status=status,
            status_reason=status_reason,
            updated_at=updated_at,
        )

        return follow_up_plan
