from enum import StrEnum


class ConsiderationCode(StrEnum):
    LAMOTRIGINE = "lamotrigine"
    MEMANTINE = "memantine"
    NALTREXONE = "naltrexone"

    def __str__(self) -> str:
        return str(self.value)
