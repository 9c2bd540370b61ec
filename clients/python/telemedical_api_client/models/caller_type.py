from enum import StrEnum


class CallerType(StrEnum):
    ADMIN = "admin"
    PARTNER_CLIENT = "partner_client"
    PATIENT = "patient"
    PROVIDER = "provider"

    def __str__(self) -> str:
        return str(self.value)
