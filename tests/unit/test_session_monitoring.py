"""Session monitoring (clinical-rules.md §4): every edge of the readings, readiness and automatic events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from api.domain.protocols import Route
from api.domain.session_monitoring import (
    Disposition,
    Dissociation,
    Monitoring,
    Reading,
    assess_monitoring,
    assess_session,
    automatic_events,
    completion_pressure,
    missing_readings,
    plausibility_errors,
    readiness_failures,
)
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType, SessionRecord
from api.errors import RuleViolation, ValidationFailed

GIVEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CALM = Reading(
    minute=0, systolic=124, diastolic=80, sedation_moaas=5, dissociation=Dissociation.NONE, spo2=98
)
MID = replace(CALM, minute=40, systolic=138, diastolic=86, sedation_moaas=4, dissociation=Dissociation.MILD)
LAST = replace(CALM, minute=120, systolic=128, diastolic=82)
READINGS = (CALM, MID, LAST)
GOOD = Monitoring(dose_mg=56, lot_number="L123", readings=READINGS, ready_to_leave_minute=95)


def assess(monitoring: Monitoring = GOOD, **overrides: Any) -> tuple[list[Any], Any]:
    options: dict[str, Any] = {
        "route": Route.INTRANASAL,
        "administered_at": GIVEN,
        "observation_minutes": 120,
        "pre_systolic": 126,
        "pre_diastolic": 80,
        "pressure_overridden": False,
        "recorded_by_provider": False,
        **overrides,
    }
    return assess_monitoring(monitoring, **options)


def codes(failures: list[Any]) -> list[tuple[str, str]]:
    return [(f.pointer, f.code) for f in failures]


def with_last(**changes: Any) -> Monitoring:
    return replace(GOOD, readings=(CALM, MID, replace(LAST, **changes)))


def test_a_calm_session_is_accepted_with_no_event() -> None:
    failures, assessment = assess()
    assert failures == [] and assessment.automatic_events == () and not assessment.discharge_overridden


# --- the 30-60 minute reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(("minute", "found"), [(29, False), (30, True), (60, True), (61, False)])
def test_the_mid_reading_is_taken_from_minute_30_to_60(minute: int, found: bool) -> None:
    readings = (CALM, replace(MID, minute=minute), LAST)
    failures = missing_readings(readings)
    assert (failures == []) is found, codes(failures)


def test_the_mid_reading_needs_spo2_and_so_does_the_last() -> None:
    assert codes(missing_readings((CALM, replace(MID, spo2=None), LAST))) == [
        ("/readings", "monitoring_reading_missing")
    ]
    assert codes(missing_readings((CALM, MID, replace(LAST, spo2=None)))) == [
        ("/readings/2/spo2", "monitoring_reading_missing")
    ]
    assert [c for _, c in codes(missing_readings(()))] == ["monitoring_reading_missing"] * 2


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR])
def test_supervised_routes_need_the_readings(route: Route) -> None:
    failures, _ = assess(replace(GOOD, readings=()), route=route)
    assert {c for _, c in codes(failures)} == {"monitoring_reading_missing"}


def test_an_oral_session_at_home_needs_none_of_it() -> None:
    failures, _ = assess(replace(GOOD, readings=(), lot_number=None, dose_mg=200), route=Route.ORAL)
    assert failures == []
    assert (
        plausibility_errors(
            replace(GOOD, lot_number=None, dose_mg=200), route=Route.ORAL, observation_minutes=120
        )
        == []
    )


# --- discharge readiness, from the last reading -------------------------------------------------------------


@pytest.mark.parametrize(("moaas", "ready"), [(4, False), (5, True)])
def test_ready_to_leave_at_moaas_5(moaas: int, ready: bool) -> None:
    failures, _ = assess(with_last(sedation_moaas=moaas))
    assert (codes(failures) == []) is ready
    if not ready:
        assert codes(failures) == [("/readings/2/sedation_moaas", "not_stable_for_discharge")]


@pytest.mark.parametrize(("spo2", "ready"), [(93, False), (94, True)])
def test_ready_to_leave_at_spo2_94(spo2: int, ready: bool) -> None:
    failures, _ = assess(with_last(spo2=spo2))
    assert (failures == []) is ready
    if not ready:
        assert codes(failures) == [("/readings/2/spo2", "not_stable_for_discharge")]


def test_any_dissociation_at_the_end_keeps_the_patient() -> None:
    failures, _ = assess(with_last(dissociation=Dissociation.MILD))
    assert codes(failures) == [("/readings/2/dissociation", "not_stable_for_discharge")]


@pytest.mark.parametrize(
    ("systolic", "diastolic", "ready"), [(140, 90, True), (141, 90, False), (140, 91, False)]
)
def test_ready_to_leave_at_140_90(systolic: int, diastolic: int, ready: bool) -> None:
    failures, _ = assess(with_last(systolic=systolic, diastolic=diastolic))
    assert (failures == []) is ready, codes(failures)


def test_every_failed_item_is_reported_together() -> None:
    failures, _ = assess(
        with_last(sedation_moaas=3, dissociation=Dissociation.MODERATE, spo2=92, systolic=150)
    )
    assert [p for p, _ in codes(failures)] == [
        "/readings/2/sedation_moaas",
        "/readings/2/dissociation",
        "/readings/2/spo2",
        "/readings/2/systolic",
    ]


class TestAfterAHighPreDosePressure:
    """Dosed at 150/95 on a provider's override: discharge once at or below that and falling."""

    mid = replace(MID, systolic=160, diastolic=98)

    def check(self, last: Reading) -> list[Any]:
        monitoring = replace(GOOD, readings=(CALM, self.mid, last))
        failures, _ = assess(monitoring, pre_systolic=150, pre_diastolic=95, pressure_overridden=True)
        return codes(failures)

    def test_at_or_below_the_pre_dose_pressure_and_falling_is_ready(self) -> None:
        assert self.check(replace(LAST, systolic=148, diastolic=95)) == []

    def test_above_the_pre_dose_pressure_is_not(self) -> None:
        assert self.check(replace(LAST, systolic=151, diastolic=94)) == [
            ("/readings/2/systolic", "not_stable_for_discharge")
        ]

    def test_not_falling_from_the_mid_reading_is_not(self) -> None:
        monitoring = replace(
            GOOD, readings=(CALM, replace(MID, systolic=140, diastolic=90), replace(LAST, systolic=145))
        )
        failures, _ = assess(monitoring, pre_systolic=150, pre_diastolic=95, pressure_overridden=True)
        assert codes(failures) == [("/readings/2/systolic", "not_stable_for_discharge")]

    def test_without_the_override_the_usual_limit_applies(self) -> None:
        monitoring = replace(GOOD, readings=(CALM, self.mid, replace(LAST, systolic=148, diastolic=95)))
        failures, _ = assess(monitoring, pre_systolic=150, pre_diastolic=95, pressure_overridden=False)
        assert codes(failures) == [("/readings/2/systolic", "not_stable_for_discharge")]


def test_a_provider_may_discharge_a_patient_not_yet_stable_with_a_reason() -> None:
    monitoring = replace(
        with_last(sedation_moaas=4), discharge_override_reason="Drowsy but escorted, son is a nurse."
    )
    failures, assessment = assess(monitoring, recorded_by_provider=True)
    assert failures == [] and assessment.discharge_overridden


def test_an_admin_may_not_override_discharge() -> None:
    monitoring = replace(with_last(sedation_moaas=4), discharge_override_reason="Looks fine.")
    failures, _ = assess(monitoring, recorded_by_provider=False)
    assert codes(failures) == [("/discharge_override_reason", "override_requires_provider")]


def test_a_blank_override_reason_is_no_override() -> None:
    failures, _ = assess(
        replace(with_last(sedation_moaas=4), discharge_override_reason="  "), recorded_by_provider=True
    )
    assert codes(failures) == [("/readings/2/sedation_moaas", "not_stable_for_discharge")]


def test_an_emergency_transfer_is_always_recorded_as_a_serious_event() -> None:
    monitoring = replace(with_last(sedation_moaas=2, spo2=91), disposition=Disposition.EMERGENCY_TRANSFER)
    failures, assessment = assess(monitoring)
    assert failures == []
    (transfer,) = [e for e in assessment.automatic_events if e.type == AdverseEventType.OTHER]
    assert transfer.severity == AdverseEventSeverity.SERIOUS and "transfer" in (transfer.description or "")


# --- automatic adverse events -------------------------------------------------------------------------------


@pytest.mark.parametrize(("spo2", "event"), [(89, True), (90, False)])
def test_spo2_below_90_is_respiratory_depression(spo2: int, event: bool) -> None:
    events = automatic_events((CALM, replace(MID, spo2=spo2)), administered_at=GIVEN)
    kinds = {e.type: e.severity for e in events}
    assert (AdverseEventType.RESPIRATORY_DEPRESSION in kinds) is event
    if event:
        assert kinds[AdverseEventType.RESPIRATORY_DEPRESSION] == AdverseEventSeverity.SERIOUS


@pytest.mark.parametrize(("moaas", "event"), [(1, True), (2, False), (0, True)])
def test_moaas_1_or_less_is_sedation(moaas: int, event: bool) -> None:
    events = automatic_events((replace(MID, sedation_moaas=moaas),), administered_at=GIVEN)
    assert (AdverseEventType.SEDATION in {e.type for e in events}) is event


@pytest.mark.parametrize(
    ("systolic", "diastolic", "event"), [(179, 109, False), (180, 109, True), (179, 110, True)]
)
def test_180_or_110_is_hypertension(systolic: int, diastolic: int, event: bool) -> None:
    events = automatic_events((replace(MID, systolic=systolic, diastolic=diastolic),), administered_at=GIVEN)
    hypertension = [e for e in events if e.type == AdverseEventType.HYPERTENSION]
    assert bool(hypertension) is event
    if event:
        assert hypertension[0].severity == AdverseEventSeverity.SEVERE


def test_at_most_one_event_per_type_at_the_first_reading_that_showed_it() -> None:
    readings = (
        replace(CALM, minute=10, spo2=88, sedation_moaas=1),
        replace(MID, minute=40, spo2=85, sedation_moaas=0, systolic=185),
        replace(LAST, minute=60, systolic=190),
    )
    events = automatic_events(readings, administered_at=GIVEN)
    assert sorted(e.type for e in events) == sorted(
        [AdverseEventType.RESPIRATORY_DEPRESSION, AdverseEventType.SEDATION, AdverseEventType.HYPERTENSION]
    )
    onsets = {e.type: (e.onset_at - GIVEN).seconds // 60 for e in events}
    assert onsets == {
        AdverseEventType.RESPIRATORY_DEPRESSION: 10,
        AdverseEventType.SEDATION: 10,
        AdverseEventType.HYPERTENSION: 40,
    }


# --- plausibility -------------------------------------------------------------------------------------------


def test_readings_must_be_within_the_observation_and_ascending() -> None:
    readings = (replace(CALM, minute=10), replace(MID, minute=10), replace(LAST, minute=130))
    errors = plausibility_errors(
        replace(GOOD, readings=readings), route=Route.INTRANASAL, observation_minutes=120
    )
    assert [(e.pointer, e.code) for e in errors] == [
        ("/readings/1/minute", "not_ascending"),
        ("/readings/2/minute", "out_of_range"),
    ]


def test_values_no_patient_has_are_typing_errors() -> None:
    reading = replace(MID, systolic=300, spo2=101, heart_rate=400, sedation_moaas=6)
    errors = plausibility_errors(
        replace(GOOD, readings=(reading,)), route=Route.INTRANASAL, observation_minutes=120
    )
    assert [e.pointer for e in errors] == [
        "/readings/0/systolic",
        "/readings/0/heart_rate",
        "/readings/0/spo2",
        "/readings/0/sedation_moaas",
    ]


@pytest.mark.parametrize(("dose", "ok"), [(28, True), (56, True), (84, True), (42, False), (0, False)])
def test_intranasal_doses_are_28_56_or_84_mg(dose: float, ok: bool) -> None:
    errors = plausibility_errors(replace(GOOD, dose_mg=dose), route=Route.INTRANASAL, observation_minutes=120)
    assert (errors == []) is ok


def test_intranasal_needs_the_lot_number_and_ready_minute_fits_the_observation() -> None:
    errors = plausibility_errors(
        replace(GOOD, lot_number=" ", ready_to_leave_minute=121),
        route=Route.INTRANASAL,
        observation_minutes=120,
    )
    assert [(e.pointer, e.code) for e in errors] == [
        ("/lot_number", "required"),
        ("/ready_to_leave_minute", "out_of_range"),
    ]


def test_readiness_needs_a_reading() -> None:
    assert readiness_failures((), pre_systolic=120, pre_diastolic=80, pressure_overridden=False) == []


# --- the whole record: today's safety checks and the monitoring rules together ------------------------------

RECORD = SessionRecord(
    administered_at=GIVEN,
    pre_systolic=126,
    pre_diastolic=80,
    post_systolic=128,
    post_diastolic=82,
    observation_minutes=120,
    escort_confirmed=True,
)
LATER = GIVEN.replace(day=2)


def test_an_automatic_event_holds_the_plan() -> None:
    harmful = replace(GOOD, readings=(CALM, replace(MID, spo2=88), LAST))
    outcome = assess_session(RECORD, harmful, route=Route.INTRANASAL, recorded_by_provider=False, now=LATER)
    assert outcome.requires_hold
    assert [e.type for e in outcome.automatic_events] == [AdverseEventType.RESPIRATORY_DEPRESSION]


def test_every_rule_failure_of_either_kind_comes_in_one_422() -> None:
    not_ready = replace(GOOD, readings=(CALM, MID, replace(LAST, spo2=92)))
    with pytest.raises(RuleViolation) as refused:
        assess_session(
            replace(RECORD, escort_confirmed=False),
            not_ready,
            route=Route.INTRANASAL,
            recorded_by_provider=False,
            now=LATER,
        )
    assert [(e.pointer, e.code) for e in refused.value.errors] == [
        ("/escort_confirmed", "escort_not_confirmed"),
        ("/readings/2/spo2", "not_stable_for_discharge"),
    ]


def test_implausible_values_of_either_kind_come_in_one_422_first() -> None:
    with pytest.raises(ValidationFailed) as refused:
        assess_session(
            replace(RECORD, pre_systolic=400),
            replace(GOOD, dose_mg=42),
            route=Route.INTRANASAL,
            recorded_by_provider=False,
            now=LATER,
        )
    assert [e.pointer for e in refused.value.errors] == ["/pre_systolic", "/dose_mg"]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [((None, None), []), ((128, 82), []), ((146, 82), ["/post_systolic"]), ((128, 90), ["/post_diastolic"])],
)
def test_the_completion_pressure_is_the_last_readings(
    sent: tuple[int | None, int | None], expected: list[str]
) -> None:
    pressure, errors = completion_pressure(READINGS, *sent)
    assert pressure == (LAST.systolic, LAST.diastolic) == (128, 82)
    assert [e.pointer for e in errors] == expected


def test_without_readings_the_completion_pressure_must_be_sent() -> None:
    assert completion_pressure((), 130, 84) == ((130, 84), [])
    pressure, errors = completion_pressure((), None, 84)
    assert pressure is None and [e.pointer for e in errors] == ["/post_systolic"]
