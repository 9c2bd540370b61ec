from enum import StrEnum


class Dispensing(StrEnum):
    CLINIC_ADMINISTERED = "clinic_administered"
    PHARMACY = "pharmacy"

    def __str__(self) -> str:
        return str(self.value)
