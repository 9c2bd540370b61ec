from enum import StrEnum


class PdmpResult(StrEnum):
    CONCERNS_REVIEWED = "concerns_reviewed"
    NO_CONCERNS = "no_concerns"
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
