from enum import StrEnum


class Medication(StrEnum):
    ESKETAMINE = "esketamine"
    KETAMINE = "ketamine"

    def __str__(self) -> str:
        return str(self.value)
