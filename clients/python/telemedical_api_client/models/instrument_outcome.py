from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.score_point import ScorePoint


T = TypeVar("T", bound="InstrumentOutcome")


@_attrs_define
class InstrumentOutcome:
    """
    Attributes:
        baseline (int | None): phq9: the patient's latest PHQ-9 in the 30 days up to start_date, or the plan's baseline
            check-in; others: the consultation's (latest) score
        latest (int | None): The latest check-in; null before the first
        percent_change (float | None): (latest - baseline) / baseline, negative is better
        series (list[ScorePoint]): Every score, baseline included, oldest first
        clinically_meaningful (bool | None | Unset): pcl5: a drop of 10 points or more
        relapse (bool | None | Unset): phq9: an earlier follow-up met remission or response, and the latest is 10 or
            more without response
        remission (bool | None | Unset): phq9: latest below 5
        response (bool | None | Unset): phq9, gad7: a drop of 50 % or more
        worsening (bool | None | Unset): phq9: the latest is 5 or more points above the lowest score so far
    """

    baseline: int | None
    latest: int | None
    percent_change: float | None
    series: list[ScorePoint]
    clinically_meaningful: bool | None | Unset = UNSET
    relapse: bool | None | Unset = UNSET
    remission: bool | None | Unset = UNSET
    response: bool | None | Unset = UNSET
    worsening: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        baseline: int | None
        baseline = self.baseline

        latest: int | None
        latest = self.latest

        percent_change: float | None
        percent_change = self.percent_change

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        clinically_meaningful: bool | None | Unset
        if isinstance(self.clinically_meaningful, Unset):
            clinically_meaningful = UNSET
        else:
            clinically_meaningful = self.clinically_meaningful

        relapse: bool | None | Unset
        if isinstance(self.relapse, Unset):
            relapse = UNSET
        else:
            relapse = self.relapse

        remission: bool | None | Unset
        if isinstance(self.remission, Unset):
            remission = UNSET
        else:
            remission = self.remission

        response: bool | None | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        else:
            response = self.response

        worsening: bool | None | Unset
        if isinstance(self.worsening, Unset):
            worsening = UNSET
        else:
            worsening = self.worsening

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "baseline": baseline,
                "latest": latest,
                "percent_change": percent_change,
                "series": series,
            }
        )
        if clinically_meaningful is not UNSET:
            field_dict["clinically_meaningful"] = clinically_meaningful
        if relapse is not UNSET:
            field_dict["relapse"] = relapse
        if remission is not UNSET:
            field_dict["remission"] = remission
        if response is not UNSET:
            field_dict["response"] = response
        if worsening is not UNSET:
            field_dict["worsening"] = worsening

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.score_point import ScorePoint  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_baseline(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        baseline = _parse_baseline(d.pop("baseline"))

        def _parse_latest(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latest = _parse_latest(d.pop("latest"))

        def _parse_percent_change(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        percent_change = _parse_percent_change(d.pop("percent_change"))

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = ScorePoint.from_dict(series_item_data)

            series.append(series_item)

        def _parse_clinically_meaningful(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        clinically_meaningful = _parse_clinically_meaningful(d.pop("clinically_meaningful", UNSET))

        def _parse_relapse(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        relapse = _parse_relapse(d.pop("relapse", UNSET))

        def _parse_remission(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remission = _parse_remission(d.pop("remission", UNSET))

        def _parse_response(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        def _parse_worsening(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        worsening = _parse_worsening(d.pop("worsening", UNSET))

        instrument_outcome = cls(
            baseline=baseline,
            latest=latest,
            percent_change=percent_change,
            series=series,
            clinically_meaningful=clinically_meaningful,
            relapse=relapse,
            remission=remission,
            response=response,
            worsening=worsening,
        )

        return instrument_outcome
