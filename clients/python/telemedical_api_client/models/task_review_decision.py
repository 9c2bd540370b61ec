from enum import StrEnum


class TaskReviewDecision(StrEnum):
    CONTINUE = "continue"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
