import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_action import AuditAction
from ...models.audit_event_page import AuditEventPage
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    resource_type: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    occurred_after: datetime.datetime | Unset = UNSET,
    occurred_before: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["actor_id"] = actor_id

    params["resource_type"] = resource_type

    params["resource_id"] = resource_id

    params["patient_id"] = patient_id

    json_action: str | Unset = UNSET
    if not isinstance(action, Unset):
        json_action = action.value

    params["action"] = json_action

    json_occurred_after: str | Unset = UNSET
    if not isinstance(occurred_after, Unset):
        json_occurred_after = occurred_after.isoformat()
    params["occurred_after"] = json_occurred_after

    json_occurred_before: str | Unset = UNSET
    if not isinstance(occurred_before, Unset):
        json_occurred_before = occurred_before.isoformat()
    params["occurred_before"] = json_occurred_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit-events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditEventPage | Problem:
    if response.status_code == 200:
        response_200 = AuditEventPage.from_dict(response.json())

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
) -> Response[AuditEventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    resource_type: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    occurred_after: datetime.datetime | Unset = UNSET,
    occurred_before: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventPage | Problem]:
    """List audit events

     Newest first. Every read and write of a record, every refused request (401, 403, and the 404 that
    hides another tenant's record) and every token issued, refused or revoked. `patient_id` answers "who
    saw or changed this patient's data". A partner sees its own callers' rows and every row about its
    patients; a platform admin sees all. References only: ids, never values.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        actor_id (str | Unset):
        resource_type (str | Unset):
        resource_id (str | Unset):
        patient_id (str | Unset):
        action (AuditAction | Unset): What an audited request did
        occurred_after (datetime.datetime | Unset):
        occurred_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        actor_id=actor_id,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        action=action,
        occurred_after=occurred_after,
        occurred_before=occurred_before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    resource_type: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    occurred_after: datetime.datetime | Unset = UNSET,
    occurred_before: datetime.datetime | Unset = UNSET,
) -> AuditEventPage:
    """List audit events

     Newest first. Every read and write of a record, every refused request (401, 403, and the 404 that
    hides another tenant's record) and every token issued, refused or revoked. `patient_id` answers "who
    saw or changed this patient's data". A partner sees its own callers' rows and every row about its
    patients; a platform admin sees all. References only: ids, never values.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        actor_id (str | Unset):
        resource_type (str | Unset):
        resource_id (str | Unset):
        patient_id (str | Unset):
        action (AuditAction | Unset): What an audited request did
        occurred_after (datetime.datetime | Unset):
        occurred_before (datetime.datetime | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventPage
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            actor_id=actor_id,
            resource_type=resource_type,
            resource_id=resource_id,
            patient_id=patient_id,
            action=action,
            occurred_after=occurred_after,
            occurred_before=occurred_before,
        )
    )
    raise_for_problem(response)
    return cast(AuditEventPage, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    resource_type: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    occurred_after: datetime.datetime | Unset = UNSET,
    occurred_before: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventPage | Problem]:
    """List audit events

     Newest first. Every read and write of a record, every refused request (401, 403, and the 404 that
    hides another tenant's record) and every token issued, refused or revoked. `patient_id` answers "who
    saw or changed this patient's data". A partner sees its own callers' rows and every row about its
    patients; a platform admin sees all. References only: ids, never values.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        actor_id (str | Unset):
        resource_type (str | Unset):
        resource_id (str | Unset):
        patient_id (str | Unset):
        action (AuditAction | Unset): What an audited request did
        occurred_after (datetime.datetime | Unset):
        occurred_before (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        actor_id=actor_id,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        action=action,
        occurred_after=occurred_after,
        occurred_before=occurred_before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    resource_type: str | Unset = UNSET,
    resource_id: str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    occurred_after: datetime.datetime | Unset = UNSET,
    occurred_before: datetime.datetime | Unset = UNSET,
) -> AuditEventPage:
    """List audit events

     Newest first. Every read and write of a record, every refused request (401, 403, and the 404 that
    hides another tenant's record) and every token issued, refused or revoked. `patient_id` answers "who
    saw or changed this patient's data". A partner sees its own callers' rows and every row about its
    patients; a platform admin sees all. References only: ids, never values.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        actor_id (str | Unset):
        resource_type (str | Unset):
        resource_id (str | Unset):
        patient_id (str | Unset):
        action (AuditAction | Unset): What an audited request did
        occurred_after (datetime.datetime | Unset):
        occurred_before (datetime.datetime | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventPage
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            actor_id=actor_id,
            resource_type=resource_type,
            resource_id=resource_id,
            patient_id=patient_id,
            action=action,
            occurred_after=occurred_after,
            occurred_before=occurred_before,
        )
    )
    raise_for_problem(response)
    return cast(AuditEventPage, _parse_response(client=client, response=response))
