import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.plan_task_page import PlanTaskPage
from ...models.problem import Problem
from ...models.task_kind import TaskKind
from ...models.task_status import TaskStatus
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    status: TaskStatus | Unset = UNSET,
    kind: TaskKind | Unset = UNSET,
    due_from: datetime.date | Unset = UNSET,
    due_to: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    json_due_from: str | Unset = UNSET
    if not isinstance(due_from, Unset):
        json_due_from = due_from.isoformat()
    params["due_from"] = json_due_from

    json_due_to: str | Unset = UNSET
    if not isinstance(due_to, Unset):
        json_due_to = due_to.isoformat()
    params["due_to"] = json_due_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/follow-up-plans/{plan_id}/tasks".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanTaskPage | Problem:
    if response.status_code == 200:
        response_200 = PlanTaskPage.from_dict(response.json())

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
) -> Response[PlanTaskPage | Problem]:
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
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    status: TaskStatus | Unset = UNSET,
    kind: TaskKind | Unset = UNSET,
    due_from: datetime.date | Unset = UNSET,
    due_to: datetime.date | Unset = UNSET,
) -> Response[PlanTaskPage | Problem]:
    """List a plan's tasks

     In due order (a day's session before its check-in), not newest first. Filter by `status`, `kind`,
    `due_from` and `due_to` (inclusive) — e.g. `status=pending&due_to=<today>` is what is due now.

    Args:
        plan_id (str):
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        status (TaskStatus | Unset): Follow-up task status
        kind (TaskKind | Unset): Kind of follow-up task
        due_from (datetime.date | Unset):
        due_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTaskPage | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        limit=limit,
        cursor=cursor,
        status=status,
        kind=kind,
        due_from=due_from,
        due_to=due_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    status: TaskStatus | Unset = UNSET,
    kind: TaskKind | Unset = UNSET,
    due_from: datetime.date | Unset = UNSET,
    due_to: datetime.date | Unset = UNSET,
) -> PlanTaskPage:
    """List a plan's tasks

     In due order (a day's session before its check-in), not newest first. Filter by `status`, `kind`,
    `due_from` and `due_to` (inclusive) — e.g. `status=pending&due_to=<today>` is what is due now.

    Args:
        plan_id (str):
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        status (TaskStatus | Unset): Follow-up task status
        kind (TaskKind | Unset): Kind of follow-up task
        due_from (datetime.date | Unset):
        due_to (datetime.date | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTaskPage
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            limit=limit,
            cursor=cursor,
            status=status,
            kind=kind,
            due_from=due_from,
            due_to=due_to,
        )
    )
    raise_for_problem(response)
    return cast(PlanTaskPage, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    status: TaskStatus | Unset = UNSET,
    kind: TaskKind | Unset = UNSET,
    due_from: datetime.date | Unset = UNSET,
    due_to: datetime.date | Unset = UNSET,
) -> Response[PlanTaskPage | Problem]:
    """List a plan's tasks

     In due order (a day's session before its check-in), not newest first. Filter by `status`, `kind`,
    `due_from` and `due_to` (inclusive) — e.g. `status=pending&due_to=<today>` is what is due now.

    Args:
        plan_id (str):
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        status (TaskStatus | Unset): Follow-up task status
        kind (TaskKind | Unset): Kind of follow-up task
        due_from (datetime.date | Unset):
        due_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTaskPage | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        limit=limit,
        cursor=cursor,
        status=status,
        kind=kind,
        due_from=due_from,
        due_to=due_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    status: TaskStatus | Unset = UNSET,
    kind: TaskKind | Unset = UNSET,
    due_from: datetime.date | Unset = UNSET,
    due_to: datetime.date | Unset = UNSET,
) -> PlanTaskPage:
    """List a plan's tasks

     In due order (a day's session before its check-in), not newest first. Filter by `status`, `kind`,
    `due_from` and `due_to` (inclusive) — e.g. `status=pending&due_to=<today>` is what is due now.

    Args:
        plan_id (str):
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        status (TaskStatus | Unset): Follow-up task status
        kind (TaskKind | Unset): Kind of follow-up task
        due_from (datetime.date | Unset):
        due_to (datetime.date | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTaskPage
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            limit=limit,
            cursor=cursor,
            status=status,
            kind=kind,
            due_from=due_from,
            due_to=due_to,
        )
    )
    raise_for_problem(response)
    return cast(PlanTaskPage, _parse_response(client=client, response=response))
