from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.audit_action import AuditAction
from ..models.audit_outcome import AuditOutcome

if TYPE_CHECKING:
    from ..models.audit_actor import AuditActor


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        action (AuditAction): What an audited request did
        actor (AuditActor):
        client_id (None | str): The OAuth client the request came through
        id (str):
        ip (None | str): The caller's address: an export of the trail is PHI
        occurred_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        operation (None | str): The operationId of the request
        outcome (AuditOutcome): How an audited request ended
        partner_id (None | str): The caller's partner
        patient_id (None | str): Whose data it was, when it was one patient's
        patient_ids (list[str]): Every patient whose data it concerned
        request_id (None | str): The request's X-Request-ID
        resource_id (None | str): The record read, changed or asked for
        resource_ids (list[str]): What a list returned; what a write changed
        resource_type (None | str): `patient`, `consultation`, `screening`, `follow_up_plan`, `follow_up_task`, …
        row_count (int | None): How many rows a bulk read sent (`exportOutcomes`: the de-identified rows streamed); null
            for any other request
        status (int | None): The HTTP status
    """

    action: AuditAction
    actor: AuditActor
    client_id: None | str
    id: str
    ip: None | str
    occurred_at: datetime.datetime
    operation: None | str
    outcome: AuditOutcome
    partner_id: None | str
    patient_id: None | str
    patient_ids: list[str]
    request_id: None | str
    resource_id: None | str
    resource_ids: list[str]
    resource_type: None | str
    row_count: int | None
    status: int | None

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        actor = self.actor.to_dict()

        client_id: None | str
        client_id = self.client_id

        id = self.id

        ip: None | str
        ip = self.ip

        occurred_at = self.occurred_at.isoformat()

        operation: None | str
        operation = self.operation

        outcome = self.outcome.value

        partner_id: None | str
        partner_id = self.partner_id

        patient_id: None | str
        patient_id = self.patient_id

        patient_ids = self.patient_ids

        request_id: None | str
        request_id = self.request_id

        resource_id: None | str
        resource_id = self.resource_id

        resource_ids = self.resource_ids

        resource_type: None | str
        resource_type = self.resource_type

        row_count: int | None
        row_count = self.row_count

        status: int | None
        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "client_id": client_id,
                "id": id,
                "ip": ip,
                "occurred_at": occurred_at,
                "operation": operation,
                "outcome": outcome,
                "partner_id": partner_id,
                "patient_id": patient_id,
                "patient_ids": patient_ids,
                "request_id": request_id,
                "resource_id": resource_id,
                "resource_ids": resource_ids,
                "resource_type": resource_type,
                "row_count": row_count,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_actor import AuditActor  # noqa: PLC0415

        d = dict(src_dict)
        action = AuditAction(d.pop("action"))

        actor = AuditActor.from_dict(d.pop("actor"))

        def _parse_client_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_id = _parse_client_id(d.pop("client_id"))

        id = d.pop("id")

        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_operation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        operation = _parse_operation(d.pop("operation"))

        outcome = AuditOutcome(d.pop("outcome"))

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        def _parse_patient_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        patient_id = _parse_patient_id(d.pop("patient_id"))

        patient_ids = cast(list[str], d.pop("patient_ids"))

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        def _parse_resource_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resource_id = _parse_resource_id(d.pop("resource_id"))

        resource_ids = cast(list[str], d.pop("resource_ids"))

        def _parse_resource_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resource_type = _parse_resource_type(d.pop("resource_type"))

        def _parse_row_count(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        row_count = _parse_row_count(d.pop("row_count"))

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        audit_event = cls(
            action=action,
            actor=actor,
            client_id=client_id,
            id=id,
            ip=ip,
            occurred_at=occurred_at,
            operation=operation,
            outcome=outcome,
            partner_id=partner_id,
            patient_id=patient_id,
            patient_ids=patient_ids,
            request_id=request_id,
            resource_id=resource_id,
            resource_ids=resource_ids,
            resource_type=resource_type,
            row_count=row_count,
            status=status,
        )

        return audit_event
