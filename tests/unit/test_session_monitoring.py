"""Session monitoring (clinical-rules.md §4, second edition): every edge of the readings, the completion
reading, discharge readiness (the declining-pressure rule), ready_before_stable, dispositions and automatic
events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from api.domain.matching import DeaRegistration, StateLicense
from api.domain.protocols import Route
from api.domain.session_monitoring import (
    Dissociation,
    Monitoring,
    Reading,
    assess_monitoring,
    assess_session,
    automatic_events,
    completion_pressure,
    missing_readings,
    plausibility_errors,
    pressure_ready,
    readiness_failures,
    ready_before_stable_failures,
)
from api.domain.session_safety import (
    AdverseEventSeverity,
    AdverseEventType,
    Clinician,
    Disposition,
    SessionRecord,
    Setting,
    Site,
)
from api.errors import FieldError, RuleViolation, ValidationFailed

GIVEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = GIVEN.replace(day=2)
CALM = Reading(
    minute=0, systolic=124, diastolic=80, sedation_moaas=5, dissociation=Dissociation.NONE, spo2=98
)
MID = replace(CALM, minute=40, systolic=138, diastolic=86, sedation_moaas=4, dissociation=Dissociation.MILD)
LAST = replace(CALM, minute=120, systolic=128, diastolic=82)
READINGS = (CALM, MID, LAST)
GOOD = Monitoring(lot_number="L123", readings=READINGS, ready_to_leave_minute=95)
RECORD = SessionRecord(
    administered_at=GIVEN,
    dose_mg=56,
    pre_systolic=126,
    pre_diastolic=80,
    post_systolic=128,
    post_diastolic=82,
    observation_minutes=120,
    escort_confirmed=True,
)
GRACE = Clinician(
    "prv_grace",
    licenses=(StateLicense("TX", "active", GIVEN.date()),),
    dea_registrations=(DeaRegistration("TX", frozenset({"III"}), GIVEN.date()),),
)
SETTING = Setting(
    patient_state="TX",
    site_id="sit_tx",
    site=Site("sit_tx", "TX", rems_certified=True),
    monitored_by=GRACE.id,
    monitor=GRACE,
    onsite_prescriber_id=GRACE.id,
    onsite_prescriber=GRACE,
)


def assess(
    monitoring: Monitoring = GOOD,
    *,
    route: Route = Route.INTRANASAL,
    by_provider: bool = False,
    **record: Any,
) -> tuple[list[FieldError], Any]:
    return assess_monitoring(
        monitoring, route=route, record=replace(RECORD, **record), recorded_by_provider=by_provider
    )


def codes(failures: list[FieldError]) -> list[tuple[str, str]]:
    return [(f.pointer, f.code) for f in failures]


def with_last(**changes: Any) -> Monitoring:
    """The last reading changed; no ready minute (it would contradict an unstable last reading)."""
    return replace(GOOD, readings=(CALM, MID, replace(LAST, **changes)), ready_to_leave_minute=None)


def test_a_calm_session_is_accepted_with_no_event() -> None:
    failures, assessment = assess()
    assert failures == [] and assessment.automatic_events == () and not assessment.discharge_overridden


# --- the 30-60 minute reading and the completion reading --------------------------------------------------


@pytest.mark.parametrize(("minute", "found"), [(29, False), (30, True), (60, True), (61, False)])
def test_the_mid_reading_is_taken_from_minute_30_to_60(minute: int, found: bool) -> None:
    failures = missing_readings((CALM, replace(MID, minute=minute), LAST), observation_minutes=120)
    assert (failures == []) is found, codes(failures)


@pytest.mark.parametrize(
    ("observation", "last_minute", "ok"),
    [
        pytest.param(120, 104, False, id="120-at-104"),
        pytest.param(120, 105, True, id="120-at-105"),
        pytest.param(120, 41, False, id="120-at-41-worked-case"),
        pytest.param(70, 54, False, id="iv-70-at-54"),
        pytest.param(70, 55, True, id="iv-70-at-55"),
        pytest.param(60, 45, True, id="im-60-at-45"),
    ],
)
def test_the_completion_reading_is_in_the_last_15_minutes(
    observation: int, last_minute: int, ok: bool
) -> None:
    readings = (CALM, replace(MID, minute=min(40, last_minute - 1)), replace(LAST, minute=last_minute))
    failures = missing_readings(readings, observation_minutes=observation)
    assert codes(failures) == ([] if ok else [("/readings/2/minute", "monitoring_reading_missing")])


def test_the_mid_reading_needs_spo2_and_so_does_the_last() -> None:
    assert codes(missing_readings((CALM, replace(MID, spo2=None), LAST), observation_minutes=120)) == [
        ("/readings", "monitoring_reading_missing")
    ]
    assert codes(missing_readings((CALM, MID, replace(LAST, spo2=None)), observation_minutes=120)) == [
        ("/readings/2/spo2", "monitoring_reading_missing")
    ]
    assert [c for _, c in codes(missing_readings((), observation_minutes=120))] == [
        "monitoring_reading_missing"
    ] * 2


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR])
def test_supervised_routes_need_the_readings(route: Route) -> None:
    failures, _ = assess(replace(GOOD, readings=()), route=route)
    assert {c for _, c in codes(failures)} == {"monitoring_reading_missing"}


@pytest.mark.parametrize("route", [Route.ORAL, Route.SUBLINGUAL])
def test_an_at_home_session_needs_none_of_it(route: Route) -> None:
    failures, _ = assess(replace(GOOD, readings=(), lot_number=None), route=route)
    assert failures == []
    unready = replace(GOOD, readings=(replace(MID, minute=10),), lot_number=None, ready_to_leave_minute=5)
    assert assess(unready, route=route)[0] == []
    assert plausibility_errors(replace(GOOD, lot_number=None), route=route, observation_minutes=None) == []


# --- discharge readiness, from the last reading -------------------------------------------------------------


@pytest.mark.parametrize(("moaas", "ready"), [(4, False), (5, True)])
def test_ready_to_leave_at_moaas_5(moaas: int, ready: bool) -> None:
    failures, _ = assess(with_last(sedation_moaas=moaas))
    assert codes(failures) == ([] if ready else [("/readings/2/sedation_moaas", "not_stable_for_discharge")])


@pytest.mark.parametrize(("spo2", "ready"), [(93, False), (94, True)])
def test_ready_to_leave_at_spo2_94(spo2: int, ready: bool) -> None:
    failures, _ = assess(with_last(spo2=spo2))
    assert codes(failures) == ([] if ready else [("/readings/2/spo2", "not_stable_for_discharge")])


def test_any_dissociation_at_the_end_keeps_the_patient() -> None:
    failures, _ = assess(with_last(dissociation=Dissociation.MILD))
    assert codes(failures) == [("/readings/2/dissociation", "not_stable_for_discharge")]


def test_every_failed_item_is_reported_together() -> None:
    failures, _ = assess(
        with_last(sedation_moaas=3, dissociation=Dissociation.MODERATE, spo2=92, systolic=165)
    )
    assert [p for p, _ in codes(failures)] == [
        "/readings/2/sedation_moaas",
        "/readings/2/dissociation",
        "/readings/2/spo2",
        "/readings/2/systolic",
    ]


# The blood pressure at discharge: (a) <= 140/90, (b) at or below the pre-dose value, (c) declining.
PEAK = replace(MID, systolic=168, diastolic=98)


@pytest.mark.parametrize(
    ("pre", "earlier", "last", "ready"),
    [
        pytest.param((126, 80), (MID,), (140, 90), True, id="a-140/90"),
        pytest.param((126, 80), (MID,), (141, 90), False, id="a-141/90"),
        pytest.param((126, 80), (MID,), (140, 91), False, id="a-140/91"),
        pytest.param((150, 95), (MID,), (150, 95), True, id="b-at-the-pre-dose"),
        pytest.param((150, 95), (MID,), (151, 95), False, id="b-one-above"),
        pytest.param((150, 95), (PEAK,), (158, 96), True, id="c-10-below-the-peak"),
        pytest.param((150, 95), (PEAK,), (159, 96), False, id="c-9-below-the-peak"),
        pytest.param((150, 95), (replace(PEAK, systolic=175),), (160, 96), False, id="c-160-not-below"),
        pytest.param((150, 95), (replace(PEAK, systolic=175),), (159, 100), False, id="c-100-not-below"),
        pytest.param((150, 95), (replace(PEAK, systolic=175),), (159, 99), True, id="c-159/99"),
        pytest.param((150, 95), (), (152, 92), False, id="c-needs-an-earlier-reading"),
        pytest.param((160, 95), (PEAK,), (170, 100), False, id="170/100-worked-case"),
    ],
)
def test_discharge_blood_pressure(
    pre: tuple[int, int], earlier: tuple[Reading, ...], last: tuple[int, int], ready: bool
) -> None:
    readings = (*earlier, replace(LAST, systolic=last[0], diastolic=last[1]))
    assert pressure_ready(readings, pre_systolic=pre[0], pre_diastolic=pre[1]) is ready
    failures = readiness_failures(readings, pre_systolic=pre[0], pre_diastolic=pre[1])
    assert codes(failures) == (
        [] if ready else [(f"/readings/{len(earlier)}/systolic", "not_stable_for_discharge")]
    )


def test_a_provider_may_discharge_a_patient_not_yet_stable_with_a_reason() -> None:
    monitoring = replace(
        with_last(sedation_moaas=4), discharge_override_reason="Drowsy but escorted, son is a nurse."
    )
    failures, assessment = assess(monitoring, by_provider=True)
    assert failures == [] and assessment.discharge_overridden


def test_an_admin_may_not_override_discharge() -> None:
    monitoring = replace(with_last(sedation_moaas=4), discharge_override_reason="Looks fine.")
    failures, _ = assess(monitoring, by_provider=False)
    assert codes(failures) == [("/discharge_override_reason", "override_requires_provider")]


def test_a_blank_override_reason_is_no_override() -> None:
    failures, _ = assess(
        replace(with_last(sedation_moaas=4), discharge_override_reason="  "), by_provider=True
    )
    assert codes(failures) == [("/readings/2/sedation_moaas", "not_stable_for_discharge")]


def test_readiness_needs_a_reading() -> None:
    assert readiness_failures((), pre_systolic=120, pre_diastolic=80) == []


# --- ready_before_stable ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unstable", "ready_minute", "refused"),
    [
        pytest.param({"sedation_moaas": 3}, 30, True, id="ready-30-moaas-3-at-40-worked-case"),
        pytest.param({"sedation_moaas": 4}, 40, True, id="ready-at-the-unstable-minute"),
        pytest.param({"sedation_moaas": 4}, 41, False, id="ready-the-minute-after"),
        pytest.param({"dissociation": Dissociation.MILD, "sedation_moaas": 5}, 39, True, id="dissociation"),
        pytest.param(
            {"spo2": 93, "sedation_moaas": 5, "dissociation": Dissociation.NONE}, 39, True, id="spo2-93"
        ),
        pytest.param(
            {"spo2": 94, "sedation_moaas": 5, "dissociation": Dissociation.NONE}, 39, False, id="spo2-94"
        ),
        pytest.param(
            {"systolic": 170, "sedation_moaas": 5, "dissociation": Dissociation.NONE},
            39,
            False,
            id="pressure-aside",
        ),
        pytest.param({"sedation_moaas": 3}, None, False, id="no-ready-minute"),
    ],
)
def test_ready_may_not_come_before_an_unstable_reading(
    unstable: dict[str, Any], ready_minute: int | None, refused: bool
) -> None:
    readings = (CALM, replace(MID, **unstable), LAST)
    failures = ready_before_stable_failures(readings, ready_minute)
    assert codes(failures) == ([("/ready_to_leave_minute", "ready_before_stable")] if refused else [])


def test_no_override_lifts_ready_before_stable() -> None:
    monitoring = replace(GOOD, ready_to_leave_minute=30, discharge_override_reason="Clinician's call.")
    failures, _ = assess(monitoring, by_provider=True)
    assert codes(failures) == [("/ready_to_leave_minute", "ready_before_stable")]


# --- dispositions ------------------------------------------------------------------------------------------


def test_an_emergency_transfer_is_always_recorded_as_a_serious_event() -> None:
    """At minute 90 of an intranasal session, sedated, without a completion reading: accepted."""
    monitoring = replace(
        GOOD, readings=(CALM, replace(MID, sedation_moaas=2, spo2=91)), ready_to_leave_minute=None
    )
    failures, assessment = assess(
        monitoring, disposition=Disposition.EMERGENCY_TRANSFER, observation_minutes=90
    )
    assert failures == []
    kinds = {e.type: e for e in assessment.automatic_events}
    transfer = kinds[AdverseEventType.OTHER]
    assert transfer.severity == AdverseEventSeverity.SERIOUS and "transfer" in (transfer.description or "")
    assert transfer.onset_at == GIVEN.replace(hour=10, minute=30)
    assert kinds[AdverseEventType.SEDATION].severity == AdverseEventSeverity.SEVERE


def test_an_emergency_transfer_with_no_reading_at_all() -> None:
    failures, assessment = assess(
        replace(GOOD, readings=(), ready_to_leave_minute=None),
        disposition=Disposition.EMERGENCY_TRANSFER,
        observation_minutes=3,
        disposition_reason="Seizure.",
    )
    assert failures == []
    [transfer] = assessment.automatic_events
    assert transfer.description == "Emergency transfer from the treatment session at minute 3: Seizure."


def test_leaving_against_medical_advice_needs_no_reading_and_is_a_serious_event() -> None:
    failures, assessment = assess(
        replace(GOOD, readings=(CALM,), ready_to_leave_minute=None),
        disposition=Disposition.LEFT_AGAINST_MEDICAL_ADVICE,
        disposition_reason="Would not stay.",
        observation_minutes=20,
    )
    assert failures == []
    [left] = assessment.automatic_events
    assert (left.type, left.severity) == (AdverseEventType.OTHER, AdverseEventSeverity.SERIOUS)
    assert "against medical advice" in (left.description or "")


@pytest.mark.parametrize(
    "disposition", [Disposition.EMERGENCY_TRANSFER, Disposition.LEFT_AGAINST_MEDICAL_ADVICE]
)
def test_a_patient_who_did_not_leave_discharged_has_no_ready_minute(disposition: Disposition) -> None:
    errors = plausibility_errors(
        GOOD, route=Route.INTRANASAL, observation_minutes=120, disposition=disposition
    )
    assert codes(errors) == [("/ready_to_leave_minute", "not_applicable")]


# --- automatic adverse events -------------------------------------------------------------------------------


@pytest.mark.parametrize(("spo2", "event"), [(89, True), (90, False)])
def test_spo2_below_90_is_respiratory_depression(spo2: int, event: bool) -> None:
    events = automatic_events((CALM, replace(MID, spo2=spo2)), administered_at=GIVEN)
    kinds = {e.type: e.severity for e in events}
    assert kinds.get(AdverseEventType.RESPIRATORY_DEPRESSION) == (
        AdverseEventSeverity.SERIOUS if event else None
    )


@pytest.mark.parametrize(("moaas", "event"), [(3, False), (2, True), (0, True)])
def test_moaas_2_or_less_is_deep_sedation(moaas: int, event: bool) -> None:
    events = automatic_events((replace(MID, sedation_moaas=moaas),), administered_at=GIVEN)
    kinds = {e.type: e.severity for e in events}
    assert kinds.get(AdverseEventType.SEDATION) == (AdverseEventSeverity.SEVERE if event else None)


@pytest.mark.parametrize(
    ("dissociation", "event"),
    [(Dissociation.MODERATE, False), (Dissociation.SEVERE, True)],
)
def test_severe_dissociation_is_an_event(dissociation: Dissociation, event: bool) -> None:
    events = automatic_events((replace(MID, dissociation=dissociation),), administered_at=GIVEN)
    kinds = {e.type: e.severity for e in events}
    assert kinds.get(AdverseEventType.DISSOCIATION) == (AdverseEventSeverity.SEVERE if event else None)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "event"), [(179, 109, False), (180, 109, True), (179, 110, True)]
)
def test_180_or_110_is_hypertension(systolic: int, diastolic: int, event: bool) -> None:
    events = automatic_events((replace(MID, systolic=systolic, diastolic=diastolic),), administered_at=GIVEN)
    kinds = {e.type: e.severity for e in events}
    assert kinds.get(AdverseEventType.HYPERTENSION) == (AdverseEventSeverity.SEVERE if event else None)


def test_at_most_one_event_per_type_at_the_first_reading_that_showed_it() -> None:
    readings = (
        replace(CALM, minute=10, spo2=88, sedation_moaas=1),
        replace(MID, minute=40, spo2=85, sedation_moaas=0, systolic=185, dissociation=Dissociation.SEVERE),
        replace(LAST, minute=60, systolic=190, dissociation=Dissociation.SEVERE),
    )
    events = automatic_events(readings, administered_at=GIVEN)
    onsets = {e.type: (e.onset_at - GIVEN).seconds // 60 for e in events}
    assert onsets == {
        AdverseEventType.RESPIRATORY_DEPRESSION: 10,
        AdverseEventType.SEDATION: 10,
        AdverseEventType.HYPERTENSION: 40,
        AdverseEventType.DISSOCIATION: 40,
    }


# --- plausibility -------------------------------------------------------------------------------------------


def test_readings_must_be_within_the_observation_and_ascending() -> None:
    readings = (replace(CALM, minute=10), replace(MID, minute=10), replace(LAST, minute=130))
    errors = plausibility_errors(
        replace(GOOD, readings=readings), route=Route.INTRANASAL, observation_minutes=120
    )
    assert codes(errors) == [("/readings/1/minute", "not_ascending"), ("/readings/2/minute", "out_of_range")]


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


def test_intranasal_needs_the_lot_number_and_ready_minute_fits_the_observation() -> None:
    errors = plausibility_errors(
        replace(GOOD, lot_number=" ", ready_to_leave_minute=121),
        route=Route.INTRANASAL,
        observation_minutes=120,
    )
    assert codes(errors) == [("/lot_number", "required"), ("/ready_to_leave_minute", "out_of_range")]


# --- the whole record: the dosing checks, the setting and the monitoring rules together --------------------


def whole(
    record: SessionRecord = RECORD, monitoring: Monitoring = GOOD, setting: Setting = SETTING, **options: Any
) -> Any:
    kwargs: dict[str, Any] = {
        "route": Route.INTRANASAL,
        "recorded_by_provider": False,
        "now": LATER,
        **options,
    }
    return assess_session(record, monitoring, setting, **kwargs)


def test_an_automatic_event_holds_the_plan() -> None:
    outcome = whole(monitoring=replace(GOOD, readings=(CALM, replace(MID, spo2=88), LAST)))
    assert outcome.requires_hold
    assert [e.type for e in outcome.automatic_events] == [AdverseEventType.RESPIRATORY_DEPRESSION]


def test_every_rule_failure_of_every_kind_comes_in_one_422() -> None:
    with pytest.raises(RuleViolation) as refused:
        whole(
            replace(RECORD, escort_confirmed=False),
            with_last(spo2=92),
            replace(SETTING, onsite_prescriber_id=None, onsite_prescriber=None),
        )
    assert codes(refused.value.errors) == [
        ("/escort_confirmed", "escort_not_confirmed"),
        ("/onsite_prescriber_id", "onsite_prescriber_required"),
        ("/readings/2/spo2", "not_stable_for_discharge"),
    ]


def test_implausible_values_of_either_kind_come_in_one_422_first() -> None:
    with pytest.raises(ValidationFailed) as refused:
        whole(replace(RECORD, pre_systolic=400, dose_mg=42), replace(GOOD, lot_number=None))
    assert [e.pointer for e in refused.value.errors] == ["/pre_systolic", "/dose_mg", "/lot_number"]


def test_an_emergency_transfer_is_kept_whatever_the_rules_but_not_with_an_unknown_id() -> None:
    transfer = replace(
        RECORD, disposition=Disposition.EMERGENCY_TRANSFER, observation_minutes=90, pre_systolic=185
    )
    nothing = replace(GOOD, readings=(), ready_to_leave_minute=None)
    outcome = whole(transfer, nothing, replace(SETTING, onsite_prescriber_id=None, onsite_prescriber=None))
    assert outcome.requires_hold
    with pytest.raises(RuleViolation) as refused:
        whole(transfer, nothing, replace(SETTING, site_id="sit_nope", site=None))
    assert codes(refused.value.errors) == [("/site_id", "site_not_eligible")]


@pytest.mark.parametrize(
    ("dose", "reason", "per_kg", "overridden"),
    [(40, None, "0.50", False), (84, "Partial response at 0.75 mg/kg.", "1.05", True)],
)
def test_the_outcome_carries_the_dose_per_kilogram(
    dose: float, reason: str | None, per_kg: str, overridden: bool
) -> None:
    iv = replace(
        RECORD,
        dose_mg=dose,
        weight_kg=80,
        infusion_minutes=40,
        observation_minutes=70,
        dose_override_reason=reason,
    )
    monitoring = replace(GOOD, readings=(CALM, MID, replace(LAST, minute=70)), ready_to_leave_minute=None)
    outcome = whole(iv, monitoring, route=Route.INTRAVENOUS, recorded_by_provider=True)
    assert (str(outcome.dose_mg_per_kg), outcome.dose_overridden) == (per_kg, overridden)


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


def test_without_readings_the_completion_pressure_is_as_sent_both_or_neither() -> None:
    assert completion_pressure((), 130, 84) == ((130, 84), [])
    assert completion_pressure((), None, None) == (None, [])
    pressure, errors = completion_pressure((), None, 84)
    assert pressure is None and [e.pointer for e in errors] == ["/post_systolic"]
