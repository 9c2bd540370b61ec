"""The security matrix's inputs (tests/http/test_security_matrix.py, GitHub issue 9).

The operations come from the app's own OpenAPI document, not from a hand-written list: every check runs
on every operation the spec describes. What the spec cannot say is which object each path id should name
and what a minimal valid body looks like; that is ``FILLS``, one entry per operationId. A new operation
without an entry fails ``test_every_operation_has_a_filler`` with a message saying what to add.

Two tenants get the same set of objects (``Tenant``): partner A's are the ones the checks act on (each
in the state its operations need, so a request reaches the code that stores or looks up its input), and
partner B's are the foreign objects of the tenancy check.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.config import Settings
from api.models import Consultation, Escalation
from api.services import accounts
from tests.care import completed_consultation
from tests.clinical import PHQ9_MODERATE, monitoring
from tests.directory import (
    all_day_availability,
    create_provider,
    iso,
    next_whole_hour,
    provider_body,
    ready_consultation,
)
from tests.helpers import authorization_code, bearer, exchange_code
from tests.world import REDIRECT, Creds

Headers = dict[str, str]
Body = dict[str, Any]
HTTP_METHODS = ("get", "put", "post", "patch", "delete")

# --- the operations, read from the spec ---------------------------------------------------------------


def spec_of(app: Flask) -> dict[str, Any]:
    """The OpenAPI document the app serves (as api/spec.py renders it)."""
    spec: dict[str, Any] = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return spec


@cache
def collection_spec() -> dict[str, Any]:
    """The spec at collection time, before any fixture exists: an app on a throw-away instance folder
    (its development signing key is generated there); no database is touched."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url="sqlite://", instance_dir=Path(tmp), testing=True)
        return spec_of(create_app(settings))


def resolve(spec: Mapping[str, Any], schema: Mapping[str, Any] | None) -> dict[str, Any]:
    """Follow ``$ref``s, and take the one non-null member of ``anyOf: [X, null]``."""
    if not schema:
        return {}
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    members = [m for m in schema.get("anyOf", ()) if m.get("type") != "null"]
    if len(members) == 1:
        return resolve(spec, members[0])
    return dict(schema)


def types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        return set()
    return set(declared) if isinstance(declared, list) else {declared}


@dataclass(frozen=True)
class Operation:
    id: str
    method: str  # upper case
    path: str  # the spec's template, e.g. /v1/patients/{patient_id}
    scopes: tuple[str, ...]  # what its security requirement names; () when public
    public: bool  # security: [] (health checks, metrics)
    path_params: tuple[str, ...]
    query: Mapping[str, Mapping[str, Any]]  # name -> resolved schema
    required_query: frozenset[str]
    request: Mapping[str, Any] | None  # the resolved JSON request-body schema
    response: Mapping[str, Any] | None  # the resolved JSON schema of its 2xx response

    def __str__(self) -> str:
        return self.id

    def url(self, ids: Mapping[str, str]) -> str:
        url = self.path
        for name in self.path_params:
            url = url.replace("{" + name + "}", ids[name])
        return url

    def properties(self, which: str) -> dict[str, Any]:
        schema = self.request if which == "request" else self.response
        return dict((schema or {}).get("properties", {}))


def operations(spec: Mapping[str, Any]) -> list[Operation]:
    found: list[Operation] = []
    for path, item in sorted(spec["paths"].items()):
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            params = [resolve(spec, p) for p in (*shared, *op.get("parameters", []))]
            security = op.get("security")
            scopes = tuple(
                s for requirement in security or () for names in requirement.values() for s in names
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            success = [r for status, r in op["responses"].items() if status.startswith("2")]
            response = None
            for candidate in success:
                schema = resolve(spec, candidate).get("content", {}).get("application/json", {}).get("schema")
                if schema:
                    response = resolve(spec, schema)
                    break
            found.append(
                Operation(
                    id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    scopes=scopes,
                    public=security == [],
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query={p["name"]: resolve(spec, p["schema"]) for p in params if p["in"] == "query"},
                    required_query=frozenset(
                        p["name"] for p in params if p["in"] == "query" and p.get("required")
                    ),
                    request=resolve(spec, body) if body else None,
                    response=response,
                )
            )
    return found


def server_owned_fields(op: Operation) -> list[str]:
    """What the response shows but the request body does not accept: the server's to set."""
    return sorted(set(op.properties("response")) - set(op.properties("request")))


def sample(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> Any:
    """A well-typed value for a property, so that a 422 is about the field being there, not its type."""
    schema = resolve(spec, schema)
    enum = [v for v in schema.get("enum", ()) if v is not None]
    if enum:
        return enum[0]
    kinds = types(schema) - {"null"}
    if "string" in kinds:
        return {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01"}.get(schema.get("format", ""), "x")
    if "integer" in kinds:
        return 1
    if "number" in kinds:
        return 1.5
    if "boolean" in kinds:
        return True
    if "array" in kinds:
        return []
    if "object" in kinds or "properties" in schema:
        return {}
    return "x"


def is_text(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    """A string, or an array of strings (a repeated query parameter such as ``status``)."""
    schema = resolve(spec, schema)
    if "string" in types(schema):
        return True
    return "array" in types(schema) and "string" in types(resolve(spec, schema.get("items", {})))


def string_leaves(body: Any, pointer: str = "") -> list[str]:
    """JSON pointers to every string in ``body``; of an array only its first element is walked."""
    if isinstance(body, str):
        return [pointer]
    if isinstance(body, dict):
        return [p for key, value in body.items() for p in string_leaves(value, f"{pointer}/{key}")]
    if isinstance(body, list) and body:
        return string_leaves(body[0], f"{pointer}/0")
    return []


def with_value_at(body: Body, pointer: str, change: Callable[[Any], Any]) -> Body:
    """A deep copy of ``body`` whose value at ``pointer`` is ``change(old)`` (``old`` None if absent)."""

    def copy(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: copy(v) for k, v in node.items()}
        if isinstance(node, list):
            return [copy(v) for v in node]
        return node

    result = copy(body)
    node: Any = result
    parts = pointer.lstrip("/").split("/")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = change(node[int(last)])
    else:
        node[last] = change(node.get(last))
    return result


# --- the objects the checks act on ------------------------------------------------------------------


# Every scope a provider's sign-in may be granted (the clinician app's).
PROVIDER_SCOPES = (
    "patients:read patients:write consultations:read consultations:write screenings:read screenings:write "
    "providers:read providers:write plans:read plans:write"
)
CLINICIAN_PASSWORD = "matrix-clinician-1"


@dataclass
class Clinician:
    """A tenant's provider, able to sign in again with fewer scopes (the scope check)."""

    app: Creds
    email: str
    user_id: str
    headers: Headers

    def sign_in(self, client: FlaskClient, scope: str) -> Headers:
        code, verifier = authorization_code(client, self.app, self.email, CLINICIAN_PASSWORD, scope=scope)
        response = exchange_code(client, self.app, code, verifier)
        assert response.status_code == 200, response.get_json()
        return bearer(response.get_json()["access_token"])


def sign_in_clinician(client: FlaskClient, db: Session, provider_id: str, email: str) -> Clinician:
    app, _ = accounts.create_client(
        db,
        accounts.system_principal(),
        None,
        name=f"Clinician app of {email}",
        grant_type="authorization_code",
        scope=PROVIDER_SCOPES,
        redirect_uris=[REDIRECT],
        public=True,
    )
    user = accounts.create_user(
        db,
        accounts.system_principal(),
        role="provider",
        email=email,
        password=CLINICIAN_PASSWORD,
        provider_id=provider_id,
    )
    db.commit()
    clinician = Clinician(Creds(app.id, None), email, user.id, {})
    clinician.headers.update(clinician.sign_in(client, PROVIDER_SCOPES))
    return clinician


# The body of a consultation's visit start: video, the patient in New York (ready_consultation's state).
VISIT_START = {
    "modality": "audio_video",
    "patient_location_state": "NY",
    "identity_verified": True,
    "identity_method": "photo_id",
}


@dataclass
class Tenant:
    """One partner's objects, each in the state its operations need."""

    partner: str
    patient: str
    consent: str
    provider: str  # the clinician assigned to this tenant's consultations and plans (the directory is shared)
    site: str  # the provider's REMS-certified site in Texas, where this tenant's sessions are given
    con_ready: str
    con_review: str
    con_escalated: str  # a C-SSRS high's escalation, not yet acknowledged (clinical-rules.md §2 [2e])
    con_scheduled: str
    con_in_progress: str
    con_completed: str  # treatment_recommended, no plan yet
    plan_draft: str
    plan_active: str
    session_task: str
    check_in_task: str
    recorded_task: str  # an intranasal session already recorded: it has a REMS form
    screening: str  # a phq9 on the active plan, answering its first check-in
    cssrs_screening: str  # a since-last-contact C-SSRS on the active plan, for the same check-in
    plan_escalated: str  # a plan whose check-in C-SSRS high escalated it, not yet acknowledged [2e]
    plan_start: date
    free_slots: tuple[str, str]  # two free slots of the provider, for assignment and rescheduling
    endpoint: str  # a webhook endpoint subscribed to follow_up_plan.created
    event: str  # the follow_up_plan.created event of plan_draft
    # The provider signed in (a provider's acts: visits, PDMP checks, evaluations, prescriptions; §5).
    clinician: Clinician
    visit: str  # an in-person follow-up visit on plan_active (so an in-person evaluation is on record)
    pdmp_check: str  # the provider's PDMP check of Texas, just made
    prescription: str  # an esketamine prescription of plan_active
    etags: dict[str, str] = field(default_factory=dict)  # object id -> its current ETag

    def id(self, attribute: str) -> str:
        value = getattr(self, attribute)
        assert isinstance(value, str), attribute
        return value


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.get_json())
    body: dict[str, Any] = response.get_json()
    return body


def plan_body(consultation_id: str, start: date) -> Body:
    return {
        "consultation_id": consultation_id,
        "protocol": "intranasal_esketamine",
        "route": "intranasal",
        "start_date": start.isoformat(),
        "check_in_instruments": ["phq9", "cssrs"],
    }


def prescription_body(visit: str, pdmp_check: str, site: str) -> Body:
    """Esketamine by its REMS: intranasal 56 mg at a certified site, no refills."""
    return {
        "visit_id": visit,
        "medication": "esketamine",
        "route": "intranasal",
        "dose_mg": 56,
        "quantity": 1,
        "days_supply": 28,
        "refills": 0,
        "dispensing": "clinic_administered",
        "site_id": site,
        "pdmp_check_id": pdmp_check,
    }


def escalated_consultation(db: Session, patient: str) -> str:
    """An escalated consultation in New York with its open escalation, arranged in the database."""
    consultation = ready_consultation(db, patient, status="escalated", eligibility_outcome="escalate")
    row = db.get(Consultation, consultation)
    assert row is not None
    db.add(
        Escalation(
            partner_id=row.partner_id,
            patient_id=patient,
            consultation_id=consultation,
            escalated_at=datetime.now(UTC),
            announced_intervals=0,
        )
    )
    db.commit()
    return consultation


def build_tenant(client: FlaskClient, db: Session, admin: Headers, partner: str, patient: str) -> Tenant:
    """Everything through the API as a platform admin, except the consultations' earlier history (their
    screenings and visits are other tests' business), arranged in the database as tests/care.py does."""
    # Licensed, registered and with a REMS-certified site in New York (bookings) and Texas (the completed
    # consultations' state, where its sessions are given: clinical-rules.md §4, second edition).
    texas = provider_body()
    texas["licenses"].append({**texas["licenses"][0], "state": "TX", "number": f"TX-{texas['npi']}"})
    texas["dea_registrations"].append({**texas["dea_registrations"][0], "state": "TX"})
    texas["sites"].append({"name": "Austin clinic", "state": "TX", "rems_certified": True})
    made = create_provider(client, admin, availability=all_day_availability(), **texas)
    provider = made["id"]
    site = next(s["id"] for s in made["sites"] if s["state"] == "TX")
    start = datetime.now(UTC).date() - timedelta(days=14)
    consent = _ok(
        client.post(
            f"/v1/patients/{patient}/consents",
            json={
                "type": "ketamine_treatment",
                "version": "2",
                "accepted_at": f"{start - timedelta(days=3)}T09:00:00Z",
            },
            headers=admin,
        ),
        201,
    )["id"]

    def booked(hours_ahead: int) -> str:
        consultation = ready_consultation(db, patient)
        body = {"provider_id": provider, "slot_start": iso(next_whole_hour(hours_ahead))}
        _ok(client.post(f"/v1/consultations/{consultation}/assignment", json=body, headers=admin), 201)
        return consultation

    clinician = sign_in_clinician(client, db, provider, f"clinician-{partner}@matrix.test")
    con_in_progress = booked(3)
    started = client.post(
        f"/v1/consultations/{con_in_progress}/start", json=VISIT_START, headers=clinician.headers
    )
    _ok(started)

    # The Spravato REMS enrolment an intranasal plan is activated with (clinical-rules.md §4).
    enrolment = {"enrolled_on": f"{start - timedelta(days=3)}", "enrollment_id": "REMS-0001"}
    _ok(client.put(f"/v1/patients/{patient}/rems-enrollment", json=enrolment, headers=admin))

    # A PHQ-9 in the 30 days before the start: the plans' baseline, so no baseline check-in is added [2e].
    baseline = {
        "patient_id": patient,
        "instrument": "phq9",
        "answers": PHQ9_MODERATE,
        "completed_at": f"{start - timedelta(days=2)}T09:00:00Z",
    }
    _ok(client.post("/v1/screenings", json=baseline, headers=admin), 201)

    def plan(status: str) -> str:
        consultation = completed_consultation(db, partner, patient, provider)
        created = _ok(
            client.post("/v1/follow-up-plans", json=plan_body(consultation, start), headers=admin), 201
        )
        if status == "active":
            _ok(client.post(f"/v1/follow-up-plans/{created['id']}/activate", json={}, headers=admin))
        return str(created["id"])

    endpoint = _ok(
        client.post(
            "/v1/webhook-endpoints",
            json={
                "url": "https://hooks.partner.example/telemedical",
                "event_types": ["follow_up_plan.created"],
                "partner_id": partner,
            },
            headers=admin,
        ),
        201,
    )["id"]
    plan_draft, plan_active, plan_escalated = plan("draft"), plan("active"), plan("active")
    event = _ok(client.get(f"/v1/events?object_id={plan_draft}", headers=admin))["data"][0]["id"]
    tasks = _ok(client.get(f"/v1/follow-up-plans/{plan_active}/tasks?limit=100", headers=admin))["data"]
    session_task = next(t for t in tasks if t["kind"] == "session")
    check_in_task = next(t for t in tasks if t["kind"] == "check_in")
    recorded_task = [t for t in tasks if t["kind"] == "session"][1]
    recorded = {
        "administered_at": f"{recorded_task['due_on']}T15:00:00Z",
        "pre_systolic": 128,
        "pre_diastolic": 82,
        "observation_minutes": 120,
        "escort_confirmed": True,
        **monitoring(),
        "site_id": site,
        "monitored_by": provider,  # an admin enters the chart
        "onsite_prescriber_id": provider,
    }
    record_url = f"/v1/follow-up-plans/{plan_active}/sessions/{recorded_task['id']}/record"
    _ok(client.post(record_url, json=recorded, headers=admin))
    screening = {
        "patient_id": patient,
        "instrument": "phq9",
        "answers": PHQ9_MODERATE,
        "completed_at": f"{date.fromisoformat(check_in_task['due_on']) + timedelta(days=1)}T09:00:00Z",
        "plan_id": plan_active,
    }
    cssrs_answers = {
        "recall": "since_last_contact",
        "wish_to_be_dead": False,
        "suicidal_thoughts": False,
        "behavior_since_last_contact": False,
    }
    cssrs_screening = {**screening, "instrument": "cssrs", "answers": cssrs_answers}
    crisis = {
        **cssrs_screening,
        "plan_id": plan_escalated,
        "answers": {
            **cssrs_answers,
            "wish_to_be_dead": True,
            "suicidal_thoughts": True,
            "thoughts_with_method": True,
            "intent": True,
            "plan": False,
        },
    }
    _ok(client.post("/v1/screenings", json=crisis, headers=admin), 201)
    # The provider's acts of clinical-rules.md §5: an in-person follow-up visit (an evaluation on record,
    # so the prescription's basis does not depend on the date), a PDMP check, an esketamine prescription.
    as_provider = clinician.headers
    visit = _ok(
        client.post(
            f"/v1/follow-up-plans/{plan_active}/visits",
            json={**VISIT_START, "modality": "in_person", "patient_location_state": "TX", "note": "Seen."},
            headers=as_provider,
        ),
        201,
    )["id"]
    pdmp_check = _ok(
        client.post(
            f"/v1/patients/{patient}/pdmp-checks",
            json={
                "state": "TX",
                "checked_at": iso(datetime.now(UTC) - timedelta(minutes=5)),
                "result": "no_concerns",
            },
            headers=as_provider,
        ),
        201,
    )["id"]
    prescription = _ok(
        client.post(
            f"/v1/follow-up-plans/{plan_active}/prescriptions",
            json=prescription_body(visit, pdmp_check, site),
            headers=as_provider,
        ),
        201,
    )["id"]
    tenant = Tenant(
        partner=partner,
        patient=patient,
        consent=consent,
        provider=provider,
        site=site,
        con_ready=ready_consultation(db, patient),
        con_review=ready_consultation(
            db, patient, status="awaiting_review", eligibility_outcome="needs_review"
        ),
        con_escalated=escalated_consultation(db, patient),
        con_scheduled=booked(2),
        con_in_progress=con_in_progress,
        con_completed=completed_consultation(db, partner, patient, provider),
        plan_draft=plan_draft,
        plan_active=plan_active,
        session_task=session_task["id"],
        recorded_task=recorded_task["id"],
        check_in_task=check_in_task["id"],
        screening=_ok(client.post("/v1/screenings", json=screening, headers=admin), 201)["id"],
        cssrs_screening=_ok(client.post("/v1/screenings", json=cssrs_screening, headers=admin), 201)["id"],
        plan_escalated=plan_escalated,
        plan_start=start,
        free_slots=(iso(next_whole_hour(5)), iso(next_whole_hour(6))),
        endpoint=endpoint,
        event=event,
        clinician=clinician,
        visit=visit,
        pdmp_check=pdmp_check,
        prescription=prescription,
    )
    for url in (
        f"/v1/patients/{patient}",
        f"/v1/follow-up-plans/{plan_draft}",
        f"/v1/providers/{provider}",
        f"/v1/webhook-endpoints/{endpoint}",
    ):
        response = client.get(url, headers=admin)
        _ok(response)
        tenant.etags[url.rsplit("/", 1)[1]] = response.headers["ETag"]
    return tenant


# --- how to fill each operation --------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    """How to call one operation on a tenant's objects.

    ``ids``: each path parameter -> the ``Tenant`` attribute naming the object. ``body``/``query``: a
    minimal valid body / the required query, for a tenant. ``actor``: the principal kind whose narrowed
    token the scope check uses — a partner system where a partner may do it, a provider for a provider's
    own act (clinical-rules.md §5), else a platform admin.
    """

    ids: Mapping[str, str] = field(default_factory=dict)
    body: Callable[[Tenant], Body] | None = None
    query: Callable[[Tenant], dict[str, str]] | None = None
    actor: str = "partner"


def _session_record(t: Tenant) -> Body:
    return {
        "administered_at": f"{t.plan_start}T15:00:00Z",
        "pre_systolic": 128,
        "pre_diastolic": 82,
        **monitoring(),
        "observation_minutes": 120,
        "escort_confirmed": True,
        "site_id": t.site,
        "monitored_by": t.provider,
        "onsite_prescriber_id": t.provider,
    }


def _slots_query(_t: Tenant) -> dict[str, str]:
    return {"from": iso(next_whole_hour(1)), "to": iso(next_whole_hour(49))}


CONSULTATION = "consultation_id"
PLAN = "plan_id"
ENDPOINT = "endpoint_id"
NO_BODY: Callable[[Tenant], Body] = lambda _t: {}  # noqa: E731 - a body that is an empty object

FILLS: dict[str, Fill] = {
    # operations
    "getHealth": Fill(),
    "getReadiness": Fill(),
    "getMe": Fill(),
    "getMetrics": Fill(actor="admin"),
    # patients, consents, invitations
    "listPatients": Fill(),
    "createPatient": Fill(
        body=lambda t: {
            "given_name": "Grace",
            "family_name": "Hopper",
            "birth_date": "1990-12-09",
            "sex_at_birth": "female",
            "partner_id": t.partner,  # a platform admin names the partner; a partner's own is implied
        }
    ),
    "getPatient": Fill(ids={"patient_id": "patient"}),
    "updatePatient": Fill(ids={"patient_id": "patient"}, body=lambda _t: {"given_name": "Alicia"}),
    "listConsents": Fill(ids={"patient_id": "patient"}),
    "withdrawConsent": Fill(ids={"patient_id": "patient", "consent_id": "consent"}),
    "createConsent": Fill(
        ids={"patient_id": "patient"},
        body=lambda _t: {"type": "data_sharing", "version": "1", "accepted_at": "2026-01-02T09:00:00Z"},
    ),
    "createInvitation": Fill(ids={"patient_id": "patient"}, body=NO_BODY),
    "putRemsEnrollment": Fill(
        ids={"patient_id": "patient"},
        body=lambda t: {"enrolled_on": f"{t.plan_start - timedelta(days=3)}", "enrollment_id": "REMS-0002"},
    ),
    # providers (the directory)
    "listProviders": Fill(),
    "createProvider": Fill(body=lambda _t: provider_body(), actor="admin"),
    "getProvider": Fill(ids={"provider_id": "provider"}),
    "updateProvider": Fill(
        ids={"provider_id": "provider"}, body=lambda _t: {"given_name": "Rosa"}, actor="admin"
    ),
    "setProviderAvailability": Fill(
        ids={"provider_id": "provider"}, body=lambda _t: all_day_availability(), actor="admin"
    ),
    "listProviderSlots": Fill(ids={"provider_id": "provider"}, query=_slots_query),
    # consultations and bookings
    "listConsultations": Fill(),
    "createConsultation": Fill(
        body=lambda t: {
            "patient_id": t.patient,
            "conditions": ["major_depression"],
            "patient_location_state": "NY",
        }
    ),
    "getConsultation": Fill(ids={CONSULTATION: "con_ready"}),
    "getConsultationEligibility": Fill(ids={CONSULTATION: "con_ready"}),
    "listProviderMatches": Fill(ids={CONSULTATION: "con_ready"}),
    "getAppointment": Fill(ids={CONSULTATION: "con_scheduled"}),
    "assignProvider": Fill(
        ids={CONSULTATION: "con_ready"},
        body=lambda t: {"provider_id": t.provider, "slot_start": t.free_slots[0]},
    ),
    "rescheduleConsultation": Fill(
        ids={CONSULTATION: "con_scheduled"}, body=lambda t: {"slot_start": t.free_slots[1]}
    ),
    "cancelConsultation": Fill(
        ids={CONSULTATION: "con_ready"}, body=lambda _t: {"reason": "The patient moved."}
    ),
    "reviewConsultation": Fill(
        ids={CONSULTATION: "con_review"},
        body=lambda _t: {"decision": "approve", "note": "Blood pressure normal on recheck."},
        actor="admin",
    ),
    "acknowledgeConsultationEscalation": Fill(
        ids={CONSULTATION: "con_escalated"},
        body=lambda _t: {"note": "Reached the patient; safe with family.", "contact_outcome": "reached"},
        actor="provider",
    ),
    "startConsultation": Fill(
        ids={CONSULTATION: "con_scheduled"}, body=lambda _t: dict(VISIT_START), actor="provider"
    ),
    "completeConsultation": Fill(
        ids={CONSULTATION: "con_in_progress"},
        body=lambda _t: {"outcome": "treatment_recommended", "summary": "A good candidate."},
        actor="admin",
    ),
    # screenings
    "listScreenings": Fill(),
    "createScreening": Fill(
        body=lambda t: {
            "patient_id": t.patient,
            "instrument": "phq9",
            "answers": PHQ9_MODERATE,
            "completed_at": f"{t.plan_start}T09:00:00Z",
        }
    ),
    "getScreening": Fill(ids={"screening_id": "screening"}),
    # follow-up plans
    "listFollowUpPlans": Fill(),
    "createFollowUpPlan": Fill(body=lambda t: plan_body(t.con_completed, t.plan_start), actor="admin"),
    "getFollowUpPlan": Fill(ids={PLAN: "plan_draft"}),
    "updateFollowUpPlan": Fill(
        ids={PLAN: "plan_draft"}, body=lambda _t: {"dose_note": "56 mg"}, actor="admin"
    ),
    "activateFollowUpPlan": Fill(ids={PLAN: "plan_draft"}, body=NO_BODY, actor="admin"),
    "holdFollowUpPlan": Fill(ids={PLAN: "plan_active"}, body=NO_BODY, actor="admin"),
    "completeFollowUpPlan": Fill(ids={PLAN: "plan_active"}, body=NO_BODY, actor="admin"),
    "revokeFollowUpPlan": Fill(ids={PLAN: "plan_draft"}, body=NO_BODY, actor="admin"),
    "listFollowUpPlanTasks": Fill(ids={PLAN: "plan_active"}),
    "getFollowUpPlanTask": Fill(ids={PLAN: "plan_active", "task_id": "session_task"}),
    "recordFollowUpPlanSession": Fill(
        ids={PLAN: "plan_active", "task_id": "session_task"}, body=_session_record, actor="admin"
    ),
    "completeFollowUpPlanCheckIn": Fill(
        ids={PLAN: "plan_active", "task_id": "check_in_task"},
        body=lambda t: {"screening_ids": [t.screening, t.cssrs_screening]},
    ),
    "acknowledgeFollowUpPlanEscalation": Fill(
        ids={PLAN: "plan_escalated"},
        body=lambda _t: {"note": "Reached the patient; safe with family.", "contact_outcome": "reached"},
        actor="provider",
    ),
    "listAdverseEvents": Fill(ids={PLAN: "plan_active"}),
    "reportAdverseEvent": Fill(
        ids={PLAN: "plan_active"},
        body=lambda t: {"type": "nausea", "severity": "mild", "onset_at": f"{t.plan_start}T18:00:00Z"},
    ),
    "getFollowUpPlanOutcomes": Fill(ids={PLAN: "plan_active"}),
    "getRemsForm": Fill(ids={PLAN: "plan_active", "task_id": "recorded_task"}),
    "submitRemsForm": Fill(ids={PLAN: "plan_active", "task_id": "recorded_task"}, actor="admin"),
    # visits, in-person evaluations, PDMP checks, prescriptions (clinical-rules.md §5): a provider's acts
    "recordPlanVisit": Fill(
        ids={PLAN: "plan_active"},
        body=lambda _t: {**VISIT_START, "patient_location_state": "TX", "note": "Doing well."},
        actor="provider",
    ),
    "listPlanVisits": Fill(ids={PLAN: "plan_active"}),
    "recordInPersonEvaluation": Fill(
        ids={"patient_id": "patient"},
        body=lambda t: {"evaluated_on": t.plan_start.isoformat(), "note": "Examined in clinic."},
        actor="provider",
    ),
    "listInPersonEvaluations": Fill(ids={"patient_id": "patient"}),
    "recordPdmpCheck": Fill(
        ids={"patient_id": "patient"},
        body=lambda t: {"state": "TX", "checked_at": f"{t.plan_start}T09:00:00Z", "result": "no_concerns"},
        actor="provider",
    ),
    "listPdmpChecks": Fill(ids={"patient_id": "patient"}),
    "issuePrescription": Fill(
        ids={PLAN: "plan_active"},
        body=lambda t: prescription_body(t.visit, t.pdmp_check, t.site),
        actor="provider",
    ),
    "listPrescriptions": Fill(ids={PLAN: "plan_active"}),
    "getPrescription": Fill(ids={PLAN: "plan_active", "prescription_id": "prescription"}),
    "cancelPrescription": Fill(
        ids={PLAN: "plan_active", "prescription_id": "prescription"},
        body=lambda _t: {"reason": "Dose changed."},
        actor="provider",
    ),
    # events and webhooks
    "listEvents": Fill(),
    "getEvent": Fill(ids={"event_id": "event"}),
    "redeliverEvent": Fill(ids={"event_id": "event"}, body=NO_BODY),
    "listWebhookEndpoints": Fill(),
    "createWebhookEndpoint": Fill(
        body=lambda t: {
            "url": "https://hooks.partner.example/other",
            "event_types": ["consultation.created"],
            "partner_id": t.partner,  # a platform admin names the partner; a partner's own is implied
        }
    ),
    "getWebhookEndpoint": Fill(ids={ENDPOINT: "endpoint"}),
    "updateWebhookEndpoint": Fill(ids={ENDPOINT: "endpoint"}, body=lambda _t: {"description": "Portal"}),
    "deleteWebhookEndpoint": Fill(ids={ENDPOINT: "endpoint"}),
    "rotateWebhookEndpointSecret": Fill(ids={ENDPOINT: "endpoint"}),
    "sendWebhookTestEvent": Fill(ids={ENDPOINT: "endpoint"}),
    "listWebhookDeliveryAttempts": Fill(ids={ENDPOINT: "endpoint"}),
    # audit
    "listAuditEvents": Fill(),
    # population outcomes
    "getOutcomeCohorts": Fill(query=lambda _t: {"instrument": "phq9", "group_by": "protocol,route"}),
    "exportOutcomes": Fill(query=lambda _t: {"instrument": "phq9"}),
    # admin
    "listPartners": Fill(actor="admin"),
    "createPartner": Fill(body=lambda _t: {"name": "Partner C"}, actor="admin"),
    "listClients": Fill(ids={"partner_id": "partner"}, actor="admin"),
    "createClient": Fill(
        ids={"partner_id": "partner"},
        body=lambda _t: {
            "name": "Another portal",
            "grant_type": "client_credentials",
            "scope": "patients:read",
        },
        actor="admin",
    ),
    "createUser": Fill(
        body=lambda t: {
            "email": "alice.signin@example.test",
            "password": "a-long-password-1",
            "role": "patient",
            "patient_id": t.patient,
        },
        actor="admin",
    ),
}

# Path parameters naming a tenant's object: another tenant's id must answer 404 (contract §1).
TENANT_OWNED = frozenset(
    {
        "patient_id",
        "consent_id",
        "consultation_id",
        "screening_id",
        "plan_id",
        "task_id",
        "endpoint_id",
        "event_id",
        "prescription_id",
    }
)
# Path parameters naming something no tenant owns: operations with only these are out of the tenancy check.
NOT_TENANT_OWNED = {
    # The provider directory is shared by every partner (contract §3 Providers: providers:read for all
    # principals; written by an admin or the provider on self), so partner B cannot "own" a provider.
    "provider_id": "the provider directory is shared by every tenant",
    # Partners and their clients are reached only with the admin scope: a platform admin has no tenant.
    "partner_id": "admin-only: a platform admin belongs to no tenant",
}
