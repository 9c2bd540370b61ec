from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.crisis_resource import CrisisResource
    from ..models.ketamine_intake_stored_answers import KetamineIntakeStoredAnswers
    from ..models.loinc import Loinc
    from ..models.screening_score import ScreeningScore


T = TypeVar("T", bound="KetamineIntakeScreening")


@_attrs_define
class KetamineIntakeScreening:
    """
    Attributes:
        answers (KetamineIntakeStoredAnswers):
        completed_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        consultation_id (None | str):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        crisis_resources (list[CrisisResource]): Given with a C-SSRS high risk level; empty otherwise
        flags (list[str]):  Example: ['suicidal_ideation'].
        id (str):  Example: scr_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        instrument (Literal['ketamine_intake']):
        loinc (Loinc):
        patient_id (str):
        plan_id (None | str):
        score (ScreeningScore):
    """

    answers: KetamineIntakeStoredAnswers
    completed_at: datetime.datetime
    consultation_id: None | str
    created_at: datetime.datetime
    crisis_resources: list[CrisisResource]
    flags: list[str]
    id: str
    instrument: Literal["ketamine_intake"]
    loinc: Loinc
    patient_id: str
    plan_id: None | str
    score: ScreeningScore

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers.to_dict()

        completed_at = self.completed_at.isoformat()

        consultation_id: None | str
        consultation_id = self.consultation_id

        created_at = self.created_at.isoformat()

        crisis_resources = []
        for crisis_resources_item_data in self.crisis_resources:
            crisis_resources_item = crisis_resources_item_data.to_dict()
            crisis_resources.append(crisis_resources_item)

        flags = self.flags

        id = self.id

        instrument = self.instrument

        loinc = self.loinc.to_dict()

        patient_id = self.patient_id

        plan_id: None | str
        plan_id = self.plan_id

        score = self.score.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "answers": answers,
                "completed_at": completed_at,
                "consultation_id": consultation_id,
                "created_at": created_at,
                "crisis_resources": crisis_resources,
                "flags": flags,
                "id": id,
                "instrument": instrument,
                "loinc": loinc,
                "patient_id": patient_id,
                "plan_id": plan_id,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.crisis_resource import CrisisResource  # noqa: PLC0415
        from ..models.ketamine_intake_stored_answers import KetamineIntakeStoredAnswers  # noqa: PLC0415
        from ..models.loinc import Loinc  # noqa: PLC0415
        from ..models.screening_score import ScreeningScore  # noqa: PLC0415

        d = dict(src_dict)
        answers = KetamineIntakeStoredAnswers.from_dict(d.pop("answers"))

        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        def _parse_consultation_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        consultation_id = _parse_consultation_id(d.pop("consultation_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        crisis_resources = []
        _crisis_resources = d.pop("crisis_resources")
        for crisis_resources_item_data in _crisis_resources:
            crisis_resources_item = CrisisResource.from_dict(crisis_resources_item_data)

            crisis_resources.append(crisis_resources_item)

        flags = cast(list[str], d.pop("flags"))

        id = d.pop("id")

        instrument = cast(Literal["ketamine_intake"], d.pop("instrument"))
        if instrument != "ketamine_intake":
            raise ValueError(f"instrument must match const 'ketamine_intake', got '{instrument}'")

        loinc = Loinc.from_dict(d.pop("loinc"))

        patient_id = d.pop("patient_id")

        def _parse_plan_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan_id = _parse_plan_id(d.pop("plan_id"))

        score = ScreeningScore.from_dict(d.pop("score"))

        ketamine_intake_screening = cls(
            answers=answers,
            completed_at=completed_at,
            consultation_id=consultation_id,
            created_at=created_at,
            crisis_resources=crisis_resources,
            flags=flags,
            id=id,
            instrument=instrument,
            loinc=loinc,
            patient_id=patient_id,
            plan_id=plan_id,
            score=score,
        )

        return ketamine_intake_screening
