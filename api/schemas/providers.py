"""The provider directory: providers, their licences, DEA registrations, sites, availability and slots."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import orjson
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.domain.availability import WEEKDAYS
from api.domain.matching import CONSULTATION_LENGTH, LicenseStatus
from api.domain.npi import is_valid_npi
from api.domain.protocols import Route
from api.domain.reference import CREDENTIALS, DEA_SCHEDULES, US_STATES, canonical_license_number
from api.models.provider import ROUTE_ORDER
from api.schemas.common import (
    Boolean,
    Date,
    PageArgsSchema,
    StrictSchema,
    Timestamp,
    language_tag,
    page_schema,
    time_zone,
    unique_list,
)
from api.services.provider_directory import ProviderListing

LICENSE_STATUSES = [str(status) for status in LicenseStatus]
ROUTES = [str(route) for route in Route]
# Registrant type letter, then the first letter of the surname (or 9 for a business), then 7 digits.
DEA_NUMBER = re.compile(r"^[A-Z][A-Z9][0-9]{7}$")
SPECIALTY = re.compile(r"^[a-z][a-z_]{1,59}$")
MAX_SLOT_RANGE = timedelta(days=92)
CONSULTATION_MINUTES = int(CONSULTATION_LENGTH.total_seconds() // 60)

_STATE = validate.OneOf(sorted(US_STATES), error="Must be a USPS state or territory code, e.g. CA or NY.")
_NAME = validate.Length(min=1, max=200)


def _npi(value: str) -> None:
    if not is_valid_npi(value):
        raise ValidationError("Not a valid NPI: 10 digits whose last is the Luhn check digit (prefix 80840).")


class LicenseNumber(fields.String):
    """Read in its canonical form (capitals, no surrounding spaces): the form it is unique in."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return canonical_license_number(super()._deserialize(value, attr, data, **kwargs))


class LicenseSchema(StrictSchema):
    state = fields.String(required=True, validate=_STATE)
    number = LicenseNumber(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "As the board issued it; stored in capitals. One provider holds it."},
    )
    status = fields.String(required=True, validate=validate.OneOf(LICENSE_STATUSES))
    expires_on = Date(required=True, metadata={"description": "Last day the licence is valid"})


class DeaRegistrationSchema(StrictSchema):
    state = fields.String(required=True, validate=_STATE)
    number = fields.String(
        required=True,
        validate=validate.Regexp(DEA_NUMBER, error="Use the DEA format: two letters and seven digits."),
    )
    schedules = unique_list(
        fields.String(validate=validate.OneOf(DEA_SCHEDULES)),
        required=True,
        validators=[validate.Length(min=1)],
        metadata={"description": "Controlled-substance schedules covered; ketamine is schedule III"},
    )
    expires_on = Date(required=True, metadata={"description": "Last day the registration is valid"})


class SiteSchema(StrictSchema):
    id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=_NAME)
    state = fields.String(required=True, validate=_STATE)
    rems_certified = Boolean(
        load_default=False, metadata={"description": "Spravato REMS-certified (needed for intranasal)"}
    )


class TimeRangeSchema(StrictSchema):
    start = fields.String(
        required=True,
        validate=validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error='Use a local time "HH:MM".'),
        metadata={"example": "09:00"},
    )
    end = fields.String(
        required=True,
        validate=validate.Regexp(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", error='Use "HH:MM" or "24:00".'),
        metadata={"example": "17:00"},
    )


class WeeklyWindowSchema(TimeRangeSchema):
    weekday = fields.String(required=True, validate=validate.OneOf(WEEKDAYS))


class DateExceptionSchema(StrictSchema):
    date = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", error='Use a date "YYYY-MM-DD".'),
        metadata={"format": "date", "example": "2026-12-24"},
    )
    windows = fields.List(
        fields.Nested(TimeRangeSchema),
        required=True,
        validate=validate.Length(max=48),
        metadata={"description": "Replaces that date's weekly windows; empty means unavailable all day"},
    )


class AvailabilitySchema(StrictSchema):
    """Local wall-clock windows in the provider's time zone; no window crosses midnight (split it)."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Three weekly windows and a day off": {
            "weekly": [
                {"weekday": "monday", "start": "09:00", "end": "12:00"},
                {"weekday": "wednesday", "start": "09:00", "end": "12:00"},
                {"weekday": "friday", "start": "13:00", "end": "17:00"},
            ],
            "exceptions": [{"date": "2026-12-25", "windows": []}],
        }
    }

    weekly = fields.List(fields.Nested(WeeklyWindowSchema), required=True, validate=validate.Length(max=336))
    exceptions = fields.List(
        fields.Nested(DateExceptionSchema), load_default=list, validate=validate.Length(max=366)
    )


class ProviderSchema(Schema):
    id = fields.String(required=True, metadata={"example": "prv_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    npi = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    credential = fields.String(required=True, validate=validate.OneOf(CREDENTIALS))
    specialties = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)
    routes_offered = fields.List(fields.String(validate=validate.OneOf(ROUTES)), required=True)
    sites = fields.List(fields.Nested(SiteSchema), required=True)
    licenses = fields.List(fields.Nested(LicenseSchema), required=True)
    dea_registrations = fields.List(fields.Nested(DeaRegistrationSchema), required=True)
    accepting_new_patients = Boolean(required=True)
    max_active_patients = fields.Integer(required=True)
    active_patients = fields.Integer(
        required=True,
        metadata={
            "description": "Consultations booked with this provider and not yet completed or cancelled"
        },
    )
    timezone = fields.String(required=True)
    availability = fields.Nested(AvailabilitySchema, required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


# (list, its natural key, the message for a repeat) — what _sync_rows in the service keys rows by.
_ENTRY_KEYS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("licenses", ("state", "number"), "This licence (state and number) is listed twice."),
    ("dea_registrations", ("state",), "One DEA registration per state."),
    ("sites", ("state", "name"), "This site (state and name) is listed twice."),
)


class _ProviderFields(StrictSchema):
    npi = fields.String(validate=_npi, metadata={"example": "1234567893"})
    given_name = fields.String(validate=_NAME)
    family_name = fields.String(validate=_NAME)
    credential = fields.String(validate=validate.OneOf(CREDENTIALS))
    specialties = unique_list(
        fields.String(
            validate=validate.Regexp(SPECIALTY, error="Use a snake_case specialty, e.g. psychiatry."),
        ),
        validators=[validate.Length(max=20)],
    )
    languages = unique_list(language_tag(), validators=[validate.Length(min=1, max=20)])
    routes_offered = unique_list(
        fields.String(validate=validate.OneOf(ROUTES)), validators=[validate.Length(max=len(ROUTES))]
    )
    sites = fields.List(fields.Nested(SiteSchema), validate=validate.Length(max=50))
    licenses = fields.List(fields.Nested(LicenseSchema), validate=validate.Length(max=60))
    dea_registrations = fields.List(fields.Nested(DeaRegistrationSchema), validate=validate.Length(max=60))
    accepting_new_patients = Boolean()
    max_active_patients = fields.Integer(validate=validate.Range(min=1, max=10_000))
    timezone = time_zone()

    @validates_schema
    def _no_repeated_entries(self, data: dict[str, Any], **_: Any) -> None:
        """Each list's natural key at most once: the directory stores (and updates) one row per key."""
        errors: dict[str, dict[int, dict[str, list[str]]]] = {}
        for field, key, message in _ENTRY_KEYS:
            seen: set[tuple[str, ...]] = set()
            for index, item in enumerate(data.get(field) or []):
                natural_key = tuple(item[name] for name in key)
                if natural_key in seen:
                    errors.setdefault(field, {})[index] = {key[-1]: [message]}
                seen.add(natural_key)
        if errors:
            raise ValidationError(errors)


class ProviderCreateSchema(_ProviderFields):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A psychiatrist in New York": {
            "npi": "1234567893",
            "given_name": "Sam",
            "family_name": "Example",
            "credential": "MD",
            "timezone": "America/New_York",
            "languages": ["en", "es"],
            "max_active_patients": 40,
            "specialties": ["psychiatry"],
            "routes_offered": ["intravenous", "intranasal"],
            "accepting_new_patients": True,
            "licenses": [
                {"state": "NY", "number": "MD-000001", "status": "active", "expires_on": "2028-06-30"}
            ],
            "dea_registrations": [
                {
                    "state": "NY",
                    "number": "BE1234563",
                    "schedules": ["III", "IV", "V"],
                    "expires_on": "2028-06-30",
                }
            ],
            "sites": [{"name": "Example Clinic Albany", "state": "NY", "rems_certified": True}],
        }
    }

    npi = fields.String(required=True, validate=_npi, metadata={"example": "1234567893"})
    given_name = fields.String(required=True, validate=_NAME)
    family_name = fields.String(required=True, validate=_NAME)
    credential = fields.String(required=True, validate=validate.OneOf(CREDENTIALS))
    languages = unique_list(language_tag(), required=True, validators=[validate.Length(min=1, max=20)])
    timezone = time_zone(required=True)
    max_active_patients = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    specialties = unique_list(
        fields.String(
            validate=validate.Regexp(SPECIALTY, error="Use a snake_case specialty, e.g. psychiatry.")
        ),
        load_default=list,
        validators=[validate.Length(max=20)],
    )
    routes_offered = unique_list(
        fields.String(validate=validate.OneOf(ROUTES)),
        load_default=list,
        validators=[validate.Length(max=len(ROUTES))],
    )
    sites = fields.List(fields.Nested(SiteSchema), load_default=list, validate=validate.Length(max=50))
    licenses = fields.List(fields.Nested(LicenseSchema), load_default=list, validate=validate.Length(max=60))
    dea_registrations = fields.List(
        fields.Nested(DeaRegistrationSchema), load_default=list, validate=validate.Length(max=60)
    )
    accepting_new_patients = Boolean(load_default=True)


class ProviderUpdateSchema(_ProviderFields):
    """Every field optional; a list given replaces the whole list. A provider may change only
    ``languages``, ``accepting_new_patients``, ``max_active_patients`` and ``timezone`` on themselves."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Stop taking new patients": {"accepting_new_patients": False}
    }


class ProviderQueryArgsSchema(PageArgsSchema):
    state = fields.String(
        validate=_STATE, metadata={"description": "Holds an active, unexpired licence in this state"}
    )
    language = language_tag(metadata={"description": "Speaks this language; `es` also finds `es-MX`"})
    route = fields.String(validate=validate.OneOf(ROUTES))
    specialty = fields.String(validate=validate.Length(min=1, max=60))
    accepting_new_patients = fields.Boolean()  # a query parameter: the text "true" or "false"


ProviderPageSchema = page_schema(ProviderSchema, "ProviderPage")


class SlotSchema(Schema):
    start = Timestamp(required=True)
    end = Timestamp(required=True)


class SlotQueryArgsSchema(Schema):
    from_ = Timestamp(required=True, data_key="from", metadata={"description": "Range start (RFC 3339)"})
    to = Timestamp(
        required=True,
        metadata={"description": "Range end (RFC 3339): after `from`, and at most 92 days after it"},
    )
    duration = fields.Integer(
        load_default=CONSULTATION_MINUTES,
        validate=validate.Range(min=15, max=480),
        metadata={
            "description": f"Minutes per slot (default {CONSULTATION_MINUTES}, the initial consultation)"
        },
    )

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if "from_" in data and "to" in data:
            if data["to"] <= data["from_"]:
                raise ValidationError("Must be after from.", field_name="to")
            if data["to"] - data["from_"] > MAX_SLOT_RANGE:
                raise ValidationError("The range may span at most 92 days.", field_name="to")


class SlotListSchema(Schema):
    data = fields.List(fields.Nested(SlotSchema), required=True)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _true(text: str) -> bool:
    return text in ("true", "1")  # a boolean as text: PostgreSQL says true, SQLite 1


def provider_listing_body(listing: ProviderListing) -> dict[str, Any]:
    """A provider of the directory's list as ``ProviderSchema`` dumps it, built straight from its rows
    (api.services.provider_directory): a page of providers without marshmallow's per-field work.
    Change it with ProviderSchema; tests/http/test_provider_listing.py compares the two."""
    row = listing.row
    stored = row.availability or {}
    return {
        "id": row.id,
        "npi": row.npi,
        "given_name": row.given_name,
        "family_name": row.family_name,
        "credential": row.credential,
        "specialties": sorted(listing.specialties),
        "languages": sorted(listing.languages),
        "routes_offered": sorted(listing.routes, key=lambda r: ROUTE_ORDER.get(r, 99)),
        "sites": [
            {"id": site_id, "name": name, "state": state, "rems_certified": _true(rems)}
            for site_id, name, state, rems in listing.sites
        ],
        "licenses": [
            {"state": state, "number": number, "status": status, "expires_on": expires_on}
            for state, number, status, expires_on in listing.licenses
        ],
        "dea_registrations": [
            {"state": state, "number": number, "schedules": orjson.loads(schedules), "expires_on": expires_on}
            for state, number, schedules, expires_on in listing.dea_registrations
        ],
        "accepting_new_patients": bool(row.accepting_new_patients),
        "max_active_patients": row.max_active_patients,
        "active_patients": row.active_patients,
        "timezone": row.timezone,
        "availability": {
            "weekly": [
                {"start": w["start"], "end": w["end"], "weekday": w["weekday"]}
                for w in stored.get("weekly", ())
            ],
            "exceptions": [
                {"date": e["date"], "windows": [{"start": w["start"], "end": w["end"]} for w in e["windows"]]}
                for e in stored.get("exceptions", ())
            ],
        },
        "created_at": _timestamp(row.created_at),
        "updated_at": _timestamp(row.updated_at),
    }
