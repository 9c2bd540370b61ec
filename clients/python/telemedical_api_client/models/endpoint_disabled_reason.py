from enum import StrEnum


class EndpointDisabledReason(StrEnum):
    GONE = "gone"
    MANUAL = "manual"
    RETRIES_EXHAUSTED = "retries_exhausted"

    def __str__(self) -> str:
        return str(self.value)
