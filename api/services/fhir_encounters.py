"""The rows behind ServiceRequest, Encounter, Appointment and MedicationRequest (api/fhir/map_encounters.py):
their tenancy — the /v1 reads of the same data: a consultation's (``scope_consultations``) for the first
three, a plan's (``scope_plans``) for prescriptions —, the SQL condition of each search parameter that is
not a plain id or date, and the mapping of a page of rows with what it reads beside them (one query each).
api/services/fhir.py declares the sources from these.

An Encounter is a visit (``visits``) or, for a consultation started before visits were recorded (it has
``started_at`` and no visit row: clinical-rules.md §5, migration 0017), the consultation itself, read as a
visit with no modality. Both come from one UNION, mapped onto ``Visit`` (``ENCOUNTERS``), so that paging,
read by id and every condition work on one entity; a consultation's row keeps its own id (``con_…``). A
booked appointment not yet started is no Encounter: it is served as an Appointment (docs/fhir.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, exists, false, null, or_, select, true
from sqlalchemy.orm import Session, aliased

from api.auth.principal import Principal
from api.db import utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.telemedicine import Modality, PrescriptionStatus
from api.fhir import map_encounters as fhir
from api.fhir.search import reference_id, token
from api.models import Appointment, Consultation, FollowUpPlan, Prescription, Visit
from api.services.access import scope_consultations, scope_plans

JSON = dict[str, Any]
Mapped = tuple[JSON, str, str | None]


def _encounter_rows() -> Any:
    visits = select(*Visit.__table__.c)
    columns: dict[str, Any] = {c.name: null().label(c.name) for c in Visit.__table__.c}
    columns.update(
        id=Consultation.id.label("id"),
        partner_id=Consultation.partner_id.label("partner_id"),
        patient_id=Consultation.patient_id.label("patient_id"),
        consultation_id=Consultation.id.label("consultation_id"),
        provider_id=Consultation.provider_id.label("provider_id"),
        patient_location_state=Consultation.patient_location_state.label("patient_location_state"),
        started_at=Consultation.started_at.label("started_at"),
        completed_at=Consultation.completed_at.label("completed_at"),
        created_at=Consultation.started_at.label("created_at"),
    )
    unrecorded = select(*(columns[c.name] for c in Visit.__table__.c)).where(
        Consultation.started_at.is_not(None),
        ~exists().where(Visit.consultation_id == Consultation.id),
    )
    return visits.union_all(unrecorded).subquery("encounters")


ENCOUNTERS: Final = aliased(Visit, _encounter_rows(), name="encounter")


# --- tenancy: as the /v1 reads of the same data
# -----------------------------------------------------------


def _consultations(principal: Principal) -> Select[Any]:
    return scope_consultations(select(Consultation.id), principal)


def scope_service_requests(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return scope_consultations(stmt, principal)


def scope_encounters(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A consultation's visit as the consultation; a plan's follow-up visit as the plan."""
    return stmt.where(
        or_(
            ENCOUNTERS.consultation_id.in_(_consultations(principal)),
            ENCOUNTERS.plan_id.in_(scope_plans(select(FollowUpPlan.id), principal)),
        )
    )


def scope_appointments(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(Appointment.consultation_id.in_(_consultations(principal)))


def scope_prescriptions(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(Prescription.plan_id.in_(scope_plans(select(FollowUpPlan.id), principal)))


# --- conditions
# ------------------------------------------------------------------------------------------------


def _codes(values: list[str], system: str) -> set[str]:
    return {code for s, code in map(token, values) if s in (None, system)}


def _any_of(wanted: set[str], mapping: dict[str, ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(false(), *(condition for code, condition in mapping.items() if code in wanted))


def service_request_category(values: list[str], _issuer: str) -> ColumnElement[bool]:
    return true() if fhir.EVALUATION[0] in _codes(values, fhir.SNOMED) else false()


def service_request_code(values: list[str], _issuer: str) -> ColumnElement[bool]:
    return true() if fhir.CONSULTATION[0] in _codes(values, fhir.SNOMED) else false()


def service_request_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _s, code in map(token, values)}
    ours = [s for s, status in fhir.SERVICE_REQUEST_STATUS.items() if status in wanted]
    return Consultation.status.in_(ours)


def encounter_identifier(values: list[str], issuer: str) -> ColumnElement[bool]:
    ids = [code for s, code in map(token, values) if s in (None, fhir.encounter_identifier_system(issuer))]
    return ENCOUNTERS.id.in_(ids)


def encounter_class(values: list[str], _issuer: str) -> ColumnElement[bool]:
    codes = _codes(values, fhir.ACT_CODE)
    virtual = or_(ENCOUNTERS.modality.is_(None), ENCOUNTERS.modality != Modality.IN_PERSON)
    return _any_of(
        codes, {fhir.VIRTUAL[0]: virtual, fhir.AMBULATORY[0]: ENCOUNTERS.modality == Modality.IN_PERSON}
    )


def encounter_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _s, code in map(token, values)}
    return _any_of(
        wanted,
        {"finished": ENCOUNTERS.completed_at.is_not(None), "in-progress": ENCOUNTERS.completed_at.is_(None)},
    )


def encounter_type(values: list[str], _issuer: str) -> ColumnElement[bool]:
    return _any_of(
        _codes(values, fhir.SNOMED),
        {
            fhir.CONSULTATION[0]: ENCOUNTERS.plan_id.is_(None),
            fhir.FOLLOW_UP[0]: ENCOUNTERS.plan_id.is_not(None),
        },
    )


def appointment_patient(values: list[str], _issuer: str) -> ColumnElement[bool]:
    patients = [reference_id(v) for v in values]
    return Appointment.consultation_id.in_(
        select(Consultation.id).where(Consultation.patient_id.in_(patients))
    )


def appointment_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _s, code in map(token, values)}
    return Appointment.status.in_([s for s, status in fhir.APPOINTMENT_STATUS.items() if status in wanted])


def medication_request_intent(values: list[str], _issuer: str) -> ColumnElement[bool]:
    return true() if "order" in {code for _s, code in map(token, values)} else false()


def medication_request_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    """The status as of now (api.domain.telemedicine.prescription_status, in SQL)."""
    now = utcnow()
    wanted = {code for _s, code in map(token, values)}
    statuses = {
        PrescriptionStatus.ACTIVE: and_(Prescription.cancelled_at.is_(None), Prescription.active_until > now),
        PrescriptionStatus.EXPIRED: and_(
            Prescription.cancelled_at.is_(None), Prescription.active_until <= now
        ),
        PrescriptionStatus.CANCELLED: Prescription.cancelled_at.is_not(None),
    }
    return _any_of(
        wanted, {fhir.MEDICATION_REQUEST_STATUS[ours]: condition for ours, condition in statuses.items()}
    )


# --- what a page's mapping reads beside its rows
# ----------------------------------------------------------


def _open_appointments(session: Session, consultation_ids: set[str]) -> dict[str, Any]:
    """Each consultation's appointment that holds (or held) its time: booked or completed, at most one."""
    if not consultation_ids:
        return {}
    rows = session.scalars(
        select(Appointment).where(
            Appointment.consultation_id.in_(consultation_ids),
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    return {a.consultation_id: a for a in rows}


def _plan_consultations(session: Session, plan_ids: set[str]) -> dict[str, str]:
    if not plan_ids:
        return {}
    rows = session.execute(
        select(FollowUpPlan.id, FollowUpPlan.consultation_id).where(FollowUpPlan.id.in_(plan_ids))
    )
    return {str(plan): str(consultation) for plan, consultation in rows}


def _conditions(session: Session, consultation_ids: set[str]) -> dict[str, list[str]]:
    if not consultation_ids:
        return {}
    rows = session.execute(
        select(Consultation.id, Consultation.conditions).where(Consultation.id.in_(consultation_ids))
    )
    return {str(c): list(conditions or []) for c, conditions in rows}


def build_service_requests(session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    appointments = _open_appointments(session, {r.id for r in rows})
    return [(fhir.service_request(r, appointments.get(r.id)), r.id, r.patient_id) for r in rows]


def build_encounters(session: Session, rows: Sequence[Any], issuer: str) -> list[Mapped]:
    plans = _plan_consultations(session, {r.plan_id for r in rows if r.plan_id})
    consultation_of = {r.id: r.consultation_id or plans.get(r.plan_id) for r in rows}
    conditions = _conditions(session, {c for c in consultation_of.values() if c})
    appointments = _open_appointments(session, {r.consultation_id for r in rows if r.consultation_id})
    found = []
    for r in rows:
        consultation = consultation_of[r.id]
        booked = appointments.get(r.consultation_id) if r.consultation_id else None
        resource = fhir.encounter(
            r,
            issuer,
            consultation_id=consultation,
            conditions=conditions.get(consultation, []) if consultation else [],
            appointment_id=booked.id if booked is not None else None,
        )
        found.append((resource, r.id, r.patient_id))
    return found


def build_appointments(session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    ids = {r.consultation_id for r in rows}
    found = session.execute(select(Consultation.id, Consultation.patient_id).where(Consultation.id.in_(ids)))
    patients = {str(c): str(p) for c, p in found} if ids else {}
    return [
        (fhir.appointment(r, patients[r.consultation_id]), r.id, patients[r.consultation_id]) for r in rows
    ]


def build_medication_requests(session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    plans = _plan_consultations(session, {r.plan_id for r in rows})
    conditions = _conditions(session, set(plans.values()))
    now = utcnow()
    return [
        (fhir.medication_request(r, conditions.get(plans.get(r.plan_id, ""), []), now), r.id, r.patient_id)
        for r in rows
    ]
