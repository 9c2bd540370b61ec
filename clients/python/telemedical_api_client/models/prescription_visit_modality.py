from enum import StrEnum


class PrescriptionVisitModality(StrEnum):
    AUDIO_ONLY = "audio_only"
    AUDIO_VIDEO = "audio_video"
    IN_PERSON = "in_person"

    def __str__(self) -> str:
        return str(self.value)
