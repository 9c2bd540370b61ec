from enum import StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    PATIENT = "patient"
    PROVIDER = "provider"

    def __str__(self) -> str:
        return str(self.value)
