from enum import StrEnum


class Disposition(StrEnum):
    DISCHARGED = "discharged"
    EMERGENCY_TRANSFER = "emergency_transfer"

    def __str__(self) -> str:
        return str(self.value)
