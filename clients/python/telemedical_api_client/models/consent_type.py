from enum import StrEnum


class ConsentType(StrEnum):
    DATA_SHARING = "data_sharing"
    KETAMINE_TREATMENT = "ketamine_treatment"
    TELEHEALTH = "telehealth"

    def __str__(self) -> str:
        return str(self.value)
