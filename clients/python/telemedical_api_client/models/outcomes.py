from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.outcomes_instruments import OutcomesInstruments
    from ..models.session_trend import SessionTrend


T = TypeVar("T", bound="Outcomes")


@_attrs_define
class Outcomes:
    """
    Attributes:
        instruments (OutcomesInstruments):
        plan_id (str):
        sessions (list[SessionTrend]): Per recorded session, oldest first (null where no reading was recorded)
    """

    instruments: OutcomesInstruments
    plan_id: str
    sessions: list[SessionTrend]

    def to_dict(self) -> dict[str, Any]:
        instruments = self.instruments.to_dict()

        plan_id = self.plan_id

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instruments": instruments,
                "plan_id": plan_id,
                "sessions": sessions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.outcomes_instruments import OutcomesInstruments  # noqa: PLC0415
        from ..models.session_trend import SessionTrend  # noqa: PLC0415

        d = dict(src_dict)
        instruments = OutcomesInstruments.from_dict(d.pop("instruments"))

        plan_id = d.pop("plan_id")

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = SessionTrend.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        outcomes = cls(
            instruments=instruments,
            plan_id=plan_id,
            sessions=sessions,
        )

        return outcomes
