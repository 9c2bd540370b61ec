from enum import StrEnum


class VisitOutcome(StrEnum):
    NOT_RECOMMENDED = "not_recommended"
    REFERRED_OUT = "referred_out"
    TREATMENT_RECOMMENDED = "treatment_recommended"

    def __str__(self) -> str:
        return str(self.value)
