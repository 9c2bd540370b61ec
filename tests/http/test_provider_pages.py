"""Pages of ``GET /v1/providers`` served from the directory snapshot (api/services/directory_pages.py): the
same bytes as a page built afresh, never older than the last write, whichever way the directory was written,
one entry per distinct query. Runs on SQLite and on PostgreSQL (``make test-postgres``); the same promises
across two server processes are held in tests/concurrency/test_live_directory_pages.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.models import (
    AuditEvent,
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
)
from api.services import directory_pages
from api.services.directory_pages import PageCache, RenderedPage, directory_version, page_key
from api.services.paging import PageRequest
from tests.directory import (
    all_day_availability,
    create_provider,
    far_future,
    iso,
    next_whole_hour,
    ready_consultation,
)
from tests.helpers import PATIENT_BODY, bearer, cc_token
from tests.world import World


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The filters of every page built from the database (each cache miss), in order."""
    built: list[dict[str, Any]] = []
    real = directory_pages.list_providers

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(dict(args[2]))
        return real(*args, **kwargs)

    monkeypatch.setattr(directory_pages, "list_providers", counting)
    return built


@pytest.fixture
def tag() -> str:
    """A specialty of this test's own, so that its queries list only the providers it made."""
    return "pages_" + "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:12])


@pytest.fixture
def partner(client: FlaskClient, world: World) -> dict[str, str]:
    return bearer(cc_token(client, world.portal_a))


def _get(client: FlaskClient, headers: dict[str, str], query: str) -> Any:
    response = client.get(f"/v1/providers?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


def _listed(client: FlaskClient, headers: dict[str, str], query: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in _get(client, headers, query).get_json()["data"]}


def _as_read_by_id(client: FlaskClient, headers: dict[str, str], provider_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/providers/{provider_id}", headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def _assert_current(client: FlaskClient, headers: dict[str, str], query: str, provider_id: str) -> None:
    """The page lists the provider exactly as a read by id (never cached) shows it now."""
    listed = _listed(client, headers, query)
    assert listed[provider_id] == _as_read_by_id(client, headers, provider_id)


# --- a hit is the same response -----------------------------------------------------------------------


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(
    client: FlaskClient, admin: dict[str, str], tag: str, builds: list[dict[str, Any]]
) -> None:
    for _ in range(3):
        create_provider(client, admin, specialties=[tag])
    query = f"specialty={tag}&limit=2"
    first = _get(client, admin, query)
    second = _get(client, admin, query)
    assert len(builds) == 1, "the second request was built again"
    assert second.data == first.data
    assert second.headers["Link"] == first.headers["Link"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"] == "application/json"
    # Byte for byte what the response writer makes of the same object (compact, in order, a final newline).
    body = json.loads(second.data)
    assert second.data == orjson.dumps(body, option=orjson.OPT_APPEND_NEWLINE)
    assert list(body) == ["data", "has_more", "next_cursor"] and body["has_more"] is True
    assert body["next_cursor"] in second.headers["Link"] and f"specialty={tag}" in second.headers["Link"]
    # The cursor's page is a query of its own; its last page has no next one.
    rest = _get(client, admin, f"specialty={tag}&limit=2&cursor={body['next_cursor']}")
    assert len(builds) == 2
    last = json.loads(rest.data)
    assert (len(last["data"]), last["has_more"], last["next_cursor"]) == (1, False, None)
    assert "Link" not in rest.headers
    assert rest.data == orjson.dumps(last, option=orjson.OPT_APPEND_NEWLINE)
    assert {i["id"] for i in body["data"]}.isdisjoint({i["id"] for i in last["data"]})
    for item in body["data"] + last["data"]:
        assert item == _as_read_by_id(client, admin, item["id"])


def test_the_link_is_made_from_each_request_not_from_the_cache(
    client: FlaskClient, admin: dict[str, str], tag: str, builds: list[dict[str, Any]]
) -> None:
    for _ in range(2):
        create_provider(client, admin, specialties=[tag])
    one = _get(client, admin, f"specialty={tag}&limit=1")
    other = _get(client, admin, f"limit=1&specialty={tag}")  # the same query, its parameters reordered
    assert len(builds) == 1 and one.data == other.data
    assert one.headers["Link"].split("?")[1].startswith(f"specialty={tag}&limit=1&cursor=")
    assert other.headers["Link"].split("?")[1].startswith(f"limit=1&specialty={tag}&cursor=")


def test_the_audit_row_of_a_cached_page_names_the_providers_listed(
    client: FlaskClient, admin: dict[str, str], partner: dict[str, str], db: Session, tag: str
) -> None:
    made = [create_provider(client, admin, specialties=[tag])["id"] for _ in range(2)]
    responses = [_get(client, headers, f"specialty={tag}") for headers in (admin, partner, partner)]
    for response in responses:
        row = db.scalars(
            select(AuditEvent).where(AuditEvent.request_id == response.headers["X-Request-ID"])
        ).one()
        assert row.operation == "listProviders" and row.outcome == "success"
        assert row.resource_ids == list(reversed(made))  # newest first
        assert row.resource_type == "provider" and row.patient_ids == []


def test_every_caller_is_shown_the_same_directory(
    client: FlaskClient,
    admin: dict[str, str],
    partner: dict[str, str],
    tag: str,
    builds: list[dict[str, Any]],
) -> None:
    """The list applies no tenancy (the directory is everyone's): one entry serves every caller."""
    create_provider(client, admin, specialties=[tag])
    assert _get(client, admin, f"specialty={tag}").data == _get(client, partner, f"specialty={tag}").data
    assert len(builds) == 1


# --- every write is seen by the next read -------------------------------------------------------------


def test_a_new_provider_is_listed_at_once(
    client: FlaskClient, admin: dict[str, str], tag: str, builds: list[dict[str, Any]]
) -> None:
    first = create_provider(client, admin, specialties=[tag])["id"]
    assert set(_listed(client, admin, f"specialty={tag}")) == {first}
    second = create_provider(client, admin, specialties=[tag])["id"]
    assert set(_listed(client, admin, f"specialty={tag}")) == {first, second}
    assert len(builds) == 2


def test_a_profile_update_is_listed_at_once(client: FlaskClient, admin: dict[str, str], tag: str) -> None:
    provider = create_provider(client, admin, specialties=[tag])
    query = f"specialty={tag}"
    assert _listed(client, admin, query)[provider["id"]]["family_name"] == "Delgado"
    etag = client.get(f"/v1/providers/{provider['id']}", headers=admin).headers["ETag"]
    changed = client.patch(
        f"/v1/providers/{provider['id']}",
        json={"family_name": "Okafor", "languages": ["fr"], "accepting_new_patients": False},
        headers={**admin, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.get_json()
    listed = _listed(client, admin, query)[provider["id"]]
    assert (listed["family_name"], listed["languages"], listed["accepting_new_patients"]) == (
        "Okafor",
        ["fr"],
        False,
    )
    _assert_current(client, admin, query, provider["id"])
    assert provider["id"] not in _listed(client, admin, f"{query}&accepting_new_patients=true")


def test_a_licence_change_moves_the_provider_between_states(
    client: FlaskClient, admin: dict[str, str], tag: str
) -> None:
    provider = create_provider(client, admin, specialties=[tag])
    in_ca = f"specialty={tag}&state=CA"
    assert _listed(client, admin, in_ca) == {}
    licences = [
        *provider["licenses"],
        {"state": "CA", "number": f"CA-{provider['npi']}", "status": "active", "expires_on": far_future()},
    ]
    etag = client.get(f"/v1/providers/{provider['id']}", headers=admin).headers["ETag"]
    added = client.patch(
        f"/v1/providers/{provider['id']}", json={"licenses": licences}, headers={**admin, "If-Match": etag}
    )
    assert added.status_code == 200, added.get_json()
    _assert_current(client, admin, in_ca, provider["id"])
    suspended = [
        {**licence, "status": "suspended"} if licence["state"] == "CA" else licence for licence in licences
    ]
    etag = added.headers["ETag"]
    changed = client.patch(
        f"/v1/providers/{provider['id']}", json={"licenses": suspended}, headers={**admin, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.get_json()
    assert _listed(client, admin, in_ca) == {}
    _assert_current(client, admin, f"specialty={tag}&state=NY", provider["id"])


def test_new_availability_is_listed_at_once(client: FlaskClient, admin: dict[str, str], tag: str) -> None:
    provider = create_provider(client, admin, specialties=[tag])
    query = f"specialty={tag}"
    assert _listed(client, admin, query)[provider["id"]]["availability"]["weekly"] == []
    put = client.put(
        f"/v1/providers/{provider['id']}/availability", json=all_day_availability(), headers=admin
    )
    assert put.status_code == 200, put.get_json()
    assert len(_listed(client, admin, query)[provider["id"]]["availability"]["weekly"]) == 7
    _assert_current(client, admin, query, provider["id"])


def test_bookings_and_cancellations_are_listed_at_once(
    client: FlaskClient, admin: dict[str, str], partner: dict[str, str], db: Session, world: World, tag: str
) -> None:
    """A booking takes a place and time (``active_patients``, the provider's free-slot summary), a reschedule
    moves the time, a cancellation gives both back: each is on the next page read."""
    provider = create_provider(client, admin, all_day_availability(), specialties=[tag], timezone="UTC")
    query = f"specialty={tag}"
    assert _listed(client, partner, query)[provider["id"]]["active_patients"] == 0
    consultation = ready_consultation(db, world.patient_a1)
    booked = client.post(
        f"/v1/consultations/{consultation}/assignment",
        json={"provider_id": provider["id"], "slot_start": iso(next_whole_hour(4))},
        headers=partner,
    )
    assert booked.status_code == 201, booked.get_json()
    assert _listed(client, partner, query)[provider["id"]]["active_patients"] == 1
    _assert_current(client, partner, query, provider["id"])
    moved = client.post(
        f"/v1/consultations/{consultation}/reschedule",
        json={"slot_start": iso(next_whole_hour(6))},
        headers=partner,
    )
    assert moved.status_code == 200, moved.get_json()
    _assert_current(client, partner, query, provider["id"])
    cancelled = client.post(
        f"/v1/consultations/{consultation}/cancel", json={"reason": "moved"}, headers=partner
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    assert _listed(client, partner, query)[provider["id"]]["active_patients"] == 0
    _assert_current(client, partner, query, provider["id"])


# Writes that no service makes: the triggers bump the version whoever writes (the worker, a bulk load, a
# console session), so none of them can leave a page behind.
def _direct_writes(provider_id: str, tag: str) -> list[tuple[str, Any]]:
    return [
        ("provider row", update(Provider).where(Provider.id == provider_id).values(given_name="Direct")),
        ("language added", ProviderLanguage(provider_id=provider_id, language="de")),
        ("route removed", delete(ProviderRoute).where(ProviderRoute.provider_id == provider_id)),
        (
            "specialty added",
            ProviderSpecialty(provider_id=provider_id, specialty=f"{tag}_more"),
        ),
        (
            "licence changed",
            update(ProviderLicense)
            .where(ProviderLicense.provider_id == provider_id)
            .values(number="NY-DIRECT"),
        ),
        (
            "DEA registration removed",
            delete(DeaRegistration).where(DeaRegistration.provider_id == provider_id),
        ),
        (
            "site renamed",
            update(PracticeSite).where(PracticeSite.provider_id == provider_id).values(name="Uptown"),
        ),
    ]


def test_every_write_to_a_directory_table_is_seen_whoever_makes_it(
    client: FlaskClient, admin: dict[str, str], db: Session, tag: str
) -> None:
    provider_id = create_provider(client, admin, specialties=[tag])["id"]
    query = f"specialty={tag}"
    for name, write in _direct_writes(provider_id, tag):
        before = _get(client, admin, query).data
        version = directory_version(db)
        if isinstance(write, Provider | ProviderLanguage | ProviderSpecialty):
            db.add(write)
        else:
            db.execute(write)
        db.flush()
        db.expire_all()
        assert directory_version(db) > version, f"{name}: the version did not move"
        after = _get(client, admin, query)
        assert after.data != before, f"{name}: the page did not change"
        _assert_current(client, admin, query, provider_id)


def test_a_provider_deleted_is_gone_from_the_next_page(
    client: FlaskClient, admin: dict[str, str], db: Session, tag: str
) -> None:
    kept, dropped = (create_provider(client, admin, specialties=[tag])["id"] for _ in range(2))
    assert set(_listed(client, admin, f"specialty={tag}")) == {kept, dropped}
    db.execute(delete(Provider).where(Provider.id == dropped))
    db.flush()
    assert set(_listed(client, admin, f"specialty={tag}")) == {kept}


def test_writes_outside_the_directory_leave_its_version(
    client: FlaskClient, partner: dict[str, str], db: Session
) -> None:
    version = directory_version(db)
    created = client.post("/v1/patients", json=PATIENT_BODY, headers=partner)
    assert created.status_code == 201, created.get_json()
    db.expire_all()
    assert directory_version(db) == version


# --- one entry per distinct query -----------------------------------------------------------------------


@pytest.fixture
def uncached(make_app: Callable[..., Flask]) -> FlaskClient:
    """The same service with no page kept: every page built afresh."""
    return make_app(provider_page_cache_bytes=0).test_client()


def test_every_combination_of_filters_is_a_query_of_its_own(
    client: FlaskClient, uncached: FlaskClient, admin: dict[str, str], tag: str, builds: list[dict[str, Any]]
) -> None:
    """Queries that list different providers never share an entry: each answer, cached or not, is what a
    service keeping no page answers."""
    ca = {"state": "CA", "number": "", "status": "active", "expires_on": far_future()}
    variants = [
        {},
        {"languages": ["es-MX"], "accepting_new_patients": False},
        {"routes_offered": ["oral"], "licenses_in": ["CA"]},
        {"languages": ["fr"], "routes_offered": ["intranasal"], "licenses_in": ["CA", "NY"]},
    ]
    for index, variant in enumerate(variants):
        changes = {k: v for k, v in variant.items() if k != "licenses_in"}
        if "licenses_in" in variant:
            npi_tag = f"{tag}-{index}"
            changes["licenses"] = [
                {**ca, "state": state, "number": f"{state}-{npi_tag}"} for state in variant["licenses_in"]
            ]
        create_provider(client, admin, specialties=[tag], **changes)
    queries = [
        f"specialty={tag}",
        f"specialty={tag}&state=CA",
        f"specialty={tag}&state=NY",
        f"specialty={tag}&state=CA&route=oral",
        f"specialty={tag}&route=oral",
        f"specialty={tag}&language=es",
        f"specialty={tag}&language=fr",
        f"specialty={tag}&accepting_new_patients=false",
        f"specialty={tag}&accepting_new_patients=true",
        f"specialty={tag}&accepting_new_patients=true&state=CA",
        f"specialty={tag}&limit=1",
        f"specialty={tag}&limit=2",
        f"specialty={tag}_other",
        f"specialty={tag}&state=TX",
    ]
    for round_ in range(2):  # the second round from the cache
        for query in queries:
            assert _get(client, admin, query).data == _get(uncached, admin, query).data, (round_, query)
    assert len(builds) == len(queries) * 3  # each query once by the cached service, twice by the other


def test_a_huge_limit_is_the_page_of_100_and_shares_its_entry(
    client: FlaskClient, admin: dict[str, str], builds: list[dict[str, Any]]
) -> None:
    largest = _get(client, admin, "limit=100")
    huge = _get(client, admin, f"limit={10**12}")
    assert huge.data == largest.data and len(builds) == 1
    assert len(json.loads(huge.data)["data"]) <= 100
    assert client.get("/v1/providers?limit=0", headers=admin).status_code == 422
    assert client.get("/v1/providers?limit=-5", headers=admin).status_code == 422


def test_a_language_in_any_case_is_one_query(
    client: FlaskClient, admin: dict[str, str], tag: str, builds: list[dict[str, Any]]
) -> None:
    spanish = create_provider(client, admin, specialties=[tag], languages=["es-MX"])["id"]
    pages = {_get(client, admin, f"specialty={tag}&language={value}").data for value in ("es", "ES", "Es")}
    assert len(pages) == 1 and len(builds) == 1
    assert spanish in _listed(client, admin, f"specialty={tag}&language=es-mx")


def test_a_tampered_cursor_is_refused_not_served(
    client: FlaskClient, admin: dict[str, str], tag: str
) -> None:
    for _ in range(2):
        create_provider(client, admin, specialties=[tag])
    cursor = _get(client, admin, f"specialty={tag}&limit=1").get_json()["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    response = client.get(f"/v1/providers?specialty={tag}&limit=1&cursor={tampered}", headers=admin)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor"


# --- the key and the cache, on their own ----------------------------------------------------------------

TODAY = date(2026, 12, 5)
AFTER = (datetime(2026, 12, 1, 12, tzinfo=UTC), "prv_1")


def test_the_key_tells_every_part_of_the_query_apart() -> None:
    page = PageRequest(limit=20)
    queries = [
        ({}, page, TODAY),
        ({}, page, TODAY + timedelta(days=1)),  # a licence expires at midnight: a new day, new pages
        ({}, PageRequest(limit=21), TODAY),
        ({}, PageRequest(limit=20, after=AFTER), TODAY),
        ({"state": "CA"}, page, TODAY),
        ({"state": "NY"}, page, TODAY),
        ({"state": "CA", "route": "oral"}, page, TODAY),
        ({"route": "oral"}, page, TODAY),
        ({"language": "es"}, page, TODAY),
        ({"language": "es-MX"}, page, TODAY),
        ({"accepting_new_patients": False}, page, TODAY),
        ({"accepting_new_patients": True}, page, TODAY),
        ({"specialty": "psychiatry"}, page, TODAY),
        ({"a_filter_added_later": "x"}, page, TODAY),  # every filter given is in the key, known or not
    ]
    keys = [page_key(filters, request, today) for filters, request, today in queries]
    assert len(set(keys)) == len(keys)
    # What does not change the answer does not change the key.
    assert page_key({"state": "CA", "limit": 20, "cursor": None}, page, TODAY) == page_key(
        {"state": "CA"}, page, TODAY
    )
    assert page_key({"language": "ES-mx"}, page, TODAY) == page_key({"language": "es-MX"}, page, TODAY)
    assert page_key({"state": "CA", "route": "oral"}, page, TODAY) == page_key(
        {"route": "oral", "state": "CA"}, page, TODAY
    )
    same_instant = (AFTER[0].astimezone(timezone(timedelta(hours=-8))), AFTER[1])  # as another offset
    assert page_key({}, PageRequest(20, AFTER), TODAY) == page_key({}, PageRequest(20, same_instant), TODAY)


def _page(size: int, *ids: str) -> RenderedPage:
    return RenderedPage(data=b"x" * size, ids=ids, has_more=False, last_key=None)


def test_the_cache_keeps_the_most_recently_used_pages_within_its_bytes() -> None:
    one = _page(1000)
    cache = PageCache(max_bytes=3 * one.size)
    for name in ("a", "b", "c"):
        cache.put((1, name), one)
    assert cache.get((1, "a")) is one  # now the most recently used
    cache.put((1, "d"), one)
    assert cache.get((1, "b")) is None and len(cache) == 3
    assert all(cache.get((1, name)) is one for name in ("a", "c", "d"))
    cache.put((1, "huge"), _page(10 * one.size))  # larger than the whole cache: not kept, nothing evicted
    assert cache.get((1, "huge")) is None and len(cache) == 3
    off = PageCache(max_bytes=0)
    off.put((1, "a"), _page(0))
    assert off.get((1, "a")) is None


def test_a_newer_version_retires_the_older_pages() -> None:
    cache = PageCache(max_bytes=1 << 20)
    cache.put((5, "a"), _page(10))
    cache.put((5, "b"), _page(10))
    cache.put((6, "a"), _page(10))
    assert len(cache) == 1 and cache.get((5, "b")) is None
    cache.put((5, "c"), _page(10))  # built by a request that read the version before the last write
    assert cache.get((5, "c")) is None and len(cache) == 1
    cache.clear()
    cache.put((5, "c"), _page(10))
    assert cache.get((5, "c")) is not None


@pytest.fixture
def midnight(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The clock the pages are keyed by, set by the test."""
    clock = [datetime(2030, 6, 1, 23, 59, tzinfo=UTC)]
    monkeypatch.setattr(directory_pages, "utcnow", lambda: clock[0])
    return clock


def test_a_licence_expiring_at_midnight_leaves_the_state_page_then(
    client: FlaskClient, admin: dict[str, str], tag: str, midnight: list[datetime]
) -> None:
    expiring = create_provider(
        client,
        admin,
        specialties=[tag],
        licenses=[{"state": "NY", "number": f"NY-{tag}", "status": "active", "expires_on": "2030-06-01"}],
    )["id"]
    query = f"specialty={tag}&state=NY"
    assert set(_listed(client, admin, query)) == {expiring}
    midnight[0] += timedelta(minutes=2)  # 2030-06-02: the licence has expired, no write was made
    assert _listed(client, admin, query) == {}
