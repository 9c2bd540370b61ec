"""Safety checks on a recorded session (clinical-rules.md §4, second edition): the pre-dose blood pressure
(hard stop and threshold), the dose by weight, observation minimums, escort or sitter, the setting (site,
monitoring provider, on-site prescriber), dispositions and adverse events, each on both sides of its
cut-off."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from api.domain.matching import DeaRegistration, StateLicense
from api.domain.protocols import Route
from api.domain.session_safety import (
    AdverseEvent,
    AdverseEventSeverity,
    AdverseEventType,
    Clinician,
    Disposition,
    SessionRecord,
    Setting,
    Site,
    default_monitored_by,
    dose_mg_per_kg,
    is_blood_pressure_elevated,
    is_dose_overridden,
    is_hard_stop,
    minimum_observation_minutes,
    raise_field_errors,
    raise_rule_failures,
    requires_hold,
    session_field_errors,
    session_rule_failures,
    setting_failures,
    validate_adverse_event,
)
from api.errors import FieldError, RuleViolation, ValidationFailed

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ADMINISTERED_AT = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
DAY = date(2026, 3, 2)

INTRANASAL = SessionRecord(
    administered_at=ADMINISTERED_AT,
    dose_mg=56,
    pre_systolic=128,
    pre_diastolic=82,
    post_systolic=136,
    post_diastolic=86,
    observation_minutes=120,
    escort_confirmed=True,
)
# 0.5 mg/kg over 40 minutes (Sanacora 2017), observed 30 minutes after the infusion.
INTRAVENOUS = dataclasses.replace(
    INTRANASAL, dose_mg=40, weight_kg=80, infusion_minutes=40, observation_minutes=70
)
INTRAMUSCULAR = dataclasses.replace(INTRANASAL, dose_mg=40, weight_kg=80, observation_minutes=60)
AT_HOME = SessionRecord(administered_at=ADMINISTERED_AT, dose_mg=300, sitter_present=True)
BASE = {Route.INTRANASAL: INTRANASAL, Route.INTRAVENOUS: INTRAVENOUS, Route.INTRAMUSCULAR: INTRAMUSCULAR}


def record(route: Route = Route.INTRANASAL, **overrides: Any) -> SessionRecord:
    return dataclasses.replace(BASE.get(route, AT_HOME), **overrides)


def event(**overrides: Any) -> AdverseEvent:
    base = AdverseEvent(
        type=AdverseEventType.NAUSEA,
        severity=AdverseEventSeverity.MILD,
        onset_at=datetime(2026, 3, 2, 12, 50, tzinfo=UTC),
    )
    return dataclasses.replace(base, **overrides)


def assess(session: SessionRecord, route: Route = Route.INTRANASAL, *, by_provider: bool = True) -> None:
    """The two stages of this module: implausible or missing values, then the clinical rules."""
    raise_field_errors(session_field_errors(session, route=route, now=NOW))
    raise_rule_failures(session_rule_failures(session, route=route, recorded_by_provider=by_provider))


def refusal(
    session: SessionRecord, route: Route = Route.INTRANASAL, *, by_provider: bool = True
) -> RuleViolation:
    with pytest.raises(RuleViolation) as excinfo:
        assess(session, route, by_provider=by_provider)
    return excinfo.value


def invalid(session: SessionRecord, route: Route = Route.INTRANASAL) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as excinfo:
        assess(session, route)
    assert excinfo.value.code == "validation_failed"
    return locations(excinfo.value.errors)


def locations(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(field_error.pointer, field_error.code) for field_error in errors]


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR, Route.ORAL])
def test_a_safe_session_passes(route: Route) -> None:
    assess(record(route), route)


# --- pre-dose blood pressure: the hard stop and the threshold --------------------------------------------


@pytest.mark.parametrize(
    ("systolic", "diastolic", "override", "refused"),
    [
        pytest.param(140, 90, None, [], id="140/90-doses"),
        pytest.param(
            141, 90, None, [("/pre_systolic", "blood_pressure_above_threshold")], id="141-threshold"
        ),
        pytest.param(
            140, 91, None, [("/pre_diastolic", "blood_pressure_above_threshold")], id="91-threshold"
        ),
        pytest.param(179, 109, "Reviewed.", [], id="179/109-overridable"),
        pytest.param(
            179,
            109,
            None,
            [
                ("/pre_systolic", "blood_pressure_above_threshold"),
                ("/pre_diastolic", "blood_pressure_above_threshold"),
            ],
            id="179/109-without-override",
        ),
        pytest.param(
            180, 90, "Reviewed.", [("/pre_systolic", "blood_pressure_hard_stop")], id="180-hard-stop"
        ),
        pytest.param(
            140, 110, "Reviewed.", [("/pre_diastolic", "blood_pressure_hard_stop")], id="110-hard-stop"
        ),
        pytest.param(
            250,
            150,
            "Cardiology cleared.",
            [("/pre_systolic", "blood_pressure_hard_stop"), ("/pre_diastolic", "blood_pressure_hard_stop")],
            id="250/150-worked-case-no-override",
        ),
        pytest.param(
            150,
            112,
            None,
            [
                ("/pre_diastolic", "blood_pressure_hard_stop"),
                ("/pre_systolic", "blood_pressure_above_threshold"),
            ],
            id="hard-stop-listed-first",
        ),
    ],
)
def test_pre_dose_blood_pressure(
    systolic: int, diastolic: int, override: str | None, refused: list[tuple[str, str]]
) -> None:
    session = record(pre_systolic=systolic, pre_diastolic=diastolic, override_reason=override)
    if not refused:
        assess(session)
        return
    error = refusal(session)
    assert not isinstance(error, ValidationFailed)
    assert error.code == refused[0][1]
    assert locations(error.errors) == refused


def test_the_hard_stop_applies_on_every_route_even_at_home() -> None:
    for route in Route:
        error = refusal(record(route, pre_systolic=180, pre_diastolic=80), route)
        assert error.code == "blood_pressure_hard_stop"


def test_non_provider_cannot_override_even_with_a_reason() -> None:
    error = refusal(
        record(pre_systolic=152, pre_diastolic=94, override_reason="Patient insists."), by_provider=False
    )
    assert locations(error.errors) == [("/override_reason", "override_requires_provider")]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_provider_override_without_a_reason_is_refused(reason: str | None) -> None:
    error = refusal(record(pre_systolic=152, override_reason=reason))
    assert locations(error.errors) == [("/pre_systolic", "blood_pressure_above_threshold")]


@pytest.mark.parametrize(
    ("systolic", "diastolic", "elevated", "hard"),
    [
        (140, 90, False, False),
        (141, 90, True, False),
        (140, 91, True, False),
        (179, 109, True, False),
        (180, 60, True, True),
        (100, 110, True, True),
    ],
)
def test_elevated_and_hard_stop_cut_offs(systolic: int, diastolic: int, elevated: bool, hard: bool) -> None:
    assert is_blood_pressure_elevated(systolic, diastolic) is elevated
    assert is_hard_stop(systolic, diastolic) is hard


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR])
def test_a_supervised_session_needs_the_pre_dose_pressure(route: Route) -> None:
    assert invalid(record(route, pre_systolic=None, pre_diastolic=None), route) == [
        ("/pre_systolic", "required"),
        ("/pre_diastolic", "required"),
    ]


@pytest.mark.parametrize("route", [Route.ORAL, Route.SUBLINGUAL])
def test_an_at_home_session_may_leave_the_pressure_out_but_not_half_of_it(route: Route) -> None:
    assess(record(route), route)
    assert invalid(record(route, pre_systolic=128), route) == [("/pre_diastolic", "required")]


# --- dose by weight ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "weight", "per_kg"),
    [
        (40, 80, Decimal("0.50")),
        (80, 80, Decimal("1.00")),
        (80.3, 80, Decimal("1.00")),  # 1.00375
        (80.4, 80, Decimal("1.01")),  # 1.005 rounds half up
        (1000, 80, Decimal("12.50")),
        (56, None, None),
    ],
)
def test_dose_mg_per_kg_is_rounded_half_up_to_2_decimals(
    dose: float, weight: float | None, per_kg: Decimal | None
) -> None:
    assert dose_mg_per_kg(dose, weight) == per_kg


@pytest.mark.parametrize("route", [Route.INTRAVENOUS, Route.INTRAMUSCULAR])
@pytest.mark.parametrize(
    ("dose", "reason", "by_provider", "refused"),
    [
        pytest.param(80, None, True, [], id="1.00-mg/kg"),
        pytest.param(80.8, None, True, [("/dose_mg", "dose_above_limit")], id="1.01-refused"),
        pytest.param(80.8, "Partial responder, tolerated 0.9.", True, [], id="1.01-provider-override"),
        pytest.param(
            80.8,
            "Looks fine.",
            False,
            [("/dose_override_reason", "override_requires_provider")],
            id="1.01-admin",
        ),
        pytest.param(80.8, "  ", True, [("/dose_mg", "dose_above_limit")], id="1.01-blank-reason"),
        pytest.param(160, "Anaesthesia-adjacent, monitored.", True, [], id="2.00-provider-override"),
        pytest.param(160.8, "Anything.", True, [("/dose_mg", "dose_above_maximum")], id="2.01-never"),
        pytest.param(1000, "Anything.", True, [("/dose_mg", "dose_above_maximum")], id="1000-mg-worked-case"),
    ],
)
def test_dose_limits_by_weight(
    route: Route, dose: float, reason: str | None, by_provider: bool, refused: list[tuple[str, str]]
) -> None:
    session = record(route, dose_mg=dose, dose_override_reason=reason)
    if not refused:
        assess(session, route, by_provider=by_provider)
        assert is_dose_overridden(session, route=route) is (dose > 80)
        return
    error = refusal(session, route, by_provider=by_provider)
    assert (error.code, locations(error.errors)) == (refused[0][1], refused)


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.ORAL])
def test_no_per_kilogram_limit_on_flat_or_oral_doses(route: Route) -> None:
    dose = 84 if route == Route.INTRANASAL else 300
    session = record(route, dose_mg=dose, weight_kg=40)  # 2.1 and 7.5 mg/kg
    assess(session, route)
    assert is_dose_overridden(session, route=route) is False


@pytest.mark.parametrize(
    ("route", "changes", "errors"),
    [
        (Route.INTRAVENOUS, {"weight_kg": None}, [("/weight_kg", "required")]),
        (Route.INTRAMUSCULAR, {"weight_kg": None}, [("/weight_kg", "required")]),
        (Route.INTRAVENOUS, {"weight_kg": 29.9}, [("/weight_kg", "out_of_range")]),
        (Route.INTRAVENOUS, {"weight_kg": 300.1, "dose_mg": 100}, [("/weight_kg", "out_of_range")]),
        (Route.INTRAVENOUS, {"infusion_minutes": None}, [("/infusion_minutes", "required")]),
        (Route.INTRAVENOUS, {"infusion_minutes": 19}, [("/infusion_minutes", "out_of_range")]),
        (
            Route.INTRAVENOUS,
            {"infusion_minutes": 121, "observation_minutes": 200},
            [("/infusion_minutes", "out_of_range")],
        ),
        (Route.INTRAMUSCULAR, {"infusion_minutes": 40}, [("/infusion_minutes", "not_applicable")]),
        (Route.INTRANASAL, {"dose_mg": 42}, [("/dose_mg", "invalid_dose")]),
        (Route.ORAL, {"dose_mg": 0}, [("/dose_mg", "out_of_range")]),
    ],
)
def test_weight_and_infusion_time_are_needed_and_real(
    route: Route, changes: dict[str, Any], errors: list[tuple[str, str]]
) -> None:
    assert invalid(record(route, **changes), route) == errors


@pytest.mark.parametrize(
    ("changes"),
    [
        {"weight_kg": 30, "dose_mg": 15},
        {"weight_kg": 300, "dose_mg": 150},
        {"infusion_minutes": 20, "observation_minutes": 50},
        {"infusion_minutes": 120, "observation_minutes": 150},
    ],
)
def test_weight_and_infusion_limits_are_inclusive(changes: dict[str, Any]) -> None:
    assess(record(Route.INTRAVENOUS, **changes), Route.INTRAVENOUS)


# --- observation minimums ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "changes", "refused"),
    [
        pytest.param(Route.INTRANASAL, {"observation_minutes": 119}, True, id="intranasal-119"),
        pytest.param(Route.INTRANASAL, {"observation_minutes": 120}, False, id="intranasal-120"),
        pytest.param(Route.INTRAVENOUS, {"observation_minutes": 69}, True, id="iv-40-infusion-69"),
        pytest.param(Route.INTRAVENOUS, {"observation_minutes": 70}, False, id="iv-40-infusion-70"),
        pytest.param(Route.INTRAVENOUS, {"observation_minutes": 40}, True, id="iv-40-minutes-worked-case"),
        pytest.param(
            Route.INTRAVENOUS,
            {"infusion_minutes": 20, "observation_minutes": 49},
            True,
            id="iv-20-infusion-49",
        ),
        pytest.param(
            Route.INTRAVENOUS,
            {"infusion_minutes": 20, "observation_minutes": 50},
            False,
            id="iv-20-infusion-50",
        ),
        pytest.param(Route.INTRAMUSCULAR, {"observation_minutes": 59}, True, id="im-59"),
        pytest.param(Route.INTRAMUSCULAR, {"observation_minutes": 60}, False, id="im-60"),
        pytest.param(Route.INTRAMUSCULAR, {"observation_minutes": 30}, True, id="im-30-worked-case"),
        pytest.param(Route.ORAL, {"observation_minutes": 0}, False, id="oral-no-minimum"),
    ],
)
def test_observation_minimums(route: Route, changes: dict[str, Any], refused: bool) -> None:
    session = record(route, **changes)
    if not refused:
        assess(session, route)
        return
    error = refusal(session, route)
    assert locations(error.errors) == [("/observation_minutes", "observation_too_short")]


def test_minimum_observation_per_route() -> None:
    assert minimum_observation_minutes(Route.INTRANASAL, None) == 120
    assert minimum_observation_minutes(Route.INTRAVENOUS, 40) == 70
    assert minimum_observation_minutes(Route.INTRAMUSCULAR, None) == 60
    assert minimum_observation_minutes(Route.ORAL, None) is None


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR])
def test_a_supervised_session_needs_its_observation_time(route: Route) -> None:
    assert invalid(record(route, observation_minutes=None), route) == [("/observation_minutes", "required")]


# --- escort (clinic) or sitter (home) ----------------------------------------------------------------------


@pytest.mark.parametrize("route", [Route.INTRANASAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR])
@pytest.mark.parametrize("escort", [False, None])
def test_a_supervised_session_needs_a_confirmed_escort(route: Route, escort: bool | None) -> None:
    error = refusal(record(route, escort_confirmed=escort), route)
    assert locations(error.errors) == [("/escort_confirmed", "escort_not_confirmed")]


@pytest.mark.parametrize("route", [Route.ORAL, Route.SUBLINGUAL])
@pytest.mark.parametrize(("sitter", "ok"), [(True, True), (False, False), (None, False)])
def test_an_at_home_session_needs_a_sitter_instead_of_an_escort(
    route: Route, sitter: bool | None, ok: bool
) -> None:
    session = record(route, sitter_present=sitter, escort_confirmed=None)
    if ok:
        assess(session, route, by_provider=False)
        return
    error = refusal(session, route, by_provider=False)
    assert locations(error.errors) == [("/sitter_present", "sitter_required")]


def test_every_failed_check_is_reported_together_with_the_first_code_on_top() -> None:
    unsafe = record(pre_systolic=150, observation_minutes=60, escort_confirmed=False)
    error = refusal(unsafe)
    assert error.code == "blood_pressure_above_threshold"
    assert locations(error.errors) == [
        ("/pre_systolic", "blood_pressure_above_threshold"),
        ("/observation_minutes", "observation_too_short"),
        ("/escort_confirmed", "escort_not_confirmed"),
    ]


# --- dispositions -------------------------------------------------------------------------------------------


def test_an_emergency_transfer_is_refused_by_no_clinical_rule() -> None:
    """Minute 3, a hard-stop pressure, an excessive dose, no escort: the record is still kept."""
    transfer = record(
        Route.INTRAVENOUS,
        disposition=Disposition.EMERGENCY_TRANSFER,
        observation_minutes=3,
        pre_systolic=185,
        dose_mg=400,
        escort_confirmed=False,
    )
    assess(transfer, Route.INTRAVENOUS, by_provider=False)


def test_leaving_against_medical_advice_lifts_the_observation_and_escort_not_the_dose_rules() -> None:
    left = record(
        disposition=Disposition.LEFT_AGAINST_MEDICAL_ADVICE,
        disposition_reason="Refused to stay after 30 minutes.",
        observation_minutes=30,
        escort_confirmed=False,
    )
    assess(left)
    error = refusal(dataclasses.replace(left, pre_systolic=180))
    assert locations(error.errors) == [("/pre_systolic", "blood_pressure_hard_stop")]


def test_only_a_provider_records_a_patient_leaving_against_advice_and_says_why() -> None:
    left = record(disposition=Disposition.LEFT_AGAINST_MEDICAL_ADVICE, disposition_reason="Walked out.")
    error = refusal(left, by_provider=False)
    assert locations(error.errors) == [("/disposition", "override_requires_provider")]
    assert invalid(dataclasses.replace(left, disposition_reason="  ")) == [
        ("/disposition_reason", "required")
    ]


# --- the setting: site, monitoring provider, on-site prescriber ------------------------------------------

LICENSED_TX = StateLicense("TX", "active", date(2026, 3, 2))  # expires on the session's day: still valid
DEA_TX = DeaRegistration("TX", frozenset({"III", "IV"}), date(2027, 1, 1))
GRACE = Clinician("prv_grace", licenses=(LICENSED_TX,), dea_registrations=(DEA_TX,))
CLINIC = Site("sit_tx", "TX", rems_certified=True, name="Austin clinic")
SETTING = Setting(
    patient_state="TX",
    site_id=CLINIC.id,
    site=CLINIC,
    monitored_by=GRACE.id,
    monitor=GRACE,
    onsite_prescriber_id=GRACE.id,
    onsite_prescriber=GRACE,
)


def setting(**changes: Any) -> Setting:
    return dataclasses.replace(SETTING, **changes)


@pytest.mark.parametrize(
    ("route", "changes", "failures"),
    [
        pytest.param(Route.INTRANASAL, {}, [], id="intranasal-ok"),
        pytest.param(
            Route.INTRANASAL,
            {"site_id": None, "site": None},
            [("/site_id", "site_not_eligible")],
            id="no-site",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"site_id": "sit_nope", "site": None},
            [("/site_id", "site_not_eligible")],
            id="unknown-site",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"site": dataclasses.replace(CLINIC, state="OK")},
            [
                ("/site_id", "site_not_eligible"),
                ("/monitored_by", "monitoring_provider_not_eligible"),
                ("/onsite_prescriber_id", "onsite_prescriber_required"),
            ],
            id="site-in-another-state",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"site": dataclasses.replace(CLINIC, rems_certified=False)},
            [("/site_id", "site_not_eligible")],
            id="intranasal-site-not-rems",
        ),
        pytest.param(
            Route.INTRAVENOUS,
            {"site": dataclasses.replace(CLINIC, rems_certified=False)},
            [],
            id="iv-any-site",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"monitored_by": None, "monitor": None},
            [("/monitored_by", "monitoring_provider_not_eligible")],
            id="no-monitor",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"monitor": dataclasses.replace(GRACE, licenses=(dataclasses.replace(LICENSED_TX, state="NY"),))},
            [("/monitored_by", "monitoring_provider_not_eligible")],
            id="monitor-licensed-elsewhere",
        ),
        pytest.param(
            Route.INTRANASAL,
            {
                "monitor": dataclasses.replace(
                    GRACE, licenses=(dataclasses.replace(LICENSED_TX, expires_on=date(2026, 3, 1)),)
                )
            },
            [("/monitored_by", "monitoring_provider_not_eligible")],
            id="monitor-licence-expired-the-day-before",
        ),
        pytest.param(
            Route.INTRANASAL,
            {
                "monitor": dataclasses.replace(
                    GRACE, licenses=(dataclasses.replace(LICENSED_TX, status="suspended"),)
                )
            },
            [("/monitored_by", "monitoring_provider_not_eligible")],
            id="monitor-licence-suspended",
        ),
        pytest.param(
            Route.INTRANASAL,
            {"onsite_prescriber_id": None, "onsite_prescriber": None},
            [("/onsite_prescriber_id", "onsite_prescriber_required")],
            id="intranasal-no-onsite-prescriber",
        ),
        pytest.param(
            Route.INTRANASAL,
            {
                "onsite_prescriber": dataclasses.replace(
                    GRACE, dea_registrations=(dataclasses.replace(DEA_TX, schedules=frozenset({"II"})),)
                )
            },
            [("/onsite_prescriber_id", "onsite_prescriber_required")],
            id="onsite-prescriber-without-schedule-iii",
        ),
        pytest.param(
            Route.INTRANASAL,
            {
                "onsite_prescriber": dataclasses.replace(
                    GRACE, dea_registrations=(dataclasses.replace(DEA_TX, expires_on=date(2026, 3, 1)),)
                )
            },
            [("/onsite_prescriber_id", "onsite_prescriber_required")],
            id="onsite-prescriber-dea-expired",
        ),
        pytest.param(
            Route.INTRAVENOUS,
            {"onsite_prescriber_id": None, "onsite_prescriber": None},
            [],
            id="iv-onsite-optional",
        ),
        pytest.param(
            Route.INTRAMUSCULAR,
            {"onsite_prescriber": dataclasses.replace(GRACE, dea_registrations=())},
            [("/onsite_prescriber_id", "onsite_prescriber_required")],
            id="im-onsite-named-is-checked",
        ),
        pytest.param(
            Route.ORAL,
            {
                "site_id": None,
                "site": None,
                "monitored_by": None,
                "monitor": None,
                "onsite_prescriber_id": None,
                "onsite_prescriber": None,
            },
            [],
            id="at-home-needs-none",
        ),
        pytest.param(
            Route.ORAL,
            {"site": dataclasses.replace(CLINIC, state="OK")},
            [
                ("/site_id", "site_not_eligible"),
                ("/monitored_by", "monitoring_provider_not_eligible"),
                ("/onsite_prescriber_id", "onsite_prescriber_required"),
            ],
            id="at-home-named-site-is-checked",
        ),
    ],
)
def test_the_setting(route: Route, changes: dict[str, Any], failures: list[tuple[str, str]]) -> None:
    assert locations(setting_failures(setting(**changes), route=route, on=DAY)) == failures


@pytest.mark.parametrize(
    ("sent", "route", "recorder", "monitor"),
    [
        ("prv_other", Route.INTRANASAL, "prv_grace", "prv_other"),
        (None, Route.INTRANASAL, "prv_grace", "prv_grace"),
        (None, Route.INTRAMUSCULAR, None, None),  # an admin names who monitored
        (None, Route.ORAL, "prv_grace", None),
    ],
)
def test_the_monitoring_provider_defaults_to_the_recording_provider(
    sent: str | None, route: Route, recorder: str | None, monitor: str | None
) -> None:
    assert default_monitored_by(sent, route=route, recorder_provider_id=recorder) == monitor


# --- plausibility -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected_errors"),
    [
        ({"post_systolic": 59}, [("/post_systolic", "out_of_range")]),
        ({"post_systolic": 261}, [("/post_systolic", "out_of_range")]),
        ({"post_diastolic": 29}, [("/post_diastolic", "out_of_range")]),
        ({"post_diastolic": 161}, [("/post_diastolic", "out_of_range")]),
        (
            {"pre_systolic": 300, "pre_diastolic": 10},
            [("/pre_systolic", "out_of_range"), ("/pre_diastolic", "out_of_range")],
        ),
        ({"observation_minutes": -1}, [("/observation_minutes", "out_of_range")]),
        ({"observation_minutes": 1441}, [("/observation_minutes", "out_of_range")]),
        ({"administered_at": datetime(2026, 3, 2, 15, 1, tzinfo=UTC)}, [("/administered_at", "in_future")]),
        ({"administered_at": datetime(2026, 3, 2, 12, 30)}, [("/administered_at", "timezone_required")]),
    ],
)
def test_implausible_values_are_a_validation_error_before_any_safety_rule(
    overrides: dict[str, Any], expected_errors: list[tuple[str, str]]
) -> None:
    assert invalid(record(**overrides, escort_confirmed=False)) == expected_errors  # escort not reached


@pytest.mark.parametrize(("systolic", "diastolic"), [(60, 30), (260, 160)])
def test_plausible_range_limits_are_inclusive(systolic: int, diastolic: int) -> None:
    assess(record(post_systolic=systolic, post_diastolic=diastolic))


# --- adverse events ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "hold"),
    [
        ([], False),
        ([AdverseEventSeverity.MILD], False),
        ([AdverseEventSeverity.MODERATE], False),
        ([AdverseEventSeverity.MILD, AdverseEventSeverity.MODERATE], False),
        ([AdverseEventSeverity.SEVERE], True),
        ([AdverseEventSeverity.SERIOUS], True),
        ([AdverseEventSeverity.MILD, AdverseEventSeverity.SERIOUS], True),
    ],
)
def test_severe_or_serious_events_put_the_plan_on_hold(
    severities: list[AdverseEventSeverity], hold: bool
) -> None:
    assert requires_hold(severities) is hold


@pytest.mark.parametrize("description", [None, "", "  "])
def test_an_other_event_needs_a_description(description: str | None) -> None:
    events = (event(), event(type=AdverseEventType.OTHER, description=description))
    assert invalid(record(adverse_events=events)) == [("/adverse_events/1/description", "required")]


def test_a_described_other_event_and_undescribed_typed_events_pass() -> None:
    events = (
        event(type=AdverseEventType.OTHER, description="Tingling in both hands."),
        event(description=None),
    )
    assess(record(adverse_events=events))


def test_an_event_reported_on_its_own_uses_top_level_pointers() -> None:
    future = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as excinfo:
        validate_adverse_event(event(type=AdverseEventType.OTHER, onset_at=future), now=NOW)
    assert locations(excinfo.value.errors) == [("/onset_at", "in_future"), ("/description", "required")]


def test_a_valid_event_reported_on_its_own_passes() -> None:
    validate_adverse_event(event(severity=AdverseEventSeverity.SERIOUS), now=NOW)
