from enum import StrEnum


class Credential(StrEnum):
    DO = "DO"
    MD = "MD"
    NP = "NP"
    PA = "PA"

    def __str__(self) -> str:
        return str(self.value)
