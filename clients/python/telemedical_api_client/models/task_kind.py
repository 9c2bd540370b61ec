from enum import StrEnum


class TaskKind(StrEnum):
    CHECK_IN = "check_in"
    REVIEW = "review"
    SESSION = "session"

    def __str__(self) -> str:
        return str(self.value)
