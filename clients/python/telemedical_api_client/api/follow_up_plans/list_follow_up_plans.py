from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.follow_up_plan_page import FollowUpPlanPage
from ...models.plan_status import PlanStatus
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    provider_id: str | Unset = UNSET,
    status: PlanStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["patient_id"] = patient_id

    params["provider_id"] = provider_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/follow-up-plans",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FollowUpPlanPage | Problem:
    if response.status_code == 200:
        response_200 = FollowUpPlanPage.from_dict(response.json())

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
) -> Response[FollowUpPlanPage | Problem]:
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
    patient_id: str | Unset = UNSET,
    provider_id: str | Unset = UNSET,
    status: PlanStatus | Unset = UNSET,
) -> Response[FollowUpPlanPage | Problem]:
    """List follow-up plans

     Newest first. Filter by `patient_id`, `provider_id` and `status`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        provider_id (str | Unset):
        status (PlanStatus | Unset): Follow-up plan status

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlanPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        patient_id=patient_id,
        provider_id=provider_id,
        status=status,
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
    patient_id: str | Unset = UNSET,
    provider_id: str | Unset = UNSET,
    status: PlanStatus | Unset = UNSET,
) -> FollowUpPlanPage:
    """List follow-up plans

     Newest first. Filter by `patient_id`, `provider_id` and `status`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        provider_id (str | Unset):
        status (PlanStatus | Unset): Follow-up plan status

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlanPage
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            patient_id=patient_id,
            provider_id=provider_id,
            status=status,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlanPage, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    provider_id: str | Unset = UNSET,
    status: PlanStatus | Unset = UNSET,
) -> Response[FollowUpPlanPage | Problem]:
    """List follow-up plans

     Newest first. Filter by `patient_id`, `provider_id` and `status`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        provider_id (str | Unset):
        status (PlanStatus | Unset): Follow-up plan status

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlanPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        patient_id=patient_id,
        provider_id=provider_id,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    provider_id: str | Unset = UNSET,
    status: PlanStatus | Unset = UNSET,
) -> FollowUpPlanPage:
    """List follow-up plans

     Newest first. Filter by `patient_id`, `provider_id` and `status`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        provider_id (str | Unset):
        status (PlanStatus | Unset): Follow-up plan status

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlanPage
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            patient_id=patient_id,
            provider_id=provider_id,
            status=status,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlanPage, _parse_response(client=client, response=response))
