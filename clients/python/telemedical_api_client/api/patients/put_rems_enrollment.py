from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.patient import Patient
from ...models.problem import Problem
from ...models.rems_enrollment import RemsEnrollment
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    patient_id: str,
    *,
    body: RemsEnrollment,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/patients/{patient_id}/rems-enrollment".format(
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
    body: RemsEnrollment,
) -> Response[Patient | Problem]:
    """Record a patient's Spravato REMS enrolment

     By the partner, a provider or an admin; replaces any enrolment recorded before. Shown as the
    patient's `rems_enrollment`. An intranasal esketamine plan is activated only with one on record
    (422 `rems_enrollment_required`).

    Args:
        patient_id (str):
        body (RemsEnrollment):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Patient | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: RemsEnrollment,
) -> Patient:
    """Record a patient's Spravato REMS enrolment

     By the partner, a provider or an admin; replaces any enrolment recorded before. Shown as the
    patient's `rems_enrollment`. An intranasal esketamine plan is activated only with one on record
    (422 `rems_enrollment_required`).

    Args:
        patient_id (str):
        body (RemsEnrollment):

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
        )
    )
    raise_for_problem(response)
    return cast(Patient, _parse_response(client=client, response=response))


async def asyncio_detailed(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: RemsEnrollment,
) -> Response[Patient | Problem]:
    """Record a patient's Spravato REMS enrolment

     By the partner, a provider or an admin; replaces any enrolment recorded before. Shown as the
    patient's `rems_enrollment`. An intranasal esketamine plan is activated only with one on record
    (422 `rems_enrollment_required`).

    Args:
        patient_id (str):
        body (RemsEnrollment):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Patient | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    patient_id: str,
    *,
    client: AuthenticatedClient,
    body: RemsEnrollment,
) -> Patient:
    """Record a patient's Spravato REMS enrolment

     By the partner, a provider or an admin; replaces any enrolment recorded before. Shown as the
    patient's `rems_enrollment`. An intranasal esketamine plan is activated only with one on record
    (422 `rems_enrollment_required`).

    Args:
        patient_id (str):
        body (RemsEnrollment):

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
        )
    )
    raise_for_problem(response)
    return cast(Patient, _parse_response(client=client, response=response))
