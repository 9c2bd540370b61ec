from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.provider_match_list import ProviderMatchList
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    consultation_id: str,
    *,
    limit: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/consultations/{consultation_id}/provider-matches".format(
            consultation_id=quote(str(consultation_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ProviderMatchList:
    if response.status_code == 200:
        response_200 = ProviderMatchList.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[Problem | ProviderMatchList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> Response[Problem | ProviderMatchList]:
    """Match providers to a consultation

     For a `ready` consultation (409 `consultation_not_ready` otherwise): the providers passing every
    hard filter of the clinical rules (licence and DEA schedule III registration in the patient's state,
    an accepted route they can deliver there, capacity, a free slot within 30 days, a psychiatrist for
    reviewed or bipolar cases), best first, each with its score components and earliest slots;
    `excluded` counts the providers each filter removed.

    Args:
        consultation_id (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderMatchList]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> ProviderMatchList:
    """Match providers to a consultation

     For a `ready` consultation (409 `consultation_not_ready` otherwise): the providers passing every
    hard filter of the clinical rules (licence and DEA schedule III registration in the patient's state,
    an accepted route they can deliver there, capacity, a free slot within 30 days, a psychiatrist for
    reviewed or bipolar cases), best first, each with its score components and earliest slots;
    `excluded` counts the providers each filter removed.

    Args:
        consultation_id (str):
        limit (int | Unset):  Default: 10.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProviderMatchList
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
            limit=limit,
        )
    )
    raise_for_problem(response)
    return cast(ProviderMatchList, _parse_response(client=client, response=response))


async def asyncio_detailed(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> Response[Problem | ProviderMatchList]:
    """Match providers to a consultation

     For a `ready` consultation (409 `consultation_not_ready` otherwise): the providers passing every
    hard filter of the clinical rules (licence and DEA schedule III registration in the patient's state,
    an accepted route they can deliver there, capacity, a free slot within 30 days, a psychiatrist for
    reviewed or bipolar cases), best first, each with its score components and earliest slots;
    `excluded` counts the providers each filter removed.

    Args:
        consultation_id (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderMatchList]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 10,
) -> ProviderMatchList:
    """Match providers to a consultation

     For a `ready` consultation (409 `consultation_not_ready` otherwise): the providers passing every
    hard filter of the clinical rules (licence and DEA schedule III registration in the patient's state,
    an accepted route they can deliver there, capacity, a free slot within 30 days, a psychiatrist for
    reviewed or bipolar cases), best first, each with its score components and earliest slots;
    `excluded` counts the providers each filter removed.

    Args:
        consultation_id (str):
        limit (int | Unset):  Default: 10.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProviderMatchList
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
            limit=limit,
        )
    )
    raise_for_problem(response)
    return cast(ProviderMatchList, _parse_response(client=client, response=response))
