from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EventData")


@_attrs_define
class EventData:
    """
    Attributes:
        id (str): The object's id
        object_ (str): The object's type: `consultation`, `screening`, `follow_up_plan`, `follow_up_task`,
            `adverse_event` or `prescription`
        consultation_id (None | str | Unset):
        dispensing (str | Unset): `prescription.*`: `pharmacy` or `clinic_administered`
        due_on (str | Unset): Tasks: the day it is due (YYYY-MM-DD)
        instrument (str | Unset): Screenings: `phq9`, `gad7`, `pcl5`, `cssrs`, …
        kind (str | Unset): Tasks: `session`, `check_in`, …
        outcome (str | Unset): `consultation.status_changed` to `completed`
        patient_id (str | Unset): `prescription.*`: the patient's id
        pharmacy_ncpdp_id (None | str | Unset): `prescription.*`: the dispensing pharmacy's NCPDP id
        plan_id (str | Unset): Tasks and adverse events: their plan
        plan_status (str | Unset): `adverse_event.reported`: the plan's status after
        prescriber_id (str | Unset): `prescription.*`: the prescriber's id
        previous_status (str | Unset): `*.status_changed`: the status before
        provider_id (str | Unset): `consultation.status_changed` to `scheduled`
        review_decision (str | Unset): A reviewed consultation: the decision
        risk_level (str | Unset): `screening.risk_flagged`: the C-SSRS risk level
        severity (str | Unset): `adverse_event.reported`: its severity
        status (str | Unset): The object's status after the change
        task_id (None | str | Unset): `adverse_event.reported`: the session it was recorded with, if any
    """

    id: str
    object_: str
    consultation_id: None | str | Unset = UNSET
    dispensing: str | Unset = UNSET
    due_on: str | Unset = UNSET
    instrument: str | Unset = UNSET
    kind: str | Unset = UNSET
    outcome: str | Unset = UNSET
    patient_id: str | Unset = UNSET
    pharmacy_ncpdp_id: None | str | Unset = UNSET
    plan_id: str | Unset = UNSET
    plan_status: str | Unset = UNSET
    prescriber_id: str | Unset = UNSET
    previous_status: str | Unset = UNSET
    provider_id: str | Unset = UNSET
    review_decision: str | Unset = UNSET
    risk_level: str | Unset = UNSET
    severity: str | Unset = UNSET
    status: str | Unset = UNSET
    task_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        consultation_id: None | str | Unset
        if isinstance(self.consultation_id, Unset):
            consultation_id = UNSET
        else:
            consultation_id = self.consultation_id

        dispensing = self.dispensing

        due_on = self.due_on

        instrument = self.instrument

        kind = self.kind

        outcome = self.outcome

        patient_id = self.patient_id

        pharmacy_ncpdp_id: None | str | Unset
        if isinstance(self.pharmacy_ncpdp_id, Unset):
            pharmacy_ncpdp_id = UNSET
        else:
            pharmacy_ncpdp_id = self.pharmacy_ncpdp_id

        plan_id = self.plan_id

        plan_status = self.plan_status

        prescriber_id = self.prescriber_id

        previous_status = self.previous_status

        provider_id = self.provider_id

        review_decision = self.review_decision

        risk_level = self.risk_level

        severity = self.severity

        status = self.status

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
            }
        )
        if consultation_id is not UNSET:
            field_dict["consultation_id"] = consultation_id
        if dispensing is not UNSET:
            field_dict["dispensing"] = dispensing
        if due_on is not UNSET:
            field_dict["due_on"] = due_on
        if instrument is not UNSET:
            field_dict["instrument"] = instrument
        if kind is not UNSET:
            field_dict["kind"] = kind
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if patient_id is not UNSET:
            field_dict["patient_id"] = patient_id
        if pharmacy_ncpdp_id is not UNSET:
            field_dict["pharmacy_ncpdp_id"] = pharmacy_ncpdp_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if plan_status is not UNSET:
            field_dict["plan_status"] = plan_status
        if prescriber_id is not UNSET:
            field_dict["prescriber_id"] = prescriber_id
        if previous_status is not UNSET:
            field_dict["previous_status"] = previous_status
        if provider_id is not UNSET:
            field_dict["provider_id"] = provider_id
        if review_decision is not UNSET:
            field_dict["review_decision"] = review_decision
        if risk_level is not UNSET:
            field_dict["risk_level"] = risk_level
        if severity is not UNSET:
            field_dict["severity"] = severity
        if status is not UNSET:
            field_dict["status"] = status
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = d.pop("object")

        def _parse_consultation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        consultation_id = _parse_consultation_id(d.pop("consultation_id", UNSET))

        dispensing = d.pop("dispensing", UNSET)

        due_on = d.pop("due_on", UNSET)

        instrument = d.pop("instrument", UNSET)

        kind = d.pop("kind", UNSET)

        outcome = d.pop("outcome", UNSET)

        patient_id = d.pop("patient_id", UNSET)

        def _parse_pharmacy_ncpdp_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pharmacy_ncpdp_id = _parse_pharmacy_ncpdp_id(d.pop("pharmacy_ncpdp_id", UNSET))

        plan_id = d.pop("plan_id", UNSET)

        plan_status = d.pop("plan_status", UNSET)

        prescriber_id = d.pop("prescriber_id", UNSET)

        previous_status = d.pop("previous_status", UNSET)

        provider_id = d.pop("provider_id", UNSET)

        review_decision = d.pop("review_decision", UNSET)

        risk_level = d.pop("risk_level", UNSET)

        severity = d.pop("severity", UNSET)

        status = d.pop("status", UNSET)

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))

        event_data = cls(
            id=id,
            object_=object_,
            consultation_id=consultation_id,
            dispensing=dispensing,
            due_on=due_on,
            instrument=instrument,
            kind=kind,
            outcome=outcome,
            patient_id=patient_id,
            pharmacy_ncpdp_id=pharmacy_ncpdp_id,
            plan_id=plan_id,
            plan_status=plan_status,
            prescriber_id=prescriber_id,
            previous_status=previous_status,
            provider_id=provider_id,
            review_decision=review_decision,
            risk_level=risk_level,
            severity=severity,
            status=status,
            task_id=task_id,
        )

        return event_data
