"""A patient withdraws a consent (``POST /v1/patients/{id}/consents/{consent_id}/withdraw``): it no longer
counts. Without telehealth no new consultation; withdrawing ketamine_treatment holds active plans at once."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Consent, Event
from api.services import accounts
from tests.care import PASSWORD, Care
from tests.helpers import authorization_code, bearer, exchange_code
from tests.world import REDIRECT, Creds, World

CONSULTATION = {"conditions": ["major_depression"], "patient_location_state": "NY"}


@pytest.fixture
def care(client: FlaskClient, db: Session, world: World) -> Care:
    return Care(client, db, world)


def _patient_app_token(care: Care, db: Session, email: str, patient_id: str) -> dict[str, str]:
    """A patient signed in through an app of their partner that may write their own record."""
    app, _ = accounts.create_client(
        db,
        accounts.system_principal(),
        care.world.partner_a,
        name="patient app",
        grant_type="authorization_code",
        scope="patients:read patients:write",
        redirect_uris=[REDIRECT],
        public=True,
    )
    creds = Creds(app.id, None)
    accounts.create_user(
        db, accounts.system_principal(), role="patient", email=email, password=PASSWORD, patient_id=patient_id
    )
    code, verifier = authorization_code(
        care.client, creds, email, PASSWORD, scope="patients:read patients:write"
    )
    return bearer(exchange_code(care.client, creds, code, verifier).get_json()["access_token"])


def _consent_id(db: Session, patient_id: str, type: str) -> str:
    consent_id = db.scalar(select(Consent.id).where(Consent.patient_id == patient_id, Consent.type == type))
    assert consent_id is not None
    return consent_id


def _withdraw(care: Care, consent_id: str, headers: dict[str, str], patient_id: str | None = None) -> Any:
    patient = patient_id or care.patient_id
    return care.client.post(f"/v1/patients/{patient}/consents/{consent_id}/withdraw", headers=headers)


def test_a_patient_withdraws_telehealth_and_can_request_no_consultation(care: Care, db: Session) -> None:
    telehealth = _consent_id(db, care.patient_id, "telehealth")
    patient = _patient_app_token(care, db, "alice@example.test", care.patient_id)

    withdrawn = _withdraw(care, telehealth, patient)

    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["id"] == telehealth and withdrawn.get_json()["withdrawn_at"]
    listed = care.client.get(f"/v1/patients/{care.patient_id}/consents", headers=care.partner).get_json()
    assert [c["withdrawn_at"] is not None for c in listed["data"] if c["id"] == telehealth] == [True]
    refused = care.client.post(
        "/v1/consultations", json={"patient_id": care.patient_id, **CONSULTATION}, headers=care.partner
    )
    assert refused.status_code == 422 and refused.get_json()["code"] == "consent_required"
    assert refused.get_json()["missing_consents"] == ["telehealth"]

    # Given again, it counts again: a new record.
    again = care.client.post(
        f"/v1/patients/{care.patient_id}/consents",
        json={"type": "telehealth", "version": "2", "accepted_at": "2026-02-01T09:00:00Z"},
        headers=care.partner,
    )
    assert again.status_code == 201 and again.get_json()["withdrawn_at"] is None
    accepted = care.client.post(
        "/v1/consultations", json={"patient_id": care.patient_id, **CONSULTATION}, headers=care.partner
    )
    assert accepted.status_code == 201, accepted.get_json()


def test_withdrawing_twice_is_409_and_changes_nothing(care: Care, db: Session) -> None:
    telehealth = _consent_id(db, care.patient_id, "telehealth")
    first = _withdraw(care, telehealth, care.partner).get_json()["withdrawn_at"]

    second = _withdraw(care, telehealth, care.partner)

    assert second.status_code == 409 and second.get_json()["code"] == "consent_withdrawn"
    assert second.get_json()["withdrawn_at"] == first


def test_withdrawing_ketamine_treatment_holds_active_plans_at_once(care: Care, db: Session) -> None:
    plan = care.active_plan()
    pending_before = [t["id"] for t in care.tasks(plan["id"]) if t["status"] == "pending"]
    ketamine = _consent_id(db, care.patient_id, "ketamine_treatment")

    assert _withdraw(care, ketamine, care.partner).status_code == 200  # the partner, for the patient

    held = care.client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).get_json()
    assert held["status"] == "on_hold" and "ketamine_treatment" in held["status_reason"]
    assert [t["id"] for t in care.tasks(plan["id"]) if t["status"] == "pending"] == pending_before
    changed = db.scalars(select(Event).where(Event.type == "follow_up_plan.status_changed")).all()
    assert [(e.data["status"], e.data["previous_status"]) for e in changed][-1] == ("on_hold", "active")

    # No resumption until the consent is given again.
    etag = care.client.get(f"/v1/follow-up-plans/{plan['id']}", headers=care.provider).headers["ETag"]
    refused = care.client.post(
        f"/v1/follow-up-plans/{plan['id']}/activate", headers={**care.provider, "If-Match": etag}
    )
    assert refused.status_code == 422 and refused.get_json()["missing_consents"] == ["ketamine_treatment"]
    care.consent_to_treatment()
    resumed = care.client.post(f"/v1/follow-up-plans/{plan['id']}/activate", headers=care.provider)
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "active"


def test_every_record_of_the_type_in_force_is_withdrawn(care: Care, db: Session) -> None:
    care.consent_to_treatment()
    care.consent_to_treatment()  # two versions of the same consent on record
    first, second = db.scalars(
        select(Consent.id).where(Consent.patient_id == care.patient_id, Consent.type == "ketamine_treatment")
    ).all()

    assert _withdraw(care, first, care.partner).status_code == 200

    records = db.scalars(select(Consent).where(Consent.id.in_([first, second]))).all()
    assert all(record.withdrawn_at is not None for record in records)
    assert _withdraw(care, second, care.partner).get_json()["code"] == "consent_withdrawn"


def test_another_patients_consent_or_a_provider_is_refused(care: Care, db: Session, world: World) -> None:
    theirs = _consent_id(db, world.patient_a2, "telehealth")

    assert _withdraw(care, theirs, care.partner).status_code == 404  # not this patient's consent
    alice = _patient_app_token(care, db, "alice@example.test", care.patient_id)
    assert _withdraw(care, theirs, alice, patient_id=world.patient_a2).status_code == 404  # not her record
    by_provider = _withdraw(care, _consent_id(db, care.patient_id, "telehealth"), care.provider)
    assert by_provider.status_code == 403  # clinicians do not hold patients:write
    assert db.scalar(select(Consent.withdrawn_at).where(Consent.id == theirs)) is None
