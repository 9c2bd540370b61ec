"""The directory's list is built from rows, not through ProviderSchema (api.services.provider_directory):
each provider it lists must read exactly as ``GET /v1/providers/{id}`` returns it, whatever it holds. Runs on
SQLite and on PostgreSQL (``make test-postgres``), whose text forms of booleans, dates and JSON differ.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.directory import create_provider, far_future

# Providers that differ in every list the representation holds: empty lists, several entries in an order
# other than sorted, non-REMS sites, an expired licence, several DEA registrations, availability with
# exceptions.
VARIANTS: list[dict[str, Any]] = [
    {},
    {
        "specialties": [],
        "languages": ["es-mx"],
        "routes_offered": [],
        "sites": [],
        "licenses": [],
        "dea_registrations": [],
        "accepting_new_patients": False,
        "credential": "NP",
    },
    {
        "specialties": ["psychiatry", "addiction_medicine", "anesthesiology"],
        "languages": ["fr", "en", "zh-Hant-TW"],
        "routes_offered": ["intravenous", "oral", "intranasal"],
        "sites": [
            {"name": "Zeta site", "state": "CA", "rems_certified": False},
            {"name": "Alpha site", "state": "NY", "rems_certified": True},
            {"name": "Mid site", "state": "TX"},
        ],
        "licenses": [
            {"state": "TX", "number": "TX-9", "status": "active", "expires_on": far_future()},
            {"state": "CA", "number": "CA-1", "status": "inactive", "expires_on": "2020-01-31"},
            {"state": "NY", "number": "NY-5", "status": "suspended", "expires_on": far_future()},
        ],
        "dea_registrations": [
            {"state": "TX", "number": "FD7654321", "schedules": ["III"], "expires_on": far_future()},
            {"state": "CA", "number": "AB1234563", "schedules": ["V", "II"], "expires_on": "2029-02-28"},
        ],
        "max_active_patients": 10_000,
        "timezone": "America/Los_Angeles",
    },
]
AVAILABILITY = {
    "weekly": [
        {"weekday": "tuesday", "start": "13:00", "end": "17:30"},
        {"weekday": "monday", "start": "09:00", "end": "12:00"},
    ],
    "exceptions": [
        {"date": "2031-12-24", "windows": []},
        {"date": "2031-12-26", "windows": [{"start": "10:00", "end": "24:00"}]},
    ],
}


def _own_licences(variant: dict[str, Any], tag: int) -> dict[str, Any]:
    """The variant with licence numbers of its own: a board's number has one holder."""
    if "licenses" not in variant:
        return variant
    return {
        **variant,
        "licenses": [{**item, "number": f"{item['number']}-{tag}"} for item in variant["licenses"]],
    }


def test_each_listed_provider_reads_as_its_get(client: FlaskClient, admin: dict[str, str]) -> None:
    created = [
        create_provider(
            client, admin, availability=AVAILABILITY if index % 2 else None, **_own_licences(variant, index)
        )
        for index, variant in enumerate(VARIANTS * 2)
    ]
    listed: dict[str, Any] = {}
    url = "/v1/providers?limit=2"
    while url:  # across pages: the second statement serves each page's providers only
        page = client.get(url, headers=admin)
        assert page.status_code == 200 and page.mimetype == "application/json"
        listed.update((item["id"], item) for item in page.get_json()["data"])
        cursor = page.get_json()["next_cursor"]
        url = f"/v1/providers?limit=2&cursor={cursor}" if cursor else ""

    assert set(listed) >= {provider["id"] for provider in created}
    for provider in created:
        single = client.get(f"/v1/providers/{provider['id']}", headers=admin).get_json()
        assert listed[provider["id"]] == single
        assert list(listed[provider["id"]]) == list(single)  # the same members in the same order


def test_filters_narrow_the_listed_providers_and_keep_their_details(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    licensed_in_tx = create_provider(client, admin, **VARIANTS[2])
    create_provider(client, admin, **VARIANTS[1])

    page = client.get("/v1/providers?state=TX&route=oral&language=fr", headers=admin).get_json()

    assert [item["id"] for item in page["data"]] == [licensed_in_tx["id"]]
    assert page["data"][0]["licenses"][0]["number"] == "TX-9"
    assert page["data"][0]["routes_offered"] == ["oral", "intranasal", "intravenous"]
