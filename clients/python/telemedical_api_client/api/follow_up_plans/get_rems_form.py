from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rems_form import RemsForm
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    plan_id: str,
    task_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/follow-up-plans/{plan_id}/sessions/{task_id}/rems-form".format(
            plan_id=quote(str(plan_id), safe=""),
            task_id=quote(str(task_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RemsForm:
    if response.status_code == 200:
        response_200 = RemsForm.from_dict(response.json())

        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RemsForm]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | RemsForm]:
    """Get a session's REMS monitoring form

     A recorded intranasal esketamine session laid out as the Spravato REMS Patient Monitoring Form (404
    for other routes): patient, concomitant medications, monitoring provider and setting, dose and lot,
    minutes, blood pressures before, at ~40 minutes and at completion, and each adverse effect with its
    values; `due_by` (session date + 7 days) and `submitted_at`.

    Args:
        plan_id (str):
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RemsForm]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
) -> RemsForm:
    """Get a session's REMS monitoring form

     A recorded intranasal esketamine session laid out as the Spravato REMS Patient Monitoring Form (404
    for other routes): patient, concomitant medications, monitoring provider and setting, dose and lot,
    minutes, blood pressures before, at ~40 minutes and at completion, and each adverse effect with its
    values; `due_by` (session date + 7 days) and `submitted_at`.

    Args:
        plan_id (str):
        task_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RemsForm
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
        )
    )
    raise_for_problem(response)
    return cast(RemsForm, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | RemsForm]:
    """Get a session's REMS monitoring form

     A recorded intranasal esketamine session laid out as the Spravato REMS Patient Monitoring Form (404
    for other routes): patient, concomitant medications, monitoring provider and setting, dose and lot,
    minutes, blood pressures before, at ~40 minutes and at completion, and each adverse effect with its
    values; `due_by` (session date + 7 days) and `submitted_at`.

    Args:
        plan_id (str):
        task_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RemsForm]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
) -> RemsForm:
    """Get a session's REMS monitoring form

     A recorded intranasal esketamine session laid out as the Spravato REMS Patient Monitoring Form (404
    for other routes): patient, concomitant medications, monitoring provider and setting, dose and lot,
    minutes, blood pressures before, at ~40 minutes and at completion, and each adverse effect with its
    values; `due_by` (session date + 7 days) and `submitted_at`.

    Args:
        plan_id (str):
        task_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RemsForm
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
        )
    )
    raise_for_problem(response)
    return cast(RemsForm, _parse_response(client=client, response=response))
