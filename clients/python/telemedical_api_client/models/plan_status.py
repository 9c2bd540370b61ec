from enum import StrEnum


class PlanStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    DRAFT = "draft"
    ON_HOLD = "on_hold"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return str(self.value)
