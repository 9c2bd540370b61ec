from enum import StrEnum


class DissociationLevel(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    NONE = "none"
    SEVERE = "severe"

    def __str__(self) -> str:
        return str(self.value)
