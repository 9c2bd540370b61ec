from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_endpoint import WebhookEndpoint
from ...models.webhook_endpoint_update import WebhookEndpointUpdate
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    endpoint_id: str,
    *,
    body: WebhookEndpointUpdate,
    if_match: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/webhook-endpoints/{endpoint_id}".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WebhookEndpoint:
    if response.status_code == 200:
        response_200 = WebhookEndpoint.from_dict(response.json())

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

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | WebhookEndpoint]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: str,
) -> Response[Problem | WebhookEndpoint]:
    """Update a webhook endpoint

     Requires `If-Match` (428 without, 412 when it changed). Change the URL, the event types or the
    description; `enabled: false` stops deliveries and cancels those waiting, `enabled: true` resumes
    with the events emitted from then on (redeliver earlier ones from `GET /v1/events`).

    Args:
        endpoint_id (str):
        if_match (str):
        body (WebhookEndpointUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpoint]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: str,
) -> WebhookEndpoint:
    """Update a webhook endpoint

     Requires `If-Match` (428 without, 412 when it changed). Change the URL, the event types or the
    description; `enabled: false` stops deliveries and cancels those waiting, `enabled: true` resumes
    with the events emitted from then on (redeliver earlier ones from `GET /v1/events`).

    Args:
        endpoint_id (str):
        if_match (str):
        body (WebhookEndpointUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        WebhookEndpoint
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            endpoint_id=endpoint_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(WebhookEndpoint, _parse_response(client=client, response=response))


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: str,
) -> Response[Problem | WebhookEndpoint]:
    """Update a webhook endpoint

     Requires `If-Match` (428 without, 412 when it changed). Change the URL, the event types or the
    description; `enabled: false` stops deliveries and cancels those waiting, `enabled: true` resumes
    with the events emitted from then on (redeliver earlier ones from `GET /v1/events`).

    Args:
        endpoint_id (str):
        if_match (str):
        body (WebhookEndpointUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpoint]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointUpdate,
    if_match: str,
) -> WebhookEndpoint:
    """Update a webhook endpoint

     Requires `If-Match` (428 without, 412 when it changed). Change the URL, the event types or the
    description; `enabled: false` stops deliveries and cancels those waiting, `enabled: true` resumes
    with the events emitted from then on (redeliver earlier ones from `GET /v1/events`).

    Args:
        endpoint_id (str):
        if_match (str):
        body (WebhookEndpointUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        WebhookEndpoint
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            endpoint_id=endpoint_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(WebhookEndpoint, _parse_response(client=client, response=response))
