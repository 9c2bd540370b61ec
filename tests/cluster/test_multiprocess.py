"""Two app processes and two workers on one PostgreSQL and one Redis: the promises hold across processes.

Each app process is a ``telemedical run`` of its own (granian, one worker process); requests are spread over
the two in turn, all at once. Same Idempotency-Key: one object. One slot: one appointment. A client's rate
limit: counted once, in Redis, whichever process serves it. Due tasks: announced once however the two
workers' passes overlap. Webhooks: each event delivered once to each endpoint.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api import config
from api.db import make_engine
from api.models import Appointment, Consultation, Event, Patient, PlanTask
from tests.cluster.arrange import plan_with_tasks_due_today, succeeded_deliveries
from tests.cluster.conftest import skip_unless_cluster_capable
from tests.cluster.fleet import Fleet
from tests.cluster.services import OwnRedis
from tests.concurrency.conftest import live_token
from tests.concurrency.server import LiveServer, Outcome, call, simultaneously, summary
from tests.concurrency.test_live_concurrency import (
    bookable_provider,
    count,
    one_winner,
    patient_body,
    ready_consultation,
    stored_patient,
    with_key,
)
from tests.conftest import throwaway_postgres_database
from tests.directory import iso, next_whole_hour
from tests.receiver import Answer, receiving
from tests.world import partner_with_portal

# One xdist worker runs this module (make test-postgres passes --dist loadgroup): one fleet, not one each.
pytestmark = pytest.mark.xdist_group("fleet")
LIMIT = 150  # per client per minute; the other tests here send well under it per client
CONTENDERS = 12
ROUNDS = 3


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    skip_unless_cluster_capable()
    server = config.test_database_url()
    assert server
    with throwaway_postgres_database(server, "telemedical_fleet") as url:
        yield url


@pytest.fixture(scope="module")
def fleet(
    database_url: str, own_redis: OwnRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    fleet = Fleet(
        database_url,
        own_redis.url,
        Path(tmp_path_factory.mktemp("fleet")),
        settings={"RATE_LIMIT": f"{LIMIT}/minute"},
    )
    try:
        fleet.start_app()
        fleet.start_app()
        fleet.start_worker()
        fleet.start_worker()
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def arrange(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def partner(arrange: Session, fleet: Fleet) -> tuple[str, dict[str, str]]:
    """A partner of its own and its portal's bearer headers (a token from the first process)."""
    partner_id, portal = partner_with_portal(arrange, "Fleet partner")
    arrange.commit()
    return partner_id, {"Authorization": f"Bearer {live_token(fleet.apps[0], portal)}"}


def spread(fleet: Fleet, n: int) -> list[LiveServer]:
    """The app process for each of ``n`` requests, in turn."""
    return [fleet.apps[i % len(fleet.apps)] for i in range(n)]


def assert_no_server_errors(outcomes: list[Outcome], fleet: Fleet) -> None:
    broken = [o for o in outcomes if o.status >= 500 or o.status == 0]
    assert not broken, f"{summary(outcomes)}\n{fleet.logs()}"


def test_a_token_from_one_process_works_on_the_other(
    fleet: Fleet, partner: tuple[str, dict[str, str]]
) -> None:
    _, headers = partner
    for app in fleet.apps:
        assert call("me", "GET", app.url("/v1/me"), headers=headers).status == 200


def test_one_idempotency_key_sent_to_both_processes_makes_one_patient(
    fleet: Fleet, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    partner_id, headers = partner
    for round_ in range(ROUNDS):
        body = patient_body(f"fleet-idem-{round_}-{uuid.uuid4().hex[:6]}")
        keyed = with_key(headers, f"fleet-{round_}-{uuid.uuid4()}")
        outcomes = simultaneously(
            [
                partial(
                    call,
                    f"post {i} to {app.base_url}",
                    "POST",
                    app.url("/v1/patients"),
                    json=body,
                    headers=keyed,
                )
                for i, app in enumerate(spread(fleet, CONTENDERS))
            ]
        )
        assert_no_server_errors(outcomes, fleet)
        created = [o for o in outcomes if o.status == 201]
        first = [o for o in created if o.headers.get("idempotent-replayed") != "true"]
        assert len(first) == 1, summary(outcomes)
        assert {o.body["id"] for o in created} == {first[0].body["id"]}
        assert all(o.status == 201 or o.code == "idempotency_key_in_use" for o in outcomes), summary(outcomes)
        rows = count(
            arrange,
            select(func.count())
            .select_from(Patient)
            .where(Patient.partner_id == partner_id, Patient.external_id == body["external_id"]),
        )
        assert rows == 1
        for app in fleet.apps:  # each process replays the one response recorded
            replay = call("replay", "POST", app.url("/v1/patients"), json=body, headers=keyed)
            assert replay.status == 201 and replay.headers.get("idempotent-replayed") == "true"
            assert replay.body["id"] == first[0].body["id"]


def test_bookings_of_one_slot_through_both_processes_make_one_appointment(
    fleet: Fleet, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    partner_id, headers = partner
    for round_ in range(ROUNDS):
        provider_id = bookable_provider(arrange, capacity=CONTENDERS * 2)
        consultations = [
            ready_consultation(arrange, partner_id, f"fleet-book{round_}-{i}") for i in range(CONTENDERS)
        ]
        slot = {"provider_id": provider_id, "slot_start": iso(next_whole_hour(5 + round_))}
        outcomes = simultaneously(
            [
                partial(
                    call,
                    cid,
                    "POST",
                    app.url(f"/v1/consultations/{cid}/assignment"),
                    json=slot,
                    headers=with_key(headers),
                )
                for cid, app in zip(consultations, spread(fleet, CONTENDERS), strict=True)
            ]
        )
        assert_no_server_errors(outcomes, fleet)
        one_winner(outcomes, 201, {409}, {"slot_unavailable"}, f"round {round_}")
        appointments = count(
            arrange,
            select(func.count()).select_from(Appointment).where(Appointment.provider_id == provider_id),
        )
        assert appointments == 1
        scheduled = count(
            arrange,
            select(func.count())
            .select_from(Consultation)
            .where(Consultation.id.in_(consultations), Consultation.status == "scheduled"),
        )
        assert scheduled == 1


def test_a_clients_rate_limit_is_counted_once_across_processes(
    fleet: Fleet, partner: tuple[str, dict[str, str]], own_redis: OwnRedis
) -> None:
    _, headers = partner
    waves, per_wave = 10, 20  # 200 requests, 100 to each process; each alone would let all 200 through
    outcomes = [
        outcome
        for _ in range(waves)
        for outcome in simultaneously(
            [
                partial(call, f"list via {app.base_url}", "GET", app.url("/v1/patients"), headers=headers)
                for app in spread(fleet, per_wave)
            ]
        )
    ]
    assert_no_server_errors(outcomes, fleet)
    served = [o for o in outcomes if o.status == 200]
    refused = [o for o in outcomes if o.status == 429]
    assert len(served) + len(refused) == len(outcomes), summary(outcomes)
    # The token request is counted by address, not as this client: exactly LIMIT lists pass.
    assert len(served) == LIMIT, summary(outcomes)
    assert all(o.code == "rate_limited" and int(o.headers["retry-after"]) >= 1 for o in refused)
    both = {o.label.split(" via ")[1] for o in served}
    assert both == {app.base_url for app in fleet.apps}, "both processes served part of the limit"
    assert any(b"client:" in key for key in own_redis.client().keys("*")), "the counter lives in Redis"


def test_due_tasks_are_announced_once_and_each_webhook_is_delivered_once(
    fleet: Fleet, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    """The two workers' passes (every second) race for the same due tasks; the app processes create
    consultations meanwhile. Every event reaches the receiver once, by whichever worker claimed it."""
    partner_id, headers = partner
    with receiving([Answer(200, delay=0.01)]) as receiver:
        endpoint = fleet.endpoint(
            arrange, partner_id, receiver.url, ["follow_up_task.due", "consultation.created"]
        )
        provider_id = bookable_provider(arrange, capacity=100)
        tasks = [
            task for _ in range(40) for task in plan_with_tasks_due_today(arrange, partner_id, provider_id)
        ]
        patients = [stored_patient(arrange, partner_id, f"ny-{n}") for n in range(CONTENDERS)]
        outcomes = simultaneously(
            [
                partial(
                    call,
                    f"consultation {i}",
                    "POST",
                    app.url("/v1/consultations"),
                    json={
                        "patient_id": pid,
                        "conditions": ["major_depression"],
                        "patient_location_state": "NY",
                    },
                    headers=with_key(headers),
                )
                for i, (pid, app) in enumerate(zip(patients, spread(fleet, CONTENDERS), strict=True))
            ]
        )
        assert [o.status for o in outcomes] == [201] * CONTENDERS, summary(outcomes)
        expected = len(tasks) + CONTENDERS

        fleet.wait_for(
            lambda: succeeded_deliveries(arrange, endpoint) == expected,
            120,
            f"{expected} deliveries succeeded",
        )
        time.sleep(1.5)  # a duplicate would arrive now
        received = [r.headers["webhook-id"] for r in receiver.received]
    arrange.rollback()
    announced = arrange.execute(
        select(Event.object_id, func.count())
        .where(Event.type == "follow_up_task.due", Event.object_id.in_(tasks))
        .group_by(Event.object_id)
    ).all()
    assert sorted(announced) == sorted((task, 1) for task in tasks), "each due task announced once"
    notified = arrange.scalar(
        select(func.count())
        .select_from(PlanTask)
        .where(PlanTask.id.in_(tasks), PlanTask.due_notified_at.isnot(None))
    )
    assert notified == len(tasks)
    assert len(received) == expected and len(set(received)) == expected, "each event delivered once"
    sent = [w.log.read_text(errors="replace").count("webhook attempt") for w in fleet.workers]
    print(f"\n{expected} events delivered once each; attempts logged by each worker: {sent}")


def test_every_process_is_ready(fleet: Fleet) -> None:
    for app in fleet.apps:
        ready = call("ready", "GET", app.url("/readyz"))
        assert ready.status == 200, ready.brief()
    assert all(w.process.poll() is None for w in fleet.workers), fleet.logs()
