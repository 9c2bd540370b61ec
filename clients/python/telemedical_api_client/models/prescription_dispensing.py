from enum import StrEnum


class PrescriptionDispensing(StrEnum):
    CLINIC_ADMINISTERED = "clinic_administered"
    PHARMACY = "pharmacy"

    def __str__(self) -> str:
        return str(self.value)
