from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dissociation_level import DissociationLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="Reading")


@_attrs_define
class Reading:
    """
    Attributes:
        diastolic (int): mmHg
        dissociation (DissociationLevel): Dissociation observed at a reading
        minute (int): 0 to observation_minutes, ascending
        sedation_moaas (int): MOAA/S 0-5; 5 = responds readily to its name in a normal tone
        systolic (int): mmHg
        heart_rate (int | None | Unset): beats per minute
        spo2 (int | None | Unset): %; required on the 30-60 min reading and the last one (supervised routes)
    """

    diastolic: int
    dissociation: DissociationLevel
    minute: int
    sedation_moaas: int
    systolic: int
    heart_rate: int | None | Unset = UNSET
    spo2: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        diastolic = self.diastolic

        dissociation = self.dissociation.value

        minute = self.minute

        sedation_moaas = self.sedation_moaas

        systolic = self.systolic

        heart_rate: int | None | Unset
        if isinstance(self.heart_rate, Unset):
            heart_rate = UNSET
        else:
            heart_rate = self.heart_rate

        spo2: int | None | Unset
        if isinstance(self.spo2, Unset):
            spo2 = UNSET
        else:
            spo2 = self.spo2

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "diastolic": diastolic,
                "dissociation": dissociation,
                "minute": minute,
                "sedation_moaas": sedation_moaas,
                "systolic": systolic,
            }
        )
        if heart_rate is not UNSET:
            field_dict["heart_rate"] = heart_rate
        if spo2 is not UNSET:
            field_dict["spo2"] = spo2

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        diastolic = d.pop("diastolic")

        dissociation = DissociationLevel(d.pop("dissociation"))

        minute = d.pop("minute")

        sedation_moaas = d.pop("sedation_moaas")

        systolic = d.pop("systolic")

        def _parse_heart_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        heart_rate = _parse_heart_rate(d.pop("heart_rate", UNSET))

        def _parse_spo2(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        spo2 = _parse_spo2(d.pop("spo2", UNSET))

        reading = cls(
            diastolic=diastolic,
            dissociation=dissociation,
            minute=minute,
            sedation_moaas=sedation_moaas,
            systolic=systolic,
            heart_rate=heart_rate,
            spo2=spo2,
        )

        return reading
