"""The whole journey through the generated Python SDK (clients/python) against a real server process
(`telemedical run`; PostgreSQL in `make test-postgres`, SQLite in `make test`): a partner's client-credentials
token, a patient and consents, a consultation and its screenings, eligibility, a clinician's review after a
scripted PKCE sign-in through the platform's clinician app, matches, booking, the visit, a plan and its
activation, a session record, a check-in and outcomes. What a partner engineer would write, typed end to end.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from sqlalchemy.orm import Session

from api.auth.scopes import SCOPES
from api.services import accounts
from tests.clinical import CSSRS_NONE, CSSRS_SINCE_NONE, GAD7_MILD, intake, monitoring
from tests.concurrency.server import LiveServer
from tests.directory import VIDEO_VISIT, all_day_availability, provider_body
from tests.helpers import pkce_pair
from tests.world import REDIRECT, partner_with_portal

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from telemedical_api_client import ApiError
from telemedical_api_client.api.bookings import (
    assign_provider,
    complete_consultation,
    list_provider_matches,
    start_consultation,
)
from telemedical_api_client.api.consultations import (
    create_consultation,
    get_consultation,
    get_consultation_eligibility,
    review_consultation,
)
from telemedical_api_client.api.follow_up_plans import (
    activate_follow_up_plan,
    complete_follow_up_plan_check_in,
    create_follow_up_plan,
    get_follow_up_plan_outcomes,
    list_follow_up_plan_tasks,
    record_follow_up_plan_session,
)
from telemedical_api_client.api.me import get_me
from telemedical_api_client.api.patients import create_consent, create_patient, put_rems_enrollment
from telemedical_api_client.api.prescribing import (
    issue_prescription,
    record_in_person_evaluation,
    record_pdmp_check,
)
from telemedical_api_client.api.providers import create_provider, set_provider_availability
from telemedical_api_client.api.screenings import create_screening
from telemedical_api_client.auth import (
    ClientCredentials,
    RefreshToken,
    authenticated_client,
    new_idempotency_key,
)
from telemedical_api_client.models import (
    Assignment,
    Availability,
    CallerType,
    Condition,
    ConsentCreate,
    ConsentType,
    Consultation,
    ConsultationComplete,
    ConsultationCreate,
    ConsultationReview,
    ConsultationStart,
    ConsultationStatus,
    CssrsAnswers,
    CssrsScreeningCreate,
    EligibilityOutcome,
    FollowUpPlan,
    FollowUpPlanCreate,
    Gad7ScreeningCreate,
    InPersonEvaluationCreate,
    KetamineIntakeAnswers,
    KetamineIntakeScreeningCreate,
    Patient,
    PatientCreate,
    PdmpCheckCreate,
    Phq9ScreeningCreate,
    PlanStatus,
    PrescriptionCreate,
    Problem,
    Provider,
    ProviderCreate,
    RemsEnrollment,
    ReviewDecision,
    Route,
    SessionRecordCreate,
    SexAtBirth,
    TaskComplete,
    TaskKind,
    TreatmentProtocol,
    UsState,
    VisitOutcome,
)

CLINICIAN_APP_SCOPES = " ".join(
    [
        *("providers:read", "consultations:read", "consultations:write", "patients:read", "patients:write"),
        *("screenings:read", "plans:read", "plans:write"),
    ]
)
PASSWORD = "clinician-password-1"


def ok(value: Any, kind: type) -> Any:
    """An SDK result of the expected model (a Problem would name what went wrong)."""
    assert isinstance(value, kind), value.to_dict() if isinstance(value, Problem) else value
    return value


def pkce_sign_in(base: str, client_id: str, email: str, password: str, scope: str) -> dict[str, Any]:
    """What a clinician's browser does on the sign-in page, scripted: the form, its CSRF token, the redirect
    back with the code; then the app exchanges the code with its verifier."""
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "state": "journey",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    browser = requests.Session()
    page = browser.get(f"{base}/oauth/authorize?{query}", timeout=30)
    assert page.status_code == 200, page.text[:300]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    sent = browser.post(
        f"{base}/oauth/authorize?{query}",
        data={"csrf_token": csrf.group(1), "email": email, "password": password, "decision": "allow"},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 302, sent.text[:300]
    back = parse_qs(urlsplit(sent.headers["Location"]).query)
    assert back["state"] == ["journey"]
    tokens = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=30,
    )
    assert tokens.status_code == 200, tokens.text
    return dict(tokens.json())


@pytest.fixture
def accounts_for_the_journey(arrange: Session) -> dict[str, Any]:
    partner, portal = partner_with_portal(arrange, "SDK partner")
    admin, admin_secret = accounts.create_client(
        arrange,
        accounts.system_principal(),
        None,
        name="SDK admin",
        grant_type="client_credentials",
        scope=" ".join(SCOPES),
    )
    clinician_app, _ = accounts.create_client(
        arrange,
        accounts.system_principal(),
        None,
        name="Clinician app",
        grant_type="authorization_code",
        scope=CLINICIAN_APP_SCOPES,
        redirect_uris=[REDIRECT],
        public=True,
    )
    arrange.commit()
    return {"partner": partner, "portal": portal, "admin": (admin.id, admin_secret), "app": clinician_app.id}


def test_the_whole_journey_through_the_python_sdk(
    live_server: LiveServer, arrange: Session, accounts_for_the_journey: dict[str, Any]
) -> None:
    base, made = live_server.base_url, accounts_for_the_journey
    portal = made["portal"]
    partner = authenticated_client(base, ClientCredentials(base, portal.client_id, portal.secret))
    admin = authenticated_client(base, ClientCredentials(base, *made["admin"]))
    now = datetime.now(UTC)

    me = get_me.sync(client=partner)
    assert me is not None and me.type_ == CallerType.PARTNER_CLIENT and me.partner_id == made["partner"]

    # The patient, with a telehealth consent, and a consultation request.
    created = create_patient.sync_detailed(
        client=partner,
        body=PatientCreate(
            given_name="Sam",
            family_name="Journey",
            birth_date=date(1985, 4, 2),
            sex_at_birth=SexAtBirth.FEMALE,
        ),
        idempotency_key=new_idempotency_key(),
    )
    patient = ok(created.parsed, Patient)
    assert created.headers["location"] == f"/v1/patients/{patient.id}"
    consent = ConsentCreate(type_=ConsentType.TELEHEALTH, version="3", accepted_at=now - timedelta(days=1))
    create_consent.sync(patient.id, client=partner, body=consent, idempotency_key=new_idempotency_key())
    consultation = ok(
        create_consultation.sync(
            client=partner,
            body=ConsultationCreate(
                patient_id=patient.id,
                conditions=[Condition.TREATMENT_RESISTANT_DEPRESSION],
                patient_location_state=UsState.NY,
                preferred_routes=[Route.INTRANASAL],
            ),
            idempotency_key=new_idempotency_key(),
        ),
        Consultation,
    )
    assert consultation.status == ConsultationStatus.SUBMITTED

    # The screenings, each typed by its instrument: PHQ-9 19, and a blood pressure to look at.
    # Answered 8 days ago: the plan below starts 7 days ago, and its PHQ-9 baseline is the latest PHQ-9 on or
    # before the start (clinical-rules.md §4, second edition).
    case = {
        "patient_id": patient.id,
        "consultation_id": consultation.id,
        "completed_at": now - timedelta(days=8),
    }
    submissions = [
        Phq9ScreeningCreate(instrument="phq9", answers=[3, 3, 2, 2, 3, 2, 2, 2, 0], **case),
        Gad7ScreeningCreate(instrument="gad7", answers=list(GAD7_MILD), **case),
        CssrsScreeningCreate(instrument="cssrs", answers=CssrsAnswers.from_dict(CSSRS_NONE), **case),
        KetamineIntakeScreeningCreate(
            instrument="ketamine_intake",
            answers=KetamineIntakeAnswers.from_dict(intake(systolic_bp=146)),
            **case,
        ),
    ]
    for submission in submissions:
        scored = create_screening.sync(client=partner, body=submission, idempotency_key=new_idempotency_key())
        assert scored is not None and not isinstance(scored, Problem), scored
    eligibility = get_consultation_eligibility.sync(consultation.id, client=partner)
    assert eligibility is not None and eligibility.outcome == EligibilityOutcome.NEEDS_REVIEW

    # A psychiatrist licensed in New York, signed in through the clinician app with PKCE, approves it.
    provider = ok(
        create_provider.sync(
            client=admin,
            body=ProviderCreate.from_dict(provider_body()),
            idempotency_key=new_idempotency_key(),
        ),
        Provider,
    )
    set_provider_availability.sync(
        provider.id, client=admin, body=Availability.from_dict({"exceptions": [], **all_day_availability()})
    )
    accounts.create_user(
        arrange,
        accounts.system_principal(),
        role="provider",
        email="sdk.doc@example.test",
        password=PASSWORD,
        provider_id=provider.id,
    )
    arrange.commit()
    tokens = pkce_sign_in(base, made["app"], "sdk.doc@example.test", PASSWORD, CLINICIAN_APP_SCOPES)
    clinician = authenticated_client(
        base,
        RefreshToken(
            base,
            made["app"],
            tokens["refresh_token"],
            access_token=tokens["access_token"],
            expires_in=tokens["expires_in"],
        ),
    )
    who = get_me.sync(client=clinician)
    assert who is not None and who.type_ == CallerType.PROVIDER and who.provider_id == provider.id
    reviewed = review_consultation.sync(
        consultation.id,
        client=clinician,
        body=ConsultationReview(decision=ReviewDecision.APPROVE, note="Repeat BP 132/84; proceed."),
        idempotency_key=new_idempotency_key(),
    )
    assert reviewed is not None and reviewed.status == ConsultationStatus.READY

    # The partner books the best match's earliest slot; the visit happens.
    matches = list_provider_matches.sync(consultation.id, client=partner)
    assert matches is not None and matches.data[0].provider.id == provider.id
    slot = matches.data[0].earliest_slots[0].start
    booked = assign_provider.sync(
        consultation.id,
        client=partner,
        body=Assignment(provider_id=provider.id, slot_start=slot),
        idempotency_key=new_idempotency_key(),
    )
    assert booked is not None and booked.starts_at == slot
    start_consultation.sync(
        consultation.id,
        client=clinician,
        body=ConsultationStart.from_dict(VIDEO_VISIT),
        idempotency_key=new_idempotency_key(),
    )
    done = complete_consultation.sync(
        consultation.id,
        client=clinician,
        body=ConsultationComplete(
            outcome=VisitOutcome.TREATMENT_RECOMMENDED, summary="Intranasal esketamine."
        ),
        idempotency_key=new_idempotency_key(),
    )
    assert done is not None and done.status == ConsultationStatus.COMPLETED
    assert done.outcome == VisitOutcome.TREATMENT_RECOMMENDED

    # The plan, activated once the treatment consent is on record.
    start = now.date() - timedelta(days=7)
    plan = ok(
        create_follow_up_plan.sync(
            client=clinician,
            body=FollowUpPlanCreate.from_dict(
                {
                    "consultation_id": consultation.id,
                    "protocol": TreatmentProtocol.INTRANASAL_ESKETAMINE.value,
                    "route": Route.INTRANASAL.value,
                    "start_date": start.isoformat(),
                    "check_in_instruments": ["phq9", "cssrs"],
                    "check_in_interval_days": 7,
                }
            ),
            idempotency_key=new_idempotency_key(),
        ),
        FollowUpPlan,
    )
    with pytest.raises(ApiError) as refused:
        activate_follow_up_plan.sync(plan.id, client=clinician, idempotency_key=new_idempotency_key())
    assert refused.value.problem.code == "consent_required"
    treatment = ConsentCreate(type_=ConsentType.KETAMINE_TREATMENT, version="1", accepted_at=now)
    create_consent.sync(patient.id, client=partner, body=treatment, idempotency_key=new_idempotency_key())
    rems = RemsEnrollment(enrolled_on=date(2026, 1, 2), enrollment_id="REMS-0042")  # intranasal esketamine
    put_rems_enrollment.sync(patient.id, client=partner, body=rems)
    active = activate_follow_up_plan.sync(plan.id, client=clinician, idempotency_key=new_idempotency_key())
    assert isinstance(active, FollowUpPlan) and active.status == PlanStatus.ACTIVE

    tasks = list_follow_up_plan_tasks.sync(plan.id, client=partner, limit=100)
    assert tasks is not None
    session = next(t for t in tasks.data if t.kind == TaskKind.SESSION)
    check_in = next(t for t in tasks.data if t.kind == TaskKind.CHECK_IN)
    record = SessionRecordCreate.from_dict(
        {
            "administered_at": (now - timedelta(days=7)).isoformat(),
            "pre_systolic": 128,
            "pre_diastolic": 82,
            "observation_minutes": 120,
            "escort_confirmed": True,
            "adverse_events": [],
            **monitoring(),
            # At the psychiatrist's REMS-certified Midtown clinic; she monitors (the default) and is on site.
            "site_id": provider.sites[0].id,
            "onsite_prescriber_id": provider.id,
        }
    )
    recorded = record_follow_up_plan_session.sync(
        plan.id, session.id, client=clinician, body=record, idempotency_key=new_idempotency_key()
    )
    assert recorded is not None and not isinstance(recorded, Problem), recorded

    # The first weekly check-in: PHQ-9 from 19 to 9, a response; the C-SSRS since the last contact.
    screenings = [
        create_screening.sync(
            client=partner,
            body=created,
            idempotency_key=new_idempotency_key(),
        )
        for created in (
            Phq9ScreeningCreate(
                instrument="phq9", patient_id=patient.id, plan_id=plan.id, answers=[1] * 9, completed_at=now
            ),
            CssrsScreeningCreate(
                instrument="cssrs",
                patient_id=patient.id,
                plan_id=plan.id,
                answers=CssrsAnswers.from_dict(CSSRS_SINCE_NONE),
                completed_at=now,
            ),
        )
    ]
    completed = complete_follow_up_plan_check_in.sync(
        plan.id,
        check_in.id,
        client=partner,
        body=TaskComplete(screening_ids=[screening.id for screening in screenings]),
        idempotency_key=new_idempotency_key(),
    )
    assert completed is not None and not isinstance(completed, Problem), completed
    outcomes = get_follow_up_plan_outcomes.sync(plan.id, client=partner)
    assert outcomes is not None and not isinstance(outcomes, Problem)
    phq9 = outcomes.instruments["phq9"]
    assert (phq9.baseline, phq9.latest, phq9.response) == (19, 9, True)

    # The Schedule III prescription behind the sessions (clinical-rules.md §5): a PDMP check of New York
    # today, the in-person evaluation at the clinic, then esketamine for clinic administration at the REMS
    # site (no refills), following the consultation's video visit. An evaluation on record is a basis on any
    # date (21 U.S.C. 829(e)), whatever the telemedicine rules in force.
    pdmp = record_pdmp_check.sync(
        patient.id,
        client=clinician,
        body=PdmpCheckCreate.from_dict(
            {"state": "NY", "checked_at": now.isoformat(), "result": "no_concerns"}
        ),
        idempotency_key=new_idempotency_key(),
    )
    record_in_person_evaluation.sync(
        patient.id,
        client=clinician,
        body=InPersonEvaluationCreate.from_dict(
            {
                "evaluated_on": now.date().isoformat(),
                "site_id": provider.sites[0].id,
                "note": "Examined in clinic.",
            }
        ),
        idempotency_key=new_idempotency_key(),
    )
    seen = get_consultation.sync(consultation.id, client=clinician)
    assert seen.visit is not None
    prescription = issue_prescription.sync(
        plan.id,
        client=clinician,
        body=PrescriptionCreate.from_dict(
            {
                "visit_id": seen.visit.id,
                "medication": "esketamine",
                "route": "intranasal",
                "dose_mg": 56,
                "quantity": 2,
                "days_supply": 7,
                "refills": 0,
                "dispensing": "clinic_administered",
                "site_id": provider.sites[0].id,
                "pdmp_check_id": pdmp.id,
            }
        ),
        idempotency_key=new_idempotency_key(),
    )
    assert prescription.legal_basis.code == "in_person_evaluation"
    assert prescription.pdmp_unverified is False and prescription.prescriber_id == provider.id
