from enum import StrEnum


class AgeBand(StrEnum):
    VALUE_0 = "18-24"
    VALUE_1 = "25-34"
    VALUE_2 = "35-44"
    VALUE_3 = "45-54"
    VALUE_4 = "55-64"
    VALUE_5 = "65-74"
    VALUE_6 = "75-84"
    VALUE_7 = "85-89"
    VALUE_8 = "90+"

    def __str__(self) -> str:
        return str(self.value)
