"""The planned dump of the hot reads (api/http/representation.py) is marshmallow's dump, byte for byte.

Generated records (nulls, unicode, dates and times in any offset, nested objects and lists, keys missing
from JSON columns) go through both; the dicts, their key order, the JSON bytes and the strong ETag must be
the same. Objects stand in for rows (attributes) and JSON columns (dicts), as the ORM hands them over.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask, json
from flask_smorest.etag import EtagMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_dump, pre_dump

from api.http.blueprint import Blueprint
from api.http.json_provider import OrjsonProvider, json_bytes
from api.http.representation import Representation
from api.schemas.common import Date, Timestamp, enum_field
from api.schemas.consultations import ConsultationSchema
from api.schemas.patients import PatientSchema

TEXT = st.text(
    max_size=12
)  # every code point hypothesis draws: accents, emoji, NUL, lone surrogates excluded
OPTIONAL_TEXT = st.none() | TEXT
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])
TIMES = st.builds(
    lambda moment, offset: moment.replace(tzinfo=UTC).astimezone(offset),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)),
    OFFSETS,
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))
ADDRESS = st.none() | st.fixed_dictionaries(
    {"line1": OPTIONAL_TEXT, "city": OPTIONAL_TEXT, "state": OPTIONAL_TEXT, "postal_code": OPTIONAL_TEXT}
)
REMS = st.none() | st.fixed_dictionaries({"enrolled_on": DATES, "enrollment_id": TEXT})

PATIENTS = st.builds(
    SimpleNamespace,
    id=TEXT,
    partner_id=TEXT,
    external_id=OPTIONAL_TEXT,
    given_name=TEXT,
    family_name=TEXT,
    birth_date=DATES,
    sex_at_birth=TEXT,
    email=OPTIONAL_TEXT,
    phone=OPTIONAL_TEXT,
    preferred_language=TEXT,
    address=ADDRESS,
    timezone=OPTIONAL_TEXT,
    rems_enrollment=REMS,
    created_at=TIMES,
    updated_at=TIMES,
)


class Status(StrEnum):  # a consultation's status and outcomes are StrEnums on the model
    SUBMITTED = "submitted"
    ESCALATED = "escalated"


def _json_column(entries: dict[str, Any]) -> Any:
    """A dict as a JSON column holds it: any of its keys may be absent (an older decision's shape)."""
    return st.fixed_dictionaries({}, optional=entries)


ELIGIBILITY = st.none() | _json_column(
    {
        "reasons": st.lists(
            _json_column(
                {"code": TEXT, "detail": TEXT, "screening_id": OPTIONAL_TEXT, "field": OPTIONAL_TEXT}
            ),
            max_size=3,
        ),
        "missing_screenings": st.lists(TEXT, max_size=3),
        "crisis_resources": st.lists(
            st.fixed_dictionaries({"name": TEXT, "contact": TEXT, "description": TEXT}), max_size=2
        ),
        "considerations": st.lists(st.fixed_dictionaries({"code": TEXT, "detail": TEXT}), max_size=2),
    }
)
ESCALATION = st.none() | st.builds(
    SimpleNamespace,
    escalated_at=TIMES,
    acknowledged_at=st.none() | TIMES,
    acknowledged_by=OPTIONAL_TEXT,
    contact_outcome=OPTIONAL_TEXT,
    note=OPTIONAL_TEXT,
)
VISIT = st.none() | st.builds(
    SimpleNamespace,
    id=TEXT,
    patient_id=TEXT,
    consultation_id=OPTIONAL_TEXT,
    plan_id=OPTIONAL_TEXT,
    provider_id=TEXT,
    modality=TEXT,
    patient_location_state=TEXT,
    patient_site_id=OPTIONAL_TEXT,
    present_practitioner_id=OPTIONAL_TEXT,
    identity_method=TEXT,
    note=OPTIONAL_TEXT,
    started_at=TIMES,
    completed_at=st.none() | TIMES,
)
CONSULTATIONS = st.builds(
    SimpleNamespace,
    id=TEXT,
    partner_id=TEXT,
    patient_id=TEXT,
    status=st.sampled_from(list(Status)),
    conditions=st.lists(TEXT, max_size=3),
    patient_location_state=TEXT,
    preferred_language=OPTIONAL_TEXT,
    preferred_routes=st.lists(TEXT, max_size=3),
    preferred_times=st.lists(st.fixed_dictionaries({"start": TIMES, "end": TIMES}), max_size=2),
    notes=OPTIONAL_TEXT,
    eligibility_outcome=st.sampled_from(list(Status)),
    provider_id=OPTIONAL_TEXT,
    review_decision=st.none() | st.sampled_from(list(Status)),
    review_note=OPTIONAL_TEXT,
    reviewed_by=OPTIONAL_TEXT,
    reviewed_at=st.none() | TIMES,
    safety_plan_documented=st.none() | st.booleans(),
    escalation=ESCALATION,
    eligibility=ELIGIBILITY,
    cancellation_reason=OPTIONAL_TEXT,
    cancelled_at=st.none() | TIMES,
    outcome=OPTIONAL_TEXT,
    summary=OPTIONAL_TEXT,
    started_at=st.none() | TIMES,
    completed_at=st.none() | TIMES,
    visit=VISIT,
    created_at=TIMES,
    updated_at=TIMES,
)

APP = Flask(__name__)
APP.json = OrjsonProvider(APP)


def _same(schema: Schema, representation: Representation, record: Any) -> None:
    expected = schema.dump(record)
    planned = representation.dump(record)
    assert planned == expected
    assert list(planned) == list(expected)  # the same order: the bytes below
    assert json_bytes(planned) == json_bytes(expected)
    with APP.app_context():
        # flask-smorest's own ETag (the JSON of the schema's dump, through the app's provider) is the one a
        # represented read sends: the SHA-1 of its body.
        smorest = EtagMixin._generate_etag(expected)
        assert smorest == Blueprint._generate_etag(expected)
        assert smorest == hashlib.sha1(json_bytes(planned)).hexdigest()
        assert APP.json.response(expected).get_data() == json_bytes(planned) + b"\n"
        assert json.dumps(expected) == json_bytes(planned).decode()


_QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_QUICK
@given(PATIENTS)
def test_a_patient_is_dumped_as_marshmallow_dumps_it(patient: SimpleNamespace) -> None:
    _same(PatientSchema(), Representation(PatientSchema), patient)


@_QUICK
@given(CONSULTATIONS)
def test_a_consultation_is_dumped_as_marshmallow_dumps_it(consultation: SimpleNamespace) -> None:
    _same(ConsultationSchema(), Representation(ConsultationSchema), consultation)


class Hooked(Schema):
    name = fields.String()

    @pre_dump
    def _upper(self, data: Any, **_: Any) -> Any:
        return {"name": str(data["name"]).upper()}

    @post_dump
    def _mark(self, data: Any, **_: Any) -> Any:
        return {**data, "marked": True}


class Everything(Schema):
    """Fields the plan writes inline, through ``_serialize``, or leaves to marshmallow."""

    text = fields.String(allow_none=True)
    renamed = fields.String(data_key="renamedKey")
    sourced = fields.String(attribute="source")
    dotted = fields.String(attribute="inner.value")
    default = fields.String(dump_default="the default")
    made = fields.List(fields.String(), dump_default=list)
    flag = fields.Boolean(allow_none=True)
    number = fields.Integer(allow_none=True)
    decimal = fields.Decimal(allow_none=True, as_string=True)
    day = Date(allow_none=True)
    moment = Timestamp(allow_none=True)
    status = enum_field(Status, allow_none=True)
    method = fields.Method("_method")
    function = fields.Function(lambda obj: len(str(obj.get("text"))))
    hooked = fields.Nested(Hooked, allow_none=True)
    many = fields.List(fields.Nested(Hooked))
    plucked = fields.Pluck(Hooked, "name", allow_none=True)
    raw = fields.Raw(allow_none=True)
    mapping = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    secret = fields.String(load_only=True)

    def _method(self, obj: Any) -> str:
        return "method"


EVERYTHING = st.fixed_dictionaries(
    {},
    optional={
        "text": OPTIONAL_TEXT | st.integers(),
        "renamed": TEXT,
        "source": TEXT,
        "inner": st.fixed_dictionaries({"value": TEXT}),
        "default": OPTIONAL_TEXT,
        "made": st.lists(TEXT, max_size=2),
        "flag": st.none() | st.booleans() | st.sampled_from(["true", "no", 1, 0]),
        "number": st.none() | st.integers(),
        "decimal": st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=2),
        "day": st.none() | DATES,
        "moment": st.none() | TIMES,
        "status": st.none() | st.sampled_from(list(Status)),
        "hooked": st.none() | st.fixed_dictionaries({"name": TEXT}),
        "many": st.lists(st.fixed_dictionaries({"name": TEXT}), max_size=2),
        "plucked": st.none() | st.fixed_dictionaries({"name": TEXT}),
        "raw": st.none() | TEXT | st.integers(),
        "mapping": st.none() | st.dictionaries(TEXT, st.integers(), max_size=2),
        "secret": TEXT,
    },
)


@_QUICK
@given(EVERYTHING)
def test_every_kind_of_field_is_dumped_as_marshmallow_dumps_it(record: dict[str, Any]) -> None:
    schema = Everything()
    planned = Representation(schema).dump(record)
    assert planned == schema.dump(record)
    assert list(planned) == list(schema.dump(record))


@pytest.mark.parametrize("record", [{"name": "ada"}, SimpleNamespace(name="ada")])
def test_a_schema_with_dump_hooks_is_dumped_by_marshmallow(record: Any) -> None:
    if isinstance(record, SimpleNamespace):
        record = vars(record)
    assert Representation(Hooked).dump(record) == Hooked().dump(record) == {"name": "ADA", "marked": True}
