from __future__ import annotations

import datetime
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
        object_ (str): The object's type: `adverse_event`, `consultation`, `follow_up_plan`, `follow_up_task`,
            `prescription`, `rems_form`, `screening`, `webhook_endpoint`
        consultation_id (None | str | Unset): `screening.completed`: The consultation it was given for (null: a plan's);
            `screening.risk_flagged`: The consultation it was given for (null: a plan's); `follow_up_plan.created`: The
            consultation it follows
        dispensing (str | Unset): `prescription.created`: Who dispenses it; `prescription.cancelled`: Who dispenses it
        due_by (datetime.date | Unset): `rems_form.due`: The last day to send the form
        due_on (datetime.date | Unset): `follow_up_task.due`: The day it is due, where the patient is;
            `follow_up_task.overdue`: The day it is due, where the patient is
        eligibility_outcome (str | Unset): `consultation.status_changed`: Moved by an eligibility decision: that
            decision
        escalated_at (datetime.datetime | Unset): `consultation.escalation_unacknowledged`: When it was escalated;
            `follow_up_plan.escalation_unacknowledged`: When it was escalated
        instrument (str | Unset): `screening.completed`: The screening's instrument; `screening.risk_flagged`: The
            screening's instrument
        kind (str | Unset): `follow_up_task.due`: What the task is: a session, a check-in, …; `follow_up_task.overdue`:
            What the task is: a session, a check-in, …
        minutes_unacknowledged (int | Unset): `consultation.escalation_unacknowledged`: Minutes since then without an
            acknowledgement; `follow_up_plan.escalation_unacknowledged`: Minutes since then without an acknowledgement
        outcome (str | Unset): `consultation.status_changed`: Completed: the visit's outcome
        patient_id (str | Unset): `prescription.created`: The patient's id; `prescription.cancelled`: The patient's id
        pharmacy_ncpdp_id (None | str | Unset): `prescription.created`: The dispensing pharmacy's NCPDP id;
            `prescription.cancelled`: The dispensing pharmacy's NCPDP id
        plan_id (str | Unset): `screening.risk_flagged`: At a plan's check-in: the plan; `follow_up_task.due`: The
            task's follow-up plan; `follow_up_task.overdue`: The task's follow-up plan; `adverse_event.reported`: The
            follow-up plan; `rems_form.due`: The follow-up plan; `prescription.created`: The follow-up plan it belongs to;
            `prescription.cancelled`: The follow-up plan it belongs to
        plan_status (str | Unset): `adverse_event.reported`: The plan's status after the report
        prescriber_id (str | Unset): `prescription.created`: The prescribing provider's id; `prescription.cancelled`:
            The prescribing provider's id
        previous_status (str | Unset): `consultation.status_changed`: The consultation's status before the change;
            `follow_up_plan.status_changed`: The plan's status before the change
        provider_id (str | Unset): `consultation.status_changed`: Scheduled: the assigned provider
        review_decision (str | Unset): `consultation.status_changed`: Reviewed: the clinician's decision
        risk_level (str | Unset): `screening.risk_flagged`: `high`, `moderate`, `active_suicidal_ideation` or `ideation`
            (PHQ-9 item 9 at a check-in)
        severity (str | Unset): `adverse_event.reported`: Its severity
        status (str | Unset): `consultation.created`: The new consultation's status; `consultation.status_changed`: The
            consultation's status after the change; `follow_up_plan.created`: The new plan's status;
            `follow_up_plan.status_changed`: The plan's status after the change; `prescription.created`: The prescription's
            status; `prescription.cancelled`: The prescription's status
        task_id (None | str | Unset): `adverse_event.reported`: The session it was recorded with; `rems_form.due`: The
            session (also `data.id`)
    """

    id: str
    object_: str
    consultation_id: None | str | Unset = UNSET
    dispensing: str | Unset = UNSET
    due_by: datetime.date | Unset = UNSET
    due_on: datetime.date | Unset = UNSET
    eligibility_outcome: str | Unset = UNSET
    escalated_at: datetime.datetime | Unset = UNSET
    instrument: str | Unset = UNSET
    kind: str | Unset = UNSET
    minutes_unacknowledged: int | Unset = UNSET
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

        due_by: str | Unset = UNSET
        if not isinstance(self.due_by, Unset):
            due_by = self.due_by.isoformat()

        due_on: str | Unset = UNSET
        if not isinstance(self.due_on, Unset):
            due_on = self.due_on.isoformat()

        eligibility_outcome = self.eligibility_outcome

        escalated_at: str | Unset = UNSET
        if not isinstance(self.escalated_at, Unset):
            escalated_at = self.escalated_at.isoformat()

        instrument = self.instrument

        kind = self.kind

        minutes_unacknowledged = self.minutes_unacknowledged

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
        if due_by is not UNSET:
            field_dict["due_by"] = due_by
        if due_on is not UNSET:
            field_dict["due_on"] = due_on
        if eligibility_outcome is not UNSET:
            field_dict["eligibility_outcome"] = eligibility_outcome
        if escalated_at is not UNSET:
            field_dict["escalated_at"] = escalated_at
        if instrument is not UNSET:
            field_dict["instrument"] = instrument
        if kind is not UNSET:
            field_dict["kind"] = kind
        if minutes_unacknowledged is not UNSET:
            field_dict["minutes_unacknowledged"] = minutes_unacknowledged
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

        _due_by = d.pop("due_by", UNSET)
        due_by: datetime.date | Unset
        if isinstance(_due_by, Unset):
            due_by = UNSET
        else:
            due_by = datetime.date.fromisoformat(_due_by)

        _due_on = d.pop("due_on", UNSET)
        due_on: datetime.date | Unset
        if isinstance(_due_on, Unset):
            due_on = UNSET
        else:
            due_on = datetime.date.fromisoformat(_due_on)

        eligibility_outcome = d.pop("eligibility_outcome", UNSET)

        _escalated_at = d.pop("escalated_at", UNSET)
        escalated_at: datetime.datetime | Unset
        if isinstance(_escalated_at, Unset):
            escalated_at = UNSET
        else:
            escalated_at = datetime.datetime.fromisoformat(_escalated_at)

        instrument = d.pop("instrument", UNSET)

        kind = d.pop("kind", UNSET)

        minutes_unacknowledged = d.pop("minutes_unacknowledged", UNSET)

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
            due_by=due_by,
            due_on=due_on,
            eligibility_outcome=eligibility_outcome,
            escalated_at=escalated_at,
            instrument=instrument,
            kind=kind,
            minutes_unacknowledged=minutes_unacknowledged,
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
