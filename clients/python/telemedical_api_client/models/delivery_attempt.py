from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeliveryAttempt")


@_attrs_define
class DeliveryAttempt:
    """
    Attributes:
        attempt (int): 1 for the first attempt of a delivery
        attempted_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        duration_ms (int):
        error (None | str): Why there was no answer: `url_not_allowed`, `dns_failed`, `address_not_allowed`, `timeout`,
            `tls_error`, `connection_failed`
        event_id (str):
        id (str):
        next_attempt_at (datetime.datetime | None): When the next retry is due; null: no retry Must be between
            1900-01-01 and 2999-12-31.
        response_excerpt (None | str): The start of the response body
        status_code (int | None): The endpoint's HTTP status; null: no answer
    """

    attempt: int
    attempted_at: datetime.datetime
    duration_ms: int
    error: None | str
    event_id: str
    id: str
    next_attempt_at: datetime.datetime | None
    response_excerpt: None | str
    status_code: int | None

    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        attempted_at = self.attempted_at.isoformat()

        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        event_id = self.event_id

        id = self.id

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        response_excerpt: None | str
        response_excerpt = self.response_excerpt

        status_code: int | None
        status_code = self.status_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attempt": attempt,
                "attempted_at": attempted_at,
                "duration_ms": duration_ms,
                "error": error,
                "event_id": event_id,
                "id": id,
                "next_attempt_at": next_attempt_at,
                "response_excerpt": response_excerpt,
                "status_code": status_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        duration_ms = d.pop("duration_ms")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event_id = d.pop("event_id")

        id = d.pop("id")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        def _parse_response_excerpt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_excerpt = _parse_response_excerpt(d.pop("response_excerpt"))

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))

        delivery_attempt = cls(
            attempt=attempt,
            attempted_at=attempted_at,
            duration_ms=duration_ms,
            error=error,
            event_id=event_id,
            id=id,
            next_attempt_at=next_attempt_at,
            response_excerpt=response_excerpt,
            status_code=status_code,
        )

        return delivery_attempt
