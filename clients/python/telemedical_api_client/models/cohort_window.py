from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="CohortWindow")


@_attrs_define
class CohortWindow:
    """
    Attributes:
        started_from (datetime.date | None): Must be between 1900-01-01 and 2999-12-31.
        started_to (datetime.date | None): Must be between 1900-01-01 and 2999-12-31.
    """

    started_from: datetime.date | None
    started_to: datetime.date | None

    def to_dict(self) -> dict[str, Any]:
        started_from: None | str
        if isinstance(self.started_from, datetime.date):
            started_from = self.started_from.isoformat()
        else:
            started_from = self.started_from

        started_to: None | str
        if isinstance(self.started_to, datetime.date):
            started_to = self.started_to.isoformat()
        else:
            started_to = self.started_to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "started_from": started_from,
                "started_to": started_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_started_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_from_type_0 = datetime.date.fromisoformat(data)

                return started_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        started_from = _parse_started_from(d.pop("started_from"))

        def _parse_started_to(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_to_type_0 = datetime.date.fromisoformat(data)

                return started_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        started_to = _parse_started_to(d.pop("started_to"))

        cohort_window = cls(
            started_from=started_from,
            started_to=started_to,
        )

        return cohort_window
