from enum import StrEnum


class EventType(StrEnum):
    ADVERSE_EVENT_REPORTED = "adverse_event.reported"
    CONSULTATION_CREATED = "consultation.created"
    CONSULTATION_ESCALATION_UNACKNOWLEDGED = "consultation.escalation_unacknowledged"
    CONSULTATION_STATUS_CHANGED = "consultation.status_changed"
    FOLLOW_UP_PLAN_CREATED = "follow_up_plan.created"
    FOLLOW_UP_PLAN_ESCALATION_UNACKNOWLEDGED = "follow_up_plan.escalation_unacknowledged"
    FOLLOW_UP_PLAN_STATUS_CHANGED = "follow_up_plan.status_changed"
    FOLLOW_UP_TASK_DUE = "follow_up_task.due"
    FOLLOW_UP_TASK_OVERDUE = "follow_up_task.overdue"
    PRESCRIPTION_CANCELLED = "prescription.cancelled"
    PRESCRIPTION_CREATED = "prescription.created"
    REMS_FORM_DUE = "rems_form.due"
    SCREENING_COMPLETED = "screening.completed"
    SCREENING_RISK_FLAGGED = "screening.risk_flagged"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)
