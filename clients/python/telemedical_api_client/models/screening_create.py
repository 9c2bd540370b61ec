from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScreeningCreate")


@_attrs_define
class ScreeningCreate:
    """
    Attributes:
        answers (Any): phq9: 9 integers 0-3; gad7: 7 integers 0-3; pcl5: 20 integers 0-4; cssrs: an object with
            wish_to_be_dead, suicidal_thoughts, thoughts_with_method, intent, plan, behavior_lifetime,
            behavior_past_3_months (booleans; follow-ups null when not asked); ketamine_intake: an object (see the docs).
            Each invalid answer is reported with a JSON pointer such as /answers/3.
        completed_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        instrument (Instrument): Screening instrument
        patient_id (str):
        consultation_id (None | str | Unset):
        plan_id (None | str | Unset):
    """

    answers: Any
    completed_at: datetime.datetime
    instrument: Instrument
    patient_id: str
    consultation_id: None | str | Unset = UNSET
    plan_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers

        completed_at = self.completed_at.isoformat()

        instrument = self.instrument.value

        patient_id = self.patient_id

        consultation_id: None | str | Unset
        if isinstance(self.consultation_id, Unset):
            consultation_id = UNSET
        else:
            consultation_id = self.consultation_id

        plan_id: None | str | Unset
        if isinstance(self.plan_id, Unset):
            plan_id = UNSET
        else:
            plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "answers": answers,
                "completed_at": completed_at,
                "instrument": instrument,
                "patient_id": patient_id,
            }
        )
        if consultation_id is not UNSET:
            field_dict["consultation_id"] = consultation_id
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        answers = d.pop("answers")

        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        instrument = Instrument(d.pop("instrument"))

        patient_id = d.pop("patient_id")

        def _parse_consultation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        consultation_id = _parse_consultation_id(d.pop("consultation_id", UNSET))

        def _parse_plan_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_id = _parse_plan_id(d.pop("plan_id", UNSET))

        screening_create = cls(
            answers=answers,
            completed_at=completed_at,
            instrument=instrument,
            patient_id=patient_id,
            consultation_id=consultation_id,
            plan_id=plan_id,
        )

        return screening_create
