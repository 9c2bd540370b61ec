"""The provider directory: create, list and filters, read, update rights, availability and free slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.models import Appointment, Provider
from tests.directory import (
    all_day_availability,
    clinician_client,
    clinician_token,
    create_provider,
    iso,
    next_npi,
    provider_body,
    ready_consultation,
)
from tests.helpers import bearer, cc_token
from tests.world import World


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


def _etag(client: FlaskClient, url: str, headers: dict[str, str]) -> str:
    return client.get(url, headers=headers).headers["ETag"]


# --- create and read --------------------------------------------------------------------------------
def test_admin_creates_a_provider_and_everyone_reads_it(
    client: FlaskClient, admin: dict[str, str], partner: dict[str, str]
) -> None:
    body = provider_body(languages=["EN", "es-mx"])
    created = client.post("/v1/providers", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    provider = created.get_json()
    assert provider["id"].startswith("prv_")
    assert created.headers["Location"] == f"/v1/providers/{provider['id']}"
    assert provider["npi"] == body["npi"]
    assert provider["languages"] == ["en", "es-MX"]  # canonical case
    assert provider["routes_offered"] == body["routes_offered"]
    assert provider["licenses"] == body["licenses"]
    assert provider["dea_registrations"] == body["dea_registrations"]
    assert provider["sites"][0]["id"].startswith("sit_") and provider["sites"][0]["rems_certified"] is True
    assert provider["active_patients"] == 0
    assert provider["availability"] == {"weekly": [], "exceptions": []}
    read = client.get(provider_url := f"/v1/providers/{provider['id']}", headers=partner)
    assert read.status_code == 200 and read.get_json() == provider
    assert (
        client.get(provider_url, headers={**partner, "If-None-Match": read.headers["ETag"]}).status_code
        == 304
    )


def test_unknown_provider_is_404(client: FlaskClient, partner: dict[str, str]) -> None:
    response = client.get("/v1/providers/prv_nope", headers=partner)
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"npi": "1234567890"}, "/npi"),  # Luhn fails
        ({"npi": "12345"}, "/npi"),
        ({"credential": "RN"}, "/credential"),
        ({"timezone": "Mars/Olympus"}, "/timezone"),
        ({"languages": []}, "/languages"),
        ({"languages": ["english!"]}, "/languages/0"),
        ({"routes_offered": ["oral", "oral"]}, "/routes_offered"),
        (
            {"licenses": [{"state": "ZZ", "number": "1", "status": "active", "expires_on": "2030-01-01"}]},
            "/licenses/0/state",
        ),
        (
            {"licenses": [{"state": "NY", "number": "1", "status": "lapsed", "expires_on": "2030-01-01"}]},
            "/licenses/0/status",
        ),
        (
            {
                "dea_registrations": [
                    {"state": "NY", "number": "12", "schedules": ["III"], "expires_on": "2030-01-01"}
                ]
            },
            "/dea_registrations/0/number",
        ),
        (
            {
                "dea_registrations": [
                    {"state": "NY", "number": "FD1234563", "schedules": ["VI"], "expires_on": "2030-01-01"}
                ]
            },
            "/dea_registrations/0/schedules/0",
        ),
        (
            {
                "dea_registrations": [
                    {"state": "NY", "number": "FD1234563", "schedules": ["III"], "expires_on": "2030-01-01"},
                    {"state": "NY", "number": "FD7654321", "schedules": ["III"], "expires_on": "2030-01-01"},
                ]
            },
            "/dea_registrations/1/state",
        ),
        ({"max_active_patients": 0}, "/max_active_patients"),
        ({"shoe_size": 9}, "/shoe_size"),
    ],
)
def test_invalid_provider_bodies_point_at_the_field(
    client: FlaskClient, admin: dict[str, str], changes: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/providers", json=provider_body(**changes), headers=admin)
    assert response.status_code == 422, response.get_json()
    assert pointer in {error["pointer"] for error in response.get_json()["errors"]}


def test_npi_is_unique(client: FlaskClient, admin: dict[str, str]) -> None:
    npi = next_npi()
    assert client.post("/v1/providers", json=provider_body(npi=npi), headers=admin).status_code == 201
    again = client.post("/v1/providers", json=provider_body(npi=npi), headers=admin)
    assert again.status_code == 409 and again.get_json()["code"] == "npi_taken"


def test_a_state_licence_number_has_one_holder(client: FlaskClient, admin: dict[str, str]) -> None:
    """Issue 22, finding 16: one state licence number was accepted for two providers. Numbers are compared
    as boards print them (capitals, no surrounding spaces); another state's same number is another licence."""
    number = f"NY-{next_npi()}"
    licence = {"state": "NY", "number": number, "status": "active", "expires_on": "2099-01-01"}
    first = create_provider(client, admin, licenses=[licence])
    other = {**licence, "state": "NJ"}

    for variant in (number, f" {number.lower()} "):
        taken = [other, {**licence, "number": variant}]
        again = client.post("/v1/providers", json=provider_body(licenses=taken), headers=admin)
        assert again.status_code == 409, again.get_json()
        problem = again.get_json()
        assert problem["code"] == "license_taken"
        assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [
            ("/licenses/1/number", "license_taken")
        ]

    second = create_provider(client, admin, licenses=[other])
    url = f"/v1/providers/{second['id']}"
    patch = client.patch(
        url,
        json={"licenses": [other, licence]},
        headers={**admin, "If-Match": _etag(client, url, admin)},
    )
    assert patch.status_code == 409 and patch.get_json()["code"] == "license_taken"
    # The holder keeps it, and may list it again (in any case) in its own update.
    url = f"/v1/providers/{first['id']}"
    same = client.patch(
        url,
        json={"licenses": [{**licence, "number": number.lower()}]},
        headers={**admin, "If-Match": _etag(client, url, admin)},
    )
    assert same.status_code == 200, same.get_json()
    assert [item["number"] for item in same.get_json()["licenses"]] == [number]


def test_only_an_admin_creates_providers(client: FlaskClient, partner: dict[str, str]) -> None:
    response = client.post("/v1/providers", json=provider_body(), headers=partner)
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


# --- list and filters -------------------------------------------------------------------------------
def test_list_filters(client: FlaskClient, admin: dict[str, str], partner: dict[str, str]) -> None:
    ny = create_provider(client, admin)
    ca = create_provider(
        client,
        admin,
        languages=["es-MX"],
        routes_offered=["oral"],
        specialties=["family_medicine"],
        accepting_new_patients=False,
        licenses=[{"state": "CA", "number": "A1", "status": "active", "expires_on": "2099-01-01"}],
        dea_registrations=[],
        sites=[],
    )
    expired = create_provider(
        client,
        admin,
        licenses=[{"state": "CA", "number": "A2", "status": "active", "expires_on": "2020-01-01"}],
    )
    suspended = create_provider(
        client,
        admin,
        licenses=[{"state": "CA", "number": "A3", "status": "suspended", "expires_on": "2099-01-01"}],
    )
    ours = {ny["id"], ca["id"], expired["id"], suspended["id"]}

    def ids(query: str) -> set[str]:
        response = client.get(f"/v1/providers?limit=100&{query}", headers=partner)
        assert response.status_code == 200, response.get_json()
        return {p["id"] for p in response.get_json()["data"]} & ours

    assert ids("") == ours
    assert ids("state=CA") == {ca["id"]}  # expired and suspended licences do not count
    assert ids("state=NY") == {ny["id"]}
    assert ids("language=es") == ours  # es finds es-MX too
    assert ids("language=es-MX") == {ca["id"]}
    assert ids("language=fr") == set()
    assert ids("route=intravenous") == {ny["id"], expired["id"], suspended["id"]}
    assert ids("specialty=family_medicine") == {ca["id"]}
    assert ids("accepting_new_patients=false") == {ca["id"]}
    assert ids("state=CA&accepting_new_patients=true") == set()
    bad = client.get("/v1/providers?route=teleportation", headers=partner)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["pointer"] == "/route"


def test_list_is_cursor_paginated(
    client: FlaskClient, admin: dict[str, str], partner: dict[str, str]
) -> None:
    created = [create_provider(client, admin)["id"] for _ in range(3)]
    first = client.get("/v1/providers?limit=2", headers=partner).get_json()
    assert first["has_more"] is True and len(first["data"]) == 2
    second = client.get(f"/v1/providers?limit=2&cursor={first['next_cursor']}", headers=partner).get_json()
    seen = [p["id"] for p in first["data"] + second["data"]]
    assert len(seen) == len(set(seen))
    assert set(created[-2:]) <= set(seen)


# --- update rights ----------------------------------------------------------------------------------
def test_admin_patch_replaces_lists_and_keeps_unchanged_rows(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    provider = create_provider(client, admin)
    url = f"/v1/providers/{provider['id']}"
    site_id = provider["sites"][0]["id"]
    licenses = [
        {**provider["licenses"][0], "status": "suspended"},
        {"state": "NJ", "number": "NJ-1", "status": "active", "expires_on": "2099-01-01"},
    ]
    response = client.patch(
        url,
        json={
            "licenses": licenses,
            "sites": provider["sites"][:1]
            and [{"name": "Midtown clinic", "state": "NY", "rems_certified": False}],
        },
        headers={**admin, "If-Match": _etag(client, url, admin)},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["licenses"] == licenses
    assert body["sites"] == [
        {"id": site_id, "name": "Midtown clinic", "state": "NY", "rems_certified": False}
    ]


def test_patch_needs_if_match(client: FlaskClient, admin: dict[str, str]) -> None:
    provider = create_provider(client, admin)
    url = f"/v1/providers/{provider['id']}"
    assert client.patch(url, json={"timezone": "America/Chicago"}, headers=admin).status_code == 428
    stale = client.patch(url, json={"timezone": "America/Chicago"}, headers={**admin, "If-Match": '"stale"'})
    assert stale.status_code == 412


def test_a_provider_edits_their_own_profile_only(
    client: FlaskClient, db: Session, world: World, admin: dict[str, str]
) -> None:
    mine = create_provider(client, admin)
    theirs = create_provider(client, admin)
    token = bearer(clinician_token(client, db, clinician_client(db), mine["id"], "rosa@example.test"))
    url = f"/v1/providers/{mine['id']}"

    allowed = client.patch(
        url,
        json={"languages": ["en", "pt-BR"], "accepting_new_patients": False, "max_active_patients": 4},
        headers={**token, "If-Match": _etag(client, url, token)},
    )
    assert allowed.status_code == 200, allowed.get_json()
    assert allowed.get_json()["languages"] == ["en", "pt-BR"]

    refused = client.patch(
        url,
        json={"credential": "DO", "licenses": []},
        headers={**token, "If-Match": _etag(client, url, token)},
    )
    assert refused.status_code == 422
    assert {(e["pointer"], e["code"]) for e in refused.get_json()["errors"]} == {
        ("/credential", "read_only"),
        ("/licenses", "read_only"),
    }

    other_url = f"/v1/providers/{theirs['id']}"
    other = client.patch(
        other_url,
        json={"max_active_patients": 1},
        headers={**token, "If-Match": _etag(client, other_url, token)},
    )
    assert other.status_code == 403
    week = all_day_availability()
    assert client.put(f"/v1/providers/{mine['id']}/availability", json=week, headers=token).status_code == 200
    assert (
        client.put(f"/v1/providers/{theirs['id']}/availability", json=week, headers=token).status_code == 403
    )


def test_a_partner_cannot_change_providers(
    client: FlaskClient, admin: dict[str, str], partner: dict[str, str]
) -> None:
    provider = create_provider(client, admin)
    url = f"/v1/providers/{provider['id']}"
    response = client.patch(
        url, json={"max_active_patients": 3}, headers={**partner, "If-Match": _etag(client, url, partner)}
    )
    assert response.status_code == 403
    put = client.put(f"{url}/availability", json=all_day_availability(), headers=partner)
    assert put.status_code == 403


# --- availability -----------------------------------------------------------------------------------
def test_availability_round_trips_and_shows_on_the_provider(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    provider = create_provider(client, admin)
    body = {
        "weekly": [
            {"weekday": "monday", "start": "09:00", "end": "12:00"},
            {"weekday": "monday", "start": "13:00", "end": "17:00"},
        ],
        "exceptions": [{"date": "2027-12-24", "windows": []}],
    }
    url = f"/v1/providers/{provider['id']}/availability"
    response = client.put(url, json=body, headers=admin)
    assert response.status_code == 200 and response.get_json() == body
    assert client.get(f"/v1/providers/{provider['id']}", headers=admin).get_json()["availability"] == body


def test_availability_if_match_is_checked_when_sent(client: FlaskClient, admin: dict[str, str]) -> None:
    provider = create_provider(client, admin)
    url = f"/v1/providers/{provider['id']}"
    etag = _etag(client, url, admin)
    week = all_day_availability()
    assert (
        client.put(f"{url}/availability", json=week, headers={**admin, "If-Match": '"old"'}).status_code
        == 412
    )
    assert (
        client.put(f"{url}/availability", json=week, headers={**admin, "If-Match": etag}).status_code == 200
    )


@pytest.mark.parametrize(
    ("body", "pointer", "code"),
    [
        (
            {"weekly": [{"weekday": "funday", "start": "09:00", "end": "10:00"}]},
            "/weekly/0/weekday",
            "invalid_choice",
        ),
        (
            {"weekly": [{"weekday": "monday", "start": "9am", "end": "10:00"}]},
            "/weekly/0/start",
            "invalid_format",
        ),
        (
            {"weekly": [{"weekday": "monday", "start": "10:00", "end": "09:00"}]},
            "/weekly/0/end",
            "end_not_after_start",
        ),
        (
            {
                "weekly": [
                    {"weekday": "monday", "start": "09:00", "end": "12:00"},
                    {"weekday": "monday", "start": "11:00", "end": "13:00"},
                ]
            },
            "/weekly/1",
            "overlapping_window",
        ),
        (
            {"weekly": [], "exceptions": [{"date": "2027-02-30", "windows": []}]},
            "/exceptions/0/date",
            "invalid_date",
        ),
        ({"weekly": [], "extra": 1}, "/extra", "unknown_field"),
    ],
)
def test_invalid_availability_points_at_the_problem(
    client: FlaskClient, admin: dict[str, str], body: dict[str, Any], pointer: str, code: str
) -> None:
    provider = create_provider(client, admin)
    response = client.put(f"/v1/providers/{provider['id']}/availability", json=body, headers=admin)
    assert response.status_code == 422
    assert (pointer, code) in {(e["pointer"], e["code"]) for e in response.get_json()["errors"]}


# --- slots ------------------------------------------------------------------------------------------
def _slots(
    client: FlaskClient, headers: dict[str, str], provider_id: str, start: str, end: str, duration: int = 60
) -> list[dict[str, str]]:
    response = client.get(
        f"/v1/providers/{provider_id}/slots?from={start}&to={end}&duration={duration}", headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["data"])


def _weekday_body(weekdays: tuple[str, ...], start: str, end: str) -> dict[str, Any]:
    return {"weekly": [{"weekday": day, "start": start, "end": end} for day in weekdays]}


@pytest.mark.parametrize(
    ("timezone", "before", "after"),
    [
        # US spring forward: Sunday 2027-03-14. 09:00 local is 14:00Z (EST) before, 13:00Z (EDT) after.
        ("America/New_York", ("2027-03-12", "14:00"), ("2027-03-15", "13:00")),
        ("America/Los_Angeles", ("2027-03-12", "17:00"), ("2027-03-15", "16:00")),
    ],
)
def test_slots_follow_spring_forward(
    client: FlaskClient, admin: dict[str, str], timezone: str, before: tuple[str, str], after: tuple[str, str]
) -> None:
    provider = create_provider(client, admin, timezone=timezone)
    client.put(
        f"/v1/providers/{provider['id']}/availability",
        json=_weekday_body(("friday", "monday"), "09:00", "11:00"),
        headers=admin,
    )
    slots = _slots(client, admin, provider["id"], "2027-03-12T00:00:00Z", "2027-03-16T00:00:00Z")
    starts = [slot["start"] for slot in slots]
    assert starts == [
        f"{before[0]}T{before[1]}:00Z",
        f"{before[0]}T{int(before[1][:2]) + 1}:00:00Z",
        f"{after[0]}T{after[1]}:00Z",
        f"{after[0]}T{int(after[1][:2]) + 1}:00:00Z",
    ]
    assert all(
        datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"]) == timedelta(hours=1)
        for s in slots
    )


@pytest.mark.parametrize(
    ("timezone", "offset_before", "offset_after"),
    [("America/New_York", 4, 5), ("America/Los_Angeles", 7, 8)],
)
def test_slots_follow_fall_back_and_the_repeated_hour(
    client: FlaskClient, admin: dict[str, str], timezone: str, offset_before: int, offset_after: int
) -> None:
    """US fall back: Sunday 2027-11-07 at 02:00 local. A 00:00-04:00 window is five real hours that day."""
    provider = create_provider(client, admin, timezone=timezone)
    client.put(
        f"/v1/providers/{provider['id']}/availability",
        json=_weekday_body(("saturday", "sunday", "monday"), "00:00", "04:00"),
        headers=admin,
    )
    slots = _slots(client, admin, provider["id"], "2027-11-06T00:00:00Z", "2027-11-09T12:00:00Z")
    by_day: dict[str, list[str]] = {}
    for slot in slots:
        local_day = datetime.fromisoformat(slot["start"]).astimezone(ZoneInfo(timezone)).date().isoformat()
        by_day.setdefault(local_day, []).append(slot["start"])
    assert len(by_day["2027-11-06"]) == 4  # Saturday, daylight time
    assert by_day["2027-11-06"][0] == f"2027-11-06T{offset_before:02d}:00:00Z"
    assert len(by_day["2027-11-07"]) == 5  # the 01:00-02:00 hour happens twice
    assert by_day["2027-11-07"][0] == f"2027-11-07T{offset_before:02d}:00:00Z"
    assert by_day["2027-11-07"][-1] == f"2027-11-07T{offset_before + 4:02d}:00:00Z"
    assert by_day["2027-11-08"][0] == f"2027-11-08T{offset_after:02d}:00:00Z"  # Monday, standard time
    assert len(by_day["2027-11-08"]) == 4


def test_slots_skip_exceptions_and_booked_appointments(
    client: FlaskClient, db: Session, world: World, admin: dict[str, str], partner: dict[str, str]
) -> None:
    provider = create_provider(client, admin, timezone="UTC")
    client.put(
        f"/v1/providers/{provider['id']}/availability",
        json={
            **_weekday_body(("tuesday", "wednesday"), "09:00", "12:00"),
            "exceptions": [{"date": "2027-06-02", "windows": [{"start": "15:00", "end": "16:30"}]}],
        },
        headers=admin,
    )
    consultation_id = ready_consultation(db, world.patient_a1)
    db.add(
        Appointment(
            partner_id=world.partner_a,
            consultation_id=consultation_id,
            provider_id=provider["id"],
            starts_at=datetime(2027, 6, 1, 10, tzinfo=UTC),
            ends_at=datetime(2027, 6, 1, 11, tzinfo=UTC),
            video_url="https://video.example/x",
        )
    )
    db.commit()
    starts = [
        s["start"]
        for s in _slots(client, partner, provider["id"], "2027-06-01T00:00:00Z", "2027-06-03T00:00:00Z")
    ]
    assert starts == ["2027-06-01T09:00:00Z", "2027-06-01T11:00:00Z", "2027-06-02T15:00:00Z"]
    half_hours = _slots(
        client, partner, provider["id"], "2027-06-02T00:00:00Z", "2027-06-03T00:00:00Z", duration=30
    )
    assert [s["start"] for s in half_hours] == [
        "2027-06-02T15:00:00Z",
        "2027-06-02T15:30:00Z",
        "2027-06-02T16:00:00Z",
    ]


def test_slots_start_from_now(client: FlaskClient, admin: dict[str, str]) -> None:
    provider = create_provider(client, admin, availability=all_day_availability(), timezone="UTC")
    now = datetime.now(UTC)
    slots = _slots(client, admin, provider["id"], iso(now - timedelta(days=1)), iso(now + timedelta(hours=5)))
    assert slots and all(datetime.fromisoformat(s["start"]) >= now for s in slots)


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z", "/to"),
        ("from=2027-01-01T00:00:00Z&to=2027-06-01T00:00:00Z", "/to"),
        ("from=2027-01-01T00:00:00&to=2027-01-02T00:00:00Z", "/from"),  # no offset
        ("to=2027-01-02T00:00:00Z", "/from"),
        ("from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z&duration=5", "/duration"),
    ],
)
def test_slot_query_is_validated(
    client: FlaskClient, admin: dict[str, str], query: str, pointer: str
) -> None:
    provider = create_provider(client, admin)
    response = client.get(f"/v1/providers/{provider['id']}/slots?{query}", headers=admin)
    assert response.status_code == 422, response.get_json()
    assert pointer in {e["pointer"] for e in response.get_json()["errors"]}


def test_provider_rows_exist_for_filters(db: Session, client: FlaskClient, admin: dict[str, str]) -> None:
    provider = create_provider(
        client,
        admin,
        dea_registrations=[
            {"state": "NY", "number": "FD1234563", "schedules": ["II", "IV"], "expires_on": "2099-01-01"}
        ],
    )
    row = db.get(Provider, provider["id"])
    assert row is not None and row.dea_rows[0].covers_schedule_iii is False
