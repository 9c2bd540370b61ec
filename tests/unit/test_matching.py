"""Provider matching: each hard filter alone, exclusion counts, hand-computed scores, ranking and booking.

``NOW`` is Tuesday 2026-12-01 15:00Z. The base provider qualifies for the base request: an MD in psychiatry
with an active New York licence and a schedule II-V DEA registration there (both valid to 2027-06-30), every
route, a REMS-certified New York site, 5 of 10 patients, and free hour slots 3, 4, 5 and 6 days from now.
"""

import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from api.domain.availability import Slot, slots_clear_of
from api.domain.matching import (
    FACT_NAMES,
    HARD_FILTERS,
    PLAIN,
    SCORE_PARTS,
    DeaRegistration,
    HardFilter,
    MatchOutcome,
    MatchRequest,
    MatchWeights,
    PracticeSite,
    ProviderCandidate,
    ProviderFacts,
    ProviderNotQualified,
    RuleTerms,
    SlotUnavailable,
    StateLicense,
    check_booking,
    failing_filters_for_booking,
    match_providers,
    provider_facts,
)
from api.domain.protocols import Route

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
FILTER_CODES = ["license", "dea", "route", "capacity", "no_slot", "credential"]
NONE_EXCLUDED = dict.fromkeys(FILTER_CODES, 0)


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours, minutes=minutes)


def hour_slot(start: datetime) -> Slot:
    return Slot(start, start + HOUR)


# 2026-12-04, -05, -06 and -07, each at 15:00Z.
BASE_SLOTS = tuple(hour_slot(at(days=day)) for day in (3, 4, 5, 6))

BASE_PROVIDER = ProviderCandidate(
    id="prv_base",
    credential="MD",
    specialties=frozenset({"psychiatry"}),
    languages=("en",),
    routes_offered=frozenset({"oral", "sublingual", "intranasal", "intramuscular", "intravenous"}),
    sites=(PracticeSite("NY", rems_certified=True),),
    licenses=(StateLicense("NY", "active", date(2027, 6, 30)),),
    dea_registrations=(DeaRegistration("NY", frozenset({"II", "III", "IV", "V"}), date(2027, 6, 30)),),
    accepting_new_patients=True,
    max_active_patients=10,
    active_patients=5,
    free_slots=BASE_SLOTS,
)
BASE_REQUEST = MatchRequest(patient_location_state="NY", now=NOW, preferred_language="en")


def provider(**changes: Any) -> ProviderCandidate:
    return replace(BASE_PROVIDER, **changes)


def request(**changes: Any) -> MatchRequest:
    return replace(BASE_REQUEST, **changes)


def ranked_ids(outcome: MatchOutcome) -> list[str]:
    return [match.provider_id for match in outcome.matches]


# --- hard filters, one at a time ----------------------------------------------------------------------------

SINGLE_FILTER_FAILURES = [
    # 1. licence
    pytest.param(
        {}, {"licenses": (StateLicense("NY", "active", date(2026, 11, 30)),)}, "license", id="licence-expired"
    ),
    pytest.param(
        {},
        {"licenses": (StateLicense("NY", "active", date(2026, 12, 3)),)},
        "license",
        id="licence-expires-before-earliest-slot",
    ),
    pytest.param(
        {},
        {"licenses": (StateLicense("NJ", "active", date(2027, 6, 30)),)},
        "license",
        id="licence-other-state",
    ),
    pytest.param(
        {},
        {"licenses": (StateLicense("NY", "suspended", date(2027, 6, 30)),)},
        "license",
        id="licence-suspended",
    ),
    pytest.param(
        {},
        {"licenses": (StateLicense("NY", "inactive", date(2027, 6, 30)),)},
        "license",
        id="licence-inactive",
    ),
    pytest.param(
        {}, {"licenses": (StateLicense("NY", "revoked", date(2027, 6, 30)),)}, "license", id="licence-revoked"
    ),
    pytest.param({}, {"licenses": ()}, "license", id="no-licence"),
    # 2. DEA
    pytest.param(
        {},
        {"dea_registrations": (DeaRegistration("NJ", frozenset({"III"}), date(2027, 6, 30)),)},
        "dea",
        id="dea-other-state",
    ),
    pytest.param(
        {},
        {"dea_registrations": (DeaRegistration("NY", frozenset({"II", "IV", "V"}), date(2027, 6, 30)),)},
        "dea",
        id="dea-without-schedule-iii",
    ),
    pytest.param(
        {},
        {"dea_registrations": (DeaRegistration("NY", frozenset({"III"}), date(2026, 11, 30)),)},
        "dea",
        id="dea-expired",
    ),
    pytest.param({}, {"dea_registrations": ()}, "dea", id="no-dea"),
    # 3. route
    pytest.param(
        {"preferred_routes": frozenset({"oral"})},
        {"routes_offered": frozenset({"intravenous"})},
        "route",
        id="route-not-offered",
    ),
    pytest.param(
        {"preferred_routes": frozenset({"intravenous"})},
        {"sites": (PracticeSite("NJ", rems_certified=True),)},
        "route",
        id="iv-without-site-in-state",
    ),
    pytest.param(
        {"preferred_routes": frozenset({"intramuscular"})}, {"sites": ()}, "route", id="im-without-any-site"
    ),
    pytest.param(
        {"preferred_routes": frozenset({"intranasal"})},
        {"sites": (PracticeSite("NY", rems_certified=False),)},
        "route",
        id="intranasal-without-rems-site",
    ),
    pytest.param(
        {"preferred_routes": frozenset({"intranasal"})},
        {"sites": (PracticeSite("NY", rems_certified=False), PracticeSite("NJ", rems_certified=True))},
        "route",
        id="intranasal-rems-site-only-in-another-state",
    ),
    pytest.param(
        {},
        {"routes_offered": frozenset({"intravenous", "intranasal"}), "sites": ()},
        "route",
        id="clinic-routes-without-site",
    ),
    # 4. capacity
    pytest.param({}, {"accepting_new_patients": False}, "capacity", id="not-accepting"),
    pytest.param({}, {"active_patients": 10}, "capacity", id="at-capacity"),
    pytest.param({}, {"active_patients": 11}, "capacity", id="over-capacity"),
    pytest.param({}, {"max_active_patients": 0, "active_patients": 0}, "capacity", id="zero-capacity"),
    # 5. slot
    pytest.param({}, {"free_slots": ()}, "no_slot", id="no-free-slot"),
    pytest.param(
        {}, {"free_slots": (hour_slot(at(days=30, minutes=-59)),)}, "no_slot", id="slot-ends-after-30-days"
    ),
    pytest.param({}, {"free_slots": (hour_slot(at(days=45)),)}, "no_slot", id="slot-in-45-days"),
    pytest.param({}, {"free_slots": (hour_slot(at(minutes=-1)),)}, "no_slot", id="slot-already-started"),
    pytest.param(
        {}, {"free_slots": (Slot(at(days=3), at(days=3, minutes=45)),)}, "no_slot", id="slot-too-short"
    ),
    # 6. credential
    pytest.param(
        {"eligibility_outcome": "needs_review"}, {"credential": "NP"}, "credential", id="review-case-with-np"
    ),
    pytest.param(
        {"eligibility_outcome": "needs_review"},
        {"specialties": frozenset({"family_medicine"})},
        "credential",
        id="review-case-with-non-psychiatrist-md",
    ),
    pytest.param(
        {"conditions": frozenset({"bipolar_depression"})},
        {"credential": "PA"},
        "credential",
        id="bipolar-case-with-pa",
    ),
    pytest.param(
        {"conditions": frozenset({"bipolar_depression", "ptsd"})},
        {"credential": "DO", "specialties": frozenset({"anesthesiology"})},
        "credential",
        id="bipolar-case-with-do-anesthesiologist",
    ),
]


@pytest.mark.parametrize(("request_changes", "provider_changes", "code"), SINGLE_FILTER_FAILURES)
def test_each_hard_filter_excludes_on_its_own(
    request_changes: dict[str, Any], provider_changes: dict[str, Any], code: str
) -> None:
    outcome = match_providers(request(**request_changes), [provider(**provider_changes)])
    assert outcome.matches == ()
    assert outcome.excluded == {**NONE_EXCLUDED, code: 1}


SINGLE_FILTER_PASSES = [
    pytest.param({}, {}, id="base"),
    # Inclusive expiry: valid through 2026-12-04, the earliest slot's date.
    pytest.param(
        {},
        {"licenses": (StateLicense("NY", "active", date(2026, 12, 4)),)},
        id="licence-valid-through-slot-date",
    ),
    pytest.param(
        {},
        {
            "licenses": (
                StateLicense("NY", "suspended", date(2027, 6, 30)),
                StateLicense("NJ", "active", date(2027, 6, 30)),
                StateLicense("NY", "active", date(2027, 1, 31)),
            )
        },
        id="one-good-licence-among-others",
    ),
    pytest.param(
        {},
        {"dea_registrations": (DeaRegistration("NY", frozenset({"III"}), date(2026, 12, 4)),)},
        id="dea-iii-through-slot-date",
    ),
    pytest.param({}, {"routes_offered": frozenset({"oral"}), "sites": ()}, id="oral-needs-no-site"),
    pytest.param(
        {"preferred_routes": frozenset({"intravenous"})},
        {"sites": (PracticeSite("NY", rems_certified=False),)},
        id="iv-with-plain-site",
    ),
    pytest.param({"preferred_routes": frozenset({"intranasal"})}, {}, id="intranasal-with-rems-site"),
    pytest.param(
        {"preferred_routes": frozenset({"intranasal", "sublingual"})},
        {"sites": ()},
        id="another-accepted-route-works",
    ),
    pytest.param({}, {"active_patients": 9}, id="one-place-left"),
    pytest.param({}, {"free_slots": (hour_slot(at()),)}, id="slot-starting-now"),
    pytest.param({}, {"free_slots": (hour_slot(at(days=30, hours=-1)),)}, id="slot-ending-at-horizon"),
    pytest.param({}, {"credential": "NP", "specialties": frozenset()}, id="np-for-an-eligible-case"),
    pytest.param(
        {"eligibility_outcome": "needs_review"}, {"credential": "DO"}, id="review-case-with-do-psychiatrist"
    ),
    pytest.param(
        {"conditions": frozenset({"bipolar_depression"})}, {}, id="bipolar-case-with-md-psychiatrist"
    ),
]


@pytest.mark.parametrize(("request_changes", "provider_changes"), SINGLE_FILTER_PASSES)
def test_provider_meeting_every_filter_is_matched(
    request_changes: dict[str, Any], provider_changes: dict[str, Any]
) -> None:
    outcome = match_providers(request(**request_changes), [provider(**provider_changes)])
    assert ranked_ids(outcome) == ["prv_base"]
    assert outcome.excluded == NONE_EXCLUDED


def test_excluded_counts_each_provider_once_under_its_first_failing_filter() -> None:
    bipolar_request = request(conditions=frozenset({"bipolar_depression"}))
    candidates = [
        provider(id="prv_1", licenses=(), dea_registrations=(), active_patients=10),  # license, dea, capacity
        provider(id="prv_2", routes_offered=frozenset(), accepting_new_patients=False),  # route, capacity
        provider(id="prv_3", accepting_new_patients=False, free_slots=()),  # capacity, no_slot
        provider(id="prv_4", free_slots=(), credential="NP"),  # no_slot, credential
        provider(id="prv_5", dea_registrations=(), credential="PA"),  # dea, credential
        provider(id="prv_6"),
    ]
    outcome = match_providers(bipolar_request, candidates)
    assert ranked_ids(outcome) == ["prv_6"]
    assert outcome.excluded == {
        "license": 1,
        "dea": 1,
        "route": 1,
        "capacity": 1,
        "no_slot": 1,
        "credential": 0,
    }


def test_every_filter_code_is_listed_even_with_no_candidates() -> None:
    outcome = match_providers(BASE_REQUEST, [])
    assert outcome.matches == ()
    assert outcome.excluded == NONE_EXCLUDED
    assert [code.value for code in HardFilter] == FILTER_CODES


def test_expired_licence_without_any_slot_counts_as_licence() -> None:
    # With no slot to judge on, the licence is judged on today's date.
    expired = provider(licenses=(StateLicense("NY", "active", date(2026, 11, 30)),), free_slots=())
    assert match_providers(BASE_REQUEST, [expired]).excluded == {**NONE_EXCLUDED, "license": 1}


def test_expiry_is_judged_on_the_utc_date_of_the_slot() -> None:
    # 2026-12-05 02:00Z is 2026-12-04 21:00 in New York, but the UTC date (the 5th) is past the expiry.
    late_evening = provider(
        licenses=(StateLicense("NY", "active", date(2026, 12, 4)),),
        free_slots=(hour_slot(datetime(2026, 12, 5, 2, tzinfo=UTC)),),
    )
    assert match_providers(BASE_REQUEST, [late_evening]).excluded == {**NONE_EXCLUDED, "license": 1}


@pytest.mark.parametrize(
    "credential_changes",
    [
        {"licenses": (StateLicense("NY", "active", date(2026, 12, 5)),)},
        {"dea_registrations": (DeaRegistration("NY", frozenset({"III"}), date(2026, 12, 5)),)},
    ],
)
def test_only_slots_the_credentials_cover_are_offered(credential_changes: dict[str, Any]) -> None:
    # Valid through 2026-12-05: the slots of the 4th and 5th are offered, those of the 6th and 7th are not.
    outcome = match_providers(BASE_REQUEST, [provider(**credential_changes)])
    assert outcome.matches[0].earliest_slots == (hour_slot(at(days=3)), hour_slot(at(days=4)))


# --- earliest slots offered ---------------------------------------------------------------------------------


def test_earliest_three_slots_are_offered_in_order() -> None:
    shuffled = provider(
        free_slots=(BASE_SLOTS[3], BASE_SLOTS[1], hour_slot(at(hours=-2)), BASE_SLOTS[0], BASE_SLOTS[2])
    )
    match = match_providers(BASE_REQUEST, [shuffled]).matches[0]
    assert match.earliest_slots == BASE_SLOTS[:3]


def test_number_of_slots_offered_is_configurable() -> None:
    match = match_providers(BASE_REQUEST, [BASE_PROVIDER], slots_offered=1).matches[0]
    assert match.earliest_slots == (hour_slot(at(days=3)),)


# --- score components ---------------------------------------------------------------------------------------


def test_scores_and_components_worked_out_by_hand() -> None:
    # prv_a: slot in 3 days -> 1 - 3/30 = 0.9; speaks en; no time preference -> 1; 5 of 10 -> 0.5; new -> 0.
    #   0.35*0.9 + 0.25*1 + 0.15*1 + 0.15*0.5 + 0.10*0 = 0.315 + 0.25 + 0.15 + 0.075 = 0.79
    # prv_b: slot in 6 days -> 0.8; speaks es only -> 0; no preference -> 1; 0 of 10 -> 1; seen before -> 1.
    #   0.35*0.8 + 0 + 0.15 + 0.15 + 0.10 = 0.68
    prv_a = provider(id="prv_a")
    prv_b = provider(id="prv_b", languages=("es",), active_patients=0, free_slots=(hour_slot(at(days=6)),))
    outcome = match_providers(request(seen_by_provider_ids=frozenset({"prv_b"})), [prv_b, prv_a])
    assert ranked_ids(outcome) == ["prv_a", "prv_b"]
    assert [match.score for match in outcome.matches] == [0.79, 0.68]
    assert outcome.matches[0].score_components.as_dict() == {
        "earliest_slot": 0.9,
        "language": 1.0,
        "preferred_times": 1.0,
        "spare_capacity": 0.5,
        "continuity": 0.0,
    }
    assert outcome.matches[1].score_components.as_dict() == {
        "earliest_slot": 0.8,
        "language": 0.0,
        "preferred_times": 1.0,
        "spare_capacity": 1.0,
        "continuity": 1.0,
    }


def test_best_possible_provider_scores_one() -> None:
    perfect = provider(active_patients=0, free_slots=(hour_slot(NOW),))
    match = match_providers(request(seen_by_provider_ids=frozenset({"prv_base"})), [perfect]).matches[0]
    assert match.score == 1.0


@pytest.mark.parametrize(
    ("slot_start", "expected"),
    [
        (at(), 1.0),
        (at(days=15), 0.5),
        (at(days=27), 0.1),
        (at(days=30, hours=-1), 0.0014),  # 1 hour of 720 left
    ],
)
def test_earliest_slot_component_is_linear_over_30_days(slot_start: datetime, expected: float) -> None:
    match = match_providers(BASE_REQUEST, [provider(free_slots=(hour_slot(slot_start),))]).matches[0]
    assert match.score_components.earliest_slot == expected


@pytest.mark.parametrize(
    ("preferred", "languages", "expected"),
    [
        ("en", ("en",), 1.0),
        ("es-MX", ("en", "es"), 1.0),
        ("es", ("es-US",), 1.0),
        ("EN", ("en",), 1.0),
        ("pt", ("es", "en"), 0.0),
        ("en", (), 0.0),
        (None, ("es",), 1.0),
    ],
)
def test_language_component(preferred: str | None, languages: tuple[str, ...], expected: float) -> None:
    outcome = match_providers(request(preferred_language=preferred), [provider(languages=languages)])
    assert outcome.matches[0].score_components.language == expected


@pytest.mark.parametrize(
    ("preferred_times", "expected"),
    [
        ((), 1.0),
        # The 2026-12-04 15:00-16:00Z slot lies inside 14:00-17:00Z.
        ((Slot(datetime(2026, 12, 4, 14, tzinfo=UTC), datetime(2026, 12, 4, 17, tzinfo=UTC)),), 1.0),
        # ... and only overlaps 15:30-18:00Z, which does not count.
        ((Slot(datetime(2026, 12, 4, 15, 30, tzinfo=UTC), datetime(2026, 12, 4, 18, tzinfo=UTC)),), 0.0),
        # One of two windows can be met.
        (
            (
                Slot(datetime(2026, 12, 4, 14, tzinfo=UTC), datetime(2026, 12, 4, 17, tzinfo=UTC)),
                Slot(datetime(2026, 12, 20, 14, tzinfo=UTC), datetime(2026, 12, 20, 17, tzinfo=UTC)),
            ),
            0.5,
        ),
        # The fourth free slot (2026-12-07) counts although only three are offered.
        ((Slot(datetime(2026, 12, 7, 15, tzinfo=UTC), datetime(2026, 12, 7, 16, tzinfo=UTC)),), 1.0),
    ],
)
def test_preferred_times_component(preferred_times: tuple[Slot, ...], expected: float) -> None:
    outcome = match_providers(request(preferred_times=preferred_times), [BASE_PROVIDER])
    assert outcome.matches[0].score_components.preferred_times == expected


def test_slot_past_the_licence_does_not_meet_a_preferred_time() -> None:
    december_7 = Slot(datetime(2026, 12, 7, 14, tzinfo=UTC), datetime(2026, 12, 7, 17, tzinfo=UTC))
    short_licence = provider(licenses=(StateLicense("NY", "active", date(2026, 12, 6)),))
    outcome = match_providers(request(preferred_times=(december_7,)), [short_licence])
    assert outcome.matches[0].score_components.preferred_times == 0.0


@pytest.mark.parametrize(
    ("active", "maximum", "expected"), [(0, 10, 1.0), (5, 10, 0.5), (9, 10, 0.1), (1, 3, 0.6667)]
)
def test_spare_capacity_component(active: int, maximum: int, expected: float) -> None:
    outcome = match_providers(BASE_REQUEST, [provider(active_patients=active, max_active_patients=maximum)])
    assert outcome.matches[0].score_components.spare_capacity == expected


def test_continuity_component() -> None:
    seen = request(seen_by_provider_ids=frozenset({"prv_seen"}))
    outcome = match_providers(seen, [provider(id="prv_seen"), provider(id="prv_new")])
    continuity = {match.provider_id: match.score_components.continuity for match in outcome.matches}
    assert continuity == {"prv_seen": 1.0, "prv_new": 0.0}


def test_available_routes_are_returned() -> None:
    plain_site = provider(sites=(PracticeSite("NY", rems_certified=False),))
    everything = match_providers(BASE_REQUEST, [plain_site]).matches[0]
    assert everything.available_routes == ("oral", "sublingual", "intramuscular", "intravenous")
    chosen = match_providers(
        request(preferred_routes=frozenset({"intravenous", "oral"})), [plain_site]
    ).matches[0]
    assert chosen.available_routes == ("oral", "intravenous")


# --- ranking and ties ---------------------------------------------------------------------------------------


def test_higher_score_ranks_first_even_with_a_later_slot() -> None:
    soon_but_full = provider(
        id="prv_a", active_patients=9, languages=("es",), free_slots=(hour_slot(at(days=1)),)
    )
    later_but_fitting = provider(id="prv_b", active_patients=0)
    assert ranked_ids(match_providers(BASE_REQUEST, [soon_but_full, later_but_fitting])) == ["prv_b", "prv_a"]


def test_equal_scores_rank_the_earlier_slot_first() -> None:
    # prv_z: 3 days (0.9) and 10 of 30 patients: 0.315 + 0.15 * 2/3 = 0.415
    # prv_a: 6 days (0.8) and  3 of 30 patients: 0.280 + 0.15 * 0.9 = 0.415; both + 0.25 + 0.15 = 0.815.
    prv_z = provider(id="prv_z", max_active_patients=30, active_patients=10)
    prv_a = provider(
        id="prv_a", max_active_patients=30, active_patients=3, free_slots=(hour_slot(at(days=6)),)
    )
    outcome = match_providers(BASE_REQUEST, [prv_a, prv_z])
    assert [match.score for match in outcome.matches] == [0.815, 0.815]
    assert ranked_ids(outcome) == ["prv_z", "prv_a"]


def test_equal_scores_and_slots_rank_the_lower_id_first() -> None:
    candidates = [provider(id="prv_c"), provider(id="prv_a"), provider(id="prv_b")]
    assert ranked_ids(match_providers(BASE_REQUEST, candidates)) == ["prv_a", "prv_b", "prv_c"]


def test_same_input_same_order_whatever_the_input_order() -> None:
    candidates = [
        provider(id="prv_1"),
        provider(id="prv_2", languages=("es",)),
        provider(id="prv_3", free_slots=(hour_slot(at(days=10)),)),
        provider(id="prv_4", active_patients=0),
        provider(id="prv_5", active_patients=0),
        provider(id="prv_6", licenses=()),
        provider(id="prv_7", free_slots=(hour_slot(at(days=2)), hour_slot(at(days=20)))),
    ]
    the_request = request(
        seen_by_provider_ids=frozenset({"prv_3"}),
        preferred_times=(Slot(at(days=19), at(days=21)),),
    )
    expected = match_providers(the_request, candidates)
    shuffler = random.Random(20261201)
    for _ in range(20):
        shuffled = candidates[:]
        shuffler.shuffle(shuffled)
        assert match_providers(the_request, shuffled) == expected
    # Only prv_7 has a slot (day 20) in the preferred window. prv_7: 0.35*(1 - 2/30) + 0.25 + 0.15 + 0.075
    # = 0.8017; prv_4 = prv_5: 0.315 + 0.25 + 0.15 = 0.715 (id breaks the tie); prv_3: 0.35*(1 - 10/30) + 0.25
    # + 0.075 + 0.10 = 0.6583; prv_1: 0.315 + 0.25 + 0.075 = 0.64; prv_2: 0.39; prv_6 excluded.
    assert ranked_ids(expected) == ["prv_7", "prv_4", "prv_5", "prv_3", "prv_1", "prv_2"]
    assert [match.score for match in expected.matches] == [0.8017, 0.715, 0.715, 0.6583, 0.64, 0.39]
    assert expected.excluded == {**NONE_EXCLUDED, "license": 1}


# --- weights ------------------------------------------------------------------------------------------------


def test_weights_are_configurable() -> None:
    seen_later = provider(id="prv_seen", languages=("es",), free_slots=(hour_slot(at(days=20)),))
    soonest = provider(id="prv_soon")
    the_request = request(seen_by_provider_ids=frozenset({"prv_seen"}))
    assert ranked_ids(match_providers(the_request, [seen_later, soonest])) == ["prv_soon", "prv_seen"]

    continuity_only = MatchWeights(
        earliest_slot=0, language=0, preferred_times=0, spare_capacity=0, continuity=1
    )
    outcome = match_providers(the_request, [seen_later, soonest], weights=continuity_only)
    assert ranked_ids(outcome) == ["prv_seen", "prv_soon"]
    assert [match.score for match in outcome.matches] == [1.0, 0.0]


def test_only_the_ratio_of_weights_matters() -> None:
    doubled = MatchWeights(
        earliest_slot=0.7, language=0.5, preferred_times=0.3, spare_capacity=0.3, continuity=0.2
    )
    default = match_providers(BASE_REQUEST, [BASE_PROVIDER]).matches[0].score
    assert default == 0.79
    assert match_providers(BASE_REQUEST, [BASE_PROVIDER], weights=doubled).matches[0].score == default


@pytest.mark.parametrize(
    "weights",
    [
        {"earliest_slot": -0.1},
        {"earliest_slot": 0, "language": 0, "preferred_times": 0, "spare_capacity": 0, "continuity": 0},
        {"language": math.nan},
        {"continuity": math.inf},
    ],
)
def test_bad_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="weights"):
        MatchWeights(**weights)


def test_default_weights_follow_the_clinical_rules() -> None:
    assert MatchWeights() == MatchWeights(
        earliest_slot=0.35, language=0.25, preferred_times=0.15, spare_capacity=0.15, continuity=0.10
    )


# --- booking re-check ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_changes", "provider_changes", "slot_start", "expected"),
    [
        pytest.param({}, {}, at(days=3), [], id="offered-slot"),
        pytest.param({}, {}, at(days=6), [], id="later-free-slot"),
        pytest.param({}, {}, at(days=3, minutes=30), ["no_slot"], id="not-a-free-slot"),
        pytest.param(
            {}, {"free_slots": (hour_slot(at(hours=-1)),)}, at(hours=-1), ["no_slot"], id="slot-in-the-past"
        ),
        pytest.param(
            {}, {"free_slots": (hour_slot(at(days=31)),)}, at(days=31), ["no_slot"], id="slot-past-horizon"
        ),
        pytest.param(
            {},
            {"licenses": (StateLicense("NY", "active", date(2026, 12, 5)),)},
            at(days=4),
            [],
            id="licence-valid-on-slot-date",
        ),
        pytest.param(
            {},
            {"licenses": (StateLicense("NY", "active", date(2026, 12, 5)),)},
            at(days=5),
            ["license"],
            id="licence-expired-by-slot-date",
        ),
        pytest.param(
            {},
            {"dea_registrations": (DeaRegistration("NY", frozenset({"III"}), date(2026, 12, 5)),)},
            at(days=5),
            ["dea"],
            id="dea-expired-by-slot-date",
        ),
        pytest.param(
            {"conditions": frozenset({"bipolar_depression"})},
            {
                "licenses": (StateLicense("NY", "suspended", date(2027, 6, 30)),),
                "active_patients": 10,
                "credential": "NP",
            },
            at(days=3),
            ["license", "capacity", "credential"],
            id="several-failures-in-order",
        ),
        pytest.param(
            {"eligibility_outcome": "needs_review", "preferred_routes": frozenset({"intravenous"})},
            {
                "licenses": (StateLicense("NJ", "active", date(2027, 6, 30)),),
                "dea_registrations": (),
                "routes_offered": frozenset({"oral"}),
                "accepting_new_patients": False,
                "credential": "PA",
            },
            at(days=3, hours=2),
            ["license", "dea", "route", "capacity", "no_slot", "credential"],
            id="every-filter-fails",
        ),
    ],
)
def test_booking_recheck_lists_every_failing_filter(
    request_changes: dict[str, Any],
    provider_changes: dict[str, Any],
    slot_start: datetime,
    expected: list[str],
) -> None:
    failures = failing_filters_for_booking(
        request(**request_changes), provider(**provider_changes), slot_start
    )
    assert failures == expected


def test_booking_check_answers_409_for_the_slot_alone_and_422_otherwise() -> None:
    with pytest.raises(SlotUnavailable):
        check_booking(BASE_REQUEST, BASE_PROVIDER, at(days=3, minutes=30))
    with pytest.raises(ProviderNotQualified) as refused:
        check_booking(BASE_REQUEST, provider(active_patients=10, credential="NP"), at(days=3, minutes=30))
    assert refused.value.extra == {"failed_filters": ["capacity"]}
    check_booking(BASE_REQUEST, provider(active_patients=10), at(days=3), holds_place=True)  # rescheduling


def test_a_booked_slot_leaves_the_slots_clear_of_it() -> None:
    slots = [hour_slot(at(hours=hours)) for hours in (1, 2, 3)]
    assert slots_clear_of(slots, at(hours=2), at(hours=3)) == [slots[0], slots[2]]
    assert slots_clear_of(slots, at(hours=1, minutes=30), at(hours=2, minutes=30)) == [slots[2]]


# --- the table: each rule once, over the facts it declares -------------------------------------------------


def test_the_table_lists_every_filter_in_order_and_every_weight() -> None:
    assert [rule.code for rule in HARD_FILTERS] == list(HardFilter)
    assert [part.name for part in SCORE_PARTS] == list(MatchWeights().__dataclass_fields__)


class _Recording:
    """ProviderFacts that remember which fields a rule read."""

    def __init__(self, facts: ProviderFacts) -> None:
        self._facts, self.read = facts, set[str]()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._facts, name)


@pytest.mark.parametrize(
    "entry", [*HARD_FILTERS, *SCORE_PARTS], ids=lambda entry: getattr(entry, "name", None) or entry.code
)
def test_each_rule_reads_exactly_the_facts_it_declares(entry: Any) -> None:
    """The SQL path selects only the declared facts; a rule reading another would fail there."""
    facts = provider_facts(BASE_PROVIDER, "NY", first_free_slot_at=BASE_SLOTS[0].start)
    terms = RuleTerms.of(request(preferred_language="es", seen_by_provider_ids=frozenset({"prv_base"})))
    recording = _Recording(facts)
    rule = entry.passes if hasattr(entry, "passes") else entry.value
    rule(recording, terms, PLAIN)
    assert recording.read == set(entry.reads) and recording.read <= FACT_NAMES


def test_facts_are_derived_once_from_the_records() -> None:
    candidate = provider(
        languages=("es-MX", "en", "ES"),
        routes_offered=frozenset({"oral", "intravenous", "intranasal", "intramuscular"}),
        sites=(PracticeSite("NY", rems_certified=False), PracticeSite("NJ", rems_certified=True)),
        licenses=(
            StateLicense("NY", "active", date(2027, 1, 31)),
            StateLicense("NY", "active", date(2027, 6, 30)),
            StateLicense("NY", "suspended", date(2028, 1, 1)),
        ),
        dea_registrations=(
            DeaRegistration("NY", frozenset({"II"}), date(2028, 1, 1)),
            DeaRegistration("NY", frozenset({"III"}), date(2027, 3, 1)),
        ),
    )
    facts = provider_facts(candidate, "NY")
    assert facts.license_through == date(2027, 6, 30)  # the latest active licence there
    assert facts.dea_through == date(2027, 3, 1)  # schedule III only
    # A site, not a REMS one: intravenous and intramuscular, not intranasal.
    assert facts.deliverable_routes == {Route.ORAL, Route.INTRAVENOUS, Route.INTRAMUSCULAR}
    assert facts.languages == {"es", "en"}
    assert facts.psychiatrist
    assert provider_facts(candidate, "NJ").deliverable_routes == set(Route) - {Route.SUBLINGUAL}
    assert provider_facts(candidate, "TX").license_through is None
    assert not provider_facts(provider(credential="NP"), "NY").psychiatrist


# --- programming errors -------------------------------------------------------------------------------------


def test_duplicate_provider_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="prv_base"):
        match_providers(BASE_REQUEST, [BASE_PROVIDER, BASE_PROVIDER])


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        MatchRequest(patient_location_state="NY", now=datetime(2026, 12, 1, 15))


# --- the preferred-times bound (slot hours) -----------------------------------------------------------
def _random_availability(rng: random.Random, around: datetime) -> tuple[Any, Any]:
    from api.domain.availability import WEEKDAYS, validate_availability

    weekly = []
    for weekday in rng.sample(WEEKDAYS, rng.choice((0, 1, 2, 4))):
        start = rng.randint(0, 22)
        end = min(24, start + rng.choice((1, 2, 3)))
        minute = rng.choice(("00", "15", "30"))
        if end == 24 or (start + 1 == end and minute != "00"):
            minute = "00"
        weekly.append({"weekday": weekday, "start": f"{start:02d}:{minute}", "end": f"{end:02d}:00"})
    exceptions = []
    for offset in sorted(rng.sample(range(-3, 12), rng.choice((0, 1, 3)))):
        windows = []
        if rng.random() < 0.7:
            start = rng.randint(0, 21)
            windows.append({"start": f"{start:02d}:30", "end": f"{start + rng.randint(1, 3):02d}:00"})
        exceptions.append({"date": (around + timedelta(days=offset)).date().isoformat(), "windows": windows})
    parsed = validate_availability({"weekly": weekly, "exceptions": exceptions})
    return parsed.weekly, parsed.exceptions


@pytest.mark.parametrize(
    ("timezone", "around"),
    [
        ("America/New_York", datetime(2027, 3, 12, 0, 0, tzinfo=UTC)),  # spring forward 03-14
        ("America/New_York", datetime(2026, 10, 30, 0, 0, tzinfo=UTC)),  # fall back 11-01
        ("Europe/London", datetime(2027, 3, 26, 0, 0, tzinfo=UTC)),
        ("Australia/Lord_Howe", datetime(2027, 4, 1, 0, 0, tzinfo=UTC)),  # 30-minute DST
        ("Asia/Kathmandu", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # +05:45
        ("UTC", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_preferred_times_bound_is_never_below_the_component(timezone: str, around: datetime) -> None:
    from zoneinfo import ZoneInfo

    from api.domain.availability import free_slots
    from api.domain.matching import (
        _preferred_times_component,
        preferred_times_bound,
        slot_hours,
    )

    rng = random.Random(f"{timezone}{around}")
    tight = 0
    for _ in range(150):
        weekly, exceptions = _random_availability(rng, around)
        now = around + timedelta(minutes=rng.choice((0, 20, 60, 90)))
        windows = []
        for _ in range(rng.randint(1, 3)):
            start = now + timedelta(minutes=15 * rng.randint(-8, 4 * 24 * 6))
            windows.append(Slot(start, start + timedelta(minutes=15 * rng.randint(1, 40))))
        request = MatchRequest("NY", now, preferred_times=tuple(windows), horizon=timedelta(days=8))
        slots = free_slots(weekly, exceptions, ZoneInfo(timezone), now, now + request.horizon, HOUR, now=now)
        usable = [s for s in slots if s.end <= now + request.horizon]
        exact = _preferred_times_component(request.preferred_times, usable)
        bound = preferred_times_bound(request, timezone, slot_hours(weekly, exceptions, HOUR))
        assert bound >= exact, (weekly, exceptions, windows)
        tight += bound < 1
    assert tight  # the bound does prune


def test_preferred_times_bound_without_preferences_or_mask_is_one() -> None:
    from api.domain.matching import preferred_times_bound

    assert preferred_times_bound(BASE_REQUEST, "UTC", 0) == 1.0
    request = replace(BASE_REQUEST, preferred_times=(hour_slot(at(days=3)),))
    assert preferred_times_bound(request, "UTC", None) == 1.0
    assert preferred_times_bound(request, "UTC", 0) == 0.0
