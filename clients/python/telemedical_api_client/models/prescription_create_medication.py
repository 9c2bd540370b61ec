from enum import StrEnum


class PrescriptionCreateMedication(StrEnum):
    ESKETAMINE = "esketamine"
    KETAMINE = "ketamine"

    def __str__(self) -> str:
        return str(self.value)
