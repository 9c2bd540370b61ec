"""Follow-up plans: schedules, tasks, check-ins, session records, adverse events, outcomes (plans:*)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.domain.plan_status import PlanAction
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.models import AdverseEvent, FollowUpPlan
from api.schemas.common import PageArgsSchema
from api.schemas.consultations import EscalationAcknowledgeSchema
from api.schemas.plans import (
    AdverseEventCreateSchema,
    AdverseEventPageSchema,
    AdverseEventSchema,
    FollowUpPlanActionSchema,
    FollowUpPlanCreateSchema,
    FollowUpPlanSchema,
    FollowUpPlanUpdateSchema,
    OutcomesSchema,
    PlanPageSchema,
    PlanQueryArgsSchema,
    PlanTaskPageSchema,
    PlanTaskSchema,
    RemsFormSchema,
    SessionRecordCreateSchema,
    TaskCompleteSchema,
    TaskQueryArgsSchema,
)
from api.services import plan_tasks as task_service
from api.services import plans as service
from api.services import session_forms
from api.services.inputs import AdverseEventBody, NewPlan, PlanChanges, SessionRecordBody

blp = Blueprint(
    "follow-up-plans",
    __name__,
    url_prefix="/v1/follow-up-plans",
    description="Follow-up plans: protocol schedules, check-ins, session safety records, outcomes",
)


@blp.route("")
class Plans(MethodView):
    @blp.operation("createFollowUpPlan", scopes=["plans:write"], errors=[409], creates=FollowUpPlan)
    @blp.arguments(FollowUpPlanCreateSchema)
    @blp.response(201, FollowUpPlanSchema)
    def post(self, data: NewPlan) -> Any:
        """Create a follow-up plan

        From a `completed` consultation with outcome `treatment_recommended`, by its assigned provider (or
        an admin). The protocol generates every session and check-in task; the plan starts as `draft`.
        `end_date` defaults to 12 weeks after `start_date`; `sessions` (dates) only for `custom`.
        A consultation has at most one open plan (409 `plan_exists`).
        """
        plan = service.create_plan(get_session(), current_principal(), data)
        return plan

    @blp.operation("listFollowUpPlans", scopes=["plans:read"])
    @blp.arguments(PlanQueryArgsSchema, location="query")
    @blp.response(200, PlanPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List follow-up plans

        Newest first. Filter by `patient_id`, `provider_id` and `status`.
        """
        page = service.list_plans(get_session(), current_principal(), args, page_request("plans", args))
        return page_body("plans", page)


@blp.route("/<string:plan_id>")
class PlanById(MethodView):
    @blp.operation("getFollowUpPlan", scopes=["plans:read"])
    @blp.etag
    @blp.response(200, FollowUpPlanSchema)
    def get(self, plan_id: str) -> Any:
        """Get a follow-up plan

        Returns a strong `ETag`; send it in `If-Match` to update the plan or act on it.
        """
        return service.get_plan(get_session(), current_principal(), plan_id)

    @blp.operation("updateFollowUpPlan", scopes=["plans:write"], errors=[409])
    @blp.etag
    @blp.arguments(FollowUpPlanUpdateSchema)
    @blp.response(200, FollowUpPlanSchema)
    def patch(self, changes: PlanChanges, plan_id: str) -> Any:
        """Update a follow-up plan

        Requires `If-Match` (428 without, 412 when it changed). Change the dose note or the schedule
        (`end_date`, check-ins, a custom plan's `sessions`; `start_date` only in `draft`): open tasks follow
        the new schedule, done tasks stay. A completed or revoked plan cannot change (409 `plan_closed`).
        """
        return service.update_plan(
            get_session(),
            current_principal(),
            plan_id,
            changes,
            precondition=blp.precondition(FollowUpPlanSchema),
        )


def _action_view(action: PlanAction, operation_id: str, summary: str) -> type[MethodView]:
    """The four life-cycle actions share one shape: optional reason, If-Match honoured, plan returned."""

    class PlanActionView(MethodView):
        @blp.operation(operation_id, scopes=["plans:write"], errors=[409, 412])
        @blp.etag
        @blp.arguments(FollowUpPlanActionSchema, required=False)
        @blp.response(200, FollowUpPlanSchema)
        def post(self, data: dict[str, Any], plan_id: str) -> Any:
            return service.act_on_plan(
                get_session(),
                current_principal(),
                plan_id,
                action,
                data.get("reason"),
                precondition=blp.precondition(FollowUpPlanSchema),
                safety_plan_documented=data.get("safety_plan_documented"),
            )

    PlanActionView.post.__doc__ = summary
    PlanActionView.__name__ = f"{action.capitalize()}Plan"
    return PlanActionView


blp.route("/<string:plan_id>/activate")(
    _action_view(
        PlanAction.ACTIVATE,
        "activateFollowUpPlan",
        """Activate or resume a plan

        From `draft`, or from `on_hold` to resume treatment. The patient must have accepted the
        `telehealth` and `ketamine_treatment` consents (422 `consent_required`); an intranasal plan needs
        the patient's REMS enrolment (422 `rems_enrollment_required`). A plan held for a severe adverse event
        resumes only by a provider with a `reason`; one held for a crisis escalated at a check-in only by a
        psychiatrist (403 `psychiatrist_required`), once the escalation is acknowledged (422
        `escalation_not_acknowledged`), with a `reason` and `safety_plan_documented: true` (422
        `safety_plan_required`). The first activation adds a baseline check-in when the patient has no PHQ-9
        in the 30 days up to `start_date`. Honours `If-Match`.
        """,
    )
)
blp.route("/<string:plan_id>/hold")(
    _action_view(
        PlanAction.HOLD,
        "holdFollowUpPlan",
        """Put a plan on hold

        From `active`; sessions cannot be recorded until it is resumed with `activate` (check-ins go on).
        The optional `reason` is kept as `status_reason`. Honours `If-Match`.
        """,
    )
)
blp.route("/<string:plan_id>/complete")(
    _action_view(
        PlanAction.COMPLETE,
        "completeFollowUpPlan",
        """Complete a plan

        From `active` or `on_hold`; open tasks are cancelled. Honours `If-Match`.
        """,
    )
)
blp.route("/<string:plan_id>/revoke")(
    _action_view(
        PlanAction.REVOKE,
        "revokeFollowUpPlan",
        """Revoke a plan

        From any open status; open tasks are cancelled and the optional `reason` is kept. Honours `If-Match`.
        """,
    )
)


@blp.route("/<string:plan_id>/acknowledge-escalation")
class AcknowledgePlanEscalation(MethodView):
    @blp.operation("acknowledgeFollowUpPlanEscalation", scopes=["plans:write"], errors=[409, 412])
    @blp.etag
    @blp.arguments(EscalationAcknowledgeSchema)
    @blp.response(200, FollowUpPlanSchema)
    def post(self, data: dict[str, Any], plan_id: str) -> Any:
        """Acknowledge a plan's escalation

        After a C-SSRS `high` at a check-in, the plan's provider records the urgent contact with the
        patient: who, when, and its outcome (`reached`, `not_reached`, `emergency_services`), shown as the
        plan's `escalation`. A partner, a patient or an admin: 403. A second acknowledgement: 409
        `already_acknowledged`; a plan never escalated: 409 `not_escalated`. Until it is acknowledged, the
        worker sends `follow_up_plan.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours
        `If-Match`.
        """
        return service.acknowledge_plan_escalation(
            get_session(),
            current_principal(),
            plan_id,
            note=data["note"],
            contact_outcome=data["contact_outcome"],
            precondition=blp.precondition(FollowUpPlanSchema),
        )


@blp.route("/<string:plan_id>/tasks")
class PlanTasks(MethodView):
    @blp.operation("listFollowUpPlanTasks", scopes=["plans:read"])
    @blp.arguments(TaskQueryArgsSchema, location="query")
    @blp.response(200, PlanTaskPageSchema)
    def get(self, args: dict[str, Any], plan_id: str) -> Any:
        """List a plan's tasks

        In due order (a day's session before its check-in), not newest first. Filter by `status`, `kind`,
        `due_from` and `due_to` (inclusive) — e.g. `status=pending&due_to=<today>` is what is due now.
        """
        page = task_service.list_tasks(
            get_session(), current_principal(), plan_id, args, page_request("plan_tasks", args)
        )
        return page_body("plan_tasks", page)


@blp.route("/<string:plan_id>/tasks/<string:task_id>")
class PlanTaskById(MethodView):
    @blp.operation("getFollowUpPlanTask", scopes=["plans:read"])
    @blp.etag
    @blp.response(200, PlanTaskSchema)
    def get(self, plan_id: str, task_id: str) -> Any:
        """Get a task

        A session task carries its record once recorded; a check-in its screening once completed.
        """
        return task_service.get_task(get_session(), current_principal(), plan_id, task_id)


@blp.route("/<string:plan_id>/tasks/<string:task_id>/complete")
class CompleteTask(MethodView):
    @blp.operation("completeFollowUpPlanCheckIn", scopes=["plans:write"], errors=[409])
    @blp.arguments(TaskCompleteSchema)
    @blp.response(200, PlanTaskSchema)
    def post(self, data: dict[str, Any], plan_id: str, task_id: str) -> Any:
        """Complete a check-in or a review

        A check-in: `screening_ids`, one screening per instrument of the task, each submitted first with
        `POST /v1/screenings` naming this `plan_id` (a routine check-in's C-SSRS with recall
        `since_last_contact`, the baseline check-in's with `lifetime_recent`); a missing instrument is 422
        `check_in_incomplete`. `screening_id` is still accepted for a one-instrument check-in.
        A review (a provider): `decision` (`continue` or `stop`, which completes the plan) and `note`.
        Allowed while the plan is `active` or `on_hold`. Sessions are recorded instead (409
        `task_kind_mismatch`).
        """
        return task_service.complete_task(get_session(), current_principal(), plan_id, task_id, data)


@blp.route("/<string:plan_id>/sessions/<string:task_id>/record")
class RecordSession(MethodView):
    @blp.operation("recordFollowUpPlanSession", scopes=["plans:write"], errors=[409])
    @blp.arguments(SessionRecordCreateSchema)
    @blp.response(200, PlanTaskSchema)
    def post(self, data: SessionRecordBody, plan_id: str, task_id: str) -> Any:
        """Record a treatment session

        By the assigned provider (or an admin), while the plan is `active`; an at-home session (route `oral`
        or `sublingual`) also by the plan's own patient, with `sitter_present: true` (`sitter_required`).
        Refused with 422 (every failure listed in `errors`) when the pre-dose blood pressure is 180/110 or
        more (`blood_pressure_hard_stop`, no override) or above 140/90 (`blood_pressure_above_threshold`,
        unless a provider gives `override_reason`); when an intravenous or intramuscular dose is above
        1.0 mg/kg of `weight_kg` (`dose_above_limit`, unless a provider gives `dose_override_reason`) or
        2.0 mg/kg (`dose_above_maximum`); when observation is too short (`observation_too_short`: intranasal
        120, intravenous `infusion_minutes` + 30, intramuscular 60); when the site, monitoring provider or
        on-site prescriber do not qualify (`site_not_eligible`, `monitoring_provider_not_eligible`,
        `onsite_prescriber_required`); when a required reading is missing (`monitoring_reading_missing`), the
        patient is not ready to leave (`not_stable_for_discharge`) or `ready_to_leave_minute` precedes an
        unstable reading (`ready_before_stable`); or when no escort is confirmed (`escort_not_confirmed`).
        An `emergency_transfer` is always recorded. A severe or serious adverse event (reported, or drawn
        from the readings) puts the plan `on_hold`.
        """
        return task_service.record_session(get_session(), current_principal(), plan_id, task_id, data)


@blp.route("/<string:plan_id>/adverse-events")
class PlanAdverseEvents(MethodView):
    @blp.operation("reportAdverseEvent", scopes=["plans:write"], errors=[409], creates=AdverseEvent)
    @blp.arguments(AdverseEventCreateSchema)
    @blp.response(201, AdverseEventSchema)
    def post(self, data: AdverseEventBody, plan_id: str) -> Any:
        """Report an adverse event

        By the patient, the partner, the provider or an admin, once the plan has started. A severe or
        serious event puts an active plan `on_hold`; every report emits `adverse_event.reported`.
        """
        return task_service.report_adverse_event(get_session(), current_principal(), plan_id, data)

    @blp.operation("listAdverseEvents", scopes=["plans:read"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, AdverseEventPageSchema)
    def get(self, args: dict[str, Any], plan_id: str) -> Any:
        """List a plan's adverse events

        Newest first, those recorded with sessions included.
        """
        page = task_service.list_adverse_events(
            get_session(), current_principal(), plan_id, page_request("adverse_events", args)
        )
        return page_body("adverse_events", page)


@blp.route("/<string:plan_id>/outcomes")
class PlanOutcomes(MethodView):
    @blp.operation("getFollowUpPlanOutcomes", scopes=["plans:read"])
    @blp.response(200, OutcomesSchema)
    def get(self, plan_id: str) -> Any:
        """Get a plan's outcomes

        Per scored instrument (phq9, gad7, pcl5): the consultation's screening as `baseline`, the latest
        check-in, the whole series and the percent change; `response` (phq9, gad7: a drop of 50 % or more),
        `remission` (phq9: latest below 5), `clinically_meaningful` (pcl5: a drop of 10 points or more).
        """
        return session_forms.outcomes(get_session(), current_principal(), plan_id)


@blp.route("/<string:plan_id>/sessions/<string:task_id>/rems-form")
class RemsForm(MethodView):
    @blp.operation("getRemsForm", scopes=["plans:read"])
    @blp.response(200, RemsFormSchema)
    def get(self, plan_id: str, task_id: str) -> Any:
        """Get a session's REMS monitoring form

        A recorded intranasal esketamine session laid out as the Spravato REMS Patient Monitoring Form (404
        for other routes): patient, concomitant medications, monitoring provider and setting, dose and lot,
        minutes, blood pressures before, at ~40 minutes and at completion, and each adverse effect with its
        values; `due_by` (session date + 7 days) and `submitted_at`.
        """
        return session_forms.rems_form(get_session(), current_principal(), plan_id, task_id)


@blp.route("/<string:plan_id>/sessions/<string:task_id>/rems-form/submitted")
class RemsFormSubmitted(MethodView):
    @blp.operation("submitRemsForm", scopes=["plans:write"])
    @blp.response(200, RemsFormSchema)
    def post(self, plan_id: str, task_id: str) -> Any:
        """Mark a session's REMS monitoring form as sent

        By the plan's assigned provider or an admin. The first time is kept; `rems_form.due` is not sent
        for a form marked sent.
        """
        return session_forms.mark_rems_form_submitted(get_session(), current_principal(), plan_id, task_id)
