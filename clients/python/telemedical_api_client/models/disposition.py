from enum import StrEnum


class Disposition(StrEnum):
    DISCHARGED = "discharged"
    EMERGENCY_TRANSFER = "emergency_transfer"
    LEFT_AGAINST_MEDICAL_ADVICE = "left_against_medical_advice"

    def __str__(self) -> str:
        return str(self.value)
