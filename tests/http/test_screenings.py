"""Screenings through the API: validation with pointers, server-side scores, immutability, lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Screening
from tests.clinical import CSSRS_NONE, GAD7_MILD, PCL5_33, PHQ9_LOW_WITH_ITEM_9, PHQ9_MODERATE, intake, submit
from tests.helpers import bearer, cc_token
from tests.world import World

Headers = dict[str, str]


@pytest.fixture
def a(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_a))


@pytest.fixture
def b(client: FlaskClient, world: World) -> Headers:
    return bearer(cc_token(client, world.portal_b))


@pytest.mark.parametrize(
    ("instrument", "answers", "total", "severity", "flags"),
    [
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal", []),
        ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe", []),
        ("phq9", PHQ9_LOW_WITH_ITEM_9, 2, "minimal", ["suicidal_ideation"]),
        ("gad7", [2, 2, 2, 2, 2, 0, 0], 10, "moderate", ["positive_screen"]),
        ("gad7", GAD7_MILD, 9, "mild", []),
        ("pcl5", [2] * 16 + [0] * 4, 32, "below_threshold", ["dsm5_criteria_met"]),
        ("pcl5", PCL5_33, 33, "probable_ptsd", ["probable_ptsd", "dsm5_criteria_met"]),
        ("cssrs", {**CSSRS_NONE, "wish_to_be_dead": True}, None, "low", []),
        (
            "ketamine_intake",
            intake(pregnant_or_breastfeeding=True),
            None,
            None,
            ["pregnant_or_breastfeeding"],
        ),
    ],
)
def test_the_server_scores_each_instrument(
    client: FlaskClient,
    a: Headers,
    world: World,
    instrument: str,
    answers: Any,
    total: int | None,
    severity: str | None,
    flags: list[str],
) -> None:
    response = submit(client, a, world.patient_a1, instrument, answers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"].startswith("scr_")
    assert response.headers["Location"] == f"/v1/screenings/{body['id']}"
    assert body["score"] == {"total": total, "severity": severity}
    assert sorted(body["flags"]) == sorted(flags)
    assert body["answers"] == answers
    assert body["consultation_id"] is None
    assert body["completed_at"] == "2026-01-05T10:00:00Z"


@pytest.mark.parametrize(
    ("instrument", "answers", "pointer", "code"),
    [
        ("phq9", [0] * 8, "/answers", None),
        ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], "/answers/3", None),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, True], "/answers/8", "wrong_type"),
        ("gad7", [0, 0, 0, 0, 0, 0, -1], "/answers/6", None),
        ("pcl5", [0] * 19 + [5], "/answers/19", None),
        ("cssrs", {**CSSRS_NONE, "intent": True}, "/answers/intent", "must_be_null"),
        (
            "cssrs",
            {"wish_to_be_dead": False, "suicidal_thoughts": False},
            "/answers/behavior_lifetime",
            "required",
        ),
        ("ketamine_intake", intake(systolic_bp=300), "/answers/systolic_bp", None),
        ("ketamine_intake", intake(age=40), "/answers/age", None),
        ("phq9", None, "/answers", "null_not_allowed"),
        ("sleep", [0], "/instrument", "invalid_choice"),
    ],
)
def test_invalid_answers_point_at_the_item_and_store_nothing(
    client: FlaskClient,
    a: Headers,
    world: World,
    db: Session,
    instrument: str,
    answers: Any,
    pointer: str,
    code: str | None,
) -> None:
    response = submit(client, a, world.patient_a1, instrument, answers)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "validation_failed"
    matching = [e for e in problem["errors"] if e["pointer"] == pointer]
    assert matching, problem["errors"]
    if code:
        assert matching[0]["code"] == code
    assert db.scalar(select(func.count()).select_from(Screening)) == 0


def test_a_client_sent_score_is_refused(client: FlaskClient, a: Headers, world: World) -> None:
    body = {
        "patient_id": world.patient_a1,
        "instrument": "phq9",
        "answers": PHQ9_MODERATE,
        "completed_at": "2026-01-05T10:00:00Z",
        "score": {"total": 0, "severity": "minimal"},
    }
    response = client.post("/v1/screenings", json=body, headers=a)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/score"


def test_completion_time_must_not_be_in_the_future(client: FlaskClient, a: Headers, world: World) -> None:
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE, completed_at=later)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/completed_at"
    naive = submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE, completed_at="2026-01-05T10:00:00")
    assert naive.status_code == 422


def test_screenings_are_immutable(client: FlaskClient, a: Headers, world: World) -> None:
    screening = submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE).get_json()
    for method in (client.patch, client.put, client.delete):
        response = method(f"/v1/screenings/{screening['id']}", json={"answers": [0] * 9}, headers=a)
        assert response.status_code == 405
        assert response.headers["Allow"]
    read = client.get(f"/v1/screenings/{screening['id']}", headers=a)
    assert read.get_json() == screening
    assert (
        client.get(
            f"/v1/screenings/{screening['id']}", headers={**a, "If-None-Match": read.headers["ETag"]}
        ).status_code
        == 304
    )


def test_lists_filter_by_patient_consultation_and_instrument(
    client: FlaskClient, a: Headers, b: Headers, world: World
) -> None:
    consultation = client.post(
        "/v1/consultations",
        json={"patient_id": world.patient_a1, "conditions": ["ocd"], "patient_location_state": "NY"},
        headers=a,
    ).get_json()["id"]
    linked = submit(client, a, world.patient_a1, "phq9", PHQ9_MODERATE, consultation).get_json()["id"]
    loose = submit(client, a, world.patient_a1, "gad7", GAD7_MILD).get_json()["id"]
    other = submit(client, a, world.patient_a2, "phq9", PHQ9_MODERATE).get_json()["id"]
    foreign = submit(client, b, world.patient_b1, "phq9", PHQ9_MODERATE).get_json()["id"]

    def ids(query: str, headers: Headers = a) -> list[str]:
        response = client.get(f"/v1/screenings?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [s["id"] for s in response.get_json()["data"]]

    assert ids("") == [other, loose, linked]
    assert ids(f"patient_id={world.patient_a1}") == [loose, linked]
    assert ids(f"consultation_id={consultation}") == [linked]
    assert ids("instrument=phq9") == [other, linked]
    assert ids(f"patient_id={world.patient_b1}") == []
    assert ids("", b) == [foreign]
    assert client.get(f"/v1/screenings/{linked}", headers=b).status_code == 404
    assert client.get("/v1/screenings?instrument=mood", headers=a).status_code == 422


def test_reading_needs_the_scope(client: FlaskClient, world: World) -> None:
    readonly = bearer(cc_token(client, world.readonly_a))  # patients:read only
    response = client.get("/v1/screenings", headers=readonly)
    assert response.status_code == 403
    assert 'scope="screenings:read"' in response.headers["WWW-Authenticate"]
