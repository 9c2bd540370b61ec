from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.age_band import AgeBand
from ..models.route import Route
from ..models.sex_at_birth import SexAtBirth
from ..models.treatment_protocol import TreatmentProtocol
from ..models.us_state import UsState

if TYPE_CHECKING:
    from ..models.export_row_adverse_events import ExportRowAdverseEvents
    from ..models.export_score import ExportScore


T = TypeVar("T", bound="ExportRow")


@_attrs_define
class ExportRow:
    """
    Attributes:
        adverse_events (ExportRowAdverseEvents): Number of adverse events by type and severity
        age_band (AgeBand | None): Age at the start; null when generalised
        baseline_total (int | None):
        protocol (TreatmentProtocol): Follow-up treatment protocol
        remission (bool | None):
        response (bool | None):
        route (Route): Route of ketamine administration
        row_id (str): Random, new in each export
        series (list[ExportScore]): Follow-up scores, oldest first
        sex_at_birth (None | SexAtBirth):
        start_year (int):
        state (None | UsState): Where the patient was treated; null when generalised
    """

    adverse_events: ExportRowAdverseEvents
    age_band: AgeBand | None
    baseline_total: int | None
    protocol: TreatmentProtocol
    remission: bool | None
    response: bool | None
    route: Route
    row_id: str
    series: list[ExportScore]
    sex_at_birth: None | SexAtBirth
    start_year: int
    state: None | UsState

    def to_dict(self) -> dict[str, Any]:
        adverse_events = self.adverse_events.to_dict()

        age_band: None | str
        if isinstance(self.age_band, AgeBand):
            age_band = self.age_band.value
        else:
            age_band = self.age_band

        baseline_total: int | None
        baseline_total = self.baseline_total

        protocol = self.protocol.value

        remission: bool | None
        remission = self.remission

        response: bool | None
        response = self.response

        route = self.route.value

        row_id = self.row_id

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        sex_at_birth: None | str
        if isinstance(self.sex_at_birth, SexAtBirth):
            sex_at_birth = self.sex_at_birth.value
        else:
            sex_at_birth = self.sex_at_birth

        start_year = self.start_year

        state: None | str
        if isinstance(self.state, UsState):
            state = self.state.value
        else:
            state = self.state

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "adverse_events": adverse_events,
                "age_band": age_band,
                "baseline_total": baseline_total,
                "protocol": protocol,
                "remission": remission,
                "response": response,
                "route": route,
                "row_id": row_id,
                "series": series,
                "sex_at_birth": sex_at_birth,
                "start_year": start_year,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.export_row_adverse_events import ExportRowAdverseEvents  # noqa: PLC0415
        from ..models.export_score import ExportScore  # noqa: PLC0415

        d = dict(src_dict)
        adverse_events = ExportRowAdverseEvents.from_dict(d.pop("adverse_events"))

        def _parse_age_band(data: object) -> AgeBand | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                age_band_type_0 = AgeBand(data)

                return age_band_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgeBand | None, data)

        age_band = _parse_age_band(d.pop("age_band"))

        def _parse_baseline_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        baseline_total = _parse_baseline_total(d.pop("baseline_total"))

        protocol = TreatmentProtocol(d.pop("protocol"))

        def _parse_remission(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        remission = _parse_remission(d.pop("remission"))

        def _parse_response(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        response = _parse_response(d.pop("response"))

        route = Route(d.pop("route"))

        row_id = d.pop("row_id")

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = ExportScore.from_dict(series_item_data)

            series.append(series_item)

        def _parse_sex_at_birth(data: object) -> None | SexAtBirth:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sex_at_birth_type_0 = SexAtBirth(data)

                return sex_at_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SexAtBirth, data)

        sex_at_birth = _parse_sex_at_birth(d.pop("sex_at_birth"))

        start_year = d.pop("start_year")

        def _parse_state(data: object) -> None | UsState:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                state_type_0 = UsState(data)

                return state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UsState, data)

        state = _parse_state(d.pop("state"))

        export_row = cls(
            adverse_events=adverse_events,
            age_band=age_band,
            baseline_total=baseline_total,
            protocol=protocol,
            remission=remission,
            response=response,
            route=route,
            row_id=row_id,
            series=series,
            sex_at_birth=sex_at_birth,
            start_year=start_year,
            state=state,
        )

        return export_row
