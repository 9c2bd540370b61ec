"""Follow-up plans, their tasks, session records, adverse events and outcomes."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, post_dump, validate

from api.domain.outcomes import MEASURES
from api.domain.plan_status import PlanStatus, allowed_actions
from api.domain.protocols import (
    CHECK_IN_INSTRUMENTS,
    DEFAULT_CHECK_IN_INTERVAL_DAYS,
    ReviewDecision,
    Route,
    TaskKind,
    TaskPurpose,
    TaskStatus,
    TreatmentProtocol,
)
from api.domain.session_monitoring import Dissociation
from api.domain.session_safety import AdverseEventSeverity, AdverseEventType, Disposition
from api.schemas.common import Boolean, Date, PageArgsSchema, StrictSchema, Timestamp, page_schema
from api.schemas.consultations import EscalationSchema

_PROTOCOLS = [str(p) for p in TreatmentProtocol]
_ROUTES = [str(r) for r in Route]
_PLAN_STATUSES = [str(s) for s in PlanStatus]
_TASK_KINDS = [str(k) for k in TaskKind]
_TASK_STATUSES = [str(s) for s in TaskStatus]
_AE_TYPES = [str(t) for t in AdverseEventType]
_AE_SEVERITIES = [str(s) for s in AdverseEventSeverity]
_REASON = validate.Length(min=1, max=2000)
_ID = validate.Length(min=1, max=40)
# Instruments are checked by the protocol rules (pointer per item), so the schema only asks for strings.
_INSTRUMENTS_DESCRIPTION = "Re-screened at every check-in; phq9 and cssrs required; any of " + ", ".join(
    sorted(CHECK_IN_INSTRUMENTS)
)
_OVERRIDE_DESCRIPTION = (
    "A psychiatrist's (MD/DO, psychiatry) reason to lift the weekly session limit for this plan (2 "
    "intranasal, 3 other routes in any 7 days); never more than one session a day. null in a PATCH restores "
    "the limit."
)


# --- plans ---------------------------------------------------------------------------------------


class FollowUpPlanSchema(Schema):
    id = fields.String(required=True, metadata={"example": "pln_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    partner_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    consultation_id = fields.String(required=True)
    provider_id = fields.String(required=True, metadata={"description": "The clinician who owns the plan"})
    status = fields.String(required=True, validate=validate.OneOf(_PLAN_STATUSES))
    status_reason = fields.String(
        required=True, allow_none=True, metadata={"description": "Why the plan is on hold or was revoked"}
    )
    allowed_actions = fields.Method(
        "_allowed_actions",
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "string", "enum": ["activate", "hold", "complete", "revoke"]},
            "description": "The life-cycle actions the plan's status allows now",
        },
    )
    protocol = fields.String(required=True, validate=validate.OneOf(_PROTOCOLS))
    route = fields.String(required=True, validate=validate.OneOf(_ROUTES))
    start_date = Date(required=True)
    end_date = Date(required=True)
    dose_note = fields.String(required=True, allow_none=True)
    check_in_instruments = fields.List(fields.String(), required=True)
    check_in_interval_days = fields.Integer(required=True)
    frequency_override_reason = fields.String(
        required=True, allow_none=True, metadata={"description": _OVERRIDE_DESCRIPTION}
    )
    escalation = fields.Nested(
        EscalationSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The latest escalation of a check-in's crisis (C-SSRS high), or null"},
    )
    activated_at = Timestamp(required=True, allow_none=True)
    completed_at = Timestamp(required=True, allow_none=True)
    revoked_at = Timestamp(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)

    def _allowed_actions(self, plan: Any) -> list[str]:
        return sorted(str(action) for action in allowed_actions(PlanStatus(plan.status)))


class FollowUpPlanCreateSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "IV induction series": {
            "consultation_id": "con_3k7q2x9m4d1p8w6v5n0c2b7a1e",
            "protocol": "iv_induction",
            "route": "intravenous",
            "start_date": "2026-12-08",
            "check_in_instruments": ["phq9", "cssrs"],
        }
    }

    consultation_id = fields.String(required=True, validate=_ID)
    protocol = fields.String(required=True, validate=validate.OneOf(_PROTOCOLS))
    route = fields.String(
        required=True,
        validate=validate.OneOf(_ROUTES),
        metadata={"description": "Must suit the protocol (e.g. intranasal for intranasal_esketamine)"},
    )
    start_date = Date(required=True, metadata={"description": "Day 0: the first session"})
    end_date = Date(metadata={"description": "Inclusive; defaults to 12 weeks after start_date"})
    dose_note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    check_in_instruments = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)),
        required=True,
        validate=validate.Length(max=len(CHECK_IN_INSTRUMENTS)),
        metadata={"description": _INSTRUMENTS_DESCRIPTION, "example": ["phq9", "cssrs", "gad7"]},
    )
    check_in_interval_days = fields.Integer(
        load_default=DEFAULT_CHECK_IN_INTERVAL_DAYS,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Days between check-ins; the first is one interval after start_date"},
    )
    sessions = fields.List(
        Date(),
        validate=validate.Length(max=200),
        metadata={"description": "Session dates, for the custom protocol only"},
    )
    frequency_override_reason = fields.String(
        allow_none=True, validate=_REASON, metadata={"description": _OVERRIDE_DESCRIPTION}
    )


class FollowUpPlanUpdateSchema(StrictSchema):
    """Every field optional. Tasks follow the new schedule; what is done stays done."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {"Start two days later": {"start_date": "2026-12-10"}}

    start_date = Date(metadata={"description": "Only while the plan is a draft"})
    end_date = Date()
    dose_note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    check_in_instruments = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)),
        validate=validate.Length(max=len(CHECK_IN_INSTRUMENTS)),
        metadata={"description": _INSTRUMENTS_DESCRIPTION},
    )
    check_in_interval_days = fields.Integer(validate=validate.Range(min=1, max=365))
    sessions = fields.List(
        Date(),
        validate=validate.Length(max=200),
        metadata={"description": "Session dates, for the custom protocol only"},
    )
    frequency_override_reason = fields.String(
        allow_none=True, validate=_REASON, metadata={"description": _OVERRIDE_DESCRIPTION}
    )


class PlanQueryArgsSchema(PageArgsSchema):
    patient_id = fields.String()
    provider_id = fields.String()
    status = fields.String(validate=validate.OneOf(_PLAN_STATUSES))


class FollowUpPlanActionSchema(StrictSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "With a reason": {"reason": "The patient is travelling for two weeks."},
        "Without a reason": {},
    }

    reason = fields.String(
        validate=_REASON, metadata={"description": "Kept as status_reason when holding or revoking"}
    )
    safety_plan_documented = Boolean(
        metadata={
            "description": "activate: a psychiatrist resuming a plan held for an escalated crisis attests a "
            "safety plan (true required)"
        }
    )


PlanPageSchema = page_schema(FollowUpPlanSchema, "FollowUpPlanPage")


# --- adverse events and session records ----------------------------------------------------------


class ReporterSchema(Schema):
    type = fields.String(
        required=True, validate=validate.OneOf(["patient", "provider", "partner_client", "admin"])
    )
    id = fields.String(required=True, metadata={"description": "The user or OAuth client"})


class AdverseEventSchema(Schema):
    id = fields.String(required=True, metadata={"example": "ade_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    plan_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    task_id = fields.String(
        required=True, allow_none=True, metadata={"description": "The session it followed, if known"}
    )
    type = fields.String(required=True, validate=validate.OneOf(_AE_TYPES))
    severity = fields.String(required=True, validate=validate.OneOf(_AE_SEVERITIES))
    onset_at = Timestamp(required=True)
    description = fields.String(required=True, allow_none=True)
    reported_by = fields.Nested(ReporterSchema, required=True, attribute="reporter")
    put_plan_on_hold = Boolean(
        required=True, metadata={"description": "True when this event put the plan on hold"}
    )
    created_at = Timestamp(required=True)


class SessionAdverseEventSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(_AE_TYPES))
    severity = fields.String(
        required=True,
        validate=validate.OneOf(_AE_SEVERITIES),
        metadata={"description": "severe or serious puts an active plan on hold"},
    )
    onset_at = Timestamp(required=True)
    description = fields.String(
        allow_none=True,
        validate=validate.Length(max=4000),
        metadata={"description": "Required for type other"},
    )


class AdverseEventCreateSchema(SessionAdverseEventSchema):
    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "Mild nausea after a session": {
            "type": "nausea",
            "severity": "mild",
            "onset_at": "2026-12-08T15:50:00Z",
            "task_id": "tsk_1p8w6v5n0c2b7a1e3k7q2x9m4d",
            "description": "Mild nausea 30 minutes after dosing; settled without treatment.",
        }
    }

    task_id = fields.String(
        allow_none=True, validate=_ID, metadata={"description": "The session task it followed, if known"}
    )


AdverseEventPageSchema = page_schema(AdverseEventSchema, "AdverseEventPage")


class SedatingMedicationsSchema(StrictSchema):
    """Concomitant medications the REMS form asks about (recorded; they do not block the session)."""

    benzodiazepines = Boolean(required=True)
    non_benzodiazepine_hypnotics = Boolean(required=True)
    psychostimulants = Boolean(required=True)
    maois = Boolean(required=True)


class ReadingSchema(StrictSchema):
    """One set of vital signs during observation; minutes count from the first administration."""

    minute = fields.Integer(required=True, metadata={"description": "0 to observation_minutes, ascending"})
    systolic = fields.Integer(required=True, metadata={"description": "mmHg"})
    diastolic = fields.Integer(required=True, metadata={"description": "mmHg"})
    heart_rate = fields.Integer(allow_none=True, metadata={"description": "beats per minute"})
    spo2 = fields.Integer(
        allow_none=True,
        metadata={"description": "%; required on the 30-60 min reading and the last one (supervised routes)"},
    )
    sedation_moaas = fields.Integer(
        required=True,
        metadata={"description": "MOAA/S 0-5; 5 = responds readily to its name in a normal tone"},
    )
    dissociation = fields.String(required=True, validate=validate.OneOf([str(d) for d in Dissociation]))


class SessionRecordSchema(Schema):
    administered_at = Timestamp(required=True)
    pre_systolic = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Null only for an at-home session"}
    )
    pre_diastolic = fields.Integer(required=True, allow_none=True)
    post_systolic = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The last reading's; null with no reading (at home, an early transfer)"},
    )
    post_diastolic = fields.Integer(required=True, allow_none=True)
    observation_minutes = fields.Integer(required=True, allow_none=True)
    escort_confirmed = Boolean(required=True, allow_none=True)
    sitter_present = Boolean(
        required=True,
        allow_none=True,
        metadata={"description": "At-home sessions: an adult present throughout"},
    )
    override_reason = fields.String(required=True, allow_none=True)
    blood_pressure_overridden = Boolean(
        required=True, metadata={"description": "Dosed above 140/90 on a provider's override"}
    )
    dose_mg = fields.Float(
        required=True, allow_none=True, metadata={"description": "Null on records made before v1.1"}
    )
    weight_kg = fields.Float(
        required=True, allow_none=True, metadata={"description": "The weight on the day (kg)"}
    )
    dose_mg_per_kg = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "dose_mg / weight_kg, 2 decimals; null without a weight"},
    )
    infusion_minutes = fields.Integer(required=True, allow_none=True, metadata={"description": "Intravenous"})
    dose_override_reason = fields.String(required=True, allow_none=True)
    dose_overridden = Boolean(
        required=True,
        metadata={
            "description": "An intravenous or intramuscular dose above 1.0 mg/kg, on a provider's decision"
        },
    )
    site = fields.Nested(
        "RemsSettingSchema",
        required=True,
        allow_none=True,
        metadata={"description": "The practice site as it was on the day; null at home and on older records"},
    )
    monitored_by = fields.String(
        required=True, allow_none=True, metadata={"description": "The provider who monitored the patient"}
    )
    onsite_prescriber_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The prescriber attested present at the site throughout"},
    )
    lot_number = fields.String(required=True, allow_none=True)
    sedating_medications = fields.Nested(SedatingMedicationsSchema, required=True, allow_none=True)
    readings = fields.List(fields.Nested(ReadingSchema), required=True)
    ready_to_leave_minute = fields.Integer(required=True, allow_none=True)
    disposition = fields.String(required=True, validate=validate.OneOf([str(d) for d in Disposition]))
    disposition_reason = fields.String(required=True, allow_none=True)
    discharge_override_reason = fields.String(required=True, allow_none=True)
    discharge_overridden = Boolean(
        required=True,
        metadata={"description": "Discharged before meeting the criteria, on a provider's decision"},
    )
    recorded_by = fields.Nested(ReporterSchema, required=True, attribute="recorder")
    recorded_at = Timestamp(required=True, attribute="created_at")
    adverse_events = fields.List(fields.Nested(AdverseEventSchema), required=True)


class SessionRecordCreateSchema(StrictSchema):
    """clinical-rules.md §4. Supervised routes (intranasal, intravenous, intramuscular) need the pre-dose
    pressure, observation_minutes, escort_confirmed, site_id and the readings; an at-home session (oral,
    sublingual) needs sitter_present and may leave the rest out."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "An IV session, observed and discharged": {
            "administered_at": "2026-12-08T15:10:00Z",
            "site_id": "sit_0c2b7a1e3k7q2x9m4d1p8w6v5n",
            "dose_mg": 35,
            "weight_kg": 70.5,
            "infusion_minutes": 40,
            "pre_systolic": 124,
            "pre_diastolic": 80,
            "post_systolic": 128,
            "post_diastolic": 82,
            "observation_minutes": 75,
            "sedating_medications": {
                "benzodiazepines": False,
                "maois": False,
                "non_benzodiazepine_hypnotics": False,
                "psychostimulants": False,
            },
            "monitored_by": "prv_4d1p8w6v5n0c2b7a1e3k7q2x9m",
            "escort_confirmed": True,
            "readings": [
                {
                    "minute": 0,
                    "systolic": 124,
                    "diastolic": 80,
                    "heart_rate": 72,
                    "spo2": 98,
                    "sedation_moaas": 5,
                    "dissociation": "none",
                },
                {
                    "minute": 20,
                    "systolic": 136,
                    "diastolic": 86,
                    "heart_rate": 80,
                    "spo2": 97,
                    "sedation_moaas": 4,
                    "dissociation": "mild",
                },
                {
                    "minute": 40,
                    "systolic": 132,
                    "diastolic": 84,
                    "heart_rate": 76,
                    "spo2": 98,
                    "sedation_moaas": 4,
                    "dissociation": "mild",
                },
                {
                    "minute": 70,
                    "systolic": 128,
                    "diastolic": 82,
                    "heart_rate": 74,
                    "spo2": 98,
                    "sedation_moaas": 5,
                    "dissociation": "none",
                },
            ],
            "ready_to_leave_minute": 70,
            "disposition": "discharged",
        }
    }

    administered_at = Timestamp(required=True)
    pre_systolic = fields.Integer(
        metadata={"description": "mmHg, before the dose; 180 or more is a hard stop (optional at home)"}
    )
    pre_diastolic = fields.Integer(
        metadata={"description": "mmHg, before the dose; 110 or more is a hard stop (optional at home)"}
    )
    post_systolic = fields.Integer(
        metadata={"description": "mmHg at completion: the last reading's (send neither, or the same)"}
    )
    post_diastolic = fields.Integer(metadata={"description": "mmHg at completion: the last reading's"})
    dose_mg = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=10_000),
        metadata={"description": "Intranasal esketamine: 28, 56 or 84; otherwise a positive number"},
    )
    weight_kg = fields.Float(
        allow_none=True,
        metadata={"description": "30-300, the weight on the day; required for intravenous and intramuscular"},
    )
    infusion_minutes = fields.Integer(
        allow_none=True, metadata={"description": "Intravenous only, required: 20-120 (no bolus)"}
    )
    dose_override_reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "A provider's reason to give more than 1.0 mg/kg (never more than 2.0)"},
    )
    site_id = fields.String(
        allow_none=True,
        validate=_ID,
        metadata={"description": "The practice site, in the patient's state (REMS-certified for intranasal)"},
    )
    monitored_by = fields.String(
        allow_none=True,
        validate=_ID,
        metadata={"description": "Licensed in the site's state; defaults to the recording provider"},
    )
    onsite_prescriber_id = fields.String(
        allow_none=True,
        validate=_ID,
        metadata={
            "description": "Intranasal: required, schedule III DEA in the site's state, present throughout"
        },
    )
    lot_number = fields.String(
        allow_none=True, validate=validate.Length(max=60), metadata={"description": "Required for intranasal"}
    )
    sedating_medications = fields.Nested(SedatingMedicationsSchema, required=True)
    readings = fields.List(
        fields.Nested(ReadingSchema),
        load_default=list,
        validate=validate.Length(max=200),
        metadata={
            "description": "Supervised routes: one at minute 30-60 with SpO2; the last with SpO2, in the last"
            " 15 minutes of observation"
        },
    )
    ready_to_leave_minute = fields.Integer(
        allow_none=True,
        metadata={
            "description": "When the patient was ready, had there been no minimum; after every unstable"
            " reading"
        },
    )
    disposition = fields.String(
        load_default="discharged",
        validate=validate.OneOf([str(d) for d in Disposition]),
        metadata={
            "description": "emergency_transfer is always accepted, and left_against_medical_advice (a"
            " provider, with disposition_reason) at any observation length; each is a serious adverse event"
        },
    )
    disposition_reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Required for left_against_medical_advice"},
    )
    discharge_override_reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "A provider's reason to discharge a patient not yet meeting the criteria"},
    )
    observation_minutes = fields.Integer(
        metadata={
            "description": "From the first administration: intranasal 120+, intravenous infusion + 30,"
            " intramuscular 60+ (optional at home)"
        }
    )
    escort_confirmed = Boolean(metadata={"description": "Must be true for a supervised session"})
    sitter_present = Boolean(metadata={"description": "Must be true for an at-home session"})
    override_reason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "A provider's reason to dose above 140/90 (never at 180/110 or above)"},
    )
    adverse_events = fields.List(
        fields.Nested(SessionAdverseEventSchema), load_default=list, validate=validate.Length(max=50)
    )


# --- tasks ---------------------------------------------------------------------------------------


class ReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf([str(d) for d in ReviewDecision]))
    note = fields.String(required=True)
    by = fields.String(required=True, metadata={"description": "The reviewing provider's user id"})
    at = Timestamp(required=True)


class PlanTaskSchema(Schema):
    id = fields.String(required=True, metadata={"example": "tsk_3k7q2x9m4d1p8w6v5n0c2b7a1e"})
    plan_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(_TASK_KINDS))
    purpose = fields.String(
        required=True,
        validate=validate.OneOf([str(p) for p in TaskPurpose]),
        metadata={
            "description": "session: treatment; check_in: routine or baseline (the pre-treatment PHQ-9 and "
            "lifetime C-SSRS); review: induction_review (end of induction) or risk_review (a check-in's "
            "suicide-risk finding; blocks every session until done)"
        },
    )
    sequence = fields.Integer(required=True, metadata={"description": "Position in the plan, from 1"})
    due_on = Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(_TASK_STATUSES))
    instructions = fields.List(fields.String(), required=True)
    instruments = fields.List(fields.String(), required=True, metadata={"description": "Check-ins only"})
    screening_ids = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "The screenings that answered a check-in; for a risk review, the one that "
            "raised it"
        },
    )
    screening_id = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Deprecated: the first of screening_ids", "deprecated": True},
    )
    session = fields.Nested(SessionRecordSchema, required=True, allow_none=True, attribute="session_record")
    review = fields.Nested(
        ReviewSchema,
        required=True,
        allow_none=True,
        metadata={"description": "A review's decision, once done"},
    )
    completed_at = Timestamp(required=True, allow_none=True)
    overdue_at = Timestamp(required=True, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class TaskQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(_TASK_STATUSES))
    kind = fields.String(validate=validate.OneOf(_TASK_KINDS))
    due_from = Date(metadata={"description": "Due on or after this date"})
    due_to = Date(metadata={"description": "Due on or before this date"})


class TaskCompleteSchema(StrictSchema):
    """A check-in takes ``screening_ids`` (or, deprecated, ``screening_id``); a review ``decision`` and
    ``note``."""

    EXAMPLES: ClassVar[dict[str, dict[str, Any]]] = {
        "A check-in's screenings": {
            "screening_ids": ["scr_5n0c2b7a1e3k7q2x9m4d1p8w6v", "scr_7q2x9m4d1p8w6v5n0c2b7a1e3k"]
        }
    }

    screening_ids = fields.List(
        fields.String(validate=_ID),
        validate=validate.Length(min=1, max=10),
        metadata={
            "description": "Check-in: one screening per instrument of the task, each submitted with this "
            "plan_id"
        },
    )
    screening_id = fields.String(
        validate=_ID,
        metadata={"description": "Deprecated: a one-instrument check-in's screening", "deprecated": True},
    )
    decision = fields.String(
        validate=validate.OneOf([str(d) for d in ReviewDecision]),
        metadata={"description": "Review (a provider): continue, or stop, which completes the plan"},
    )
    note = fields.String(validate=_REASON, metadata={"description": "Review: what was found and decided"})


PlanTaskPageSchema = page_schema(PlanTaskSchema, "PlanTaskPage")


# --- outcomes ------------------------------------------------------------------------------------


class ScorePointSchema(Schema):
    on = Date(required=True)
    total = fields.Integer(required=True)


class InstrumentOutcomeSchema(Schema):
    baseline = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "phq9: the patient's latest PHQ-9 in the 30 days up to start_date, or the plan's "
            "baseline check-in; others: the consultation's (latest) score"
        },
    )
    latest = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The latest check-in; null before the first"}
    )
    series = fields.List(
        fields.Nested(ScorePointSchema),
        required=True,
        metadata={"description": "Every score, baseline included, oldest first"},
    )
    percent_change = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "(latest - baseline) / baseline, negative is better"},
    )
    response = Boolean(allow_none=True, metadata={"description": "phq9, gad7: a drop of 50 % or more"})
    remission = Boolean(allow_none=True, metadata={"description": "phq9: latest below 5"})
    clinically_meaningful = Boolean(
        allow_none=True, metadata={"description": "pcl5: a drop of 10 points or more"}
    )
    relapse = Boolean(
        allow_none=True,
        metadata={
            "description": "phq9: an earlier follow-up met remission or response, and the latest is 10 or "
            "more without response"
        },
    )
    worsening = Boolean(
        allow_none=True,
        metadata={"description": "phq9: the latest is 5 or more points above the lowest score so far"},
    )

    @post_dump(pass_original=True)
    def _applicable_measures_only(self, data: dict[str, Any], outcome: Any, **_: Any) -> dict[str, Any]:
        """A measure that does not apply to the instrument is left out (null means "not yet")."""
        applicable = MEASURES[outcome.instrument]
        for measure in ("response", "remission", "clinically_meaningful", "relapse", "worsening"):
            if measure not in applicable:
                data.pop(measure, None)
        return data


class BloodPressureSchema(Schema):
    systolic = fields.Integer(required=True)
    diastolic = fields.Integer(required=True)


class SessionTrendSchema(Schema):
    """One recorded session's extremes: the trend a clinician reads to adjust the dose."""

    task_id = fields.String(required=True)
    administered_at = Timestamp(required=True)
    dose_mg = fields.Float(required=True, allow_none=True)
    peak_dissociation = fields.String(required=True, allow_none=True)
    lowest_moaas = fields.Integer(required=True, allow_none=True)
    lowest_spo2 = fields.Integer(required=True, allow_none=True)
    highest_blood_pressure = fields.Nested(BloodPressureSchema, required=True, allow_none=True)
    ready_to_leave_minute = fields.Integer(required=True, allow_none=True)


class OutcomesSchema(Schema):
    plan_id = fields.String(required=True)
    instruments = fields.Dict(
        keys=fields.String(validate=validate.OneOf([str(i) for i in MEASURES])),
        values=fields.Nested(InstrumentOutcomeSchema),
        required=True,
    )
    sessions = fields.List(
        fields.Nested(SessionTrendSchema),
        required=True,
        metadata={"description": "Per recorded session, oldest first (null where no reading was recorded)"},
    )


# --- the REMS Patient Monitoring Form ---------------------------------------------------------------------


class RemsPatientSchema(Schema):
    id = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    birth_date = Date(required=True)


class RemsProviderSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    npi = fields.String(required=True)


class RemsSettingSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True)


class MidReadingPressureSchema(BloodPressureSchema):
    minute = fields.Integer(required=True)


class RemsBloodPressuresSchema(Schema):
    before = fields.Nested(BloodPressureSchema, required=True, allow_none=True)
    at_40_minutes = fields.Nested(MidReadingPressureSchema, required=True, allow_none=True)
    at_completion = fields.Nested(BloodPressureSchema, required=True, allow_none=True)


class RemsSedationSchema(Schema):
    occurred = Boolean(required=True)
    lowest_moaas = fields.Integer(required=True, allow_none=True)


class RemsDissociationSchema(Schema):
    occurred = Boolean(required=True)
    peak = fields.String(required=True, allow_none=True)


class RemsRespiratorySchema(Schema):
    occurred = Boolean(required=True)
    lowest_spo2 = fields.Integer(required=True, allow_none=True)


class RemsBloodPressureIncreaseSchema(Schema):
    occurred = Boolean(required=True, metadata={"description": "Above 140/90 at any reading"})
    highest = fields.Nested(BloodPressureSchema, required=True, allow_none=True)


class RemsFormSchema(Schema):
    """An intranasal esketamine session as the Spravato REMS Patient Monitoring Form asks for it."""

    plan_id = fields.String(required=True)
    task_id = fields.String(required=True)
    patient = fields.Nested(RemsPatientSchema, required=True)
    concomitant_medications = fields.Nested(SedatingMedicationsSchema, required=True, allow_none=True)
    monitoring_provider = fields.Nested(
        RemsProviderSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The session's monitored_by; null on records made before it was recorded"},
    )
    setting = fields.Nested(RemsSettingSchema, required=True, allow_none=True)
    session_date = Date(required=True, metadata={"description": "In the provider's time zone"})
    administered_at = Timestamp(required=True)
    dose_mg = fields.Float(required=True, allow_none=True)
    lot_number = fields.String(required=True, allow_none=True)
    total_monitoring_minutes = fields.Integer(required=True)
    ready_to_leave_minute = fields.Integer(required=True, allow_none=True)
    disposition = fields.String(required=True)
    vital_signs_acceptable_before = Boolean(required=True)
    vital_signs_acceptable_at_completion = Boolean(required=True)
    blood_pressure = fields.Nested(RemsBloodPressuresSchema, required=True)
    sedation = fields.Nested(RemsSedationSchema, required=True)
    dissociation = fields.Nested(RemsDissociationSchema, required=True)
    respiratory_depression = fields.Nested(RemsRespiratorySchema, required=True)
    blood_pressure_increase = fields.Nested(RemsBloodPressureIncreaseSchema, required=True)
    due_by = Date(required=True, metadata={"description": "The session date plus 7 days"})
    submitted_at = Timestamp(required=True, allow_none=True)
