from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from api.config import get_settings
from api.db import Database, make_engine
from tests.helpers import bearer, cc_token
from tests.world import World


def test_healthz_and_readyz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_healthz_keeps_what_every_response_promises(client: FlaskClient) -> None:
    """It is answered in front of the application's hooks (api.http.liveness), and still carries their
    headers: a request id (the caller's when it is sane), nosniff, no-store."""
    answer = client.get("/healthz", headers={"X-Request-ID": "probe-7"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["X-Request-ID"] == "probe-7"
    assert (
        answer.headers["X-Content-Type-Options"] == "nosniff"
        and answer.headers["Cache-Control"] == "no-store"
    )
    head = client.head("/healthz")
    assert head.status_code == 200 and head.get_data() == b"" and len(head.headers["X-Request-ID"]) == 32


def test_healthz_over_the_size_limits_or_with_another_method_gets_the_usual_problem(
    client: FlaskClient,
) -> None:
    too_long = client.get("/healthz?pad=" + "x" * 4100)
    assert too_long.status_code == 414 and too_long.get_json()["code"] == "uri_too_long"
    posted = client.post("/healthz")
    assert posted.status_code == 405 and posted.mimetype == "application/problem+json"
    assert set(posted.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_readyz_is_503_problem_when_the_database_is_unreachable(make_app: Callable[..., Flask]) -> None:
    from api.app import create_app

    base = make_app()
    unreachable = Database(
        make_engine(
            "postgresql://postgres@127.0.0.1:9/none", pool_pre_ping=False, connect_args={"connect_timeout": 1}
        )
    )
    app = create_app(get_settings(base), database=unreachable)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "service_unavailable"
    assert app.test_client().get("/healthz").status_code == 200


def test_metrics_count_requests_by_route_and_status(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app().test_client()  # an app of its own: counters start at zero
    admin = bearer(cc_token(client, world.admin))
    client.get("/healthz")
    for _ in range(3):  # a series counted again after its first request (kept by ``Metrics.observe``)
        client.get("/v1/patients")
    client.get("/v1/patients", headers=admin)
    text = client.get("/metrics", headers=admin).get_data(as_text=True)
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'http_requests_total{method="GET",route="/v1/patients",status="401"} 3.0' in text
    assert 'http_requests_total{method="GET",route="/v1/patients",status="200"} 1.0' in text
    assert 'http_request_duration_seconds_count{method="GET",route="/v1/patients",status="401"} 3.0' in text
    assert "http_request_duration_seconds_bucket" in text
