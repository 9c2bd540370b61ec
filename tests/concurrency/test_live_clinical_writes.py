"""The clinical write paths of issues 24, 25 and 27 under concurrent requests to real server processes (SQLite
in `make test`, PostgreSQL in `make test-postgres`): zero 5xx, exactly one winner where one is due, and the
database agreeing with the answers.

- One consultation's escalation acknowledged at once by two providers of the review queue: one 200, the others
  409 `already_acknowledged` (412 with one If-Match); the stored acknowledgement is the winner's.
- One plan's escalation (a C-SSRS high at a check-in) acknowledged at once by its provider: the same.
- C-SSRS highs at check-ins at once: one hold, one escalation; moderates at once: one open risk review linked
  to each. A resume racing a new crisis: the plan ends on hold, the new escalation waiting. Check-ins racing a
  consent withdrawal or a resume: every request succeeds (they deadlocked on PostgreSQL before the patient's
  lock became FOR NO KEY UPDATE).
- One prescription cancelled at once: one 200, the others 409 `invalid_transition` (412 with one If-Match);
  cancelled once, one `prescription.cancelled`.
- Prescriptions issued at once on one visit: the rules set no limit per visit, so each is its own prescription
  with its own event; one Idempotency-Key sent at once issues one.
- One patient's REMS enrolment put at once with different bodies: every answer 200, the stored enrolment one
  of the answers, whole (never the date of one and the id of another).
- One visit started at once: one 200, the others 409 `invalid_transition`, one visit; one plan visit sent at
  once with one Idempotency-Key: one visit.
- Test events sent to one webhook endpoint at once: every answer 202, one event and one delivery per answer;
  sent while the endpoint is disabled or deleted: each queued first (then cancelled, or deleted with it) or
  refused (409 `endpoint_disabled`, 404), nothing left pending for a disabled endpoint.

Providers act through their own tokens: a platform clinician app, a provider user, the PKCE sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Consultation, Escalation, Event, Patient, Prescription, Visit, WebhookDelivery
from api.models.webhook import DeliveryStatus
from api.services import accounts
from tests.care import completed_consultation
from tests.clinical import CSSRS_HIGH, CSSRS_MODERATE, PHQ9_MODERATE
from tests.concurrency.conftest import Tenant
from tests.concurrency.server import (
    REQUEST_TIMEOUT,
    LiveServer,
    Outcome,
    assert_sound,
    call,
    simultaneously,
    summary,
)
from tests.concurrency.test_live_concurrency import (
    CONTENDERS,
    ROUNDS,
    count,
    etag_of,
    one_winner,
    ready_consultation,
    stored_patient,
    with_key,
)
from tests.concurrency.test_live_new_writes import active_intranasal_plan
from tests.directory import VIDEO_VISIT, all_day_availability, iso, next_whole_hour, provider_body
from tests.world import REDIRECT

CLINICIAN_SCOPES = (
    "providers:read consultations:read consultations:write patients:read patients:write screenings:read "
    "plans:read plans:write"
)
PASSWORD = "clinician-password-1"
NCPDP = "1234567"


# --- providers and their tokens -----------------------------------------------------------------------------


# Where this file's consultations are: not New York, whose consultations other tests match with providers of
# their own (the SDK journey expects its psychiatrist first); ours, open around the clock, would outrank them.
STATE = "VT"


def new_provider(server: LiveServer, tenant: Tenant) -> str:
    """A psychiatrist (MD) licensed with a schedule II-V DEA registration in Vermont (``STATE``) and Texas, a
    REMS-certified clinic in each, open around the clock."""
    body = provider_body()
    licence, registration = body["licenses"][0], body["dea_registrations"][0]
    body["licenses"] = [
        {**licence, "state": state, "number": f"{state}-{body['npi']}"} for state in (STATE, "TX")
    ]
    body["dea_registrations"] = [{**registration, "state": state} for state in (STATE, "TX")]
    body["sites"] = [
        {"name": f"{state} clinic", "state": state, "rems_certified": True} for state in (STATE, "TX")
    ]
    made = call("provider", "POST", server.url("/v1/providers"), json=body, headers=with_key(tenant.admin))
    assert made.status == 201, made.brief()
    provider_id = str(made.body["id"])
    open_ = call(
        "availability",
        "PUT",
        server.url(f"/v1/providers/{provider_id}/availability"),
        json={**all_day_availability(), "exceptions": []},
        headers=tenant.admin,
    )
    assert open_.status == 200, open_.brief()
    return provider_id


def signed_in(server: LiveServer, arrange: Session, provider_id: str) -> dict[str, str]:
    """The provider's bearer headers: a user of theirs signs in on a platform clinician app (PKCE)."""
    system = accounts.system_principal()
    app, _ = accounts.create_client(
        arrange,
        system,
        None,
        name="Clinician app",
        grant_type="authorization_code",
        scope=CLINICIAN_SCOPES,
        redirect_uris=[REDIRECT],
        public=True,
    )
    email = f"{provider_id}@clinic.example"
    accounts.create_user(
        arrange, system, role="provider", email=email, password=PASSWORD, provider_id=provider_id
    )
    arrange.commit()  # the script's boundary: the server reads them from now on
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.id,
            "redirect_uri": REDIRECT,
            "scope": CLINICIAN_SCOPES,
            "state": "race",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    browser = requests.Session()
    page = browser.get(server.url(f"/oauth/authorize?{query}"), timeout=REQUEST_TIMEOUT)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and csrf, page.text[:500]
    allowed = browser.post(
        server.url(f"/oauth/authorize?{query}"),
        data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD, "decision": "allow"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert allowed.status_code == 302, allowed.text[:500]
    token = requests.post(
        server.url("/oauth/token"),
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(allowed.headers["Location"]).query)["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": app.id,
            "code_verifier": verifier,
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def rows(arrange: Session, model: Any, *conditions: Any) -> int:
    return count(arrange, select(func.count()).select_from(model).where(*conditions))


def events(arrange: Session, type_: str, object_id: str) -> dict[str, dict[str, Any]]:
    """The object's events of a type (id: data), read in a transaction of its own (see ``count``): plain
    values, for a row read again after the rollback would open a transaction that holds SQLite's lock."""
    arrange.rollback()
    try:
        found = arrange.execute(
            select(Event.id, Event.data).where(Event.type == type_, Event.object_id == object_id)
        )
        return {event_id: dict(data) for event_id, data in found}
    finally:
        arrange.rollback()


def acknowledgements(count_: int, tag: str) -> list[dict[str, str]]:
    """Bodies that tell the contenders apart: the stored note names the winner."""
    outcomes = ("reached", "not_reached", "emergency_services")
    return [
        {"note": f"Called the patient ({tag}, contender {i}).", "contact_outcome": outcomes[i % 3]}
        for i in range(count_)
    ]


def race_acknowledgements(
    server: LiveServer,
    url: str,
    contenders: list[dict[str, str]],
    bodies: list[dict[str, str]],
    if_match: str | None,
    context: str,
) -> tuple[Outcome, dict[str, str]]:
    """Every body sent at once, each with its contender's headers; the one 200 and the body it sent."""
    offset = server.log_offset()
    precondition = {"If-Match": if_match} if if_match else {}
    outcomes = simultaneously(
        [
            partial(
                call,
                f"acknowledge {i}",
                "POST",
                url,
                json=body,
                headers=with_key({**contenders[i % len(contenders)], **precondition}),
            )
            for i, body in enumerate(bodies)
        ]
    )
    assert_sound(outcomes, server, offset)
    # With the current ETag the losers fail the precondition; without one, the second acknowledgement.
    losers, codes = ({412}, {"precondition_failed"}) if if_match else ({409}, {"already_acknowledged"})
    winner = one_winner(outcomes, 200, losers, codes, context)
    return winner, bodies[outcomes.index(winner)]


# --- 1. one consultation's escalation, acknowledged at once -------------------------------------------------


def test_one_consultation_escalation_acknowledged_at_once_has_one_winner(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """Escalated cases are in every licensed provider's queue: two Vermont providers acknowledge the same
    crisis at once, several times each. One acknowledgement is stored, the winner's; each new C-SSRS high
    after it opens a new escalation, raced again."""
    providers = [new_provider(live_server, tenant) for _ in range(2)]
    contenders = [signed_in(live_server, arrange, provider_id) for provider_id in providers]
    patient_id = stored_patient(arrange, tenant.partner_id, "escalation-race")
    made = call(
        "consultation",
        "POST",
        live_server.url("/v1/consultations"),
        json={"patient_id": patient_id, "conditions": ["major_depression"], "patient_location_state": STATE},
        headers=with_key(tenant.headers),
    )
    assert made.status == 201, made.brief()
    consultation_id = made.body["id"]
    path = f"/v1/consultations/{consultation_id}"
    for round_ in range(ROUNDS):
        crisis = call(
            "C-SSRS high",
            "POST",
            live_server.url("/v1/screenings"),
            json={
                "patient_id": patient_id,
                "consultation_id": consultation_id,
                "instrument": "cssrs",
                "answers": CSSRS_HIGH,
                "completed_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
            },
            headers=with_key(tenant.headers),
        )
        assert crisis.status == 201, crisis.brief()
        before = call("case", "GET", live_server.url(path), headers=tenant.headers)
        assert before.body["status"] == "escalated", before.brief()
        assert before.body["escalation"]["acknowledged_at"] is None, before.body["escalation"]
        if_match = before.headers["etag"] if round_ % 2 else None
        winner, sent = race_acknowledgements(
            live_server,
            live_server.url(f"{path}/acknowledge-escalation"),
            contenders,
            acknowledgements(CONTENDERS, f"round {round_}"),
            if_match,
            f"round {round_}",
        )
        stored = call("case", "GET", live_server.url(path), headers=tenant.headers).body["escalation"]
        assert stored == winner.body["escalation"]
        assert (stored["note"], stored["contact_outcome"]) == (sent["note"], sent["contact_outcome"])
        assert stored["acknowledged_by"] in providers
        # Each crisis raised one escalation, each acknowledged once (the latest by the winner just now).
        raised = rows(arrange, Escalation, Escalation.consultation_id == consultation_id)
        acknowledged = rows(
            arrange,
            Escalation,
            Escalation.consultation_id == consultation_id,
            Escalation.acknowledged_at.is_not(None),
        )
        assert (raised, acknowledged) == (round_ + 1, round_ + 1), summary([winner])


# --- 2. one plan's escalation, acknowledged at once ---------------------------------------------------------


def test_one_plan_escalation_acknowledged_at_once_has_one_winner(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """A C-SSRS high at a check-in escalates the active plan; its provider (two devices, say) acknowledges
    at once: one acknowledgement, the winner's. The psychiatrist then resumes the plan, and the next crisis
    is raced again."""
    plan_id = active_intranasal_plan(live_server, tenant, arrange, "plan-escalation-race")
    path = f"/v1/follow-up-plans/{plan_id}"
    plan = call("plan", "GET", live_server.url(path), headers=tenant.admin).body
    provider = signed_in(live_server, arrange, plan["provider_id"])
    for round_ in range(ROUNDS):
        crisis = call(
            "C-SSRS high",
            "POST",
            live_server.url("/v1/screenings"),
            json={
                "patient_id": plan["patient_id"],
                "plan_id": plan_id,
                "instrument": "cssrs",
                "answers": CSSRS_HIGH,
                "completed_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
            },
            headers=with_key(tenant.headers),
        )
        assert crisis.status == 201, crisis.brief()
        before = call("plan", "GET", live_server.url(path), headers=provider)
        assert before.body["status"] == "on_hold", before.brief()
        assert before.body["escalation"]["acknowledged_at"] is None, before.body["escalation"]
        if_match = before.headers["etag"] if round_ % 2 else None
        winner, sent = race_acknowledgements(
            live_server,
            live_server.url(f"{path}/acknowledge-escalation"),
            [provider],
            acknowledgements(CONTENDERS, f"round {round_}"),
            if_match,
            f"round {round_}",
        )
        stored = call("plan", "GET", live_server.url(path), headers=provider).body["escalation"]
        assert stored == winner.body["escalation"]
        assert (stored["note"], stored["contact_outcome"], stored["acknowledged_by"]) == (
            sent["note"],
            sent["contact_outcome"],
            plan["provider_id"],
        )
        raised = rows(arrange, Escalation, Escalation.plan_id == plan_id)
        acknowledged = rows(
            arrange, Escalation, Escalation.plan_id == plan_id, Escalation.acknowledged_at.is_not(None)
        )
        assert (raised, acknowledged) == (round_ + 1, round_ + 1)
        resumed = call(
            "resume",
            "POST",
            live_server.url(f"{path}/activate"),
            json={"reason": "Seen today; safety plan agreed.", "safety_plan_documented": True},
            headers=with_key(provider),
        )
        assert resumed.status == 200, resumed.brief()


def check_in(
    server: LiveServer, tenant: Tenant, plan: dict[str, Any], answers: dict[str, Any], label: str
) -> Any:
    """A C-SSRS answered at the plan's check-in, as the partner's app sends it (a task of its own)."""
    body = {
        "patient_id": plan["patient_id"],
        "plan_id": plan["id"],
        "instrument": "cssrs",
        "answers": answers,
        "completed_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
    }
    return partial(
        call, label, "POST", server.url("/v1/screenings"), json=body, headers=with_key(tenant.headers)
    )


def test_crises_at_check_ins_at_once_hold_the_plan_once_with_one_escalation_and_one_review(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """The patient's app sends C-SSRS answers twice or more at once (a retry, two devices). Every screening
    is recorded; the C-SSRS highs hold the plan once and open one escalation (one crisis, one urgent
    contact); the moderate ones after it add one open risk review, linked to every one of them."""
    plan_id = active_intranasal_plan(live_server, tenant, arrange, "check-in-crises")
    plan = call("plan", "GET", live_server.url(f"/v1/follow-up-plans/{plan_id}"), headers=tenant.admin).body
    offset = live_server.log_offset()
    outcomes = simultaneously(
        [check_in(live_server, tenant, plan, CSSRS_HIGH, f"high {i}") for i in range(CONTENDERS)]
    )
    assert_sound(outcomes, live_server, offset)
    assert [item.status for item in outcomes] == [201] * CONTENDERS, summary(outcomes)
    held = [
        data
        for data in events(arrange, "follow_up_plan.status_changed", plan_id).values()
        if data.get("status") == "on_hold"
    ]
    assert len(held) == 1, f"held {len(held)} times"
    assert rows(arrange, Escalation, Escalation.plan_id == plan_id) == 1

    offset = live_server.log_offset()
    outcomes = simultaneously(
        [check_in(live_server, tenant, plan, CSSRS_MODERATE, f"moderate {i}") for i in range(CONTENDERS)]
    )
    assert_sound(outcomes, live_server, offset)
    assert [item.status for item in outcomes] == [201] * CONTENDERS, summary(outcomes)
    tasks = call(
        "reviews",
        "GET",
        live_server.url(f"/v1/follow-up-plans/{plan_id}/tasks?kind=review&limit=100"),
        headers=tenant.admin,
    )
    assert tasks.status == 200, tasks.brief()
    reviews = [task for task in tasks.body["data"] if task["purpose"] == "risk_review"]
    assert len(reviews) == 1, [(task["id"], task["due_on"], task["status"]) for task in reviews]
    assert set(reviews[0]["screening_ids"]) == {item.body["id"] for item in outcomes}


def test_a_resume_racing_a_new_crisis_never_leaves_the_plan_active_unacknowledged(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """The psychiatrist resumes a plan whose escalation was acknowledged while the patient reports a new
    crisis. Whichever comes first, the plan ends on hold with the new escalation waiting for its contact:
    resumed and then held again, or the resume refused (422 ``escalation_not_acknowledged``)."""
    plan_id = active_intranasal_plan(live_server, tenant, arrange, "resume-vs-crisis")
    path = f"/v1/follow-up-plans/{plan_id}"
    plan = call("plan", "GET", live_server.url(path), headers=tenant.admin).body
    provider = signed_in(live_server, arrange, plan["provider_id"])
    first = check_in(live_server, tenant, plan, CSSRS_HIGH, "first crisis")()
    assert first.status == 201, first.brief()
    resume = {"reason": "Seen today; safety plan agreed.", "safety_plan_documented": True}
    for trial in range(6):
        contact = {"note": f"Reached the patient (trial {trial}).", "contact_outcome": "reached"}
        acknowledged = call(
            "acknowledge",
            "POST",
            live_server.url(f"{path}/acknowledge-escalation"),
            json=contact,
            headers=with_key(provider),
        )
        assert acknowledged.status == 200, acknowledged.brief()
        offset = live_server.log_offset()
        outcomes = simultaneously(
            [
                check_in(live_server, tenant, plan, CSSRS_HIGH, "new crisis"),
                partial(
                    call,
                    "resume",
                    "POST",
                    live_server.url(f"{path}/activate"),
                    json=resume,
                    headers=with_key(provider),
                ),
            ]
        )
        assert_sound(outcomes, live_server, offset)
        crisis, resumed = outcomes
        assert crisis.status == 201, crisis.brief()
        assert (resumed.status, resumed.code) in ((200, None), (422, "escalation_not_acknowledged")), summary(
            outcomes
        )
        final = call("plan", "GET", live_server.url(path), headers=provider).body
        assert (final["status"], final["escalation"]["acknowledged_at"]) == ("on_hold", None), (
            f"trial {trial}: {summary(outcomes)}; {final['status']}, escalation {final['escalation']}"
        )
        assert rows(arrange, Escalation, Escalation.plan_id == plan_id) == trial + 2


def test_check_ins_racing_a_consent_withdrawal_and_a_resume_never_fail(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """Check-ins lock their plan and then record rows of the patient, while a consent withdrawal (or a resume)
    locks the patient and then the plan: on PostgreSQL the two orders met in a deadlock, and one request got
    a 503. Whichever comes first now, every request succeeds: the withdrawal holds the plan and every check-in
    is recorded."""
    plan_id = active_intranasal_plan(live_server, tenant, arrange, "check-ins-vs-withdrawal")
    path = f"/v1/follow-up-plans/{plan_id}"
    plan = call("plan", "GET", live_server.url(path), headers=tenant.admin).body
    consents = live_server.url(f"/v1/patients/{plan['patient_id']}/consents")
    consent = {"type": "ketamine_treatment", "version": "2", "accepted_at": iso(datetime.now(UTC))}

    def check_ins() -> list[Callable[[], Outcome]]:
        body = {
            "patient_id": plan["patient_id"],
            "plan_id": plan_id,
            "instrument": "phq9",
            "answers": PHQ9_MODERATE,
            "completed_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
        }
        screenings = live_server.url("/v1/screenings")
        return [
            partial(call, f"PHQ-9 {i}", "POST", screenings, json=body, headers=with_key(tenant.headers))
            for i in range(CONTENDERS - 1)
        ]

    for trial in range(ROUNDS):
        given = call("consent", "POST", consents, json=consent, headers=with_key(tenant.headers))
        assert given.status == 201, given.brief()
        withdraw = partial(
            call,
            "withdraw",
            "POST",
            f"{consents}/{given.body['id']}/withdraw",
            headers=with_key(tenant.headers),
        )
        offset = live_server.log_offset()
        outcomes = simultaneously([withdraw, *check_ins()])
        assert_sound(outcomes, live_server, offset)
        expected = [200] + [201] * (CONTENDERS - 1)
        assert [item.status for item in outcomes] == expected, f"trial {trial}: {summary(outcomes)}"
        assert call("plan", "GET", live_server.url(path), headers=tenant.admin).body["status"] == "on_hold"

        again = call("consent", "POST", consents, json=consent, headers=with_key(tenant.headers))
        assert again.status == 201, again.brief()
        offset = live_server.log_offset()
        resume = partial(
            call,
            "resume",
            "POST",
            live_server.url(f"{path}/activate"),
            json={},
            headers=with_key(tenant.admin),
        )
        outcomes = simultaneously([resume, *check_ins()])
        assert_sound(outcomes, live_server, offset)
        assert [item.status for item in outcomes] == expected, f"trial {trial}: {summary(outcomes)}"
        assert call("plan", "GET", live_server.url(path), headers=tenant.admin).body["status"] == "active"
        # The next trial withdraws every ketamine consent in force, this one included.


# --- 3 and 4. prescriptions ---------------------------------------------------------------------------------


@dataclass
class Prescribing:
    """An oral at-home plan (draft) of a completed Texas consultation, its provider's token, and what a
    prescription needs: an in-person plan visit (an in-person evaluation, the legal basis) and a PDMP
    check."""

    plan_id: str
    patient_id: str
    provider: dict[str, str]
    visit_id: str
    pdmp_check_id: str

    @property
    def url(self) -> str:
        return f"/v1/follow-up-plans/{self.plan_id}/prescriptions"

    def body(self, **changes: Any) -> dict[str, Any]:
        return {
            "visit_id": self.visit_id,
            "pdmp_check_id": self.pdmp_check_id,
            "medication": "ketamine",
            "route": "oral",
            "dose_mg": 100,
            "quantity": 8,
            "days_supply": 28,
            "refills": 1,
            "dispensing": "pharmacy",
            "pharmacy_ncpdp_id": NCPDP,
            **changes,
        }


VISIT = {
    "modality": "in_person",
    "patient_location_state": "TX",
    "identity_verified": True,
    "identity_method": "photo_id",
    "note": "Follow-up at the clinic: mood improving.",
}


def prescribing(server: LiveServer, tenant: Tenant, arrange: Session, tag: str) -> Prescribing:
    provider_id = new_provider(server, tenant)
    provider = signed_in(server, arrange, provider_id)
    patient_id = stored_patient(arrange, tenant.partner_id, tag)
    consultation_id = completed_consultation(arrange, tenant.partner_id, patient_id, provider_id)
    plan = call(
        "plan",
        "POST",
        server.url("/v1/follow-up-plans"),
        json={
            "consultation_id": consultation_id,
            "protocol": "oral_at_home",
            "route": "oral",
            "start_date": date.today().isoformat(),
            "check_in_instruments": ["phq9", "cssrs"],
        },
        headers=with_key(provider),
    )
    assert plan.status == 201, plan.brief()
    visit = call(
        "visit",
        "POST",
        server.url(f"/v1/follow-up-plans/{plan.body['id']}/visits"),
        json=VISIT,
        headers=with_key(provider),
    )
    assert visit.status == 201, visit.brief()
    check = call(
        "PDMP check",
        "POST",
        server.url(f"/v1/patients/{patient_id}/pdmp-checks"),
        json={
            "state": "TX",
            "checked_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
            "result": "no_concerns",
        },
        headers=with_key(provider),
    )
    assert check.status == 201, check.brief()
    return Prescribing(plan.body["id"], patient_id, provider, visit.body["id"], check.body["id"])


def test_one_prescription_cancelled_at_once_is_cancelled_once(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    world = prescribing(live_server, tenant, arrange, "cancel-race")
    for round_ in range(ROUNDS):
        issued = call(
            "issue",
            "POST",
            live_server.url(world.url),
            json=world.body(),
            headers=with_key(world.provider),
        )
        assert issued.status == 201, issued.brief()
        path = f"{world.url}/{issued.body['id']}"
        # Odd rounds send the current ETag, which the losers fail; even rounds none: the losers find it
        # cancelled.
        precondition = {"If-Match": etag_of(live_server, path, world.provider)} if round_ % 2 else {}
        offset = live_server.log_offset()
        outcomes = simultaneously(
            [
                partial(
                    call,
                    f"cancel {i}",
                    "POST",
                    live_server.url(f"{path}/cancel"),
                    json={"reason": f"Dose to be reviewed ({round_}-{i})."},
                    headers=with_key({**world.provider, **precondition}),
                )
                for i in range(CONTENDERS)
            ]
        )
        assert_sound(outcomes, live_server, offset)
        losers, codes = ({412}, {"precondition_failed"}) if precondition else ({409}, {"invalid_transition"})
        winner = one_winner(outcomes, 200, losers, codes, f"round {round_}")
        final = call("final", "GET", live_server.url(path), headers=world.provider)
        assert final.body["status"] == "cancelled", final.brief()
        assert final.body == winner.body
        cancelled = events(arrange, "prescription.cancelled", issued.body["id"])
        assert len(cancelled) == 1, f"round {round_}: {len(cancelled)} cancellation events"


def test_prescriptions_issued_at_once_on_one_visit(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """The rules (clinical-rules.md §5) set no limit of prescriptions per visit or per plan: N requests with
    their own Idempotency-Keys issue N prescriptions, each announced once; N with one key issue one."""
    world = prescribing(live_server, tenant, arrange, "issue-race")
    offset = live_server.log_offset()
    outcomes = simultaneously(
        [
            partial(
                call,
                f"issue {i}",
                "POST",
                live_server.url(world.url),
                json=world.body(dose_mg=50 + i),
                headers=with_key(world.provider),
            )
            for i in range(CONTENDERS)
        ]
    )
    assert_sound(outcomes, live_server, offset)
    assert [item.status for item in outcomes] == [201] * CONTENDERS, summary(outcomes)
    issued = {item.body["id"] for item in outcomes}
    assert len(issued) == CONTENDERS
    assert sorted(item.body["dose_mg"] for item in outcomes) == [50 + i for i in range(CONTENDERS)]
    assert rows(arrange, Prescription, Prescription.plan_id == world.plan_id) == CONTENDERS
    announced = [len(events(arrange, "prescription.created", rx)) for rx in sorted(issued)]
    assert announced == [1] * CONTENDERS

    for round_ in range(ROUNDS):
        offset = live_server.log_offset()
        headers = with_key(world.provider, f"rx-{round_}-{secrets.token_hex(8)}")
        body = world.body(dose_mg=200 + round_)
        post = partial(call, method="POST", url=live_server.url(world.url), json=body, headers=headers)
        outcomes = simultaneously([partial(post, f"same key {i}") for i in range(CONTENDERS)])
        assert_sound(outcomes, live_server, offset)
        created = [item for item in outcomes if item.status == 201]
        first = [item for item in created if item.headers.get("idempotent-replayed") != "true"]
        assert len(first) == 1, f"round {round_}: {len(first)} un-replayed 201s ({summary(outcomes)})"
        assert {item.body["id"] for item in created} == {first[0].body["id"]}, summary(outcomes)
        busy = [item for item in outcomes if item.status != 201]
        assert all(item.status == 409 and item.code == "idempotency_key_in_use" for item in busy), summary(
            outcomes
        )
        same = rows(
            arrange, Prescription, Prescription.plan_id == world.plan_id, Prescription.dose_mg == 200 + round_
        )
        assert same == 1, f"round {round_}: {same} prescriptions for one Idempotency-Key"
        assert len(events(arrange, "prescription.created", first[0].body["id"])) == 1


# --- 5. one patient's REMS enrolment, put at once -----------------------------------------------------------


def test_rems_enrolment_put_at_once_stores_one_whole_answer(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    patient_id = stored_patient(arrange, tenant.partner_id, "rems-race")
    url = live_server.url(f"/v1/patients/{patient_id}/rems-enrollment")
    today = date.today()
    for round_ in range(ROUNDS):
        bodies = [
            {"enrolled_on": (today - timedelta(days=i)).isoformat(), "enrollment_id": f"REMS-{round_}-{i}"}
            for i in range(CONTENDERS)
        ]
        offset = live_server.log_offset()
        outcomes = simultaneously(
            [
                partial(call, f"put {i}", "PUT", url, json=body, headers=tenant.headers)
                for i, body in enumerate(bodies)
            ]
        )
        assert_sound(outcomes, live_server, offset)
        assert [item.status for item in outcomes] == [200] * CONTENDERS, summary(outcomes)
        # Each answer shows the enrolment its own request wrote (a PUT replaces it as a whole).
        assert [item.body["rems_enrollment"] for item in outcomes] == bodies
        final = call("final", "GET", live_server.url(f"/v1/patients/{patient_id}"), headers=tenant.headers)
        assert final.body["rems_enrollment"] in bodies, final.body["rems_enrollment"]
        arrange.rollback()
        try:
            enrolled_on, enrollment_id = arrange.execute(
                select(Patient.rems_enrolled_on, Patient.rems_enrollment_id).where(Patient.id == patient_id)
            ).one()
        finally:
            arrange.rollback()
        assert enrolled_on is not None
        stored = {"enrolled_on": enrolled_on.isoformat(), "enrollment_id": enrollment_id}
        assert stored == final.body["rems_enrollment"]


# --- 6. one visit started at once; one plan visit sent at once ----------------------------------------------


# The visit's body: by video, the patient where the consultation is.
VISIT_THERE = {**VIDEO_VISIT, "patient_location_state": STATE}


def in_state(arrange: Session, consultation_id: str) -> None:
    """The ready consultation moved to ``STATE``, before anything else sees it."""
    consultation = arrange.get(Consultation, consultation_id)
    assert consultation is not None
    consultation.patient_location_state = STATE
    arrange.commit()


def test_one_visit_started_at_once_is_recorded_once(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    provider_id = new_provider(live_server, tenant)
    provider = signed_in(live_server, arrange, provider_id)
    for round_ in range(ROUNDS):
        consultation_id = ready_consultation(arrange, tenant.partner_id, f"start-race-{round_}")
        in_state(arrange, consultation_id)
        booked = call(
            "book",
            "POST",
            live_server.url(f"/v1/consultations/{consultation_id}/assignment"),
            json={"provider_id": provider_id, "slot_start": iso(next_whole_hour(5 + round_))},
            headers=with_key(tenant.headers),
        )
        assert booked.status == 201, booked.brief()
        offset = live_server.log_offset()
        url = live_server.url(f"/v1/consultations/{consultation_id}/start")
        outcomes = simultaneously(
            [
                partial(call, f"start {i}", "POST", url, json=VISIT_THERE, headers=with_key(provider))
                for i in range(CONTENDERS)
            ]
        )
        assert_sound(outcomes, live_server, offset)
        winner = one_winner(outcomes, 200, {409}, {"invalid_transition"}, f"round {round_}")
        assert winner.body["status"] == "in_progress", winner.brief()
        visits = rows(arrange, Visit, Visit.consultation_id == consultation_id)
        assert visits == 1, f"round {round_}: {visits} visits for one start"
        changes = events(arrange, "consultation.status_changed", consultation_id).values()
        started = [data for data in changes if data.get("status") == "in_progress"]
        assert len(started) == 1, f"round {round_}: started {len(started)} times"
        final = call("case", "GET", live_server.url(f"/v1/consultations/{consultation_id}"), headers=provider)
        assert final.status == 200, final.brief()
        assert final.body["visit"] == winner.body["visit"]


def test_one_plan_visit_sent_at_once_with_one_key_is_recorded_once(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """A plan visit is a new visit each time it is sent (a provider may hold several); a retried request, its
    Idempotency-Key the same, records it once however many copies arrive together."""
    world = prescribing(live_server, tenant, arrange, "plan-visit-race")
    url = live_server.url(f"/v1/follow-up-plans/{world.plan_id}/visits")
    for round_ in range(ROUNDS):
        headers = with_key(world.provider, f"visit-{round_}-{secrets.token_hex(8)}")
        body = {**VISIT, "modality": "audio_video", "note": f"Video follow-up {round_}."}
        offset = live_server.log_offset()
        outcomes = simultaneously(
            [partial(call, f"visit {i}", "POST", url, json=body, headers=headers) for i in range(CONTENDERS)]
        )
        assert_sound(outcomes, live_server, offset)
        created = [item for item in outcomes if item.status == 201]
        assert len({item.body["id"] for item in created}) == 1, summary(outcomes)
        busy = [item for item in outcomes if item.status != 201]
        assert all(item.status == 409 and item.code == "idempotency_key_in_use" for item in busy), summary(
            outcomes
        )
        recorded = rows(arrange, Visit, Visit.plan_id == world.plan_id, Visit.note == body["note"])
        assert recorded == 1, f"round {round_}: {recorded} visits for one Idempotency-Key"


# --- 7. test events sent to one endpoint at once ------------------------------------------------------------


@contextmanager
def registered_endpoint(server: LiveServer, tenant: Tenant) -> Iterator[str]:
    """A webhook endpoint of the tenant, deleted afterwards with its deliveries (gone already: fine). Left
    pending, deliveries to its host, which does not exist, would keep the webhook tests' workers (on this same
    database) busy retrying them instead of delivering theirs."""
    created = call(
        "register",
        "POST",
        server.url("/v1/webhook-endpoints"),
        json={"url": "https://hooks.partner.example/in", "event_types": ["consultation.created"]},
        headers=with_key(tenant.headers),
    )
    assert created.status == 201, created.brief()
    endpoint_id = str(created.body["id"])
    try:
        yield endpoint_id
    finally:
        gone = call(
            "delete", "DELETE", server.url(f"/v1/webhook-endpoints/{endpoint_id}"), headers=tenant.headers
        )
        assert gone.status in (204, 404), gone.brief()


def test_test_events_sent_at_once_are_each_queued_once(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    with registered_endpoint(live_server, tenant) as endpoint_id:
        url = live_server.url(f"/v1/webhook-endpoints/{endpoint_id}/test")
        total = 0
        for round_ in range(ROUNDS):
            offset = live_server.log_offset()
            outcomes = simultaneously(
                [
                    partial(call, f"test {i}", "POST", url, headers=with_key(tenant.headers))
                    for i in range(CONTENDERS)
                ]
            )
            assert_sound(outcomes, live_server, offset)
            assert [item.status for item in outcomes] == [202] * CONTENDERS, summary(outcomes)
            assert len({item.body["event_id"] for item in outcomes}) == CONTENDERS, summary(outcomes)
            total += CONTENDERS
            queued = set(events(arrange, "webhook.test", endpoint_id))
            assert len(queued) == total, f"round {round_}: {len(queued)} test events for {total} answers"
            assert {item.body["event_id"] for item in outcomes} <= queued
            # One delivery per event, to this endpoint, each the one its answer showed.
            for item in outcomes:
                delivered = rows(arrange, WebhookDelivery, WebhookDelivery.event_id == item.body["event_id"])
                assert delivered == 1, f"{item.label}: {delivered} deliveries of its event"
                assert item.body["delivery"]["endpoint_id"] == endpoint_id, item.body["delivery"]
            deliveries = rows(arrange, WebhookDelivery, WebhookDelivery.endpoint_id == endpoint_id)
            assert deliveries == total, f"round {round_}: {deliveries} deliveries for {total} test events"


def test_test_events_racing_the_endpoints_disabling_and_deletion(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """A test event locks its endpoint as the outbox does. Sent while the partner disables the endpoint,
    each is either queued first, and cancelled with everything else waiting for it, or sees it disabled (409
    `endpoint_disabled`): nothing is left pending for a disabled endpoint. Sent while the endpoint is
    deleted, each is queued first, and goes with it, or finds none (404). Never a 5xx."""
    for round_ in range(ROUNDS):
        with registered_endpoint(live_server, tenant) as endpoint_id:
            disabled(live_server, tenant, arrange, endpoint_id, round_)
        with registered_endpoint(live_server, tenant) as endpoint_id:
            deleted(live_server, tenant, arrange, endpoint_id)


def sent_at_once(server: LiveServer, tenant: Tenant, path: str) -> list[Callable[[], Outcome]]:
    """Test events to the endpoint at ``path``, one per remaining contender."""
    url = server.url(f"{path}/test")
    return [
        partial(call, f"test {i}", "POST", url, headers=with_key(tenant.headers))
        for i in range(CONTENDERS - 1)
    ]


def disabled(server: LiveServer, tenant: Tenant, arrange: Session, endpoint_id: str, round_: int) -> None:
    """Test events at once with the endpoint's disabling."""
    path = f"/v1/webhook-endpoints/{endpoint_id}"
    disable = {**tenant.headers, "If-Match": etag_of(server, path, tenant.headers)}
    offset = server.log_offset()
    outcomes = simultaneously(
        [
            partial(call, "disable", "PATCH", server.url(path), json={"enabled": False}, headers=disable),
            *sent_at_once(server, tenant, path),
        ]
    )
    assert_sound(outcomes, server, offset)
    assert outcomes[0].status == 200, summary(outcomes)
    assert all(
        (item.status, item.code) in ((202, None), (409, "endpoint_disabled")) for item in outcomes[1:]
    ), summary(outcomes)
    queued = sum(1 for item in outcomes if item.status == 202)
    pending = rows(
        arrange,
        WebhookDelivery,
        WebhookDelivery.endpoint_id == endpoint_id,
        WebhookDelivery.status == DeliveryStatus.PENDING,
    )
    assert pending == 0, f"round {round_}: {pending} deliveries pending for a disabled endpoint"
    assert rows(arrange, WebhookDelivery, WebhookDelivery.endpoint_id == endpoint_id) == queued
    assert len(events(arrange, "webhook.test", endpoint_id)) == queued


def deleted(server: LiveServer, tenant: Tenant, arrange: Session, endpoint_id: str) -> None:
    """Test events at once with the endpoint's deletion."""
    path = f"/v1/webhook-endpoints/{endpoint_id}"
    offset = server.log_offset()
    outcomes = simultaneously(
        [
            partial(call, "delete", "DELETE", server.url(path), headers=tenant.headers),
            *sent_at_once(server, tenant, path),
        ]
    )
    assert_sound(outcomes, server, offset)
    assert outcomes[0].status == 204, summary(outcomes)
    assert all(item.status in (202, 404) for item in outcomes[1:]), summary(outcomes)
    queued = sum(1 for item in outcomes if item.status == 202)
    assert rows(arrange, WebhookDelivery, WebhookDelivery.endpoint_id == endpoint_id) == 0
    assert len(events(arrange, "webhook.test", endpoint_id)) == queued
