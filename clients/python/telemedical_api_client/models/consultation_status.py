from enum import StrEnum


class ConsultationStatus(StrEnum):
    AWAITING_REVIEW = "awaiting_review"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    DECLINED = "declined"
    ESCALATED = "escalated"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    SCHEDULED = "scheduled"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return str(self.value)
