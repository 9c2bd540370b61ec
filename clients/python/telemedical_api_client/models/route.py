from enum import StrEnum


class Route(StrEnum):
    INTRAMUSCULAR = "intramuscular"
    INTRANASAL = "intranasal"
    INTRAVENOUS = "intravenous"
    ORAL = "oral"
    SUBLINGUAL = "sublingual"

    def __str__(self) -> str:
        return str(self.value)
