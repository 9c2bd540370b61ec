from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.consent_type import ConsentType

T = TypeVar("T", bound="Consent")


@_attrs_define
class Consent:
    """
    Attributes:
        accepted_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        id (str):
        patient_id (str):
        type_ (ConsentType): Kind of consent
        version (str):
        withdrawn_at (datetime.datetime | None): When the patient withdrew it (null while in force); it then no longer
            counts Must be between 1900-01-01 and 2999-12-31.
    """

    accepted_at: datetime.datetime
    created_at: datetime.datetime
    id: str
    patient_id: str
    type_: ConsentType
    version: str
    withdrawn_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        accepted_at = self.accepted_at.isoformat()

        created_at = self.created_at.isoformat()

        id = self.id

        patient_id = self.patient_id

        type_ = self.type_.value

        version = self.version

        withdrawn_at: None | str
        if isinstance(self.withdrawn_at, datetime.datetime):
            withdrawn_at = self.withdrawn_at.isoformat()
        else:
            withdrawn_at = self.withdrawn_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accepted_at": accepted_at,
                "created_at": created_at,
                "id": id,
                "patient_id": patient_id,
                "type": type_,
                "version": version,
                "withdrawn_at": withdrawn_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted_at = datetime.datetime.fromisoformat(d.pop("accepted_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        patient_id = d.pop("patient_id")

        type_ = ConsentType(d.pop("type"))

        version = d.pop("version")

        def _parse_withdrawn_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                withdrawn_at_type_0 = datetime.datetime.fromisoformat(data)

                return withdrawn_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        withdrawn_at = _parse_withdrawn_at(d.pop("withdrawn_at"))

        consent = cls(
            accepted_at=accepted_at,
            created_at=created_at,
            id=id,
            patient_id=patient_id,
            type_=type_,
            version=version,
            withdrawn_at=withdrawn_at,
        )

        return consent
