from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.escalation_acknowledge import EscalationAcknowledge
from ...models.follow_up_plan import FollowUpPlan
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    body: EscalationAcknowledge,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/acknowledge-escalation".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FollowUpPlan | Problem:
    if response.status_code == 200:
        response_200 = FollowUpPlan.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FollowUpPlan | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: EscalationAcknowledge,
    idempotency_key: str | Unset = UNSET,
) -> Response[FollowUpPlan | Problem]:
    """Acknowledge a plan's escalation

     After a C-SSRS `high` at a check-in, the plan's provider records the urgent contact with the
    patient: who, when, and its outcome (`reached`, `not_reached`, `emergency_services`), shown as the
    plan's `escalation`. A partner, a patient or an admin: 403. A second acknowledgement: 409
    `already_acknowledged`; a plan never escalated: 409 `not_escalated`. Until it is acknowledged, the
    worker sends `follow_up_plan.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours
    `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (EscalationAcknowledge):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlan | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: EscalationAcknowledge,
    idempotency_key: str | Unset = UNSET,
) -> FollowUpPlan:
    """Acknowledge a plan's escalation

     After a C-SSRS `high` at a check-in, the plan's provider records the urgent contact with the
    patient: who, when, and its outcome (`reached`, `not_reached`, `emergency_services`), shown as the
    plan's `escalation`. A partner, a patient or an admin: 403. A second acknowledgement: 409
    `already_acknowledged`; a plan never escalated: 409 `not_escalated`. Until it is acknowledged, the
    worker sends `follow_up_plan.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours
    `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (EscalationAcknowledge):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlan
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlan, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: EscalationAcknowledge,
    idempotency_key: str | Unset = UNSET,
) -> Response[FollowUpPlan | Problem]:
    """Acknowledge a plan's escalation

     After a C-SSRS `high` at a check-in, the plan's provider records the urgent contact with the
    patient: who, when, and its outcome (`reached`, `not_reached`, `emergency_services`), shown as the
    plan's `escalation`. A partner, a patient or an admin: 403. A second acknowledgement: 409
    `already_acknowledged`; a plan never escalated: 409 `not_escalated`. Until it is acknowledged, the
    worker sends `follow_up_plan.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours
    `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (EscalationAcknowledge):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlan | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: EscalationAcknowledge,
    idempotency_key: str | Unset = UNSET,
) -> FollowUpPlan:
    """Acknowledge a plan's escalation

     After a C-SSRS `high` at a check-in, the plan's provider records the urgent contact with the
    patient: who, when, and its outcome (`reached`, `not_reached`, `emergency_services`), shown as the
    plan's `escalation`. A partner, a patient or an admin: 403. A second acknowledgement: 409
    `already_acknowledged`; a plan never escalated: 409 `not_escalated`. Until it is acknowledged, the
    worker sends `follow_up_plan.escalation_unacknowledged` every `ESCALATION_ACK_MINUTES`. Honours
    `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (EscalationAcknowledge):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlan
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlan, _parse_response(client=client, response=response))
