from enum import StrEnum


class AdverseEventType(StrEnum):
    ANXIETY = "anxiety"
    DISSOCIATION = "dissociation"
    DIZZINESS = "dizziness"
    HEADACHE = "headache"
    HYPERTENSION = "hypertension"
    NAUSEA = "nausea"
    OTHER = "other"
    RESPIRATORY_DEPRESSION = "respiratory_depression"
    SEDATION = "sedation"
    VOMITING = "vomiting"

    def __str__(self) -> str:
        return str(self.value)
