from enum import StrEnum


class CssrsAnswersRecall(StrEnum):
    LIFETIME_RECENT = "lifetime_recent"
    SINCE_LAST_CONTACT = "since_last_contact"

    def __str__(self) -> str:
        return str(self.value)
