from enum import StrEnum


class DeaSchedule(StrEnum):
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"

    def __str__(self) -> str:
        return str(self.value)
