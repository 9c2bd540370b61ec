from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.outcomes import Outcomes
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    plan_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/follow-up-plans/{plan_id}/outcomes".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Outcomes | Problem:
    if response.status_code == 200:
        response_200 = Outcomes.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Outcomes | Problem]:
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
) -> Response[Outcomes | Problem]:
    """Get a plan's outcomes

     Per scored instrument (phq9, gad7, pcl5): the consultation's screening as `baseline`, the latest
    check-in, the whole series and the percent change; `response` (phq9, gad7: a drop of 50 % or more),
    `remission` (phq9: latest below 5), `clinically_meaningful` (pcl5: a drop of 10 points or more).

    Args:
        plan_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcomes | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
) -> Outcomes:
    """Get a plan's outcomes

     Per scored instrument (phq9, gad7, pcl5): the consultation's screening as `baseline`, the latest
    check-in, the whole series and the percent change; `response` (phq9, gad7: a drop of 50 % or more),
    `remission` (phq9: latest below 5), `clinically_meaningful` (pcl5: a drop of 10 points or more).

    Args:
        plan_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcomes
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
        )
    )
    raise_for_problem(response)
    return cast(Outcomes, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Outcomes | Problem]:
    """Get a plan's outcomes

     Per scored instrument (phq9, gad7, pcl5): the consultation's screening as `baseline`, the latest
    check-in, the whole series and the percent change; `response` (phq9, gad7: a drop of 50 % or more),
    `remission` (phq9: latest below 5), `clinically_meaningful` (pcl5: a drop of 10 points or more).

    Args:
        plan_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcomes | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
) -> Outcomes:
    """Get a plan's outcomes

     Per scored instrument (phq9, gad7, pcl5): the consultation's screening as `baseline`, the latest
    check-in, the whole series and the percent change; `response` (phq9, gad7: a drop of 50 % or more),
    `remission` (phq9: latest below 5), `clinically_meaningful` (pcl5: a drop of 10 points or more).

    Args:
        plan_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcomes
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
        )
    )
    raise_for_problem(response)
    return cast(Outcomes, _parse_response(client=client, response=response))
