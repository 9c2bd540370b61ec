from enum import StrEnum


class TaskPurpose(StrEnum):
    BASELINE = "baseline"
    INDUCTION_REVIEW = "induction_review"
    RISK_REVIEW = "risk_review"
    ROUTINE = "routine"
    TREATMENT = "treatment"

    def __str__(self) -> str:
        return str(self.value)
