"""The rows behind CarePlan, AdverseEvent, Consent and the vital-sign Observations (api/fhir/map_care.py).

Tenancy is the /v1 reads' of the same data: a plan's (``scope_plans``) for plans, their adverse events and
session records; a patient's (``scope_patients``) for consents. CarePlan, AdverseEvent and Consent are rows,
paged by api/services/fhir.py like every other type from the sources it declares with these functions.

A vital sign is not a row: it is one kind (blood pressure, heart rate, SpO2) of one monitoring reading (a
JSON list) of one session record. Its id is the task's, the kind and the reading's minute (``tsk-abc.bp.40``),
and its page key the record's ``created_at`` with that id, so that a cursor of its own resumes inside a
record. An Observation search reads the screening scores first, then the vital signs (each newest first);
the cursor's id tells which part it stands in. The search parameters on what only exists in the JSON (the
effective time, the kind) are applied to the readings here, in Python, after SQL has narrowed the records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import Session, lazyload

from api.auth.principal import Principal
from api.auth.protector import InsufficientScope
from api.domain.protocols import TreatmentProtocol
from api.domain.session_safety import MAX_OBSERVATION_MINUTES, AdverseEventSeverity
from api.errors import NotFound
from api.fhir import map_care
from api.fhir.ids import from_fhir_id, to_fhir_id
from api.fhir.map_care import VitalKind
from api.fhir.mapping import LOINC, OBSERVATION_CATEGORY
from api.fhir.search import DateRange, Search, date_range, reference_id, token
from api.models import AdverseEvent, Consent, FollowUpPlan, Patient, SessionRecord
from api.services.access import scope_patients, scope_plans
from api.services.paging import PageRequest

JSON = dict[str, Any]
Mapped = tuple[JSON, str, str | None]
Key = tuple[datetime, str]
# The /v1 scope whose data each part of Observation is built from (registry: Observation's scopes).
SURVEYS: Final = "screenings:read"
VITALS: Final = "plans:read"


class VitalSignNotFound(NotFound):
    code, title = "not_found", "Resource not found"


def _codes(values: list[str], system: str) -> set[str]:
    return {code for s, code in map(token, values) if s in (None, system)}


# --- CarePlan -----------------------------------------------------------------------------------------------


def scope_care_plans(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return scope_plans(stmt, principal)


def care_plan_category(values: list[str], _issuer: str) -> ColumnElement[bool]:
    return true() if "assess-plan" in _codes(values, map_care.CAREPLAN_CATEGORY) else false()


def care_plan_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _s, code in map(token, values)}
    return FollowUpPlan.status.in_(
        [ours for ours, theirs in map_care.CAREPLAN_STATUS.items() if theirs in wanted]
    )


def care_plan_date(values: list[str], _issuer: str) -> ColumnElement[bool]:
    """A date against the plan's period (R4 §3.1.1.4.2 on a Period: ``ge`` a period ending on or after the
    value, ``le`` one starting before its end, ``eq`` one within the value)."""
    conditions = []
    for value in values:
        wanted = date_range(value)
        start, end = wanted.start.date(), wanted.end.date()
        if wanted.prefix == "ge":
            conditions.append(FollowUpPlan.end_date >= start)
        elif wanted.prefix == "gt":
            conditions.append(FollowUpPlan.end_date >= end)
        elif wanted.prefix == "le":
            conditions.append(FollowUpPlan.start_date < end)
        elif wanted.prefix == "lt":
            conditions.append(FollowUpPlan.start_date < start)
        else:
            conditions.append(and_(FollowUpPlan.start_date >= start, FollowUpPlan.end_date < end))
    return or_(false(), *conditions)


def build_care_plans(_session: Session, rows: Sequence[Any], _issuer: str) -> list[Mapped]:
    return [(map_care.care_plan(r), r.id, r.patient_id) for r in rows]


# --- AdverseEvent -------------------------------------------------------------------------------------------


def scope_adverse_events(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(AdverseEvent.plan_id.in_(scope_plans(select(FollowUpPlan.id), principal)))


def adverse_event_seriousness(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = _codes(values, map_care.SERIOUSNESS_SYSTEM)
    conditions = []
    if "serious" in wanted:
        conditions.append(AdverseEvent.severity == AdverseEventSeverity.SERIOUS)
    if "non-serious" in wanted:
        conditions.append(AdverseEvent.severity != AdverseEventSeverity.SERIOUS)
    return or_(false(), *conditions)


def adverse_event_severity(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = _codes(values, map_care.SEVERITY_SYSTEM)
    return AdverseEvent.severity.in_(
        [ours for ours, theirs in map_care.EVENT_SEVERITY.items() if theirs in wanted]
    )


def build_adverse_events(session: Session, rows: Sequence[Any], issuer: str) -> list[Mapped]:
    plan_ids = {r.plan_id for r in rows}
    protocols: dict[str, TreatmentProtocol] = dict(
        session.execute(
            select(FollowUpPlan.id, FollowUpPlan.protocol).where(FollowUpPlan.id.in_(plan_ids))
        ).all()
    )
    return [(map_care.adverse_event(r, protocols[r.plan_id], issuer), r.id, r.patient_id) for r in rows]


# --- Consent ------------------------------------------------------------------------------------------------


def scope_consents(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(Consent.patient_id.in_(scope_patients(select(Patient.id), principal)))


def consent_status(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = {code for _s, code in map(token, values)}
    conditions = []
    if "active" in wanted:
        conditions.append(Consent.withdrawn_at.is_(None))
    if "inactive" in wanted:
        conditions.append(Consent.withdrawn_at.is_not(None))
    return or_(false(), *conditions)


def consent_category(values: list[str], _issuer: str) -> ColumnElement[bool]:
    wanted = _codes(values, LOINC)
    return Consent.type.in_(
        [t for t, (_scope, (code, _d)) in map_care.CONSENT_CODES.items() if code in wanted]
    )


def build_consents(session: Session, rows: Sequence[Any], issuer: str) -> list[Mapped]:
    patient_ids = {r.patient_id for r in rows}
    partners: dict[str, str] = dict(
        session.execute(select(Patient.id, Patient.partner_id).where(Patient.id.in_(patient_ids))).all()
    )
    return [(map_care.consent(r, partners[r.patient_id], issuer), r.id, r.patient_id) for r in rows]


# --- vital signs --------------------------------------------------------------------------------------------


def is_vital_sign(our_id: str) -> bool:
    return map_care.parse_vital_id(our_id) is not None


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _records(principal: Principal) -> Select[Any]:
    stmt = cast(  # a record and its plan's patient
        "Select[Any]",
        select(SessionRecord, FollowUpPlan.patient_id)
        .join(FollowUpPlan, FollowUpPlan.id == SessionRecord.plan_id)
        .options(lazyload(SessionRecord.adverse_events)),
    )
    return scope_plans(stmt, principal)


def read_vital_sign(session: Session, principal: Principal, our_id: str) -> Mapped:
    """One vital sign by its id; another tenant's, or one no reading holds, is 404 alike."""
    parsed = map_care.parse_vital_id(our_id)
    found = None
    if parsed is not None:
        task_id, kind, minute = parsed
        found = session.execute(_records(principal).where(SessionRecord.task_id == task_id)).first()
    if found is not None:
        record, patient_id = found
        for reading in record.readings or []:
            if int(reading["minute"]) == minute and kind in map_care.reading_kinds(reading):
                return map_care.vital_sign(record, patient_id, reading, kind), record.task_id, patient_id
    raise VitalSignNotFound(f"No Observation {to_fhir_id(our_id)}.")


def _wanted_kinds(query: Search) -> set[VitalKind]:
    """The kinds the search's category and code parameters let through (each group AND, values OR)."""
    kinds = set(map_care.VITAL_KINDS.values())
    for values in query.params.get("category", []):
        if "vital-signs" not in _codes(values, OBSERVATION_CATEGORY):
            return set()
    for values in query.params.get("code", []):
        codes = _codes(values, LOINC)
        kinds &= {k for k in kinds if codes & {code for code, _display in k.codes}}
    return kinds


def _in_range(at: datetime, wanted: DateRange) -> bool:
    """An instant against a date search value, as api/services/fhir.py compares an instant column."""
    if wanted.prefix == "ge":
        return at >= wanted.start
    if wanted.prefix == "gt":
        return at >= wanted.end
    if wanted.prefix == "le":
        return at < wanted.end
    if wanted.prefix == "lt":
        return at < wanted.start
    return wanted.start <= at < wanted.end


def _narrowed(principal: Principal, query: Search) -> Select[Any]:
    """The session records that may hold a match: tenancy, the patient, the ids, and the dates (a reading is
    at most the longest observation after the administration)."""
    stmt = _records(principal)
    for values in query.params.get("patient", []):
        stmt = stmt.where(FollowUpPlan.patient_id.in_([reference_id(v) for v in values]))
    for values in query.params.get("_id", []):
        parsed = [map_care.parse_vital_id(from_fhir_id(v)) for v in values]
        stmt = stmt.where(SessionRecord.task_id.in_([p[0] for p in parsed if p is not None]))
    longest = timedelta(minutes=MAX_OBSERVATION_MINUTES)
    for values in query.params.get("date", []):
        bounds = []
        for value in values:
            wanted = date_range(value)
            low = (
                None
                if wanted.prefix in ("le", "lt")
                else (wanted.end if wanted.prefix == "gt" else wanted.start)
            )
            high = (
                None
                if wanted.prefix in ("ge", "gt")
                else (wanted.start if wanted.prefix == "lt" else wanted.end)
            )
            bound = []
            if low is not None:
                bound.append(SessionRecord.administered_at >= low - longest)
            if high is not None:
                bound.append(SessionRecord.administered_at < high)
            bounds.append(and_(true(), *bound))
        stmt = stmt.where(or_(false(), *bounds))
    return stmt


def _matches(query: Search, resource: JSON, at: datetime) -> bool:
    for values in query.params.get("_id", []):
        if resource["id"] not in values:
            return False
    return all(any(_in_range(at, date_range(v)) for v in values) for values in query.params.get("date", []))


def search_vital_signs(
    session: Session, principal: Principal, query: Search, page: PageRequest
) -> tuple[list[Mapped], bool, Key | None]:
    """A page of vital signs, newest record first, each record's in a fixed order; ``page.after`` a key of
    this list (the record's ``created_at``, the vital sign's id)."""
    kinds = _wanted_kinds(query)
    if not kinds:
        return [], False, None
    after = (_aware(page.after[0]), page.after[1]) if page.after else None
    stmt = _narrowed(principal, query)
    if after is not None:
        stmt = stmt.where(SessionRecord.created_at <= after[0])
    stmt = stmt.order_by(SessionRecord.created_at.desc(), SessionRecord.task_id.desc())
    batch = page.limit + 1
    found: list[tuple[Mapped, Key]] = []
    last: SessionRecord | None = None
    while len(found) <= page.limit:
        narrowed = stmt
        if last is not None:
            narrowed = stmt.where(
                or_(
                    SessionRecord.created_at < last.created_at,
                    and_(SessionRecord.created_at == last.created_at, SessionRecord.task_id < last.task_id),
                )
            )
        rows = session.execute(narrowed.limit(batch)).all()
        for record, patient_id in rows:
            candidates = []
            for reading in record.readings or []:
                at = _aware(map_care.effective_at(record.administered_at, int(reading["minute"])))
                for kind in map_care.reading_kinds(reading):
                    if kind in kinds:
                        resource = map_care.vital_sign(record, patient_id, reading, kind)
                        key = (_aware(record.created_at), from_fhir_id(resource["id"]))
                        if (after is None or key < after) and _matches(query, resource, at):
                            candidates.append(((resource, record.task_id, patient_id), key))
            found += sorted(candidates, key=lambda c: c[1][1], reverse=True)
        if len(rows) < batch:
            break
        last = rows[-1][0]
    has_more = len(found) > page.limit
    found = found[: page.limit]
    return [m for m, _k in found], has_more, (found[-1][1] if found else None)


def search_observations(
    session: Session,
    principal: Principal,
    query: Search,
    page: PageRequest,
    within: frozenset[str],
    surveys: Callable[[PageRequest], tuple[list[Mapped], bool, Key | None]],
) -> tuple[list[Mapped], bool, Key | None]:
    """Screening scores (``surveys``: the screenings' page), then vital signs, each part only if the token
    reaches its data (``within``: the /v1 scopes granted)."""
    in_vitals = page.after is not None and is_vital_sign(page.after[1])
    found: list[Mapped] = []
    last: Key | None = None
    remaining, after = page.limit, page.after if in_vitals else None
    if SURVEYS in within and not in_vitals:
        found, more, last = surveys(page)
        if more or VITALS not in within:
            return found, more, last
        remaining = page.limit - len(found)
    if VITALS not in within:
        return found, False, last
    vitals, more, vitals_last = search_vital_signs(session, principal, query, PageRequest(remaining, after))
    return found + vitals, more, vitals_last or last


def require_part(within: frozenset[str] | None, *, vital: bool) -> None:
    """403 when the token reaches Observation, but not the part this one is built from."""
    needed = VITALS if vital else SURVEYS
    if within is not None and needed not in within:
        raise InsufficientScope(f"This Observation is built from data read with {needed}.")
