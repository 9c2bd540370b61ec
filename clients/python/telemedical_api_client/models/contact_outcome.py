from enum import StrEnum


class ContactOutcome(StrEnum):
    EMERGENCY_SERVICES = "emergency_services"
    NOT_REACHED = "not_reached"
    REACHED = "reached"

    def __str__(self) -> str:
        return str(self.value)
