"""Follow-up plan tests' world: a completed consultation with its assigned provider, and everyone's token.

The consultation, its provider and its baseline screenings are arranged directly in the database (how they
got there is the consultations and providers issues' business); every token comes from the real token
endpoint, and signing in is done only for the roles a test uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.models import Consultation, DeaRegistration, PracticeSite, Provider, ProviderLicense, Screening
from api.services import accounts
from tests.helpers import authorization_code, bearer, cc_token, exchange_code
from tests.world import REDIRECT, Creds, World

Headers = dict[str, str]
PASSWORD = "correct-horse-battery"
CLINIC_SCOPES = "patients:read consultations:read screenings:read screenings:write plans:read plans:write"
START = date(2026, 1, 5)  # a Monday
# The consultation's screenings: the baselines the outcomes compare with.
BASELINES = {"phq9": 20, "gad7": 14, "pcl5": 40}


def provider_row(db: Session, npi: str) -> str:
    provider = Provider(
        npi=npi,
        given_name="Grace",
        family_name="Clinician",
        credential="MD",
        max_active_patients=20,
        timezone="America/Chicago",
    )
    db.add(provider)
    db.commit()
    return provider.id


def completed_consultation(
    db: Session,
    partner_id: str,
    patient_id: str,
    provider_id: str | None,
    *,
    status: str = "completed",
    outcome: str | None = "treatment_recommended",
) -> str:
    consultation = Consultation(
        partner_id=partner_id,
        patient_id=patient_id,
        status=status,
        conditions=["major_depression", "ptsd"],
        patient_location_state="TX",
        provider_id=provider_id,
        eligibility_outcome="eligible",
        outcome=outcome,
        completed_at=datetime(2026, 1, 2, 16, 0, tzinfo=UTC) if status == "completed" else None,
    )
    db.add(consultation)
    db.commit()
    return consultation.id


def screening_row(
    db: Session,
    partner_id: str,
    patient_id: str,
    instrument: str,
    total: int,
    completed_at: datetime,
    *,
    consultation_id: str | None = None,
    plan_id: str | None = None,
) -> str:
    screening = Screening(
        partner_id=partner_id,
        patient_id=patient_id,
        consultation_id=consultation_id,
        plan_id=plan_id,
        instrument=instrument,
        answers=[],
        total=total,
        severity="arranged",
        flags=[],
        loinc={},
        completed_at=completed_at,
    )
    db.add(screening)
    db.commit()
    return screening.id


class Care:
    """Partner A's patient Alice, her completed consultation with Dr. Grace, and tokens on demand."""

    def __init__(self, client: FlaskClient, db: Session, world: World) -> None:
        self.client, self.db, self.world = client, db, world
        self.provider_id = provider_row(db, "1234567893")
        self.other_provider_id = provider_row(db, "1245319599")
        self.patient_id = world.patient_a1
        self.consultation_id = completed_consultation(db, world.partner_a, self.patient_id, self.provider_id)
        for instrument, total in BASELINES.items():
            screening_row(
                db,
                world.partner_a,
                self.patient_id,
                instrument,
                total,
                datetime(2026, 1, 2, 9, 0, tzinfo=UTC),
                consultation_id=self.consultation_id,
            )
        # Patients sign in through their partner's app; clinicians through the platform's (no partner).
        self.patient_app = self._app(world.partner_a, "patient app")
        self.clinician_app = self._app(None, "clinician app")

    def _app(self, partner_id: str | None, name: str) -> Creds:
        app, _ = accounts.create_client(
            self.db,
            accounts.system_principal(),
            partner_id,
            name=name,
            grant_type="authorization_code",
            scope=CLINIC_SCOPES,
            redirect_uris=[REDIRECT],
            public=True,
        )
        return Creds(app.id, None)

    def _sign_in(self, email: str, **user: Any) -> Headers:
        accounts.create_user(self.db, accounts.system_principal(), email=email, password=PASSWORD, **user)
        app = self.patient_app if user["role"] == "patient" else self.clinician_app
        code, verifier = authorization_code(self.client, app, email, PASSWORD, scope=CLINIC_SCOPES)
        response = exchange_code(self.client, app, code, verifier)
        assert response.status_code == 200, response.get_json()
        return bearer(response.get_json()["access_token"])

    @cached_property
    def provider(self) -> Headers:
        return self._sign_in("grace@clinic.test", role="provider", provider_id=self.provider_id)

    @cached_property
    def other_provider(self) -> Headers:
        return self._sign_in("other@clinic.test", role="provider", provider_id=self.other_provider_id)

    @cached_property
    def patient(self) -> Headers:
        return self._sign_in("alice@example.test", role="patient", patient_id=self.patient_id)

    @cached_property
    def other_patient(self) -> Headers:
        return self._sign_in("amir@example.test", role="patient", patient_id=self.world.patient_a2)

    @cached_property
    def partner(self) -> Headers:
        return bearer(cc_token(self.client, self.world.portal_a))

    @cached_property
    def partner_b(self) -> Headers:
        return bearer(cc_token(self.client, self.world.portal_b))

    @cached_property
    def admin(self) -> Headers:
        return bearer(cc_token(self.client, self.world.admin))

    # --- the clinic where supervised sessions are given (clinical-rules.md §4, second edition) --------

    def equip(self, provider_id: str, state: str = "TX", *, dea: bool = True) -> None:
        """An active licence (and, with ``dea``, a schedule III DEA registration) in ``state``."""
        provider = self.db.get(Provider, provider_id)
        assert provider is not None
        provider.license_rows.append(
            ProviderLicense(
                state=state, number=f"{state}-{provider.npi}", status="active", expires_on=date(2030, 1, 1)
            )
        )
        if dea:
            provider.dea_rows.append(
                DeaRegistration(
                    state=state, number="FD1234563", schedules=["III", "IV"], expires_on=date(2030, 1, 1)
                )
            )
        self.db.commit()

    def add_site(
        self, state: str = "TX", *, rems_certified: bool = True, provider_id: str | None = None
    ) -> str:
        provider = self.db.get(Provider, provider_id or self.provider_id)
        assert provider is not None
        name = f"{state} clinic {len(provider.site_rows) + 1}"
        site = PracticeSite(name=name, state=state, rems_certified=rems_certified)
        provider.site_rows.append(site)
        self.db.commit()
        return site.id

    @cached_property
    def site_id(self) -> str:
        """Dr. Grace's REMS-certified clinic in Texas, the patient's state, where she holds an active licence
        and a schedule III DEA registration."""
        self.equip(self.provider_id)
        return self.add_site()

    def setting(self) -> dict[str, str]:
        """The setting fields of a supervised session record at that clinic, Dr. Grace on site."""
        return {"site_id": self.site_id, "onsite_prescriber_id": self.provider_id}

    # --- acting through the API ------------------------------------------------------------------

    def plan_body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "consultation_id": self.consultation_id,
            "protocol": "intranasal_esketamine",
            "route": "intranasal",
            "start_date": START.isoformat(),
            "check_in_instruments": ["phq9", "cssrs"],
        }
        body.update(changes)
        return {k: v for k, v in body.items() if v is not None}

    def create_plan(self, **changes: Any) -> dict[str, Any]:
        response = self.client.post(
            "/v1/follow-up-plans", json=self.plan_body(**changes), headers=self.provider
        )
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())

    def consent_to_treatment(self, *, rems: bool = True) -> None:
        """The ketamine_treatment consent, and (unless ``rems`` is False) the Spravato REMS enrolment an
        intranasal plan needs to be activated."""
        response = self.client.post(
            f"/v1/patients/{self.patient_id}/consents",
            json={"type": "ketamine_treatment", "version": "2", "accepted_at": "2026-01-02T09:00:00Z"},
            headers=self.partner,
        )
        assert response.status_code == 201, response.get_json()
        if rems:
            self.enrol_in_rems()

    def enrol_in_rems(self, enrollment_id: str = "REMS-0042") -> None:
        """Record Alice's Spravato REMS enrolment (an intranasal plan is activated only with one)."""
        response = self.client.put(
            f"/v1/patients/{self.patient_id}/rems-enrollment",
            json={"enrolled_on": "2026-01-02", "enrollment_id": enrollment_id},
            headers=self.partner,
        )
        assert response.status_code == 200, response.get_json()

    def make_psychiatrist(self, provider_id: str | None = None) -> None:
        """Make Dr. Grace (or another provider) an MD in psychiatry."""
        provider = self.db.get(Provider, provider_id or self.provider_id)
        assert provider is not None
        provider.specialties = ["psychiatry"]
        self.db.commit()

    def active_plan(self, **changes: Any) -> dict[str, Any]:
        plan = self.create_plan(**changes)
        self.consent_to_treatment()
        response = self.client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=self.provider)
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())

    def submit_for_plan(
        self,
        plan_id: str,
        instrument: str,
        answers: object,
        completed_at: str = "2026-01-12T08:00:00Z",
        headers: Headers | None = None,
    ) -> Any:
        """POST /v1/screenings for the plan (a check-in's answer); the response, unchecked."""
        body = {
            "patient_id": self.patient_id,
            "plan_id": plan_id,
            "instrument": instrument,
            "answers": answers,
            "completed_at": completed_at,
        }
        return self.client.post("/v1/screenings", json=body, headers=headers or self.patient)

    def answer_check_in(
        self,
        plan_id: str,
        task_id: str,
        answers: dict[str, object],
        completed_at: str = "2026-01-12T08:00:00Z",
    ) -> Any:
        """Submit one screening per instrument for the plan, then complete the check-in with them."""
        ids = []
        for instrument, given in answers.items():
            response = self.submit_for_plan(plan_id, instrument, given, completed_at)
            assert response.status_code == 201, response.get_json()
            ids.append(response.get_json()["id"])
        return self.client.post(
            f"/v1/follow-up-plans/{plan_id}/tasks/{task_id}/complete",
            json={"screening_ids": ids},
            headers=self.patient,
        )

    def tasks(self, plan_id: str, query: str = "", headers: Headers | None = None) -> list[dict[str, Any]]:
        """Every task of the plan, following the cursor through every page."""
        url: str | None = f"/v1/follow-up-plans/{plan_id}/tasks?limit=100&{query}"
        items: list[dict[str, Any]] = []
        while url:
            response = self.client.get(url, headers=headers or self.provider)
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            items += body["data"]
            url = (
                f"/v1/follow-up-plans/{plan_id}/tasks?{query}&cursor={body['next_cursor']}"
                if body["has_more"]
                else None
            )
        return items
