from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.client_create import ClientCreate
from ...models.client_with_secret import ClientWithSecret
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    partner_id: str,
    *,
    body: ClientCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/partners/{partner_id}/clients".format(
            partner_id=quote(str(partner_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ClientWithSecret | Problem:
    if response.status_code == 201:
        response_201 = ClientWithSecret.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClientWithSecret | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    body: ClientCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[ClientWithSecret | Problem]:
    """Register an OAuth client for a partner

     The `client_secret` of a confidential client is in this response only; it is stored hashed.

    Args:
        partner_id (str):
        idempotency_key (str | Unset):
        body (ClientCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientWithSecret | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    body: ClientCreate,
    idempotency_key: str | Unset = UNSET,
) -> ClientWithSecret:
    """Register an OAuth client for a partner

     The `client_secret` of a confidential client is in this response only; it is stored hashed.

    Args:
        partner_id (str):
        idempotency_key (str | Unset):
        body (ClientCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientWithSecret
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            partner_id=partner_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(ClientWithSecret, _parse_response(client=client, response=response))


async def asyncio_detailed(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    body: ClientCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[ClientWithSecret | Problem]:
    """Register an OAuth client for a partner

     The `client_secret` of a confidential client is in this response only; it is stored hashed.

    Args:
        partner_id (str):
        idempotency_key (str | Unset):
        body (ClientCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClientWithSecret | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    body: ClientCreate,
    idempotency_key: str | Unset = UNSET,
) -> ClientWithSecret:
    """Register an OAuth client for a partner

     The `client_secret` of a confidential client is in this response only; it is stored hashed.

    Args:
        partner_id (str):
        idempotency_key (str | Unset):
        body (ClientCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClientWithSecret
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            partner_id=partner_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(ClientWithSecret, _parse_response(client=client, response=response))
