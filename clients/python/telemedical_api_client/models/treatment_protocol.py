from enum import StrEnum


class TreatmentProtocol(StrEnum):
    CUSTOM = "custom"
    IM_INDUCTION = "im_induction"
    INTRANASAL_ESKETAMINE = "intranasal_esketamine"
    IV_INDUCTION = "iv_induction"
    ORAL_AT_HOME = "oral_at_home"

    def __str__(self) -> str:
        return str(self.value)
