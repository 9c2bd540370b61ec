from enum import StrEnum


class BaselineSeverity(StrEnum):
    MILD = "mild"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"

    def __str__(self) -> str:
        return str(self.value)
