from enum import StrEnum


class TaskStatus(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    OVERDUE = "overdue"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
