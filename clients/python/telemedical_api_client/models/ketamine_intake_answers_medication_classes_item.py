from enum import StrEnum


class KetamineIntakeAnswersMedicationClassesItem(StrEnum):
    BENZODIAZEPINE = "benzodiazepine"
    LAMOTRIGINE = "lamotrigine"
    MAOI = "maoi"
    MEMANTINE = "memantine"
    NALTREXONE = "naltrexone"
    OPIOID = "opioid"
    OTHER_CNS_DEPRESSANT = "other_cns_depressant"
    PSYCHOSTIMULANT = "psychostimulant"

    def __str__(self) -> str:
        return str(self.value)
