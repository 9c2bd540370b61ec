from enum import StrEnum


class Instrument(StrEnum):
    CSSRS = "cssrs"
    GAD7 = "gad7"
    KETAMINE_INTAKE = "ketamine_intake"
    PCL5 = "pcl5"
    PHQ9 = "phq9"

    def __str__(self) -> str:
        return str(self.value)
