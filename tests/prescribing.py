"""Telemedicine prescribing tests' world (clinical-rules.md §5): the follow-up world of tests/care.py, its
clinicians given licences, DEA registrations and sites, tokens that may write patients' records, and the
requests a prescription needs (a visit, a PDMP check), made through the API.

Dr. Grace (the plan's provider) holds an active licence and a schedule II-V DEA registration in Texas (the
consultation's state) and Oklahoma, and has a REMS-certified Texas clinic and an Oklahoma clinic; the other
provider holds a Texas DEA registration (a practitioner who may be present with the patient) and nothing in
New Mexico. Every record is valid until 2030.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.db import utcnow
from api.domain.telemedicine import BUILT_IN_RULES, rules_as_json
from api.models import DeaRegistration, PdmpCheck, PracticeSite, Prescription, ProviderLicense, Visit
from api.services import accounts
from tests.care import CLINIC_SCOPES, PASSWORD, Care
from tests.helpers import authorization_code, bearer, exchange_code
from tests.world import REDIRECT, Creds, World

Headers = dict[str, str]
SCOPES = f"{CLINIC_SCOPES} patients:write consultations:write"
VALID = date(2030, 12, 31)
NCPDP = "1234567"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def rules_file(tmp_path: Path, *, flexibilities_until: date | None, name: str = "rules.json") -> str:
    """A rules file: the built-in table with the flexibilities' end moved (None: left out altogether)."""
    rules = rules_as_json(BUILT_IN_RULES)
    flexibilities = rules[0]
    assert flexibilities["code"] == "dea_telemedicine_flexibilities"
    if flexibilities_until is None:
        rules = rules[1:]
    else:
        flexibilities["valid_from"] = (flexibilities_until - timedelta(days=400)).isoformat()
        flexibilities["valid_until"] = flexibilities_until.isoformat()
    path = tmp_path / name
    path.write_text(json.dumps(rules))
    return str(path)


class Prescribing(Care):
    def __init__(self, client: FlaskClient, db: Session, world: World) -> None:
        super().__init__(client, db, world)
        for state in ("TX", "OK"):
            db.add(
                ProviderLicense(
                    provider_id=self.provider_id,
                    state=state,
                    number=f"{state}-77",
                    status="active",
                    expires_on=VALID,
                )
            )
            db.add(
                DeaRegistration(
                    provider_id=self.provider_id,
                    state=state,
                    number="FG1234563" if state == "TX" else "FG1234574",
                    schedules=["II", "III", "IV", "V"],
                    expires_on=VALID,
                )
            )
        db.add(
            DeaRegistration(
                provider_id=self.other_provider_id,
                state="TX",
                number="FO9999999",
                schedules=["III"],
                expires_on=VALID,
            )
        )
        texas = PracticeSite(
            provider_id=self.provider_id, name="Austin clinic", state="TX", rems_certified=True
        )
        oklahoma = PracticeSite(
            provider_id=self.provider_id, name="Tulsa clinic", state="OK", rems_certified=False
        )
        db.add_all([texas, oklahoma])
        db.commit()
        self.texas_site, self.oklahoma_site = texas.id, oklahoma.id

    def _app(self, partner_id: str | None, name: str) -> Creds:
        app, _ = accounts.create_client(
            self.db,
            accounts.system_principal(),
            partner_id,
            name=name,
            grant_type="authorization_code",
            scope=SCOPES,
            redirect_uris=[REDIRECT],
            public=True,
        )
        return Creds(app.id, None)

    def _sign_in(self, email: str, **user: Any) -> Headers:
        accounts.create_user(self.db, accounts.system_principal(), email=email, password=PASSWORD, **user)
        app = self.patient_app if user["role"] == "patient" else self.clinician_app
        scope = CLINIC_SCOPES if user["role"] == "patient" else SCOPES
        code, verifier = authorization_code(self.client, app, email, PASSWORD, scope=scope)
        response = exchange_code(self.client, app, code, verifier)
        assert response.status_code == 200, response.get_json()
        return bearer(response.get_json()["access_token"])

    # --- through the API ------------------------------------------------------------------------------

    def on(self, app: Flask) -> Prescribing:
        """The same world and tokens, through another app (one made with another rules file)."""
        self.client = app.test_client()
        return self

    @cached_property
    def plan(self) -> dict[str, Any]:
        """An oral at-home ketamine plan (draft) of the consultation."""
        return self.create_plan(protocol="oral_at_home", route="oral", check_in_instruments=["phq9", "cssrs"])

    def visit_body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "modality": "audio_video",
            "patient_location_state": "TX",
            "identity_verified": True,
            "identity_method": "photo_id",
            "note": "Follow-up: mood improving, no dissociation at home.",
        }
        body.update(changes)
        return {k: v for k, v in body.items() if v is not None}

    def visit(self, headers: Headers | None = None, **changes: Any) -> Any:
        return self.client.post(
            f"/v1/follow-up-plans/{self.plan['id']}/visits",
            json=self.visit_body(**changes),
            headers=headers or self.provider,
        )

    def visit_id(self, **changes: Any) -> str:
        response = self.visit(**changes)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def pdmp(self, headers: Headers | None = None, **changes: Any) -> Any:
        body = {"state": "TX", "checked_at": iso(utcnow() - timedelta(minutes=5)), "result": "no_concerns"}
        body.update(changes)
        body = {k: v for k, v in body.items() if v is not None}
        return self.client.post(
            f"/v1/patients/{self.patient_id}/pdmp-checks", json=body, headers=headers or self.provider
        )

    def pdmp_id(self, **changes: Any) -> str:
        response = self.pdmp(**changes)
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def evaluation(self, headers: Headers | None = None, **changes: Any) -> Any:
        body = {
            "evaluated_on": (utcnow().date() - timedelta(days=200)).isoformat(),
            "note": "Examined at the clinic.",
        }
        body.update(changes)
        return self.client.post(
            f"/v1/patients/{self.patient_id}/in-person-evaluations",
            json=body,
            headers=headers or self.provider,
        )

    def rx_body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "medication": "ketamine",
            "route": "oral",
            "dose_mg": 100,
            "quantity": 8,
            "days_supply": 28,
            "refills": 1,
            "dispensing": "pharmacy",
            "pharmacy_ncpdp_id": NCPDP,
        }
        if "visit_id" not in changes:
            body["visit_id"] = self.visit_id()
        if "pdmp_check_id" not in changes:
            body["pdmp_check_id"] = self.pdmp_id()
        body.update(changes)
        return {k: v for k, v in body.items() if v is not None}

    def prescribe(
        self, body: dict[str, Any] | None = None, headers: Headers | None = None, **changes: Any
    ) -> Any:
        return self.client.post(
            f"/v1/follow-up-plans/{self.plan['id']}/prescriptions",
            json=body if body is not None else self.rx_body(**changes),
            headers=headers or self.provider,
        )

    def prescription(self, **changes: Any) -> dict[str, Any]:
        response = self.prescribe(**changes)
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())


def prescription_row(
    db: Session, plan: dict[str, Any], *, dose_mg: float = 200, route: str | None = None
) -> str:
    """An active pharmacy ketamine prescription of an at-home plan, arranged in the database (for the tests
    of session recording, whose subject is not prescribing): its visit and PDMP check with it."""
    now = utcnow()
    visit = Visit(
        partner_id=plan["partner_id"],
        patient_id=plan["patient_id"],
        plan_id=plan["id"],
        provider_id=plan["provider_id"],
        modality="in_person",
        patient_location_state="TX",
        identity_verified=True,
        identity_method="known_patient",
        started_at=now,
        completed_at=now,
    )
    check = PdmpCheck(
        partner_id=plan["partner_id"],
        patient_id=plan["patient_id"],
        provider_id=plan["provider_id"],
        state="TX",
        checked_at=now,
        result="no_concerns",
    )
    db.add_all([visit, check])
    db.flush()
    prescription = Prescription(
        partner_id=plan["partner_id"],
        patient_id=plan["patient_id"],
        plan_id=plan["id"],
        prescriber_id=plan["provider_id"],
        visit_id=visit.id,
        medication="ketamine",
        route=route or plan["route"],
        dose_mg=dose_mg,
        quantity=8,
        days_supply=56,
        refills=0,
        dispensing="pharmacy",
        pharmacy_ncpdp_id=NCPDP,
        pdmp_check_id=check.id,
        pdmp_unverified=False,
        legal_basis_code="in_person_evaluation",
        legal_basis_source="21 U.S.C. 829(e)(2)(A)(i)",
        visit_modality="in_person",
        patient_location_state="TX",
        issued_at=now,
        active_until=now + timedelta(days=56),
    )
    db.add(prescription)
    db.commit()
    return prescription.id
