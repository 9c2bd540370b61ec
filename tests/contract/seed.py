"""The world the contract fuzzer starts from, built over HTTP against the live server.

Only the platform admin's OAuth client is made directly in the database (somebody has to hold the first
token); everything else goes through the real endpoints, as a partner portal and a platform admin would:
two partners with their portal clients, providers with licences, DEA registrations and availability,
patients with consents, consultations in every state a consultation can reach, and follow-up plans with
tasks, a recorded session, a completed check-in and an adverse event.

``seed`` returns the ids of what it made, grouped by kind; the fuzzer gives them to Schemathesis as
dictionaries so path parameters and id fields in bodies often name real objects.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from sqlalchemy.orm import Session

from api.auth.scopes import SCOPES
from api.db import make_engine
from api.services import accounts
from tests.clinical import CSSRS_HIGH, CSSRS_NONE, ELIGIBLE_SET, GAD7_MILD, PHQ9_MODERATE, intake, monitoring
from tests.directory import next_npi
from tests.world import PARTNER_SCOPES, REDIRECT, Creds

EVERY_DAY = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class Identities:
    """Client credentials the fuzzer signs in with (client_credentials grant)."""

    admin: Creds
    partner_a: Creds
    partner_b: Creds


@dataclass
class Seeded:
    identities: Identities
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> str:
        self.ids.setdefault(kind, []).append(value)
        return value


def bootstrap_admin(database_url: str) -> Creds:
    """The platform admin client, every scope: the one credential that cannot be made over HTTP."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            client, secret = accounts.create_client(
                session,
                accounts.system_principal(),
                None,
                name="Contract fuzzing admin",
                grant_type="client_credentials",
                scope=" ".join(SCOPES),
                can_introspect=True,
            )
            # The platform's clinician app: providers sign in through platform clients only, which cannot
            # be registered over HTTP. Starting a visit is a provider's act (clinical-rules.md §5).
            accounts.create_client(
                session,
                accounts.system_principal(),
                None,
                name="Contract fuzzing clinician app",
                grant_type="authorization_code",
                scope="consultations:read consultations:write plans:read plans:write",
                redirect_uris=[REDIRECT],
                public=True,
                client_id=CLINICIAN_APP,
            )
            session.commit()  # this script is the operation's boundary (services only flush)
    finally:
        engine.dispose()
    return Creds(client.id, secret)


CLINICIAN_APP = "cli_fuzz_clinician"
PROVIDER_PASSWORD = "fuzz-provider-password"


class Api:
    """A thin client that fails loudly: seeding must work for the fuzzing to mean anything."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self._tokens: dict[str, str] = {}

    def token(self, creds: Creds) -> str:
        if creds.client_id not in self._tokens:
            basic = base64.b64encode(f"{creds.client_id}:{creds.secret}".encode()).decode()
            response = self.http.post(
                f"{self.base_url}/oauth/token",
                data={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {basic}"},
                timeout=30,
            )
            _expect(response, 200)
            self._tokens[creds.client_id] = response.json()["access_token"]
        return self._tokens[creds.client_id]

    def sign_in(self, email: str) -> Creds:
        """A provider signs in on the clinician app's authorization page (PKCE): Creds naming the token."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": CLINICIAN_APP,
                "redirect_uri": REDIRECT,
                "scope": "consultations:read consultations:write plans:read plans:write",
                "state": "seed",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        browser = requests.Session()
        page = browser.get(f"{self.base_url}/oauth/authorize?{query}", timeout=30)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if page.status_code != 200 or csrf is None:
            raise RuntimeError(f"seeding: the sign-in page answered {page.status_code}: {page.text[:500]}")
        allowed = browser.post(
            f"{self.base_url}/oauth/authorize?{query}",
            data={
                "csrf_token": csrf.group(1),
                "email": email,
                "password": PROVIDER_PASSWORD,
                "decision": "allow",
            },
            allow_redirects=False,
            timeout=30,
        )
        _expect(allowed, 302)
        code = parse_qs(urlsplit(allowed.headers["Location"]).query)["code"][0]
        token = self.http.post(
            f"{self.base_url}/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": CLINICIAN_APP,
                "code_verifier": verifier,
            },
            timeout=30,
        )
        _expect(token, 200)
        creds = Creds(f"signed-in:{email}", None)
        self._tokens[creds.client_id] = token.json()["access_token"]
        return creds

    def call(
        self,
        creds: Creds,
        method: str,
        path: str,
        body: Any = None,
        expect: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Any:
        response = self.http.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token(creds)}", **(headers or {})},
            timeout=30,
        )
        _expect(response, expect)
        return response.json() if response.content else None


def _expect(response: requests.Response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(
            f"seeding: {response.request.method} {response.request.url} answered {response.status_code}, "
            f"expected {status}: {response.text[:1000]}"
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _provider_body(states: tuple[str, ...], **changes: Any) -> dict[str, Any]:
    valid = (date.today() + timedelta(days=800)).isoformat()
    body: dict[str, Any] = {
        "npi": next_npi(),
        "given_name": "Rosa",
        "family_name": "Delgado",
        "credential": "MD",
        "specialties": ["psychiatry"],
        "languages": ["en", "es"],
        "routes_offered": ["oral", "sublingual", "intranasal", "intramuscular", "intravenous"],
        "sites": [{"name": f"{state} clinic", "state": state, "rems_certified": True} for state in states],
        "licenses": [
            {"state": state, "number": f"{state}-{i}0931", "status": "active", "expires_on": valid}
            for i, state in enumerate(states)
        ],
        "dea_registrations": [
            {
                "state": state,
                "number": f"FD12345{i}3",
                "schedules": ["II", "III", "IV", "V"],
                "expires_on": valid,
            }
            for i, state in enumerate(states)
        ],
        "accepting_new_patients": True,
        "max_active_patients": 50,
        "timezone": "America/New_York",
    }
    body.update(changes)
    return body


def _patient_body(given: str, birth_date: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "given_name": given,
        "family_name": "Fuzzwell",
        "birth_date": birth_date,
        "sex_at_birth": "female",
        "email": f"{given.lower()}@example.test",
        "phone": "+14155550123",
        "preferred_language": "en-US",
        "address": {"line1": "1 Main St", "city": "Albany", "state": "NY", "postal_code": "12207"},
        "timezone": "America/New_York",
        "external_id": f"ext-{given.lower()}",
    }
    body.update(changes)
    return body


class _Seeder:
    def __init__(self, api: Api, seeded: Seeded) -> None:
        self.api, self.out = api, seeded
        self.admin = seeded.identities.admin
        self.now = datetime.now(UTC)
        self.clinicians: dict[str, Creds] = {}

    # --- small steps ---------------------------------------------------------------------------

    def partner(self, name: str) -> tuple[str, Creds]:
        partner = self.api.call(self.admin, "POST", "/v1/partners", {"name": name}, 201)["id"]
        self.out.add("partners", partner)
        portal = self.client(partner, "Portal", "client_credentials", PARTNER_SCOPES)
        self.client(partner, "Read-only reporting", "client_credentials", "patients:read")
        app = {"redirect_uris": [REDIRECT], "public": True}
        self.client(partner, "Patient app", "authorization_code", "patients:read patients:write", **app)
        return partner, portal

    def client(self, partner: str, name: str, grant: str, scope: str, **extra: Any) -> Creds:
        body = {"name": name, "grant_type": grant, "scope": scope, **extra}
        made = self.api.call(self.admin, "POST", f"/v1/partners/{partner}/clients", body, 201)
        self.out.add("clients", made["client_id"])
        return Creds(made["client_id"], made["client_secret"])

    def patient(self, portal: Creds, given: str, birth_date: str, *consents: str, **changes: Any) -> str:
        body = _patient_body(given, birth_date, **changes)
        patient = self.out.add("patients", self.api.call(portal, "POST", "/v1/patients", body, 201)["id"])
        for kind in consents:
            consent = {"type": kind, "version": "2026-01", "accepted_at": _iso(self.now - timedelta(days=2))}
            made = self.api.call(portal, "POST", f"/v1/patients/{patient}/consents", consent, 201)
            self.out.add("consents", made["id"])
        return patient

    def provider(self, states: tuple[str, ...], **changes: Any) -> str:
        provider = self.api.call(self.admin, "POST", "/v1/providers", _provider_body(states, **changes), 201)
        weekly = [{"weekday": day, "start": "00:00", "end": "24:00"} for day in EVERY_DAY]
        exceptions = [{"date": (date.today() + timedelta(days=30)).isoformat(), "windows": []}]
        self.api.call(
            self.admin,
            "PUT",
            f"/v1/providers/{provider['id']}/availability",
            {"weekly": weekly, "exceptions": exceptions},
        )
        email = f"{provider['id']}@fuzz.example"
        user = {
            "role": "provider",
            "email": email,
            "password": PROVIDER_PASSWORD,
            "provider_id": provider["id"],
        }
        self.api.call(self.admin, "POST", "/v1/users", user, 201)
        self.clinicians[provider["id"]] = self.api.sign_in(email)
        return self.out.add("providers", provider["id"])

    def rems_enrolment(self, portal: Creds, patient: str, enrolled_on: date) -> None:
        """An intranasal plan is activated only with the patient's Spravato REMS enrolment on record."""
        enrolment = {"enrolled_on": enrolled_on.isoformat(), "enrollment_id": f"REMS-{patient[-8:]}"}
        self.api.call(portal, "PUT", f"/v1/patients/{patient}/rems-enrollment", enrolment)

    def start(self, consultation: str) -> None:
        """The assigned provider starts the video visit, the patient confirmed in the consultation's state."""
        seen = self.api.call(self.admin, "GET", f"/v1/consultations/{consultation}")
        visit = {
            "modality": "audio_video",
            "patient_location_state": seen["patient_location_state"],
            "identity_verified": True,
            "identity_method": "photo_id",
        }
        self.action(self.clinicians[seen["provider_id"]], f"/v1/consultations/{consultation}/start", visit)

    def consultation(self, portal: Creds, patient: str, state: str = "NY", **changes: Any) -> str:
        body = {
            "patient_id": patient,
            "conditions": ["major_depression"],
            "patient_location_state": state,
            "preferred_language": "en",
            "preferred_routes": ["intranasal"],
            "notes": "Seeded for contract fuzzing.",
            **changes,
        }
        made = self.api.call(portal, "POST", "/v1/consultations", body, 201)
        return self.out.add("consultations", made["id"])

    def screen(
        self,
        portal: Creds,
        patient: str,
        instrument: str,
        answers: Any,
        consultation: str | None = None,
        plan: str | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "patient_id": patient,
            "instrument": instrument,
            "answers": answers,
            "completed_at": _iso(self.now - timedelta(hours=1)),
        }
        if consultation:
            body["consultation_id"] = consultation
        if plan:
            body["plan_id"] = plan
        made = self.api.call(portal, "POST", "/v1/screenings", body, 201)
        return self.out.add("screenings", made["id"])

    def eligible(self, portal: Creds, patient: str, consultation: str) -> None:
        for instrument, answers in ELIGIBLE_SET.items():
            self.screen(portal, patient, instrument, answers, consultation)

    def book(self, portal: Creds, consultation: str) -> None:
        matches = self.api.call(portal, "GET", f"/v1/consultations/{consultation}/provider-matches")
        best = matches["data"][0]
        booking = {"provider_id": best["provider"]["id"], "slot_start": best["earliest_slots"][0]["start"]}
        self.api.call(portal, "POST", f"/v1/consultations/{consultation}/assignment", booking, 201)

    def action(self, creds: Creds, path: str, body: Any = None, expect: int = 200) -> Any:
        return self.api.call(creds, "POST", path, body if body is not None else {}, expect)

    def completed(self, portal: Creds, patient: str) -> str:
        consultation = self.consultation(portal, patient)
        self.eligible(portal, patient, consultation)
        self.book(portal, consultation)
        self.start(consultation)
        outcome = {"outcome": "treatment_recommended", "summary": "Start intranasal esketamine."}
        self.action(self.admin, f"/v1/consultations/{consultation}/complete", outcome)
        return consultation

    def plan(self, consultation: str, start: date, **changes: Any) -> str:
        body = {
            "consultation_id": consultation,
            "protocol": "intranasal_esketamine",
            "route": "intranasal",
            "start_date": start.isoformat(),
            "check_in_instruments": ["phq9", "cssrs", "gad7"],
            "check_in_interval_days": 7,
            "dose_note": "56 mg, then 84 mg from week 2.",
            **changes,
        }
        made = self.api.call(self.admin, "POST", "/v1/follow-up-plans", body, 201)
        return self.out.add("plans", made["id"])

    def tasks(self, portal: Creds, plan: str) -> list[dict[str, Any]]:
        return list(self.api.call(portal, "GET", f"/v1/follow-up-plans/{plan}/tasks?limit=100")["data"])

    # --- the world -----------------------------------------------------------------------------

    def run(self) -> Seeded:
        partner_a, portal_a = self.partner("Fuzz Clinic Network A")
        _, portal_b = self.partner("Fuzz Clinic Network B")
        self.out.identities.partner_a, self.out.identities.partner_b = portal_a, portal_b
        # Webhook endpoints first, so the events below are queued for them (no worker runs: they wait).
        for portal, host in ((portal_a, "hooks.network-a.example"), (portal_b, "hooks.network-b.example")):
            for types in (
                ["consultation.created", "consultation.status_changed"],
                ["screening.risk_flagged"],
            ):
                body = {"url": f"https://{host}/telemedical", "event_types": types}
                made = self.api.call(portal, "POST", "/v1/webhook-endpoints", body, 201)
                self.out.add("webhook_endpoints", made["id"])

        # Providers: New York (where the consultations are), California, and a Texas NP who cannot match.
        self.provider(("NY", "NJ"))
        self.provider(("CA",), given_name="Chidi", family_name="Okafor", credential="DO")
        self.provider(
            ("TX",),
            given_name="Lucia",
            family_name="Alvarez",
            credential="NP",
            routes_offered=["oral"],
            sites=[],
            accepting_new_patients=False,
        )

        adult = ("telehealth", "ketamine_treatment", "data_sharing")
        ada = self.patient(portal_a, "Ada", "1987-04-12", *adult)
        luis = self.patient(portal_a, "Luis", "1979-11-03", "telehealth", sex_at_birth="male")
        mei = self.patient(portal_a, "Mei", "1995-02-28", "telehealth")
        minor = (date.today() - timedelta(days=16 * 365)).isoformat()
        self.patient(portal_a, "Kit", minor, "telehealth")  # under 18: consultations refused
        self.patient(portal_a, "Noor", "1990-07-07", address=None, phone=None)  # no consent at all
        bea = self.patient(portal_b, "Bea", "1985-06-01", "telehealth")  # partner B's

        # Consultations in every state.
        self.consultation(portal_a, luis)  # submitted
        review = self.consultation(portal_a, mei)
        for instrument, answers in (
            ("phq9", PHQ9_MODERATE),
            ("gad7", GAD7_MILD),
            ("cssrs", CSSRS_NONE),
            ("ketamine_intake", intake(systolic_bp=150)),
        ):
            self.screen(portal_a, mei, instrument, answers, review)  # awaiting_review (blood pressure)
        declined = self.consultation(portal_a, mei)
        self.eligible(portal_a, mei, declined)
        declined_review = self.consultation(portal_a, luis)
        for instrument, answers in ELIGIBLE_SET.items():
            answers = intake(systolic_bp=150) if instrument == "ketamine_intake" else answers
            self.screen(portal_a, luis, instrument, answers, declined_review)
        note = {"decision": "decline", "note": "Blood pressure not controlled; see primary care."}
        self.action(self.admin, f"/v1/consultations/{declined_review}/review", note)  # declined
        escalated = self.consultation(portal_a, luis)
        self.screen(portal_a, luis, "cssrs", CSSRS_HIGH, escalated)  # escalated
        ready = self.consultation(portal_a, ada)
        self.eligible(portal_a, ada, ready)  # ready
        scheduled = self.consultation(portal_a, ada)
        self.eligible(portal_a, ada, scheduled)
        self.book(portal_a, scheduled)  # scheduled
        in_progress = self.consultation(portal_a, mei)
        self.eligible(portal_a, mei, in_progress)
        self.book(portal_a, in_progress)
        self.start(in_progress)  # in_progress
        cancelled = self.consultation(portal_a, luis)
        self.action(portal_a, f"/v1/consultations/{cancelled}/cancel", {"reason": "Patient moved."})
        self.consultation(portal_b, bea)  # partner B's, submitted

        # Follow-up plans: an active one with history, on hold, draft, completed, revoked.
        first = self.completed(portal_a, ada)
        start = date.today() - timedelta(days=14)
        self.rems_enrolment(portal_a, ada, start - timedelta(days=7))
        revoked = self.plan(first, start)
        self.action(self.admin, f"/v1/follow-up-plans/{revoked}/revoke", {"reason": "Written in error."})
        active = self.plan(first, start)
        self.action(self.admin, f"/v1/follow-up-plans/{active}/activate")
        tasks = self.tasks(portal_a, active)
        sessions = [t["id"] for t in tasks if t["kind"] == "session"]
        check_ins = [t["id"] for t in tasks if t["kind"] == "check_in"]
        for task in sessions:
            self.out.add("session_tasks", self.out.add("tasks", task))
        for task in check_ins:
            self.out.add("check_in_tasks", self.out.add("tasks", task))
        # Given at the plan provider's REMS-certified New York site, the provider on site and monitoring.
        prescriber = self.api.call(self.admin, "GET", f"/v1/follow-up-plans/{active}")["provider_id"]
        sites = self.api.call(self.admin, "GET", f"/v1/providers/{prescriber}")["sites"]
        record = {
            "site_id": next(s["id"] for s in sites if s["state"] == "NY" and s["rems_certified"]),
            "monitored_by": prescriber,
            "onsite_prescriber_id": prescriber,
            "administered_at": _iso(self.now - timedelta(days=14)),
            "pre_systolic": 128,
            "pre_diastolic": 82,
            "observation_minutes": 120,
            **monitoring(),
            "escort_confirmed": True,
            "adverse_events": [
                {"type": "dissociation", "severity": "mild", "onset_at": _iso(self.now - timedelta(days=14))}
            ],
        }
        self.action(self.admin, f"/v1/follow-up-plans/{active}/sessions/{sessions[0]}/record", record)
        check_in = self.screen(portal_a, ada, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], plan=active)
        # No PHQ-9 in the 30 days up to the start: the plan's baseline check-in (PHQ-9 and a lifetime/recent
        # C-SSRS) comes first; then a routine one (PHQ-9, C-SSRS since last contact, GAD-7).
        baseline = next(t["id"] for t in tasks if t.get("purpose") == "baseline")
        risk = self.screen(portal_a, ada, "cssrs", CSSRS_NONE, plan=active)
        self.action(
            portal_a,
            f"/v1/follow-up-plans/{active}/tasks/{baseline}/complete",
            {"screening_ids": [check_in, risk]},
        )
        event = {"type": "headache", "severity": "mild", "onset_at": _iso(self.now - timedelta(days=13))}
        made = self.action(self.admin, f"/v1/follow-up-plans/{active}/adverse-events", event, 201)
        self.out.add("adverse_events", made["id"])
        self.out.add("active_plans", active)

        held = self.plan(self.completed(portal_a, ada), start)
        self.action(self.admin, f"/v1/follow-up-plans/{held}/activate")
        self.action(self.admin, f"/v1/follow-up-plans/{held}/hold", {"reason": "Travelling."})
        finished = self.plan(self.completed(portal_a, ada), start)
        self.action(self.admin, f"/v1/follow-up-plans/{finished}/activate")
        self.action(self.admin, f"/v1/follow-up-plans/{finished}/complete", {"reason": "Course done."})
        self.plan(self.completed(portal_a, ada), date.today() + timedelta(days=3))  # draft

        # Users: a patient for Ada, another admin (each provider has its clinician already).
        for body in (
            {"role": "patient", "email": "ada@example.test", "patient_id": ada},
            {"role": "admin", "email": "ops@platform.test"},
        ):
            made = self.api.call(
                self.admin, "POST", "/v1/users", {**body, "password": "correct-horse-battery"}, 201
            )
            self.out.add("users", made["id"])
        self.out.add("partners_with_data", partner_a)
        for portal in (portal_a, portal_b):
            for event in self.api.call(portal, "GET", "/v1/events?limit=100", None, 200)["data"]:
                self.out.add("events", event["id"])
        return self.out


def seed(base_url: str, admin: Creds) -> Seeded:
    placeholder = Creds("", None)
    seeded = Seeded(Identities(admin, placeholder, placeholder))
    return _Seeder(Api(base_url), seeded).run()
