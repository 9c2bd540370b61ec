from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.provider import Provider
from ...models.provider_update import ProviderUpdate
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    provider_id: str,
    *,
    body: ProviderUpdate,
    if_match: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/providers/{provider_id}".format(
            provider_id=quote(str(provider_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Provider:
    if response.status_code == 200:
        response_200 = Provider.from_dict(response.json())

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

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Provider]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: ProviderUpdate,
    if_match: str,
) -> Response[Problem | Provider]:
    """Update a provider

     Requires `If-Match` (428 without, 412 when it changed). A list replaces the whole list. A provider
    may change only their own `languages`, `accepting_new_patients`, `max_active_patients` and
    `timezone`; everything else (credentials, licences, DEA registrations, sites, routes) is an admin's.

    Args:
        provider_id (str):
        if_match (str):
        body (ProviderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Provider]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: ProviderUpdate,
    if_match: str,
) -> Provider:
    """Update a provider

     Requires `If-Match` (428 without, 412 when it changed). A list replaces the whole list. A provider
    may change only their own `languages`, `accepting_new_patients`, `max_active_patients` and
    `timezone`; everything else (credentials, licences, DEA registrations, sites, routes) is an admin's.

    Args:
        provider_id (str):
        if_match (str):
        body (ProviderUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Provider
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(Provider, _parse_response(client=client, response=response))


async def asyncio_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: ProviderUpdate,
    if_match: str,
) -> Response[Problem | Provider]:
    """Update a provider

     Requires `If-Match` (428 without, 412 when it changed). A list replaces the whole list. A provider
    may change only their own `languages`, `accepting_new_patients`, `max_active_patients` and
    `timezone`; everything else (credentials, licences, DEA registrations, sites, routes) is an admin's.

    Args:
        provider_id (str):
        if_match (str):
        body (ProviderUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Provider]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: ProviderUpdate,
    if_match: str,
) -> Provider:
    """Update a provider

     Requires `If-Match` (428 without, 412 when it changed). A list replaces the whole list. A provider
    may change only their own `languages`, `accepting_new_patients`, `max_active_patients` and
    `timezone`; everything else (credentials, licences, DEA registrations, sites, routes) is an admin's.

    Args:
        provider_id (str):
        if_match (str):
        body (ProviderUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Provider
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(Provider, _parse_response(client=client, response=response))
