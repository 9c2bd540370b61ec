from enum import StrEnum


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"

    def __str__(self) -> str:
        return str(self.value)
