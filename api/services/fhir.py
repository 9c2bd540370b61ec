"""FHIR reads and searches: which rows a principal may see (the tenancy filters of api/services/access.py,
unchanged), narrowed by the search's parameters, paged by the keyset of every /v1 list, and mapped to FHIR
by the pure functions of api/fhir/mapping.py.

Each served type has one ``Source`` here: its model, its tenancy filter, one SQL condition per search
parameter
and the mapping of a page of rows. A type in api/fhir/registry.py without a source (or the reverse) fails at
import (``_check_sources``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from api.auth.principal import Principal
from api.auth.store import confirm_token_live, where_token_live
from api.domain.screening import CSSRS_QUESTIONS, LOINC_CODES, Instrument
from api.errors import NotFound
from api.fhir import mapping
from api.fhir.ids import to_fhir_id
from api.fhir.mapping import JSON
from api.fhir.registry import SERVED
from api.fhir.search import DateRange, Search, date_range, reference_id, token
from api.models import (
    AdverseEvent,
    Appointment,
    Consent,
    Consultation,
    FollowUpPlan,
    Partner,
    Patient,
    PracticeSite,
    Prescription,
    Provider,
    ProviderSpecialty,
    Screening,
    User,
)
from api.services import fhir_care as care
from api.services import fhir_encounters as visits
from api.services.access import (
    prepared_direct,
    scope_parameters,
    scope_patients,
    scope_screenings,
)
from api.services.fhir_encounters import ENCOUNTERS
from api.services.paging import Page, PageRequest, fetch_page


class FhirResourceNotFound(NotFound):
    code, title = "not_found", "Resource not found"


# A parameter's condition for one value list (its values OR'd; the parameter repeated is AND).
Condition = Callable[[list[str], str], ColumnElement[bool]]
# One row as FHIR, with what the audit trail records of it: our id and the patient whose data it is.
Mapped = tuple[JSON, str, str | None]


@dataclass(frozen=True)
class Source:
    model: type[Any]
    scope: Callable[[Select[Any], Principal], Select[Any]]
    build: Callable[[Session, Sequence[Any], str], list[Mapped]]
    conditions: Mapping[str, Condition] = field(default_factory=dict)
    load: tuple[Any, ...] = ()  # eager loads the mapping reads
    readable: Callable[[Select[Any]], Select[Any]] = lambda stmt: stmt  # rows that have a FHIR form at all
    # ``build`` reads the row's own columns only (no relationship, no query of its own): a read by id then
    # takes the row past the ORM (``DirectRead``, api/db.py), as ``GET /v1/patients/{id}`` does.
    columns_only: bool = False


@dataclass(frozen=True)
class Found:
    resources: list[Mapped]
    has_more: bool
    last_key: Any


# --- conditions ---------------------------------------------------------------------------------------------


def _any(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(false(), *conditions)


def _starts(*columns: Any) -> Condition:
    """A FHIR string search: case-insensitive, matching the start of any of the columns (R4 §3.1.1.4.9)."""

    def condition(values: list[str], _issuer: str) -> ColumnElement[bool]:
        return _any([func.lower(c).startswith(v.lower(), autoescape=True) for v in values for c in columns])

    return condition


def _ids(column: QueryableAttribute[Any]) -> Condition:
    def condition(values: list[str], _issuer: str) -> ColumnElement[bool]:
        return column.in_([reference_id(v) for v in values])

    return condition


def _dates(column: QueryableAttribute[Any], *, instant: bool) -> Condition:
    def condition(values: list[str], _issuer: str) -> ColumnElement[bool]:
        return _any([_date_condition(column, date_range(v), instant=instant) for v in values])

    return condition


def _date_condition(
    column: QueryableAttribute[Any], wanted: DateRange, *, instant: bool
) -> ColumnElement[bool]:
    """The rows whose value falls where the search asks (R4 §3.1.1.4.2, with the value an instant or a day:
    a birth date compares as a date, an observation's time as an instant)."""
    start: date | datetime = wanted.start if instant else wanted.start.date()
    end: date | datetime = wanted.end if instant else wanted.end.date()
    if wanted.prefix == "ge":
        return column >= start
    if wanted.prefix == "gt":
        return column >= end
    if wanted.prefix == "le":
        return column < end
    if wanted.prefix == "lt":
        return column < start
    return and_(column >= start, column < end)


def _patient_identifier(values: list[str], issuer: str) -> ColumnElement[bool]:
    conditions = []
    for value in values:
        system, code = token(value)
        if system == mapping.patient_identifier_system(issuer):
            conditions.append(Patient.id == code)
        elif system is None:
            conditions.append(or_(Patient.id == code, Patient.external_id == code))
        elif system.startswith(f"{issuer}/fhir/sid/") and system.endswith("/external-id"):
            partner = reference_id(system.removeprefix(f"{issuer}/fhir/sid/").removesuffix("/external-id"))
            conditions.append(and_(Patient.partner_id == partner, Patient.external_id == code))
    return _any(conditions)


def _gender(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _system, code in map(token, values)}
    sexes = [sex for sex, gender in mapping.GENDER.items() if gender in wanted]
    if "unknown" in wanted:
        return or_(Patient.sex_at_birth.in_(sexes), Patient.sex_at_birth.not_in(list(mapping.GENDER)))
    return Patient.sex_at_birth.in_(sexes)


def _npi(values: list[str], _issuer: str) -> ColumnElement[bool]:
    codes = [code for system, code in map(token, values) if system in (None, mapping.NPI_SYSTEM)]
    return Provider.npi.in_(codes)


def _specialty(values: list[str], _issuer: str) -> ColumnElement[bool]:
    by_code = {code: name for name, (code, _display) in mapping.SPECIALTY_CODES.items()}
    wanted = []
    for system, code in map(token, values):
        if system in (None, mapping.NUCC_SYSTEM) and code in by_code:
            wanted.append(by_code[code])
        elif system is None:
            wanted.append(code)  # our own specialty word (the text of an uncoded one)
    return Provider.id.in_(
        select(ProviderSpecialty.provider_id).where(ProviderSpecialty.specialty.in_(wanted))
    )


SCORED: Final = tuple(i for i in Instrument if i in mapping.QUESTIONNAIRE_TITLES)


def _scored(stmt: Select[Any]) -> Select[Any]:
    """Screenings with a FHIR form: the scored instruments (the ketamine intake is a form, not a score)."""
    return stmt.where(Screening.instrument.in_(SCORED))


def _screening_codes(values: list[str], _issuer: str) -> ColumnElement[bool]:
    by_code = {code: i for i in SCORED for code in LOINC_CODES[i].as_dict().values()}
    wanted = [
        by_code[code]
        for system, code in map(token, values)
        if system in (None, mapping.LOINC) and code in by_code
    ]
    return Screening.instrument.in_(wanted)


def _screening_category(values: list[str], _issuer: str) -> ColumnElement[bool]:
    codes = {code for system, code in map(token, values) if system in (None, mapping.OBSERVATION_CATEGORY)}
    return true() if "survey" in codes else false()


def _nothing(_values: list[str], _issuer: str) -> ColumnElement[bool]:
    """A parameter on data we do not hold (an organisation's address): nothing matches it."""
    return false()


# --- tenancy of the rows that are nobody's patient data
# -------------------------------------------------------


def _directory(stmt: Select[Any], _principal: Principal) -> Select[Any]:
    """The provider directory is readable by every principal with the scope (as /v1 providers:read)."""
    return stmt


def _partners(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """A partner: its own systems, its patients, the providers of its patients, and an admin see it."""
    if principal.is_admin:
        return stmt
    return stmt.where(Partner.id.in_(scope_patients(select(Patient.partner_id), principal)))


# --- builds: a page of rows as FHIR
# ---------------------------------------------------------------------------


def _emails(session: Session, provider_ids: list[str]) -> dict[str, str]:
    """The sign-in email of each provider that has an account."""
    if not provider_ids:
        return {}
    rows = session.execute(
        select(User.provider_id, User.email).where(
            User.provider_id.in_(provider_ids), User.role == "provider"
        )
    )
    return {str(p): str(e) for p, e in rows}


def _build_patients(_session: Session, rows: Sequence[Any], issuer: str) -> list[Mapped]:
    return [(mapping.patient(r, issuer), r.id, r.id) for r in rows]


def _build_practitioners(session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    emails = _emails(session, [r.id for r in rows])
    return [(mapping.practitioner(r, emails.get(r.id)), r.id, None) for r in rows]


def _build_roles(session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    emails = _emails(session, [r.id for r in rows])
    return [(mapping.practitioner_role(r, emails[r.id]), r.id, None) for r in rows]


def _with_account(stmt: Select[Any]) -> Select[Any]:
    """A PractitionerRole exists for a provider with a sign-in email (its one contact: US Core pd-1)."""
    return stmt.where(Provider.id.in_(select(User.provider_id).where(User.role == "provider")))


SOURCES: Final[Mapping[str, Source]] = {
    "Observation": Source(
        Screening,
        scope_screenings,
        lambda _s, rows, issuer: [
            (mapping.screening_observation(r, issuer), r.id, r.patient_id) for r in rows
        ],
        {
            "_id": _ids(Screening.id),
            "patient": _ids(Screening.patient_id),
            "category": _screening_category,
            "code": _screening_codes,
            "date": _dates(Screening.completed_at, instant=True),
        },
        readable=_scored,
    ),
    "QuestionnaireResponse": Source(
        Screening,
        scope_screenings,
        lambda _s, rows, issuer: [
            (mapping.questionnaire_response(r, issuer), r.id, r.patient_id) for r in rows
        ],
        {"_id": _ids(Screening.id), "patient": _ids(Screening.patient_id)},
        readable=_scored,
    ),
    "Patient": Source(
        Patient,
        scope_patients,
        _build_patients,
        {
            "_id": _ids(Patient.id),
            "identifier": _patient_identifier,
            "name": _starts(Patient.given_name, Patient.family_name),
            "family": _starts(Patient.family_name),
            "given": _starts(Patient.given_name),
            "birthdate": _dates(Patient.birth_date, instant=False),
            "gender": _gender,
        },
        columns_only=True,
    ),
    "Practitioner": Source(
        Provider,
        _directory,
        _build_practitioners,
        {
            "_id": _ids(Provider.id),
            "name": _starts(Provider.given_name, Provider.family_name),
            "identifier": _npi,
        },
    ),
    "PractitionerRole": Source(
        Provider,
        _directory,
        _build_roles,
        {"_id": _ids(Provider.id), "specialty": _specialty, "practitioner": _ids(Provider.id)},
        load=(selectinload(Provider.specialty_rows), selectinload(Provider.site_rows)),
        readable=_with_account,
    ),
    "Organization": Source(
        Partner,
        _partners,
        lambda _s, rows, _i: [(mapping.organization(r), r.id, None) for r in rows],
        {"_id": _ids(Partner.id), "name": _starts(Partner.name), "address": _nothing},
    ),
    "ServiceRequest": Source(
        Consultation,
        visits.scope_service_requests,
        visits.build_service_requests,
        {
            "_id": _ids(Consultation.id),
            "patient": _ids(Consultation.patient_id),
            "category": visits.service_request_category,
            "code": visits.service_request_code,
            "authored": _dates(Consultation.created_at, instant=True),
            "status": visits.service_request_status,
        },
    ),
    "Encounter": Source(
        ENCOUNTERS,
        visits.scope_encounters,
        visits.build_encounters,
        {
            "_id": _ids(ENCOUNTERS.id),
            "patient": _ids(ENCOUNTERS.patient_id),
            "date": _dates(ENCOUNTERS.started_at, instant=True),
            "identifier": visits.encounter_identifier,
            "class": visits.encounter_class,
            "status": visits.encounter_status,
            "type": visits.encounter_type,
        },
    ),
    "Appointment": Source(
        Appointment,
        visits.scope_appointments,
        visits.build_appointments,
        {
            "_id": _ids(Appointment.id),
            "patient": visits.appointment_patient,
            "practitioner": _ids(Appointment.provider_id),
            "date": _dates(Appointment.starts_at, instant=True),
            "status": visits.appointment_status,
        },
    ),
    "MedicationRequest": Source(
        Prescription,
        visits.scope_prescriptions,
        visits.build_medication_requests,
        {
            "_id": _ids(Prescription.id),
            "patient": _ids(Prescription.patient_id),
            "intent": visits.medication_request_intent,
            "status": visits.medication_request_status,
            "encounter": _ids(Prescription.visit_id),
            "authoredon": _dates(Prescription.issued_at, instant=True),
        },
    ),
    "CarePlan": Source(
        FollowUpPlan,
        care.scope_care_plans,
        care.build_care_plans,
        {
            "_id": _ids(FollowUpPlan.id),
            "patient": _ids(FollowUpPlan.patient_id),
            "category": care.care_plan_category,
            "status": care.care_plan_status,
            "date": care.care_plan_date,
        },
    ),
    "AdverseEvent": Source(
        AdverseEvent,
        care.scope_adverse_events,
        care.build_adverse_events,
        {
            "_id": _ids(AdverseEvent.id),
            "patient": _ids(AdverseEvent.patient_id),
            "date": _dates(AdverseEvent.onset_at, instant=True),
            "seriousness": care.adverse_event_seriousness,
            "severity": care.adverse_event_severity,
        },
    ),
    "Consent": Source(
        Consent,
        care.scope_consents,
        care.build_consents,
        {
            "_id": _ids(Consent.id),
            "patient": _ids(Consent.patient_id),
            "status": care.consent_status,
            "category": care.consent_category,
            "date": _dates(Consent.accepted_at, instant=True),
        },
    ),
    "Location": Source(
        PracticeSite,
        _directory,
        lambda _s, rows, _i: [(mapping.location(r), r.id, None) for r in rows],
        {
            "_id": _ids(PracticeSite.id),
            "name": _starts(PracticeSite.name),
            "address": _starts(PracticeSite.state),
            "address-state": _starts(PracticeSite.state),
            "address-city": _nothing,
            "address-postalcode": _nothing,
        },
    ),
}


def questionnaires(issuer: str) -> list[Mapped]:
    """The served questionnaires (no rows: the instruments themselves), nobody's patient data."""
    return [
        (mapping.questionnaire(str(i), issuer, LOINC_CODES[i].panel, CSSRS_QUESTIONS), str(i), None)
        for i in SCORED
    ]


def _check_sources() -> None:
    """Every served type has its source, and each of its search parameters a condition."""
    assert set(SOURCES) | {"Questionnaire"} == set(SERVED), set(SOURCES) ^ set(SERVED)
    for name, served in SERVED.items():
        if name == "Questionnaire":
            continue
        missing = set(served.searches) - set(SOURCES[name].conditions)
        assert not missing, f"{name}: no condition for {sorted(missing)}"


_check_sources()


def _rows(source: Source, principal: Principal) -> Select[Any]:
    stmt = source.readable(source.scope(select(source.model), principal))
    return stmt.options(*source.load) if source.load else stmt


def _by_id(source: Source) -> Callable[[Principal], Select[Any]]:
    """A read by id of ``source``: the id as the ``our_id`` parameter, the request's token checked in the same
    statement (api/auth/store.py)."""

    def build(principal: Principal) -> Select[Any]:
        stmt = _rows(source, principal).where(source.model.id == bindparam("our_id"))
        return where_token_live(stmt, principal.token_id)

    return build


def read(
    session: Session,
    principal: Principal,
    resource_type: str,
    our_id: str,
    issuer: str,
    *,
    within: frozenset[str] | None = None,
) -> Mapped:
    """One resource by our id; another tenant's, or one that is not there, is 404 alike. ``within``: the /v1
    scopes whose part of the type the token reaches (None: all of it)."""
    if resource_type == "Observation":
        care.require_part(within, vital=care.is_vital_sign(our_id))
        if care.is_vital_sign(our_id):
            return care.read_vital_sign(session, principal, our_id)
    if resource_type == "Questionnaire":
        found = [q for q in questionnaires(issuer) if q[1] == our_id]
        if not found:
            raise FhirResourceNotFound(f"No Questionnaire {our_id}.")
        return found[0]
    source = SOURCES[resource_type]
    parameters = {"our_id": our_id, **scope_parameters(principal)}
    if source.columns_only:  # its statement built once per kind of principal, its row read past the ORM
        direct = prepared_direct(f"fhir_{resource_type}", principal, _by_id(source), source.model, session)
        row = direct.one_or_none(session, parameters)
    else:
        row = session.scalar(_by_id(source)(principal), parameters)
    if row is None:
        raise FhirResourceNotFound(f"No {resource_type} {to_fhir_id(our_id)}.")
    confirm_token_live(session, principal.token_id)
    return source.build(session, [row], issuer)[0]


def search(
    session: Session,
    principal: Principal,
    resource_type: str,
    query: Search,
    page: PageRequest,
    issuer: str,
    *,
    within: frozenset[str] | None = None,
) -> Found:
    if resource_type == "Questionnaire":
        return _search_questionnaires(query, issuer)
    if resource_type == "Observation":  # scores, then session vital signs (api/services/fhir_care.py)
        found = care.search_observations(
            session,
            principal,
            query,
            page,
            frozenset(SERVED["Observation"].scopes) if within is None else within,
            lambda surveys_page: _search_rows(session, principal, resource_type, query, surveys_page, issuer),
        )
        return Found(*found)
    found_rows = _search_rows(session, principal, resource_type, query, page, issuer)
    return Found(*found_rows)


def _search_rows(
    session: Session, principal: Principal, resource_type: str, query: Search, page: PageRequest, issuer: str
) -> tuple[list[Mapped], bool, Any]:
    source = SOURCES[resource_type]
    stmt = _rows(source, principal)
    for name, groups in query.params.items():
        for values in groups:
            stmt = stmt.where(source.conditions[name](values, issuer))
    found: Page[Any] = fetch_page(session, stmt, source.model, page)
    return source.build(session, found.items, issuer), found.has_more, found.last_key


def _search_questionnaires(query: Search, issuer: str) -> Found:
    """A handful of resources, one page: ``_id`` and ``url`` filter them in memory."""
    found = questionnaires(issuer)
    for name, groups in query.params.items():
        for values in groups:
            if name == "_id":
                found = [q for q in found if q[1] in values]
            else:
                found = [q for q in found if q[0]["url"] in values]
    return Found(found, False, None)
