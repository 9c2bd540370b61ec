from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.prescription import Prescription
from ...models.problem import Problem
from ...runtime import NotModified, Tagged, raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    prescription_id: str,
    *,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/follow-up-plans/{plan_id}/prescriptions/{prescription_id}".format(
            plan_id=quote(str(plan_id), safe=""),
            prescription_id=quote(str(prescription_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Prescription | Problem:
    if response.status_code == 200:
        response_200 = Prescription.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Prescription | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Prescription | Problem]:
    """Get a prescription

     One prescription of the plan, with the legal basis it was issued under, the visit and PDMP check it
    rests on, and its status (docs/prescribing.md). Another tenant's plan or prescription is 404.

    Args:
        plan_id (str):
        prescription_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Prescription | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        prescription_id=prescription_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Prescription:
    """Get a prescription

     One prescription of the plan, with the legal basis it was issued under, the visit and PDMP check it
    rests on, and its status (docs/prescribing.md). Another tenant's plan or prescription is 404.

    Args:
        plan_id (str):
        prescription_id (str):
        if_none_match (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Prescription
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            prescription_id=prescription_id,
            if_none_match=if_none_match,
        )
    )
    raise_for_problem(response)
    return cast(Prescription, _parse_response(client=client, response=response))


def sync_if_changed(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Tagged[Prescription] | NotModified:
    """`sync` as a conditional GET: `NotModified` when `if_none_match` is current, else the resource with its
    ETag (`Tagged.etag`: keep it for the next `if_none_match`, or send it as `if_match` to update)."""

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            prescription_id=prescription_id,
            if_none_match=if_none_match,
        )
    )
    if response.status_code == 304:
        return NotModified(response.headers.get("etag"))
    raise_for_problem(response)
    return Tagged(cast(Prescription, _parse_response(client=client, response=response)), response.headers.get("etag"))


async def asyncio_detailed(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | Prescription | Problem]:
    """Get a prescription

     One prescription of the plan, with the legal basis it was issued under, the visit and PDMP check it
    rests on, and its status (docs/prescribing.md). Another tenant's plan or prescription is 404.

    Args:
        plan_id (str):
        prescription_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Prescription | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        prescription_id=prescription_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Prescription:
    """Get a prescription

     One prescription of the plan, with the legal basis it was issued under, the visit and PDMP check it
    rests on, and its status (docs/prescribing.md). Another tenant's plan or prescription is 404.

    Args:
        plan_id (str):
        prescription_id (str):
        if_none_match (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Prescription
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            prescription_id=prescription_id,
            if_none_match=if_none_match,
        )
    )
    raise_for_problem(response)
    return cast(Prescription, _parse_response(client=client, response=response))


async def asyncio_if_changed(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Tagged[Prescription] | NotModified:
    """`asyncio` as a conditional GET: `NotModified` when `if_none_match` is current, else the resource with its
    ETag."""

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            prescription_id=prescription_id,
            if_none_match=if_none_match,
        )
    )
    if response.status_code == 304:
        return NotModified(response.headers.get("etag"))
    raise_for_problem(response)
    return Tagged(cast(Prescription, _parse_response(client=client, response=response)), response.headers.get("etag"))
