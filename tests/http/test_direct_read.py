"""``DirectRead`` (api/db.py): the patient read by id run past SQLAlchemy's execution and the ORM's loading.
It must find what ``session.scalar`` of the same statement finds, typed the same way, on SQLite and on
PostgreSQL; find nothing outside the principal's scope or once the token is revoked; leave nothing for the
session to write; and fail as SQLAlchemy does, without the parameters in the error."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import UnmappedColumnError

from api.auth.principal import Principal
from api.db import _KEPT_CURSOR, _STANDALONE, DirectRead, DirectStatement, UTCDateTime
from api.domain.consultation_status import ConsultationStatus
from api.models import Consultation, OAuthToken, Patient
from api.services.access import scope_parameters
from api.services.patients import _patient_by_id, get_patient, read_patient
from tests.helpers import bearer, cc_token
from tests.world import World

COLUMNS = [attribute.key for attribute in inspect(Patient).column_attrs]


def _partner(world: World, partner_id: str | None = None, token_id: str | None = None) -> Principal:
    return Principal(
        kind="partner_client",
        client_id=world.portal_a.client_id,
        subject=world.portal_a.client_id,
        scopes=frozenset(),
        partner_id=partner_id or world.partner_a,
        token_id=token_id,
    )


def _values(patient: Patient) -> dict[str, object]:
    return {name: getattr(patient, name) for name in COLUMNS}


def test_a_patient_read_directly_equals_the_sessions_read_column_by_column(db: Session, world: World) -> None:
    # Every kind of column: dates, aware timestamps, nulls and set values, text outside ASCII.
    db.execute(
        update(Patient)
        .where(Patient.id == world.patient_a1)
        .values(
            given_name="Zoë Ørsted-Nguyễn 🌿",
            rems_enrolled_on=date(2026, 1, 2),
            rems_enrollment_id="REMS-1",
            timezone=None,
            address_line1=None,
        )
    )
    db.flush()
    principal = _partner(world)
    read = read_patient(db, principal, world.patient_a1)
    db.expunge_all()
    through_session = get_patient(db, principal, world.patient_a1)
    assert _values(read) == _values(through_session)
    assert read.birth_date.__class__ is date and read.rems_enrolled_on == date(2026, 1, 2)
    assert read.created_at.tzinfo is not None and read.created_at.utcoffset() == UTC.utcoffset(None)
    assert read.rems_enrollment == {"enrolled_on": date(2026, 1, 2), "enrollment_id": "REMS-1"}
    assert read.given_name == "Zoë Ørsted-Nguyễn 🌿" and read.timezone is None


def test_a_patient_read_directly_is_not_the_sessions_to_write(db: Session, world: World) -> None:
    patient = read_patient(db, _partner(world), world.patient_a1)
    assert inspect(patient).transient and patient not in db
    patient.given_name = "Changed"  # a representation only: nothing reaches the database
    db.flush()
    db.expunge_all()
    assert db.get(Patient, world.patient_a1).given_name != "Changed"  # type: ignore[union-attr]


def test_another_partners_patient_and_an_unknown_id_are_not_found(db: Session, world: World) -> None:
    from api.services.patients import PatientNotFound

    with pytest.raises(PatientNotFound):
        read_patient(db, _partner(world, partner_id=world.partner_b), world.patient_a1)
    with pytest.raises(PatientNotFound):
        read_patient(db, _partner(world), "pat_does_not_exist")


def test_a_revoked_token_finds_nothing(client: FlaskClient, db: Session, world: World) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    assert client.get(f"/v1/patients/{world.patient_a1}", headers=headers).status_code == 200
    db.execute(update(OAuthToken).values(revoked_at=datetime.now(UTC)))
    db.flush()
    answer = client.get(f"/v1/patients/{world.patient_a1}", headers=headers)
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_the_engines_cursor_events_see_the_statement(db: Session, world: World) -> None:
    seen: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", capture)
    try:
        read_patient(db, _partner(world), world.patient_a1)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    assert len(seen) == 1 and "FROM patients" in seen[0]


def test_a_statement_with_a_list_parameter_is_read_through_the_session(db: Session, world: World) -> None:
    statuses = (ConsultationStatus.AWAITING_REVIEW, ConsultationStatus.ESCALATED)
    statement = select(Patient).where(
        Patient.id == bindparam("patient_id"),
        Patient.id.in_(select(Consultation.patient_id).where(Consultation.status.in_(statuses)))
        | (Patient.partner_id == bindparam("partner")),
    )
    read = DirectRead(statement, Patient, db.get_bind().dialect)
    assert not read.direct
    found = read.one_or_none(db, {"patient_id": world.patient_a1, "partner": world.partner_a})
    assert found is not None and found.id == world.patient_a1 and found in db


def test_a_column_not_of_the_class_is_refused_when_built(db: Session) -> None:
    other = Table("not_patients", MetaData(), Column("id", String, primary_key=True))
    with pytest.raises(UnmappedColumnError, match=r"not_patients\.id"):
        DirectRead(select(other.c.id), Patient, db.get_bind().dialect)


def test_a_driver_error_is_sqlalchemys_and_names_no_parameter(db: Session, world: World) -> None:
    principal = _partner(world)
    read = DirectRead(_patient_by_id(principal), Patient, db.get_bind().dialect)
    secret = {"pat": "a value no driver can bind"}  # a dict: neither sqlite3 nor psycopg adapts it
    with pytest.raises(DBAPIError) as raised:
        read.one_or_none(db, {"patient_id": secret, **scope_parameters(principal)})
    assert "a value no driver can bind" not in str(raised.value)
    db.rollback()
    assert read_patient(db, principal, world.patient_a1).id == world.patient_a1  # the session reads on


def test_a_database_out_of_reach_is_sqlalchemys_operational_error(
    db: Session, world: World, tmp_path: Path
) -> None:
    """A read-only request's read takes its own connection from the pool (``DirectStatement.checkout``):
    when the database cannot be reached, that is SQLAlchemy's ``OperationalError``, which the API answers
    503 with Retry-After, not the driver's own error, which it would answer 500 (tests/cluster/test_faults.py
    stops PostgreSQL under load to see it end to end)."""
    dialect = db.get_bind().dialect
    if dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'no such directory' / 'telemedical.db'}"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:1/telemedical?connect_timeout=2"
    unreachable = create_engine(url, isolation_level="AUTOCOMMIT")
    _STANDALONE.add(unreachable)
    principal = _partner(world)
    read = DirectRead(_patient_by_id(principal), Patient, dialect)
    try:
        with Session(bind=unreachable) as session, pytest.raises(OperationalError) as raised:
            read.one_or_none(session, {"patient_id": world.patient_a1, **scope_parameters(principal)})
        assert isinstance(raised.value.orig, dialect.loaded_dbapi.Error)
    finally:
        unreachable.dispose()


def test_a_postgresql_connection_keeps_one_cursor_and_drops_it_after_an_error(
    db: Session, world: World
) -> None:
    """On PostgreSQL (psycopg reads a result whole), a connection keeps one cursor for every direct statement
    run on it; a driver error closes it and the next statement makes another. On SQLite (a statement stepped,
    not read whole) each statement has its own cursor, closed after it."""
    principal = _partner(world)
    dialect = db.get_bind().dialect
    read = DirectRead(_patient_by_id(principal), Patient, dialect)
    connection = db.connection()
    cursors: list[object] = []

    def capture(_conn: object, cursor: object, *_: object) -> None:
        cursors.append(cursor)

    event.listen(connection, "before_cursor_execute", capture)
    try:
        first = read.one_or_none(db, {"patient_id": world.patient_a1, **scope_parameters(principal)})
        second = read.one_or_none(db, {"patient_id": world.patient_a2, **scope_parameters(principal)})
        assert first is not None and first.id == world.patient_a1
        assert second is not None and second.id == world.patient_a2
        kept = connection.connection.info.get(_KEPT_CURSOR)
        if dialect.name == "postgresql":
            assert cursors[0] is cursors[1] is kept and not kept.closed  # type: ignore[attr-defined]
        else:
            assert kept is None and cursors[0] is not cursors[1]
        with pytest.raises(DBAPIError):
            read.one_or_none(db, {"patient_id": {"not": "bindable"}, **scope_parameters(principal)})
        assert _KEPT_CURSOR not in connection.connection.info
        if dialect.name == "postgresql":
            assert kept.closed  # type: ignore[attr-defined]
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    db.rollback()
    again = read.one_or_none(db, {"patient_id": world.patient_a1, **scope_parameters(principal)})
    assert again is not None and again.id == world.patient_a1
    if dialect.name == "postgresql":  # the next statement made a cursor of its own, kept in turn
        fresh = db.connection().connection.info.get(_KEPT_CURSOR)
        assert fresh is not None and fresh is not kept and not fresh.closed


def test_the_fhir_patient_read_by_id_maps_the_same_row_and_keeps_its_scope(db: Session, world: World) -> None:
    from api.fhir import mapping
    from api.services import fhir
    from api.services.fhir import FhirResourceNotFound

    issuer = "https://api.example.test"
    principal = _partner(world)
    resource, our_id, patient_id = fhir.read(db, principal, "Patient", world.patient_a1, issuer)
    expected = mapping.patient(get_patient(db, principal, world.patient_a1), issuer)
    assert resource == expected and our_id == patient_id == world.patient_a1
    with pytest.raises(FhirResourceNotFound):
        fhir.read(db, _partner(world, partner_id=world.partner_b), "Patient", world.patient_a1, issuer)


def _probe(db: Session) -> Table:
    table = Table(
        "direct_statement_probe",
        MetaData(),
        Column("id", String(40), primary_key=True),
        Column("note", String(40)),
        Column("at", UTCDateTime()),
    )
    table.create(db.connection())
    return table


def test_a_direct_statement_writes_what_sqlalchemy_would(db: Session) -> None:
    """``DirectStatement`` (the audit writer's batch insert runs on it): the same row as
    ``connection.execute`` of the same statement, parameter processors applied (an aware time stored as
    the column type stores it), in the connection's transaction."""
    table = _probe(db)
    statement = insert(table).values(id=bindparam("id"), note=bindparam("note"), at=bindparam("at"))
    connection = db.connection()
    at = datetime(2026, 12, 7, 6, 30, 15, 123456, tzinfo=UTC)
    direct = DirectStatement(statement, connection.dialect)
    assert direct.direct
    direct.execute(connection, {"id": "direct", "note": "é\u2028", "at": at})
    connection.execute(statement, {"id": "core", "note": "é\u2028", "at": at})
    rows = {row.id: (row.note, row.at) for row in connection.execute(select(table))}
    assert rows["direct"] == rows["core"] == ("é\u2028", at)
    db.rollback()
    assert not inspect(db.connection()).has_table("direct_statement_probe")


def test_a_direct_statement_with_a_list_parameter_runs_through_sqlalchemy(db: Session) -> None:
    table = _probe(db)
    connection = db.connection()
    connection.execute(insert(table), [{"id": f"r{n}", "note": "x"} for n in range(3)])
    statement = delete(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
    direct = DirectStatement(statement, connection.dialect)
    assert not direct.direct  # SQLAlchemy renders the list at each execution
    direct.execute(connection, {"ids": ["r0", "r2"]})
    assert list(connection.scalars(select(table.c.id))) == ["r1"]
    db.rollback()


def test_a_direct_statement_driver_error_is_sqlalchemys_and_names_no_parameter(db: Session) -> None:
    table = _probe(db)
    connection = db.connection()
    statement = insert(table).values(id=bindparam("id"), note=bindparam("note"))
    DirectStatement(statement, connection.dialect).execute(connection, {"id": "same", "note": "first"})
    with pytest.raises(IntegrityError) as raised:  # the driver's error, as SQLAlchemy's class for it
        DirectStatement(statement, connection.dialect).execute(connection, {"id": "same", "note": "a secret"})
    assert "a secret" not in str(raised.value)
    db.rollback()
