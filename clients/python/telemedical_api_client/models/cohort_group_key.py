from enum import StrEnum


class CohortGroupKey(StrEnum):
    BASELINE_SEVERITY = "baseline_severity"
    PROTOCOL = "protocol"
    ROUTE = "route"

    def __str__(self) -> str:
        return str(self.value)
