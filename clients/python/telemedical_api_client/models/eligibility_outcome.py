from enum import StrEnum


class EligibilityOutcome(StrEnum):
    ELIGIBLE = "eligible"
    ESCALATE = "escalate"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
