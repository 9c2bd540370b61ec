from enum import StrEnum


class CohortInstrument(StrEnum):
    PHQ9 = "phq9"

    def __str__(self) -> str:
        return str(self.value)
