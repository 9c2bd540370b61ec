from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.baseline_severity import BaselineSeverity
from ..models.route import Route
from ..models.treatment_protocol import TreatmentProtocol

T = TypeVar("T", bound="CohortFigures")


@_attrs_define
class CohortFigures:
    """
    Attributes:
        baseline_severity (BaselineSeverity | None): PHQ-9 severity band of the baseline
        median_percent_change (float | None): Median of the plans' percent change (latest vs baseline); null when
            suppressed
        plans (int | None): Plans that started in the window with a PHQ-9 baseline; null when from 1 to 10, or when it
            would let such a count be derived
        protocol (None | TreatmentProtocol):
        remission_rate (float | None): remitters over with_follow_up, percent to one decimal; null when suppressed or
            none
        remitters (int | None): Plans whose latest score is below 5; null when from 1 to 10, or when it would let such a
            count be derived
        responders (int | None): Plans whose latest score is at least 50 % below a baseline of 10 or more; null when
            from 1 to 10, or when it would let such a count be derived
        response_rate (float | None): responders over with_follow_up, percent to one decimal; null when suppressed or
            none
        route (None | Route):
        suppressed (bool): A count is hidden: the rates and the median are too
        with_follow_up (int | None): Of those, plans with a follow-up score; null when from 1 to 10, or when it would
            let such a count be derived
    """

    baseline_severity: BaselineSeverity | None
    median_percent_change: float | None
    plans: int | None
    protocol: None | TreatmentProtocol
    remission_rate: float | None
    remitters: int | None
    responders: int | None
    response_rate: float | None
    route: None | Route
    suppressed: bool
    with_follow_up: int | None

    def to_dict(self) -> dict[str, Any]:
        baseline_severity: None | str
        if isinstance(self.baseline_severity, BaselineSeverity):
            baseline_severity = self.baseline_severity.value
        else:
            baseline_severity = self.baseline_severity

        median_percent_change: float | None
        median_percent_change = self.median_percent_change

        plans: int | None
        plans = self.plans

        protocol: None | str
        if isinstance(self.protocol, TreatmentProtocol):
            protocol = self.protocol.value
        else:
            protocol = self.protocol

        remission_rate: float | None
        remission_rate = self.remission_rate

        remitters: int | None
        remitters = self.remitters

        responders: int | None
        responders = self.responders

        response_rate: float | None
        response_rate = self.response_rate

        route: None | str
        if isinstance(self.route, Route):
            route = self.route.value
        else:
            route = self.route

        suppressed = self.suppressed

        with_follow_up: int | None
        with_follow_up = self.with_follow_up

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "baseline_severity": baseline_severity,
                "median_percent_change": median_percent_change,
                "plans": plans,
                "protocol": protocol,
                "remission_rate": remission_rate,
                "remitters": remitters,
                "responders": responders,
                "response_rate": response_rate,
                "route": route,
                "suppressed": suppressed,
                "with_follow_up": with_follow_up,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_baseline_severity(data: object) -> BaselineSeverity | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                baseline_severity_type_0 = BaselineSeverity(data)

                return baseline_severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BaselineSeverity | None, data)

        baseline_severity = _parse_baseline_severity(d.pop("baseline_severity"))

        def _parse_median_percent_change(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        median_percent_change = _parse_median_percent_change(d.pop("median_percent_change"))

        def _parse_plans(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        plans = _parse_plans(d.pop("plans"))

        def _parse_protocol(data: object) -> None | TreatmentProtocol:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                protocol_type_0 = TreatmentProtocol(data)

                return protocol_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TreatmentProtocol, data)

        protocol = _parse_protocol(d.pop("protocol"))

        def _parse_remission_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        remission_rate = _parse_remission_rate(d.pop("remission_rate"))

        def _parse_remitters(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remitters = _parse_remitters(d.pop("remitters"))

        def _parse_responders(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        responders = _parse_responders(d.pop("responders"))

        def _parse_response_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        response_rate = _parse_response_rate(d.pop("response_rate"))

        def _parse_route(data: object) -> None | Route:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                route_type_0 = Route(data)

                return route_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Route, data)

        route = _parse_route(d.pop("route"))

        suppressed = d.pop("suppressed")

        def _parse_with_follow_up(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        with_follow_up = _parse_with_follow_up(d.pop("with_follow_up"))

        cohort_figures = cls(
            baseline_severity=baseline_severity,
            median_percent_change=median_percent_change,
            plans=plans,
            protocol=protocol,
            remission_rate=remission_rate,
            remitters=remitters,
            responders=responders,
            response_rate=response_rate,
            route=route,
            suppressed=suppressed,
            with_follow_up=with_follow_up,
        )

        return cohort_figures
