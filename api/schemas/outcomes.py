"""Population outcomes: the cohort table and the de-identified export's rows (docs/outcomes.md)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from api.domain.cohorts import COHORT_INSTRUMENTS, GROUP_KEYS, SEVERITY_BANDS
from api.domain.disclosure import AGE_BANDS, MIN_CELL
from api.domain.protocols import Route, TreatmentProtocol
from api.domain.reference import SEX_AT_BIRTH, US_STATES
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType
from api.schemas.common import Boolean, Date

_INSTRUMENT = fields.String(
    required=True,
    validate=validate.OneOf([str(instrument) for instrument in COHORT_INSTRUMENTS]),
    metadata={"description": "The instrument whose outcomes are counted (PHQ-9)"},
)
_WINDOW = (
    "Plans that started (were activated, with their `start_date`) on or after `started_from` and on or "
    "before `started_to`, both inclusive; either may be omitted. A window that ends before it starts is "
    "refused (422 at `started_to`)"
)


class _WindowArgs(Schema):
    started_from = Date(metadata={"description": _WINDOW})
    started_to = Date(metadata={"description": _WINDOW})

    @validates_schema
    def _from_before_to(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("started_from"), data.get("started_to")
        if start is not None and end is not None and end < start:
            raise ValidationError("Must be on or after started_from.", field_name="started_to")


class CohortQueryArgsSchema(_WindowArgs):
    instrument = _INSTRUMENT
    group_by = DelimitedList(
        fields.String(validate=validate.OneOf([str(key) for key in GROUP_KEYS])),
        load_default=list,
        validate=validate.Length(min=1, max=len(GROUP_KEYS)),
        metadata={
            "description": "Any of protocol, route, baseline_severity, separated by commas, each once; "
            "applied in that order. None: the totals only",
            "uniqueItems": True,
        },
    )
    partner_id = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "Platform admins: one partner's plans (every partner's by default)"},
    )

    @validates_schema
    def _no_repeated_key(self, data: dict[str, Any], **_: Any) -> None:
        keys = data.get("group_by") or []
        if len(set(keys)) != len(keys):
            raise ValidationError("Name each key once.", field_name="group_by")


class ExportQueryArgsSchema(_WindowArgs):
    instrument = _INSTRUMENT


class CohortWindowSchema(Schema):
    started_from = Date(required=True, allow_none=True)
    started_to = Date(required=True, allow_none=True)


_HIDDEN = f"null when from 1 to {MIN_CELL - 1}, or when it would let such a count be derived"


def _count(description: str) -> fields.Integer:
    return fields.Integer(
        required=True, allow_none=True, metadata={"description": f"{description}; {_HIDDEN}"}
    )


def _rate(description: str) -> fields.Float:
    return fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": f"{description}, percent to one decimal; null when suppressed or none"},
    )


class CohortFiguresSchema(Schema):
    """One row of the cohort table: a group (its keys) or the totals (keys null)."""

    protocol = fields.String(required=True, allow_none=True, validate=validate.OneOf(list(TreatmentProtocol)))
    route = fields.String(required=True, allow_none=True, validate=validate.OneOf(list(Route)))
    baseline_severity = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf([name for _, name in SEVERITY_BANDS]),
        metadata={"description": "PHQ-9 severity band of the baseline"},
    )
    plans = _count("Plans that started in the window with a PHQ-9 baseline")
    with_follow_up = _count("Of those, plans with a follow-up score")
    responders = _count("Plans whose latest score is at least 50 % below a baseline of 10 or more")
    remitters = _count("Plans whose latest score is below 5")
    response_rate = _rate("responders over with_follow_up")
    remission_rate = _rate("remitters over with_follow_up")
    median_percent_change = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "Median of the plans' percent change (latest vs baseline); null when suppressed"
        },
    )
    suppressed = Boolean(
        required=True, metadata={"description": "A count is hidden: the rates and the median are too"}
    )


class CohortTableSchema(Schema):
    instrument = fields.String(required=True)
    window = fields.Nested(CohortWindowSchema, required=True)
    groups = fields.List(fields.Nested(CohortFiguresSchema), required=True)
    totals = fields.Nested(CohortFiguresSchema, required=True)


class ExportScoreSchema(Schema):
    week = fields.Integer(required=True, metadata={"description": "Whole weeks since the plan's start"})
    total = fields.Integer(required=True)


class ExportRowSchema(Schema):
    """One line of the export (application/x-ndjson): a plan, de-identified under HIPAA Safe Harbor."""

    row_id = fields.String(required=True, metadata={"description": "Random, new in each export"})
    age_band = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf([label for _, label in AGE_BANDS]),
        metadata={"description": "Age at the start; null when generalised"},
    )
    sex_at_birth = fields.String(required=True, allow_none=True, validate=validate.OneOf(SEX_AT_BIRTH))
    state = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(US_STATES),
        metadata={"description": "Where the patient was treated; null when generalised"},
    )
    protocol = fields.String(required=True, validate=validate.OneOf(list(TreatmentProtocol)))
    route = fields.String(required=True, validate=validate.OneOf(list(Route)))
    start_year = fields.Integer(required=True)
    baseline_total = fields.Integer(required=True, allow_none=True)
    series = fields.List(
        fields.Nested(ExportScoreSchema),
        required=True,
        metadata={"description": "Follow-up scores, oldest first"},
    )
    response = Boolean(required=True, allow_none=True)
    remission = Boolean(required=True, allow_none=True)
    adverse_events = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(AdverseEventType))),
        values=fields.Dict(
            keys=fields.String(validate=validate.OneOf(list(AdverseEventSeverity))), values=fields.Integer()
        ),
        required=True,
        metadata={"description": "Number of adverse events by type and severity"},
    )
