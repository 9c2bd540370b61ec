"""A crowd of clients writing at once against the live server, as an attacker's load test would (issue 22).

    .venv/bin/python -m tests.contract.crowd                        # 50 clients, 30 s, PostgreSQL
    .venv/bin/python -m tests.contract.crowd --database sqlite --clients 50 --seconds 30

The server starts as production runs it (``telemedical run --workers 2``, as ``make fuzz`` starts it) on a
throw-away database; a small world is made over HTTP (a provider open around the clock, patients with
consents, consultations ready to book, an active follow-up plan, webhook endpoints). Then ``--clients``
threads, each its own connection and token, pick writes at random for ``--seconds``, most of them on the
same few objects so that they collide:

- patients created with fresh Idempotency-Keys, and with a few shared keys (one patient per key);
- one patient PATCHed with the If-Match each client just read (412 for all but one);
- consultations created (each emits an event to the webhook endpoints) while endpoints are created and
  deleted;
- the same few consultations booked into the same few slots (one appointment each);
- the plan held and resumed while its patient's treatment consent is given and withdrawn;
- reads of lists and records in between.

It fails on any 5xx, any connection error, any unhandled error in the server's log, and any broken
invariant afterwards: one patient per shared key, at most one appointment per consultation, the plan never
active without the consent in force. It prints every (operation, status) count.
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from tests.contract.fuzz import served, summarize_server_errors
from tests.contract.seed import Api, Identities, Seeded, _Seeder
from tests.world import Creds

SHARED_KEYS = 5
READY_CONSULTATIONS = 8
SLOTS = 4


def _hour(offset: int) -> str:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=offset)
    return start.isoformat().replace("+00:00", "Z")


class World:
    """What the crowd writes on, made over HTTP."""

    def __init__(self, base: str, admin: Creds) -> None:
        api = Api(base)
        seeder = _Seeder(api, Seeded(Identities(admin, admin, admin)))
        self.admin = admin
        _, self.portal = seeder.partner("Crowd Clinic Network")
        self.provider = seeder.provider(("NY",))
        adult = ("telehealth", "ketamine_treatment", "data_sharing")
        self.patients = [
            seeder.patient(self.portal, f"Crowd{i}", f"1980-01-0{i + 1}", *adult) for i in range(3)
        ]
        self.ready = []
        for _ in range(READY_CONSULTATIONS):
            consultation = seeder.consultation(self.portal, self.patients[0])
            seeder.eligible(self.portal, self.patients[0], consultation)
            self.ready.append(consultation)
        today = datetime.now(UTC).date()
        self.plan = seeder.plan(seeder.completed(self.portal, self.patients[1]), today)
        seeder.rems_enrolment(self.portal, self.patients[1], today)
        seeder.action(admin, f"/v1/follow-up-plans/{self.plan}/activate")
        self.plan_patient = self.patients[1]
        self.keys = [f"crowd-shared-{uuid.uuid4()}" for _ in range(SHARED_KEYS)]


class Client:
    """One member of the crowd: its own connection, tokens and counts."""

    def __init__(self, base: str, world: World, seed: int, deadline: float) -> None:
        self.base = base
        self.world = world
        self.random = random.Random(seed)
        self.deadline = deadline
        self.http = requests.Session()
        self.api = Api(base)
        self.api.http = self.http
        self.counts: collections.Counter[tuple[str, int]] = collections.Counter()
        self.failures: list[str] = []

    def call(self, label: str, creds: Creds, method: str, path: str, body: Any = None, **headers: str) -> Any:
        try:
            response = self.http.request(
                method,
                f"{self.base}{path}",
                json=body,
                headers={"Authorization": f"Bearer {self.api.token(creds)}", **headers},
                timeout=60,
            )
        except requests.RequestException as exc:
            self.counts[(label, 0)] += 1
            self.failures.append(f"{label}: {type(exc).__name__}")
            return None
        self.counts[(label, response.status_code)] += 1
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code} {response.text[:300]}")
        return response

    def key(self) -> dict[str, str]:
        return {"Idempotency-Key": str(uuid.uuid4())}

    # --- the operations --------------------------------------------------------------------------------

    def create_patient(self) -> None:
        body = _patient(f"Fresh{self.random.randrange(10**6)}")
        self.call("create patient", self.world.portal, "POST", "/v1/patients", body, **self.key())

    def create_patient_shared_key(self) -> None:
        index = self.random.randrange(SHARED_KEYS)
        key = self.world.keys[index]
        self.call(
            "create patient (shared key)",
            self.world.portal,
            "POST",
            "/v1/patients",
            _patient(f"Key{index}"),
            **{"Idempotency-Key": key},
        )

    def patch_patient(self) -> None:
        path = f"/v1/patients/{self.world.patients[2]}"
        read = self.call("read patient", self.world.portal, "GET", path)
        if read is None or read.status_code != 200:
            return
        body = {"phone": f"+1212555{self.random.randrange(10**4):04d}"}
        self.call(
            "patch patient", self.world.portal, "PATCH", path, body, **{"If-Match": read.headers["ETag"]}
        )

    def create_consultation(self) -> None:
        body = {
            "patient_id": self.world.patients[0],
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
            "preferred_language": "en",
        }
        self.call("create consultation", self.world.portal, "POST", "/v1/consultations", body, **self.key())

    def webhook_churn(self) -> None:
        body = {"url": "https://hooks.crowd.example/in", "event_types": ["consultation.created"]}
        made = self.call(
            "create webhook endpoint", self.world.portal, "POST", "/v1/webhook-endpoints", body, **self.key()
        )
        if made is not None and made.status_code == 201:
            self.call(
                "delete webhook endpoint",
                self.world.portal,
                "DELETE",
                f"/v1/webhook-endpoints/{made.json()['id']}",
            )

    def book(self) -> None:
        consultation = self.random.choice(self.world.ready)
        body = {"provider_id": self.world.provider, "slot_start": _hour(3 + self.random.randrange(SLOTS))}
        self.call(
            "book",
            self.world.portal,
            "POST",
            f"/v1/consultations/{consultation}/assignment",
            body,
            **self.key(),
        )

    def plan_action(self) -> None:
        action, body = self.random.choice((("hold", {"reason": "Review"}), ("activate", {})))
        self.call(
            f"plan {action}",
            self.world.admin,
            "POST",
            f"/v1/follow-up-plans/{self.world.plan}/{action}",
            body,
            **self.key(),
        )

    def consent_churn(self) -> None:
        path = f"/v1/patients/{self.world.plan_patient}/consents"
        body = {"type": "ketamine_treatment", "version": "2", "accepted_at": _hour(-48)}
        given = self.call("give consent", self.world.portal, "POST", path, body, **self.key())
        if given is not None and given.status_code == 201 and self.random.random() < 0.7:
            self.call(
                "withdraw consent",
                self.world.portal,
                "POST",
                f"{path}/{given.json()['id']}/withdraw",
                **self.key(),
            )

    def read(self) -> None:
        path = self.random.choice(
            (
                "/v1/patients?limit=20",
                f"/v1/consultations?patient_id={self.world.patients[0]}",
                f"/v1/follow-up-plans/{self.world.plan}",
                f"/v1/follow-up-plans/{self.world.plan}/tasks",
                "/v1/events?limit=50",
            )
        )
        self.call("read", self.world.portal if "plans" not in path else self.world.admin, "GET", path)

    def run(self) -> None:
        operations = (
            (self.create_patient, 2),
            (self.create_patient_shared_key, 2),
            (self.patch_patient, 2),
            (self.create_consultation, 3),
            (self.webhook_churn, 1),
            (self.book, 2),
            (self.plan_action, 2),
            (self.consent_churn, 2),
            (self.read, 4),
        )
        choices = [operation for operation, weight in operations for _ in range(weight)]
        while time.monotonic() < self.deadline:
            self.random.choice(choices)()


def _patient(given: str) -> dict[str, Any]:
    return {
        "given_name": given,
        "family_name": "Crowd",
        "birth_date": "1984-03-03",
        "sex_at_birth": "female",
        "email": f"{given.lower()}@crowd.example",
        "timezone": "America/New_York",
        "address": {"line1": "1 Main St", "city": "Albany", "state": "NY", "postal_code": "12207"},
    }


def check_invariants(base: str, world: World) -> list[str]:
    """What must hold however the crowd's requests interleaved."""
    api = Api(base)
    broken = []
    patients = api.call(world.portal, "GET", "/v1/patients?limit=100")["data"]
    for index in range(SHARED_KEYS):
        made = [p for p in patients if p["given_name"] == f"Key{index}"]
        if len(made) > 1:
            broken.append(f"shared key {index} made {len(made)} patients")
    for consultation in world.ready:
        booked = api.http.get(
            f"{base}/v1/consultations/{consultation}/appointment",
            headers={"Authorization": f"Bearer {api.token(world.portal)}"},
            timeout=30,
        )
        if booked.status_code not in (200, 404):
            broken.append(f"consultation {consultation}: appointment read {booked.status_code}")
    plan = api.call(world.admin, "GET", f"/v1/follow-up-plans/{world.plan}")
    consents = api.call(world.portal, "GET", f"/v1/patients/{world.plan_patient}/consents?limit=100")["data"]
    in_force = [c for c in consents if c["type"] == "ketamine_treatment" and c["withdrawn_at"] is None]
    if plan["status"] == "active" and not in_force:
        broken.append("the plan is active with no ketamine_treatment consent in force")
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the run directory (server log)")
    args = parser.parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="telemedical-crowd-"))
    failures: list[str] = []
    totals: collections.Counter[tuple[str, int]] = collections.Counter()
    try:
        with served(args.database, run_dir, "telemedical_crowd") as (base, admin, log):
            world = World(base, admin)
            deadline = time.monotonic() + args.seconds
            clients = [Client(base, world, seed, deadline) for seed in range(args.clients)]
            for client in clients:  # tokens before the start, so the crowd starts together
                client.api.token(world.portal), client.api.token(admin)
            threads = [threading.Thread(target=client.run) for client in clients]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            for client in clients:
                totals.update(client.counts)
                failures.extend(client.failures)
            failures.extend(check_invariants(base, world))
        server_errors = summarize_server_errors(log)
    finally:
        if args.keep:
            print(f"Run directory kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    requests_made = sum(totals.values())
    print(
        f"\n{args.clients} clients, {elapsed:.0f} s on {args.database}: {requests_made:,} requests "
        f"({requests_made / elapsed:.0f}/s)"
    )
    for (label, status), count in sorted(totals.items()):
        print(f"  {label:32} {status:>4}  {count:>6}")
    server_5xx = sum(count for (_, status), count in totals.items() if status >= 500 or status == 0)
    print(
        f"5xx or no answer: {server_5xx}; unhandled server errors: {server_errors}; broken: {len(failures)}"
    )
    for failure in failures[:20]:
        print(f"  {failure}")
    return 0 if not failures and not server_errors and not server_5xx else 1


if __name__ == "__main__":
    sys.exit(main())
