from enum import StrEnum


class AuditOutcome(StrEnum):
    DENIED = "denied"
    ERROR = "error"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"
    SUCCESS = "success"

    def __str__(self) -> str:
        return str(self.value)
