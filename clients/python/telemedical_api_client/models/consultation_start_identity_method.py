from enum import StrEnum


class ConsultationStartIdentityMethod(StrEnum):
    KNOWN_PATIENT = "known_patient"
    OTHER = "other"
    PHOTO_ID = "photo_id"

    def __str__(self) -> str:
        return str(self.value)
