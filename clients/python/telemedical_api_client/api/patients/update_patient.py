from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.patient import Patient
from ...models.patient_update import PatientUpdate
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    patient_id: str,
    *,
    body: PatientUpdate,
    if_match: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/patients/{patient_id}".format(
            patient_id=quote(str(patient_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Patient | Problem:
    if response.status_code == 200:
        response_200 = Patient.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Patient | Problem]:
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
    body: PatientUpdate,
    if_match: str,
) -> Response[Patient | Problem]:
    """Update a patient

     Requires `If-Match` with the patient's current `ETag` (428 without, 412 when it changed).
    A patient may change only their contact details.

    Args:
        patient_id (str):
        if_match (str):
        body (PatientUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Patient | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PatientUpdate,
    if_match: str,
) -> Patient:
    """Update a patient

     Requires `If-Match` with the patient's current `ETag` (428 without, 412 when it changed).
    A patient may change only their contact details.

    Args:
        patient_id (str):
        if_match (str):
        body (PatientUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Patient
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(Patient, _parse_response(client=client, response=response))


async def asyncio_detailed(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PatientUpdate,
    if_match: str,
) -> Response[Patient | Problem]:
    """Update a patient

     Requires `If-Match` with the patient's current `ETag` (428 without, 412 when it changed).
    A patient may change only their contact details.

    Args:
        patient_id (str):
        if_match (str):
        body (PatientUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Patient | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: PatientUpdate,
    if_match: str,
) -> Patient:
    """Update a patient

     Requires `If-Match` with the patient's current `ETag` (428 without, 412 when it changed).
    A patient may change only their contact details.

    Args:
        patient_id (str):
        if_match (str):
        body (PatientUpdate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Patient
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            body=body,
            if_match=if_match,
        )
    )
    raise_for_problem(response)
    return cast(Patient, _parse_response(client=client, response=response))
