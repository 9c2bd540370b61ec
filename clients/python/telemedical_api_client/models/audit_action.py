from enum import StrEnum


class AuditAction(StrEnum):
    CREATE = "create"
    DELETE = "delete"
    LIST = "list"
    READ = "read"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REFUSED = "token_refused"
    TOKEN_REVOKED = "token_revoked"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
