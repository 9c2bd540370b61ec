"""Faults, on a PostgreSQL cluster and a Redis of this module's own (tests/cluster/services.py): the database
stopped under load, Redis gone, a worker killed mid-pass, an app process stopped with requests in flight.

What a client and an operator rely on: no 500 and no trace, ever; 503 ``service_unavailable`` with
``Retry-After`` while the database is away and ``/readyz`` saying so; recovery without a restart; nothing
lost and nothing done twice (every POST retried with its Idempotency-Key ends as exactly one object).
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.db import make_engine
from api.migrate import upgrade
from api.models import Event, Patient
from tests.cluster.arrange import plan_with_tasks_due_today, succeeded_deliveries
from tests.cluster.conftest import skip_unless_cluster_capable
from tests.cluster.fleet import Fleet
from tests.cluster.services import OwnPostgres, OwnRedis
from tests.concurrency.conftest import live_token
from tests.concurrency.server import PROBLEM_JSON, Outcome, call, kill_group, summary
from tests.concurrency.test_live_concurrency import bookable_provider, patient_body, stored_patient
from tests.receiver import Answer, receiving
from tests.world import partner_with_portal

# One xdist worker runs this module, in order (make test-postgres passes --dist loadgroup): its tests share
# one cluster, one Redis and one fleet, and stop and start them.
pytestmark = pytest.mark.xdist_group("faults")
LOCK_TIMEOUT = 3  # IDEMPOTENCY_LOCK_TIMEOUT for these servers: an unreleased claim is taken over after 3 s


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    skip_unless_cluster_capable()
    cluster = OwnPostgres()
    try:
        cluster.start()
        admin = make_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("CREATE DATABASE telemedical")
        admin.dispose()
        upgrade(cluster.url("telemedical"))
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def fleet(
    own_postgres: OwnPostgres, own_redis: OwnRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    fleet = Fleet(
        own_postgres.url("telemedical"),
        own_redis.url,
        Path(tmp_path_factory.mktemp("faults")),
        settings={"IDEMPOTENCY_LOCK_TIMEOUT": str(LOCK_TIMEOUT)},
    )
    try:
        fleet.start_app(workers=2)
        fleet.start_worker()
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture
def arrange(own_postgres: OwnPostgres) -> Iterator[Session]:
    engine = make_engine(own_postgres.url("telemedical"))
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def partner(arrange: Session, fleet: Fleet) -> tuple[str, dict[str, str]]:
    partner_id, portal = partner_with_portal(arrange, "Fault partner")
    arrange.commit()
    return partner_id, {"Authorization": f"Bearer {live_token(fleet.apps[0], portal)}"}


def assert_never_a_trace(outcomes: list[Outcome], fleet: Fleet) -> None:
    """Every answer 2xx or a 503 service_unavailable problem with Retry-After; no 500, no dropped
    connection, no stack trace in any body or in any process's log."""
    wrong = [
        o
        for o in outcomes
        if not (200 <= o.status < 300)
        and not (
            o.status == 503
            and o.content_type == PROBLEM_JSON
            and o.code == "service_unavailable"
            and int(o.headers.get("retry-after", "0")) >= 1
        )
    ]
    assert not wrong, f"{summary(outcomes)}: " + "; ".join(o.brief() for o in wrong[:5]) + "\n" + fleet.logs()
    assert not [o for o in outcomes if "Traceback" in o.text or 'File "' in o.text]
    for app in fleet.apps:
        assert "Traceback" not in app.log_since(0), app.noteworthy_log()


# --- PostgreSQL stopped under load ----------------------------------------------------------------------


@dataclass
class Attempt:
    phase: str
    outcome: Outcome
    key: str | None = None
    body: dict[str, Any] | None = None


def test_postgres_stopped_under_load_is_503_then_recovers_without_a_restart(
    fleet: Fleet, own_postgres: OwnPostgres, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    partner_id, headers = partner
    app = fleet.apps[0]
    patient_id = stored_patient(arrange, partner_id, "steady")
    workers = [w for w in fleet.workers if w.process.poll() is None]
    assert workers, "a worker runs through the outage"
    attempts: list[Attempt] = []
    phase = ["up"]
    stop = threading.Event()

    def load(thread: int) -> None:
        """A client at full speed that, like a well-behaved one, waits Retry-After after a 503."""
        n = 0
        while not stop.is_set():
            n += 1
            if n % 2:
                got = call("read", "GET", app.url(f"/v1/patients/{patient_id}"), headers=headers, timeout=30)
                attempts.append(Attempt(phase[0], got))
            else:
                key, body = str(uuid.uuid4()), patient_body(f"load-{thread}-{n}-{uuid.uuid4().hex[:6]}")
                got = call(
                    "create",
                    "POST",
                    app.url("/v1/patients"),
                    json=body,
                    headers={**headers, "Idempotency-Key": key},
                    timeout=30,
                )
                attempts.append(Attempt(phase[0], got, key, body))
            if got.status == 503:
                stop.wait(int(got.headers.get("retry-after", "1")))

    with receiving([Answer(200)]) as receiver:
        endpoint = fleet.endpoint(arrange, partner_id, receiver.url, ["consultation.created"])
        arrange.close()  # its connection would be cut by the stop
        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        own_postgres.stop("fast")  # every backend ends at once: the pooled connections are dead
        phase[0] = "down"
        time.sleep(3)
        ready = call("readyz", "GET", app.url("/readyz"))
        token = call("token", "POST", app.url("/oauth/token"), data={"grant_type": "client_credentials"})
        phase[0] = "recovering"
        own_postgres.start()
        recovery = fleet.wait_for(
            lambda: call("readyz", "GET", app.url("/readyz")).status == 200, 30, "/readyz 200 again"
        )
        phase[0] = "after"
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        arrange.get_bind().dispose()  # this test's own pooled connection died with the stop
        assert app.process.poll() is None, "the app process is the same one, not restarted"
        assert all(w.process.poll() is None for w in workers), "the worker rode it out"

        outcomes = [a.outcome for a in attempts]
        by_phase = {
            p: summary([a.outcome for a in attempts if a.phase == p]) for p in ("up", "down", "after")
        }
        print(f"\nPostgreSQL stopped under load: {by_phase}; /readyz 200 {recovery:.1f} s after the start")
        assert ready.status == 503 and ready.code == "service_unavailable", ready.brief()
        assert ready.content_type == PROBLEM_JSON and int(ready.headers["retry-after"]) >= 1
        assert token.status == 503 and int(token.headers["retry-after"]) >= 1, token.brief()
        assert_never_a_trace([*outcomes, ready, token], fleet)
        assert any(a.outcome.status == 503 for a in attempts if a.phase == "down"), by_phase
        after = [a.outcome for a in attempts if a.phase == "after"]
        assert after and all(200 <= o.status < 300 for o in after), summary(after)

        # Every POST, retried with its key until it has an answer, is exactly one patient.
        writes = [a for a in attempts if a.key is not None]
        with ThreadPoolExecutor(max_workers=8) as pool:
            finals = dict(
                zip(
                    [a.key for a in writes],
                    pool.map(partial(_retry_until_settled, app.url("/v1/patients"), headers), writes),
                    strict=True,
                )
            )
        assert all(o.status == 201 or o.code == "idempotency_record_lost" for o in finals.values()), summary(
            list(finals.values())
        )
        external_ids = [a.body["external_id"] for a in writes if a.body]
        rows = dict(
            arrange.execute(
                select(Patient.external_id, func.count())
                .where(Patient.partner_id == partner_id, Patient.external_id.in_(external_ids))
                .group_by(Patient.external_id)
            ).all()
        )
        missing = [e for e in external_ids if rows.get(e, 0) == 0]
        doubled = {e: n for e, n in rows.items() if n > 1}
        assert not missing and not doubled, f"lost {missing[:5]}, doubled {doubled}"

        # The worker recovered too: an event written now is delivered.
        consultation = call(
            "consultation",
            "POST",
            app.url("/v1/consultations"),
            json={
                "patient_id": patient_id,
                "conditions": ["major_depression"],
                "patient_location_state": "NY",
            },
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert consultation.status == 201, consultation.brief()
        receiver.wait_for(1, timeout=30)
        # The receiver has the post before the worker records its answer: wait for the record.
        fleet.wait_for(
            lambda: succeeded_deliveries(arrange, endpoint) == 1, 30, "the delivery recorded as succeeded"
        )


def _retry_until_settled(url: str, headers: dict[str, str], attempt: Attempt, timeout: float = 30) -> Outcome:
    """The answer a client retrying with the same key ends with (it waits out idempotency_key_in_use)."""
    outcome = attempt.outcome
    deadline = time.monotonic() + timeout
    while outcome.status != 201 and outcome.code != "idempotency_record_lost" and time.monotonic() < deadline:
        time.sleep(int(outcome.headers.get("retry-after", "1")) if outcome.status in (409, 503) else 0.5)
        outcome = call(
            "retry", "POST", url, json=attempt.body, headers={**headers, "Idempotency-Key": attempt.key or ""}
        )
    return outcome


# --- Redis gone -----------------------------------------------------------------------------------------


def test_redis_down_keeps_serving_counted_in_memory_then_shared_again(
    fleet: Fleet, own_redis: OwnRedis, partner: tuple[str, dict[str, str]]
) -> None:
    _, headers = partner
    app = fleet.apps[0]
    assert call("warm", "GET", app.url("/v1/patients"), headers=headers).status == 200
    own_redis.stop()
    try:
        started = time.monotonic()
        outcomes = [call(f"list {n}", "GET", app.url("/v1/patients"), headers=headers) for n in range(40)]
        elapsed = time.monotonic() - started
    finally:
        own_redis.start()
    assert [o.status for o in outcomes] == [200] * 40, summary(outcomes)
    assert all("ratelimit" in o.headers for o in outcomes), "still limited, in each process's memory"
    print(f"\nRedis down: 40 requests served in {elapsed:.2f} s, every one 200")
    assert_never_a_trace(outcomes, fleet)

    def shared_again() -> bool:
        call("list", "GET", app.url("/v1/patients"), headers=headers)
        return any(b"client:" in key for key in own_redis.client().keys("*"))

    back = fleet.wait_for(shared_again, 60, "the limiter counting in Redis again")
    print(f"Redis back: counting in Redis again after {back:.1f} s")


# --- a worker killed mid-pass ---------------------------------------------------------------------------


def test_a_worker_killed_mid_pass_loses_nothing_after_restart(
    fleet: Fleet, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    partner_id, _ = partner
    for worker in fleet.workers:  # this test runs its own
        if worker.process.poll() is None:
            assert worker.terminate() == 0, worker.output()
    with receiving([Answer(200, delay=0.1)]) as receiver:
        endpoint = fleet.endpoint(arrange, partner_id, receiver.url, ["follow_up_task.due"])
        provider_id = bookable_provider(arrange, capacity=100)
        tasks = [t for _ in range(30) for t in plan_with_tasks_due_today(arrange, partner_id, provider_id)]
        first = fleet.start_worker(ready=False, WEBHOOK_LEASE_SECONDS="2", WEBHOOK_CONCURRENCY="4")
        receiver.wait_for(5, timeout=60)  # the pass announced them all and is posting them, 4 at a time
        kill_group(first.process)  # SIGKILL: no chance to record or release anything
        at_kill = len(receiver.received)
        assert at_kill < len(tasks), "killed mid-pass"
        second = fleet.start_worker(WEBHOOK_LEASE_SECONDS="2", WEBHOOK_CONCURRENCY="4")

        fleet.wait_for(
            lambda: succeeded_deliveries(arrange, endpoint) == len(tasks),
            120,
            "every delivery succeeded after the restart",
        )
        time.sleep(1)
        ids = [r.headers["webhook-id"] for r in receiver.received]
        assert second.process.poll() is None
    arrange.rollback()
    events = dict(
        arrange.execute(
            select(Event.object_id, Event.id).where(
                Event.type == "follow_up_task.due", Event.object_id.in_(tasks)
            )
        ).all()
    )
    assert sorted(events) == sorted(tasks), "each due task announced exactly once"
    assert set(ids) == set(events.values()), "every event reached the receiver"
    resent = len(ids) - len(set(ids))
    print(f"\nworker SIGKILLed after {at_kill} of {len(tasks)} posts; {resent} in flight were sent again")
    # At least once: only what the killed worker had claimed (a batch of concurrency x 2) may come twice.
    assert resent <= 8, "only the posts the killed worker had claimed may arrive twice"


def test_a_worker_killed_during_its_jobs_pass_announces_everything_after_restart(
    fleet: Fleet, own_postgres: OwnPostgres, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    """The jobs pass is one transaction: killed part-way (held on a lock after claiming its first task), it
    leaves nothing half-announced, and the next worker announces every task once."""
    partner_id, _ = partner
    for worker in fleet.workers:
        if worker.process.poll() is None:
            assert worker.terminate() == 0, worker.output()
    provider_id = bookable_provider(arrange, capacity=200)
    tasks = [t for _ in range(50) for t in plan_with_tasks_due_today(arrange, partner_id, provider_id)]
    engine = make_engine(own_postgres.url("telemedical"))
    with engine.connect() as locker:
        transaction = locker.begin()
        locker.execute(text("LOCK TABLE events IN SHARE MODE"))  # the pass's first announcement waits here
        first = fleet.start_worker(ready=False)  # its first pass is held on the lock
        fleet.wait_for(lambda: waiting_on_locks(engine) >= 1, 30, "the pass held mid-way")
        kill_group(first.process)
        transaction.rollback()
    fleet.start_worker()

    def announced() -> int:
        arrange.rollback()
        return int(
            arrange.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.type == "follow_up_task.due", Event.object_id.in_(tasks))
            )
            or 0
        )

    fleet.wait_for(lambda: announced() >= len(tasks), 60, "every due task announced")
    time.sleep(1.5)
    engine.dispose()
    assert announced() == len(tasks), "each exactly once"


def waiting_on_locks(engine: Any) -> int:
    with engine.connect() as probe:
        return int(
            probe.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) or 0
        )


# --- SIGTERM with requests in flight ------------------------------------------------------------------


def test_sigterm_drains_the_requests_in_flight(
    fleet: Fleet, own_postgres: OwnPostgres, partner: tuple[str, dict[str, str]], arrange: Session
) -> None:
    _, headers = partner
    app = fleet.start_app(workers=1)  # its own process: this test stops it
    token = {"Authorization": headers["Authorization"]}
    engine = make_engine(own_postgres.url("telemedical"))
    outcomes: list[Outcome] = []
    with engine.connect() as locker:
        transaction = locker.begin()
        # Writes to patients wait on this lock: the requests are in flight, held in the database.
        locker.execute(text("LOCK TABLE patients IN SHARE MODE"))

        def create(n: int) -> None:
            outcomes.append(
                call(
                    f"create {n}",
                    "POST",
                    app.url("/v1/patients"),
                    json=patient_body(f"drain-{n}-{uuid.uuid4().hex[:6]}"),
                    headers={**token, "Idempotency-Key": str(uuid.uuid4())},
                )
            )

        threads = [threading.Thread(target=create, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()

        fleet.wait_for(lambda: waiting_on_locks(engine) >= 2, 30, "two creates waiting on the lock")
        stopped_at = time.monotonic()
        app.process.send_signal(signal.SIGTERM)
        time.sleep(1)
        refused = call("new", "GET", app.url("/healthz"), timeout=3)
        transaction.rollback()
    for thread in threads:
        thread.join(timeout=60)
    code = app.process.wait(timeout=40)
    engine.dispose()
    took = time.monotonic() - stopped_at
    print(f"\nSIGTERM with 2 requests in flight: {summary(outcomes)}, exit {code} after {took:.1f} s")
    assert [o.status for o in outcomes] == [201, 201], summary(outcomes)
    assert refused.status == 0, "no new connection is accepted once stopping"
    assert code == 0, app.log_since(0)[-2000:]
