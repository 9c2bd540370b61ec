from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_test_queued import WebhookTestQueued
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook-endpoints/{endpoint_id}/test".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WebhookTestQueued:
    if response.status_code == 202:
        response_202 = WebhookTestQueued.from_dict(response.json())

        return response_202

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
) -> Response[Problem | WebhookTestQueued]:
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
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | WebhookTestQueued]:
    """Send a test event to a webhook endpoint

     Queues a `webhook.test` event (`data`: the endpoint's id) to this endpoint only, due now, signed
    with its secret like every delivery: check that your receiver answers 2xx and verifies the
    signature. The attempt shows in the endpoint's delivery attempts (409 `endpoint_disabled` when the
    endpoint is disabled). Delivery is by the worker (`telemedical worker`; `make run` starts one).

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookTestQueued]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> WebhookTestQueued:
    """Send a test event to a webhook endpoint

     Queues a `webhook.test` event (`data`: the endpoint's id) to this endpoint only, due now, signed
    with its secret like every delivery: check that your receiver answers 2xx and verifies the
    signature. The attempt shows in the endpoint's delivery attempts (409 `endpoint_disabled` when the
    endpoint is disabled). Delivery is by the worker (`telemedical worker`; `make run` starts one).

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        WebhookTestQueued
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            endpoint_id=endpoint_id,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(WebhookTestQueued, _parse_response(client=client, response=response))


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | WebhookTestQueued]:
    """Send a test event to a webhook endpoint

     Queues a `webhook.test` event (`data`: the endpoint's id) to this endpoint only, due now, signed
    with its secret like every delivery: check that your receiver answers 2xx and verifies the
    signature. The attempt shows in the endpoint's delivery attempts (409 `endpoint_disabled` when the
    endpoint is disabled). Delivery is by the worker (`telemedical worker`; `make run` starts one).

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookTestQueued]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> WebhookTestQueued:
    """Send a test event to a webhook endpoint

     Queues a `webhook.test` event (`data`: the endpoint's id) to this endpoint only, due now, signed
    with its secret like every delivery: check that your receiver answers 2xx and verifies the
    signature. The attempt shows in the endpoint's delivery attempts (409 `endpoint_disabled` when the
    endpoint is disabled). Delivery is by the worker (`telemedical worker`; `make run` starts one).

    Args:
        endpoint_id (str):
        idempotency_key (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        WebhookTestQueued
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            endpoint_id=endpoint_id,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(WebhookTestQueued, _parse_response(client=client, response=response))
