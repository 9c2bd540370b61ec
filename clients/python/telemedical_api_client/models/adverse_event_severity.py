from enum import StrEnum


class AdverseEventSeverity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SERIOUS = "serious"
    SEVERE = "severe"

    def __str__(self) -> str:
        return str(self.value)
