"""Telemedicine rules (api/domain/telemedicine.py, clinical-rules.md §5): both sides of every cut-off.

``NOW`` is Friday 2026-12-04 20:00Z. The base prescriber holds an active Texas licence and a schedule II-V
Texas DEA registration, both to 2027-06-30; the base request is oral ketamine from a pharmacy after the
prescriber's audio-video visit of yesterday with the patient at home in Texas, and a PDMP check of Texas an
hour ago. Under the built-in table it is allowed by the flexibilities.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from api.domain.matching import DeaRegistration, StateLicense
from api.domain.protocols import Route
from api.domain.telemedicine import (
    BUILT_IN_RULES,
    IN_PERSON_EVALUATION,
    Credentials,
    Dispensing,
    HeldPdmpCheck,
    HeldPrescription,
    HeldVisit,
    IssueContext,
    LegalBasisRule,
    Medication,
    Modality,
    PatientSetting,
    PdmpResult,
    PrescriptionRequest,
    PrescriptionStatus,
    RulesTableError,
    VisitFacts,
    active_until,
    add_months,
    at_home_failures,
    check_prescription,
    choose_legal_basis,
    evaluation_failures,
    parse_rules,
    pdmp_check_failures,
    prescription_failures,
    prescription_status,
    rules_as_json,
    visit_failures,
    visit_settings,
)
from api.errors import RuleViolation

NOW = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
UNTIL = date(2027, 6, 30)
TEXAS = Credentials(
    licenses=(StateLicense("TX", "active", UNTIL),),
    dea_registrations=(DeaRegistration("TX", frozenset({"II", "III", "IV", "V"}), UNTIL),),
)
NOBODY = Credentials()
VISIT = HeldVisit(
    by_prescriber=True,
    held_at=NOW - timedelta(days=1),
    modality=Modality.AUDIO_VIDEO,
    patient_location_state="TX",
    settings=frozenset(),
)
PDMP = HeldPdmpCheck(
    by_prescriber=True, state="TX", checked_at=NOW - timedelta(hours=1), result=PdmpResult.NO_CONCERNS
)
CONTEXT = IssueContext(
    now=NOW, prescriber=TEXAS, visit=VISIT, pdmp_check=PDMP, in_person_evaluation_on_record=False
)
REQUEST = PrescriptionRequest(
    medication=Medication.KETAMINE,
    route=Route.ORAL,
    dose_mg=100,
    days_supply=28,
    refills=1,
    dispensing=Dispensing.PHARMACY,
    pharmacy_ncpdp_id="1234567",
)
ESKETAMINE = replace(
    REQUEST,
    medication=Medication.ESKETAMINE,
    route=Route.INTRANASAL,
    dose_mg=56,
    refills=0,
    dispensing=Dispensing.CLINIC_ADMINISTERED,
    pharmacy_ncpdp_id=None,
    site_id="sit_1",
    site_rems_certified=True,
)


def failure_codes(request: PrescriptionRequest = REQUEST, context: IssueContext = CONTEXT) -> list[str]:
    return [failure.code for failure in prescription_failures(request, context)]


# --- credentials and visits ------------------------------------------------------------------------------

VISIT_FACTS = VisitFacts(
    modality=Modality.AUDIO_VIDEO,
    patient_location_state="TX",
    consultation_state="TX",
    identity_verified=True,
    provider=TEXAS,
    on=NOW.date(),
)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(VISIT_FACTS, [], id="as-booked"),
        pytest.param(
            replace(VISIT_FACTS, patient_location_state="OK"),
            ["provider_not_licensed_in_state"],
            id="elsewhere",
        ),
        pytest.param(
            replace(VISIT_FACTS, patient_location_state="OK", consultation_state="OK"),
            [],
            id="same-state-not-rechecked",
        ),
        pytest.param(
            replace(VISIT_FACTS, consultation_state="OK", on=UNTIL), [], id="elsewhere-licensed-on-last-day"
        ),
        pytest.param(
            replace(VISIT_FACTS, consultation_state="OK", on=UNTIL + timedelta(days=1)),
            ["provider_not_licensed_in_state"],
            id="elsewhere-licence-expired",
        ),
        pytest.param(replace(VISIT_FACTS, site_state="TX"), [], id="site-in-state"),
        pytest.param(replace(VISIT_FACTS, site_state="OK"), ["site_not_in_state"], id="site-elsewhere"),
        pytest.param(replace(VISIT_FACTS, present_practitioner=TEXAS), [], id="practitioner-registered"),
        pytest.param(
            replace(VISIT_FACTS, present_practitioner=NOBODY),
            ["practitioner_not_registered_in_state"],
            id="practitioner-unregistered",
        ),
        pytest.param(replace(VISIT_FACTS, identity_verified=False), ["identity_not_verified"], id="identity"),
        pytest.param(
            replace(VISIT_FACTS, identity_verified=False, site_state="OK"),
            ["site_not_in_state", "identity_not_verified"],
            id="all-at-once",
        ),
    ],
)
def test_visit_checks(facts: VisitFacts, expected: list[str]) -> None:
    assert [failure.code for failure in visit_failures(facts)] == expected


def test_a_registration_without_schedule_iii_does_not_count() -> None:
    only_ii = Credentials(TEXAS.licenses, (DeaRegistration("TX", frozenset({"II"}), UNTIL),))
    assert visit_failures(replace(VISIT_FACTS, consultation_state="OK", provider=only_ii)) != []


@pytest.mark.parametrize(
    ("site_state", "present", "expected"),
    [
        pytest.param(None, None, frozenset(), id="home"),
        pytest.param("TX", None, frozenset({PatientSetting.REGISTERED_SITE}), id="site-where-registered"),
        pytest.param("OK", None, frozenset(), id="site-where-not-registered"),
        pytest.param(
            None, TEXAS, frozenset({PatientSetting.WITH_REGISTERED_PRACTITIONER}), id="practitioner"
        ),
        pytest.param(None, NOBODY, frozenset(), id="unregistered-practitioner"),
    ],
)
def test_visit_settings(
    site_state: str | None, present: Credentials | None, expected: frozenset[PatientSetting]
) -> None:
    settings = visit_settings(
        on=NOW.date(),
        patient_location_state="TX",
        site_state=site_state,
        prescriber=TEXAS,
        present_practitioner=present,
    )
    assert settings == expected


# --- the legal basis ------------------------------------------------------------------------------------

FLEXIBILITIES_END = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("on", "modality", "settings", "evaluated", "expected"),
    [
        pytest.param(
            FLEXIBILITIES_END,
            Modality.AUDIO_VIDEO,
            frozenset(),
            False,
            "dea_telemedicine_flexibilities",
            id="last-day-of-flexibilities",
        ),
        pytest.param(
            date(2025, 1, 1),
            Modality.AUDIO_VIDEO,
            frozenset(),
            False,
            "dea_telemedicine_flexibilities",
            id="first-day",
        ),
        pytest.param(
            date(2024, 12, 31), Modality.AUDIO_VIDEO, frozenset(), False, None, id="before-the-table's-entry"
        ),
        pytest.param(
            date(2027, 1, 1), Modality.AUDIO_VIDEO, frozenset(), False, None, id="day-after-at-home"
        ),
        pytest.param(
            date(2027, 1, 1),
            Modality.AUDIO_VIDEO,
            frozenset({PatientSetting.REGISTERED_SITE}),
            False,
            "telemedicine_registered_site",
            id="after-at-registered-site",
        ),
        pytest.param(
            date(2027, 1, 1),
            Modality.AUDIO_VIDEO,
            frozenset({PatientSetting.WITH_REGISTERED_PRACTITIONER}),
            False,
            "telemedicine_practitioner_present",
            id="after-practitioner-present",
        ),
        pytest.param(
            date(2027, 1, 1),
            Modality.AUDIO_ONLY,
            frozenset({PatientSetting.REGISTERED_SITE}),
            False,
            None,
            id="after-audio-only-at-site",
        ),
        pytest.param(
            FLEXIBILITIES_END,
            Modality.AUDIO_ONLY,
            frozenset(),
            False,
            None,
            id="audio-only-not-under-flexibilities",
        ),
        pytest.param(
            date(2027, 1, 1),
            Modality.AUDIO_ONLY,
            frozenset(),
            True,
            "in_person_evaluation",
            id="evaluation-first",
        ),
        pytest.param(
            FLEXIBILITIES_END,
            Modality.AUDIO_VIDEO,
            frozenset(),
            True,
            "in_person_evaluation",
            id="evaluation-before-rules",
        ),
    ],
)
def test_legal_basis(
    on: date, modality: Modality, settings: frozenset[PatientSetting], evaluated: bool, expected: str | None
) -> None:
    basis = choose_legal_basis(
        rules=BUILT_IN_RULES,
        on=on,
        modality=modality,
        settings=settings,
        in_person_evaluation_on_record=evaluated,
    )
    assert (basis.code if basis else None) == expected


def test_the_built_in_table_and_its_sources() -> None:
    assert [(r.code, r.valid_until, r.source) for r in BUILT_IN_RULES] == [
        ("dea_telemedicine_flexibilities", date(2026, 12, 31), "90 FR 61301"),
        ("telemedicine_registered_site", None, "21 U.S.C. 802(54)(A)"),
        ("telemedicine_practitioner_present", None, "21 U.S.C. 802(54)(B)"),
    ]
    assert IN_PERSON_EVALUATION.source.startswith("21 U.S.C. 829(e)")
    assert parse_rules(json.dumps(rules_as_json(BUILT_IN_RULES))) == BUILT_IN_RULES


def test_a_new_rule_is_one_entry() -> None:
    fifth = {
        "code": "fifth_extension",
        "valid_from": "2027-01-01",
        "valid_until": "2027-12-31",
        "modalities": ["audio_video"],
        "schedules": ["II", "III", "IV", "V"],
        "source": "FR (a fifth extension)",
    }
    rules = parse_rules(json.dumps([*rules_as_json(BUILT_IN_RULES), fifth]))
    basis = choose_legal_basis(
        rules=rules,
        on=date(2027, 1, 1),
        modality=Modality.AUDIO_VIDEO,
        settings=frozenset(),
        in_person_evaluation_on_record=False,
    )
    assert basis is not None and basis.code == "fifth_extension"
    schedule_ii_only = replace(rules[-1], schedules=frozenset({"II"}))
    assert not schedule_ii_only.covers(
        on=date(2027, 1, 1), modality=Modality.AUDIO_VIDEO, settings=frozenset()
    )


GOOD_RULE = rules_as_json(BUILT_IN_RULES)[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{", "not JSON", id="not-json"),
        pytest.param("[]", "non-empty JSON list", id="empty"),
        pytest.param(json.dumps([{**GOOD_RULE, "extra": 1}]), "unknown field", id="unknown-field"),
        pytest.param(
            json.dumps([{k: v for k, v in GOOD_RULE.items() if k != "source"}]),
            "source is required",
            id="no-source",
        ),
        pytest.param(
            json.dumps([{**GOOD_RULE, "valid_from": "2027-1-1"}]), "valid_from must be a date", id="bad-date"
        ),
        pytest.param(
            json.dumps([{**GOOD_RULE, "valid_until": "2008-01-01"}]),
            "before valid_from",
            id="ends-before-start",
        ),
        pytest.param(json.dumps([{**GOOD_RULE, "modalities": ["video"]}]), "modalities", id="bad-modality"),
        pytest.param(json.dumps([{**GOOD_RULE, "modalities": []}]), "modalities", id="no-modality"),
        pytest.param(json.dumps([{**GOOD_RULE, "schedules": ["3"]}]), "schedules", id="bad-schedule"),
        pytest.param(
            json.dumps([{**GOOD_RULE, "patient_settings": ["home"]}]), "patient_settings", id="bad-setting"
        ),
        pytest.param(json.dumps([GOOD_RULE, GOOD_RULE]), "unique", id="duplicate-code"),
        pytest.param(json.dumps([{**GOOD_RULE, "code": "Bad Code"}]), "snake_case", id="bad-code"),
    ],
)
def test_a_malformed_table_is_refused_whole(text: str, message: str) -> None:
    with pytest.raises(RulesTableError, match=message):
        parse_rules(text)


def test_patient_settings_may_be_left_out() -> None:
    entry = {k: v for k, v in rules_as_json(BUILT_IN_RULES)[0].items() if k != "patient_settings"}
    assert parse_rules(json.dumps([entry]))[0].patient_settings == frozenset()


# --- prescriptions ------------------------------------------------------------------------------------------


def test_the_base_prescription_is_allowed_by_the_flexibilities() -> None:
    decision = check_prescription(REQUEST, CONTEXT)
    assert decision.legal_basis.code == "dea_telemedicine_flexibilities" and not decision.pdmp_unverified
    assert decision.active_until == NOW + timedelta(days=56)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(
            replace(CONTEXT, visit=replace(VISIT, held_at=NOW - timedelta(days=30))), [], id="visit-30-days"
        ),
        pytest.param(
            replace(CONTEXT, visit=replace(VISIT, held_at=NOW - timedelta(days=30, seconds=1))),
            ["visit_required"],
            id="visit-30-days-and-a-second",
        ),
        pytest.param(
            replace(CONTEXT, visit=replace(VISIT, by_prescriber=False)),
            ["visit_required"],
            id="another-providers-visit",
        ),
        pytest.param(replace(CONTEXT, visit=None), ["visit_required"], id="no-visit"),
        pytest.param(
            replace(
                CONTEXT,
                visit_max_age=timedelta(days=1),
                visit=replace(VISIT, held_at=NOW - timedelta(days=2)),
            ),
            ["visit_required"],
            id="configured-max-age",
        ),
        pytest.param(
            replace(CONTEXT, prescriber=NOBODY), ["prescriber_not_registered_in_state"], id="unregistered"
        ),
        pytest.param(
            replace(
                CONTEXT,
                visit=replace(VISIT, held_at=datetime(2027, 6, 30, 12, tzinfo=UTC)),
                now=datetime(2027, 7, 1, tzinfo=UTC),
                pdmp_check=replace(PDMP, checked_at=datetime(2027, 6, 30, 12, tzinfo=UTC)),
                in_person_evaluation_on_record=True,
            ),
            [],
            id="registered-on-the-visit-day",
        ),
        pytest.param(
            replace(CONTEXT, pdmp_check=replace(PDMP, checked_at=NOW - timedelta(hours=24))),
            [],
            id="pdmp-24-hours",
        ),
        pytest.param(
            replace(CONTEXT, pdmp_check=replace(PDMP, checked_at=NOW - timedelta(hours=24, seconds=1))),
            ["pdmp_check_required"],
            id="pdmp-24-hours-and-a-second",
        ),
        pytest.param(
            replace(CONTEXT, pdmp_check=replace(PDMP, state="OK")),
            ["pdmp_check_required"],
            id="pdmp-other-state",
        ),
        pytest.param(
            replace(CONTEXT, pdmp_check=replace(PDMP, by_prescriber=False)),
            ["pdmp_check_required"],
            id="pdmp-someone-elses",
        ),
        pytest.param(
            replace(CONTEXT, pdmp_check=replace(PDMP, checked_at=NOW + timedelta(seconds=1))),
            ["pdmp_check_required"],
            id="pdmp-after-issue",
        ),
        pytest.param(replace(CONTEXT, pdmp_check=None), ["pdmp_check_required"], id="no-pdmp"),
        pytest.param(
            replace(
                CONTEXT,
                now=datetime(2027, 1, 1, tzinfo=UTC),
                visit=replace(VISIT, held_at=datetime(2026, 12, 31, tzinfo=UTC)),
                pdmp_check=replace(PDMP, checked_at=datetime(2026, 12, 31, 23, tzinfo=UTC)),
            ),
            ["no_legal_basis"],
            id="issued-the-day-after",
        ),
        pytest.param(
            replace(CONTEXT, visit=replace(VISIT, modality=Modality.AUDIO_ONLY)),
            ["no_legal_basis"],
            id="audio-only",
        ),
    ],
)
def test_issue_context_checks(context: IssueContext, expected: list[str]) -> None:
    assert failure_codes(context=context) == expected


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        pytest.param(replace(REQUEST, refills=5), [], id="5-refills"),
        pytest.param(replace(REQUEST, refills=6), ["refills_exceed_schedule_limit"], id="6-refills"),
        pytest.param(replace(REQUEST, pharmacy_ncpdp_id=None), ["pharmacy_required"], id="no-pharmacy"),
        pytest.param(
            replace(REQUEST, dispensing=Dispensing.CLINIC_ADMINISTERED, pharmacy_ncpdp_id=None),
            [],
            id="clinic-needs-no-pharmacy",
        ),
        pytest.param(ESKETAMINE, [], id="esketamine-by-the-rems"),
        pytest.param(replace(ESKETAMINE, dose_mg=84), [], id="esketamine-84"),
        pytest.param(replace(ESKETAMINE, dose_mg=28), [], id="esketamine-28"),
        pytest.param(replace(ESKETAMINE, dose_mg=57), ["esketamine_rems_violation"], id="esketamine-57"),
        pytest.param(
            replace(ESKETAMINE, route=Route.ORAL), ["esketamine_rems_violation"], id="esketamine-oral"
        ),
        pytest.param(replace(ESKETAMINE, refills=1), ["esketamine_rems_violation"], id="esketamine-refill"),
        pytest.param(
            replace(ESKETAMINE, site_rems_certified=False),
            ["esketamine_rems_violation"],
            id="esketamine-uncertified",
        ),
        pytest.param(
            replace(ESKETAMINE, site_id=None, site_rems_certified=False),
            ["esketamine_rems_violation"],
            id="esketamine-no-site",
        ),
        pytest.param(
            replace(ESKETAMINE, dispensing=Dispensing.PHARMACY),
            ["esketamine_rems_violation", "pharmacy_required"],
            id="esketamine-to-pharmacy",
        ),
    ],
)
def test_request_checks(request_: PrescriptionRequest, expected: list[str]) -> None:
    assert failure_codes(request=request_) == expected


def test_every_failure_at_once() -> None:
    with pytest.raises(RuleViolation) as raised:
        check_prescription(
            replace(REQUEST, refills=9, pharmacy_ncpdp_id=None), replace(CONTEXT, visit=None, pdmp_check=None)
        )
    assert raised.value.code == "visit_required"
    assert [e.code for e in raised.value.errors] == [
        "visit_required",
        "refills_exceed_schedule_limit",
        "pharmacy_required",
        "pdmp_check_required",
    ]


def test_an_outage_satisfies_the_check_and_is_marked() -> None:
    decision = check_prescription(
        REQUEST, replace(CONTEXT, pdmp_check=replace(PDMP, result=PdmpResult.UNAVAILABLE))
    )
    assert decision.pdmp_unverified


@pytest.mark.parametrize(
    ("issued", "days_supply", "refills", "expected"),
    [
        pytest.param(NOW, 28, 1, NOW + timedelta(days=56), id="supply-first"),
        pytest.param(NOW, 30, 5, datetime(2027, 6, 2, 20, tzinfo=UTC), id="180-days-before-six-months"),
        pytest.param(NOW, 31, 5, datetime(2027, 6, 4, 20, tzinfo=UTC), id="six-months-first"),
        pytest.param(
            datetime(2026, 8, 31, tzinfo=UTC), 90, 5, datetime(2027, 2, 28, tzinfo=UTC), id="month-end"
        ),
    ],
)
def test_active_until(issued: datetime, days_supply: int, refills: int, expected: datetime) -> None:
    assert active_until(issued, days_supply, refills) == expected


def test_add_months_across_a_leap_february() -> None:
    assert add_months(datetime(2027, 8, 31, tzinfo=UTC), 6) == datetime(2028, 2, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cancelled", "now", "expected"),
    [
        pytest.param(
            False,
            NOW + timedelta(days=56) - timedelta(seconds=1),
            PrescriptionStatus.ACTIVE,
            id="last-second",
        ),
        pytest.param(False, NOW + timedelta(days=56), PrescriptionStatus.EXPIRED, id="at-active-until"),
        pytest.param(True, NOW, PrescriptionStatus.CANCELLED, id="cancelled"),
    ],
)
def test_prescription_status(cancelled: bool, now: datetime, expected: PrescriptionStatus) -> None:
    assert (
        prescription_status(cancelled=cancelled, active_until=NOW + timedelta(days=56), now=now) == expected
    )


# --- the at-home gate ---------------------------------------------------------------------------------------

HELD = HeldPrescription(
    medication=Medication.KETAMINE,
    route=Route.SUBLINGUAL,
    dispensing=Dispensing.PHARMACY,
    dose_mg=100,
    issued_at=NOW - timedelta(days=10),
    active_until=NOW + timedelta(days=18),
    cancelled=False,
)


@pytest.mark.parametrize(
    ("held", "dose", "expected"),
    [
        pytest.param([HELD], 100, [], id="at-the-dose"),
        pytest.param([HELD], 100.5, ["dose_exceeds_prescription"], id="above-the-dose"),
        pytest.param([], 50, ["prescription_required"], id="none"),
        pytest.param([replace(HELD, cancelled=True)], 50, ["prescription_required"], id="cancelled"),
        pytest.param([replace(HELD, active_until=NOW)], 50, ["prescription_required"], id="expired"),
        pytest.param([replace(HELD, route=Route.INTRANASAL)], 50, ["prescription_required"], id="intranasal"),
        pytest.param(
            [replace(HELD, dispensing=Dispensing.CLINIC_ADMINISTERED)],
            50,
            ["prescription_required"],
            id="clinic",
        ),
        pytest.param(
            [replace(HELD, medication=Medication.ESKETAMINE)], 50, ["prescription_required"], id="esketamine"
        ),
        pytest.param(
            [replace(HELD, dose_mg=200, issued_at=NOW - timedelta(days=20)), HELD],
            150,
            ["dose_exceeds_prescription"],
            id="the-latest-limits",
        ),
    ],
)
def test_at_home_gate(held: list[HeldPrescription], dose: float, expected: list[str]) -> None:
    assert [failure.code for failure in at_home_failures(held, dose, NOW)] == expected


# --- evaluations and PDMP checks ------------------------------------------------------------------------


def test_an_evaluation_is_dated_today_or_earlier() -> None:
    today = NOW.date()
    assert evaluation_failures(evaluated_on=today, today=today) == []
    assert [f.pointer for f in evaluation_failures(evaluated_on=today + timedelta(days=1), today=today)] == [
        "/evaluated_on"
    ]


@pytest.mark.parametrize(
    ("result", "note", "checked_at", "expected"),
    [
        pytest.param(PdmpResult.NO_CONCERNS, None, NOW, [], id="no-concerns-no-note"),
        pytest.param(PdmpResult.CONCERNS_REVIEWED, None, NOW, ["/note"], id="concerns-need-a-note"),
        pytest.param(PdmpResult.UNAVAILABLE, "  ", NOW, ["/note"], id="outage-needs-a-note"),
        pytest.param(PdmpResult.UNAVAILABLE, "Portal down.", NOW, [], id="outage-noted"),
        pytest.param(PdmpResult.NO_CONCERNS, None, NOW + timedelta(seconds=1), ["/checked_at"], id="future"),
    ],
)
def test_pdmp_check(result: PdmpResult, note: str | None, checked_at: datetime, expected: list[str]) -> None:
    failures = pdmp_check_failures(result=result, note=note, checked_at=checked_at, now=NOW)
    assert [f.pointer for f in failures] == expected


def test_rule_dates_are_inclusive() -> None:
    rule: LegalBasisRule = BUILT_IN_RULES[0]
    assert rule.in_force(rule.valid_from) and rule.in_force(FLEXIBILITIES_END)
    assert not rule.in_force(rule.valid_from - timedelta(days=1)) and not rule.in_force(date(2027, 1, 1))
