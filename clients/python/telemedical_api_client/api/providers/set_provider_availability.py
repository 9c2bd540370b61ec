from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.availability import Availability
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    provider_id: str,
    *,
    body: Availability,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/providers/{provider_id}/availability".format(
            provider_id=quote(str(provider_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Availability | Problem:
    if response.status_code == 200:
        response_200 = Availability.from_dict(response.json())

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
) -> Response[Availability | Problem]:
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
    body: Availability,
) -> Response[Availability | Problem]:
    """Replace a provider's availability

     Weekly windows (`"monday"`, `"09:00"`-`"17:00"`) and dated exceptions, in the provider's local time
    zone; an exception replaces that date's windows (none: unavailable all day). Windows of one day
    must not overlap. An admin, or the provider themselves. Optional `If-Match` takes the provider's
    ETag. Booked appointments stay booked.

    Args:
        provider_id (str):
        body (Availability):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Availability | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: Availability,
) -> Availability:
    """Replace a provider's availability

     Weekly windows (`"monday"`, `"09:00"`-`"17:00"`) and dated exceptions, in the provider's local time
    zone; an exception replaces that date's windows (none: unavailable all day). Windows of one day
    must not overlap. An admin, or the provider themselves. Optional `If-Match` takes the provider's
    ETag. Booked appointments stay booked.

    Args:
        provider_id (str):
        body (Availability):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Availability
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            body=body,
        )
    )
    raise_for_problem(response)
    return cast(Availability, _parse_response(client=client, response=response))


async def asyncio_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: Availability,
) -> Response[Availability | Problem]:
    """Replace a provider's availability

     Weekly windows (`"monday"`, `"09:00"`-`"17:00"`) and dated exceptions, in the provider's local time
    zone; an exception replaces that date's windows (none: unavailable all day). Windows of one day
    must not overlap. An admin, or the provider themselves. Optional `If-Match` takes the provider's
    ETag. Booked appointments stay booked.

    Args:
        provider_id (str):
        body (Availability):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Availability | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: Availability,
) -> Availability:
    """Replace a provider's availability

     Weekly windows (`"monday"`, `"09:00"`-`"17:00"`) and dated exceptions, in the provider's local time
    zone; an exception replaces that date's windows (none: unavailable all day). Windows of one day
    must not overlap. An admin, or the provider themselves. Optional `If-Match` takes the provider's
    ETag. Booked appointments stay booked.

    Args:
        provider_id (str):
        body (Availability):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Availability
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            body=body,
        )
    )
    raise_for_problem(response)
    return cast(Availability, _parse_response(client=client, response=response))
