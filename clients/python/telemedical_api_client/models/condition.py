from enum import StrEnum


class Condition(StrEnum):
    BIPOLAR_DEPRESSION = "bipolar_depression"
    CHRONIC_PAIN = "chronic_pain"
    GENERALIZED_ANXIETY = "generalized_anxiety"
    MAJOR_DEPRESSION = "major_depression"
    OCD = "ocd"
    PTSD = "ptsd"
    SOCIAL_ANXIETY = "social_anxiety"
    TREATMENT_RESISTANT_DEPRESSION = "treatment_resistant_depression"

    def __str__(self) -> str:
        return str(self.value)
