from enum import StrEnum


class IdentityMethod(StrEnum):
    KNOWN_PATIENT = "known_patient"
    OTHER = "other"
    PHOTO_ID = "photo_id"

    def __str__(self) -> str:
        return str(self.value)
