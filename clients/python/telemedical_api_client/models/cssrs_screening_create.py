from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cssrs_answers import CssrsAnswers


T = TypeVar("T", bound="CssrsScreeningCreate")


@_attrs_define
class CssrsScreeningCreate:
    """
    Attributes:
        answers (CssrsAnswers): The screener's answers; questions 3-5 only after a yes to question 2. With recall
            lifetime_recent, behavior_lifetime (required) and behavior_past_3_months (only after a lifetime yes); with
            since_last_contact, behavior_since_last_contact (required) instead of both
        completed_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        instrument (Literal['cssrs']):
        patient_id (str):
        consultation_id (None | str | Unset):
        plan_id (None | str | Unset):
    """

    answers: CssrsAnswers
    completed_at: datetime.datetime
    instrument: Literal["cssrs"]
    patient_id: str
    consultation_id: None | str | Unset = UNSET
    plan_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers.to_dict()

        completed_at = self.completed_at.isoformat()

        instrument = self.instrument

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
        from ..models.cssrs_answers import CssrsAnswers  # noqa: PLC0415

        d = dict(src_dict)
        answers = CssrsAnswers.from_dict(d.pop("answers"))

        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        instrument = cast(Literal["cssrs"], d.pop("instrument"))
        if instrument != "cssrs":
            raise ValueError(f"instrument must match const 'cssrs', got '{instrument}'")

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

        cssrs_screening_create = cls(
            answers=answers,
            completed_at=completed_at,
            instrument=instrument,
            patient_id=patient_id,
            consultation_id=consultation_id,
            plan_id=plan_id,
        )

        return cssrs_screening_create
