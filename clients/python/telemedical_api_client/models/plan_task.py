from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.task_kind import TaskKind
from ..models.task_purpose import TaskPurpose
from ..models.task_status import TaskStatus

if TYPE_CHECKING:
    from ..models.review import Review
    from ..models.session_record import SessionRecord


T = TypeVar("T", bound="PlanTask")


@_attrs_define
class PlanTask:
    """
    Attributes:
        completed_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        due_on (datetime.date): Must be between 1900-01-01 and 2999-12-31.
        id (str):  Example: tsk_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        instructions (list[str]):
        instruments (list[str]): Check-ins only
        kind (TaskKind): Kind of follow-up task
        overdue_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        plan_id (str):
        purpose (TaskPurpose): Why a follow-up task exists
        review (None | Review): A review's decision, once done
        screening_id (None | str): Deprecated: the first of screening_ids
        screening_ids (list[str]): The screenings that answered a check-in; for a risk review, the one that raised it
        sequence (int): Position in the plan, from 1
        session (None | SessionRecord):
        status (TaskStatus): Follow-up task status
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    due_on: datetime.date
    id: str
    instructions: list[str]
    instruments: list[str]
    kind: TaskKind
    overdue_at: datetime.datetime | None
    plan_id: str
    purpose: TaskPurpose
    review: None | Review
    screening_id: None | str
    screening_ids: list[str]
    sequence: int
    session: None | SessionRecord
    status: TaskStatus
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        from ..models.review import Review  # noqa: PLC0415
        from ..models.session_record import SessionRecord  # noqa: PLC0415

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        due_on = self.due_on.isoformat()

        id = self.id

        instructions = self.instructions

        instruments = self.instruments

        kind = self.kind.value

        overdue_at: None | str
        if isinstance(self.overdue_at, datetime.datetime):
            overdue_at = self.overdue_at.isoformat()
        else:
            overdue_at = self.overdue_at

        plan_id = self.plan_id

        purpose = self.purpose.value

        review: dict[str, Any] | None
        if isinstance(self.review, Review):
            review = self.review.to_dict()
        else:
            review = self.review

        screening_id: None | str
        screening_id = self.screening_id

        screening_ids = self.screening_ids

        sequence = self.sequence

        session: dict[str, Any] | None
        if isinstance(self.session, SessionRecord):
            session = self.session.to_dict()
        else:
            session = self.session

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed_at": completed_at,
                "created_at": created_at,
                "due_on": due_on,
                "id": id,
                "instructions": instructions,
                "instruments": instruments,
                "kind": kind,
                "overdue_at": overdue_at,
                "plan_id": plan_id,
                "purpose": purpose,
                "review": review,
                "screening_id": screening_id,
                "screening_ids": screening_ids,
                "sequence": sequence,
                "session": session,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review import Review  # noqa: PLC0415
        from ..models.session_record import SessionRecord  # noqa: PLC0415

        d = dict(src_dict)

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        due_on = datetime.date.fromisoformat(d.pop("due_on"))

        id = d.pop("id")

        instructions = cast(list[str], d.pop("instructions"))

        instruments = cast(list[str], d.pop("instruments"))

        kind = TaskKind(d.pop("kind"))

        def _parse_overdue_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overdue_at_type_0 = datetime.datetime.fromisoformat(data)

                return overdue_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        overdue_at = _parse_overdue_at(d.pop("overdue_at"))

        plan_id = d.pop("plan_id")

        purpose = TaskPurpose(d.pop("purpose"))

        def _parse_review(data: object) -> None | Review:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_type_0 = Review.from_dict(data)

                return review_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Review, data)

        review = _parse_review(d.pop("review"))

        def _parse_screening_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        screening_id = _parse_screening_id(d.pop("screening_id"))

        screening_ids = cast(list[str], d.pop("screening_ids"))

        sequence = d.pop("sequence")

        def _parse_session(data: object) -> None | SessionRecord:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                session_type_0 = SessionRecord.from_dict(data)

                return session_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SessionRecord, data)

        session = _parse_session(d.pop("session"))

        status = TaskStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        plan_task = cls(
            completed_at=completed_at,
            created_at=created_at,
            due_on=due_on,
            id=id,
            instructions=instructions,
            instruments=instruments,
            kind=kind,
            overdue_at=overdue_at,
            plan_id=plan_id,
            purpose=purpose,
            review=review,
            screening_id=screening_id,
            screening_ids=screening_ids,
            sequence=sequence,
            session=session,
            status=status,
            updated_at=updated_at,
        )

        return plan_task
