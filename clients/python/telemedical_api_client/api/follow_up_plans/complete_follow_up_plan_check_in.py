from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.plan_task import PlanTask
from ...models.problem import Problem
from ...models.task_complete import TaskComplete
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    task_id: str,
    *,
    body: TaskComplete,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/tasks/{task_id}/complete".format(
            plan_id=quote(str(plan_id), safe=""),
            task_id=quote(str(task_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanTask | Problem:
    if response.status_code == 200:
        response_200 = PlanTask.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlanTask | Problem]:
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
    body: TaskComplete,
    idempotency_key: str | Unset = UNSET,
) -> Response[PlanTask | Problem]:
    """Complete a check-in or a review

     A check-in: `screening_ids`, one screening per instrument of the task, each submitted first with
    `POST /v1/screenings` naming this `plan_id` (a routine check-in's C-SSRS with recall
    `since_last_contact`, the baseline check-in's with `lifetime_recent`); a missing instrument is 422
    `check_in_incomplete`. `screening_id` is still accepted for a one-instrument check-in.
    A review (a provider): `decision` (`continue` or `stop`, which completes the plan) and `note`.
    Allowed while the plan is `active` or `on_hold`. Sessions are recorded instead (409
    `task_kind_mismatch`).

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (TaskComplete):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTask | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
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
    body: TaskComplete,
    idempotency_key: str | Unset = UNSET,
) -> PlanTask:
    """Complete a check-in or a review

     A check-in: `screening_ids`, one screening per instrument of the task, each submitted first with
    `POST /v1/screenings` naming this `plan_id` (a routine check-in's C-SSRS with recall
    `since_last_contact`, the baseline check-in's with `lifetime_recent`); a missing instrument is 422
    `check_in_incomplete`. `screening_id` is still accepted for a one-instrument check-in.
    A review (a provider): `decision` (`continue` or `stop`, which completes the plan) and `note`.
    Allowed while the plan is `active` or `on_hold`. Sessions are recorded instead (409
    `task_kind_mismatch`).

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (TaskComplete):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTask
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PlanTask, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: TaskComplete,
    idempotency_key: str | Unset = UNSET,
) -> Response[PlanTask | Problem]:
    """Complete a check-in or a review

     A check-in: `screening_ids`, one screening per instrument of the task, each submitted first with
    `POST /v1/screenings` naming this `plan_id` (a routine check-in's C-SSRS with recall
    `since_last_contact`, the baseline check-in's with `lifetime_recent`); a missing instrument is 422
    `check_in_incomplete`. `screening_id` is still accepted for a one-instrument check-in.
    A review (a provider): `decision` (`continue` or `stop`, which completes the plan) and `note`.
    Allowed while the plan is `active` or `on_hold`. Sessions are recorded instead (409
    `task_kind_mismatch`).

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (TaskComplete):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTask | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: TaskComplete,
    idempotency_key: str | Unset = UNSET,
) -> PlanTask:
    """Complete a check-in or a review

     A check-in: `screening_ids`, one screening per instrument of the task, each submitted first with
    `POST /v1/screenings` naming this `plan_id` (a routine check-in's C-SSRS with recall
    `since_last_contact`, the baseline check-in's with `lifetime_recent`); a missing instrument is 422
    `check_in_incomplete`. `screening_id` is still accepted for a one-instrument check-in.
    A review (a provider): `decision` (`continue` or `stop`, which completes the plan) and `note`.
    Allowed while the plan is `active` or `on_hold`. Sessions are recorded instead (409
    `task_kind_mismatch`).

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (TaskComplete):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTask
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PlanTask, _parse_response(client=client, response=response))
