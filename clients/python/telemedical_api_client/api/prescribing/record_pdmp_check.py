from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.pdmp_check import PdmpCheck
from ...models.pdmp_check_create import PdmpCheckCreate
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    patient_id: str,
    *,
    body: PdmpCheckCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/patients/{patient_id}/pdmp-checks".format(
            patient_id=quote(str(patient_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PdmpCheck | Problem:
    if response.status_code == 201:
        response_201 = PdmpCheck.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PdmpCheck | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PdmpCheckCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[PdmpCheck | Problem]:
    """Record a PDMP check

     By a provider (a partner or an admin: 403): the state's prescription drug monitoring programme
    was queried at `checked_at` (not in the future). `note` is required unless the result is
    `no_concerns`; `unavailable` documents a failed attempt, which satisfies a prescription's check
    and marks it `pdmp_unverified`.

    Args:
        patient_id (str):
        idempotency_key (str | Unset):
        body (PdmpCheckCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PdmpCheck | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PdmpCheckCreate,
    idempotency_key: str | Unset = UNSET,
) -> PdmpCheck:
    """Record a PDMP check

     By a provider (a partner or an admin: 403): the state's prescription drug monitoring programme
    was queried at `checked_at` (not in the future). `note` is required unless the result is
    `no_concerns`; `unavailable` documents a failed attempt, which satisfies a prescription's check
    and marks it `pdmp_unverified`.

    Args:
        patient_id (str):
        idempotency_key (str | Unset):
        body (PdmpCheckCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PdmpCheck
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PdmpCheck, _parse_response(client=client, response=response))


async def asyncio_detailed(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PdmpCheckCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[PdmpCheck | Problem]:
    """Record a PDMP check

     By a provider (a partner or an admin: 403): the state's prescription drug monitoring programme
    was queried at `checked_at` (not in the future). `note` is required unless the result is
    `no_concerns`; `unavailable` documents a failed attempt, which satisfies a prescription's check
    and marks it `pdmp_unverified`.

    Args:
        patient_id (str):
        idempotency_key (str | Unset):
        body (PdmpCheckCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PdmpCheck | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PdmpCheckCreate,
    idempotency_key: str | Unset = UNSET,
) -> PdmpCheck:
    """Record a PDMP check

     By a provider (a partner or an admin: 403): the state's prescription drug monitoring programme
    was queried at `checked_at` (not in the future). `note` is required unless the result is
    `no_concerns`; `unavailable` documents a failed attempt, which satisfies a prescription's check
    and marks it `pdmp_unverified`.

    Args:
        patient_id (str):
        idempotency_key (str | Unset):
        body (PdmpCheckCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PdmpCheck
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PdmpCheck, _parse_response(client=client, response=response))
