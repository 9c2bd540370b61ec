from enum import StrEnum


class PlanAction(StrEnum):
    ACTIVATE = "activate"
    COMPLETE = "complete"
    HOLD = "hold"
    REVOKE = "revoke"

    def __str__(self) -> str:
        return str(self.value)
