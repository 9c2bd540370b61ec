from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.prescription import Prescription
from ...models.prescription_cancel import PrescriptionCancel
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    prescription_id: str,
    *,
    body: PrescriptionCancel,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/prescriptions/{prescription_id}/cancel".format(
            plan_id=quote(str(plan_id), safe=""),
            prescription_id=quote(str(prescription_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Prescription | Problem:
    if response.status_code == 200:
        response_200 = Prescription.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Prescription | Problem]:
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
    body: PrescriptionCancel,
    idempotency_key: str | Unset = UNSET,
) -> Response[Prescription | Problem]:
    """Cancel a prescription

     The plan's provider cancels an active prescription with a `reason` (anyone else 403; a cancelled
    or expired one: 409 `invalid_transition`); emits `prescription.cancelled`, for the pharmacy to be
    told. Honours `If-Match`.

    Args:
        plan_id (str):
        prescription_id (str):
        idempotency_key (str | Unset):
        body (PrescriptionCancel):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Prescription | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        prescription_id=prescription_id,
        body=body,
        idempotency_key=idempotency_key,
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
    body: PrescriptionCancel,
    idempotency_key: str | Unset = UNSET,
) -> Prescription:
    """Cancel a prescription

     The plan's provider cancels an active prescription with a `reason` (anyone else 403; a cancelled
    or expired one: 409 `invalid_transition`); emits `prescription.cancelled`, for the pharmacy to be
    told. Honours `If-Match`.

    Args:
        plan_id (str):
        prescription_id (str):
        idempotency_key (str | Unset):
        body (PrescriptionCancel):

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
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Prescription, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    body: PrescriptionCancel,
    idempotency_key: str | Unset = UNSET,
) -> Response[Prescription | Problem]:
    """Cancel a prescription

     The plan's provider cancels an active prescription with a `reason` (anyone else 403; a cancelled
    or expired one: 409 `invalid_transition`); emits `prescription.cancelled`, for the pharmacy to be
    told. Honours `If-Match`.

    Args:
        plan_id (str):
        prescription_id (str):
        idempotency_key (str | Unset):
        body (PrescriptionCancel):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Prescription | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        prescription_id=prescription_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    prescription_id: str,
    *,
    client: AuthenticatedClient,
    body: PrescriptionCancel,
    idempotency_key: str | Unset = UNSET,
) -> Prescription:
    """Cancel a prescription

     The plan's provider cancels an active prescription with a `reason` (anyone else 403; a cancelled
    or expired one: 409 `invalid_transition`); emits `prescription.cancelled`, for the pharmacy to be
    told. Honours `If-Match`.

    Args:
        plan_id (str):
        prescription_id (str):
        idempotency_key (str | Unset):
        body (PrescriptionCancel):

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
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Prescription, _parse_response(client=client, response=response))
