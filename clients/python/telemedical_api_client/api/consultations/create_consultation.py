from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.consultation import Consultation
from ...models.consultation_create import ConsultationCreate
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ConsultationCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/consultations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Consultation | Problem:
    if response.status_code == 201:
        response_201 = Consultation.from_dict(response.json())

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
) -> Response[Consultation | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ConsultationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consultation | Problem]:
    """Request a consultation

     The patient must be 18 or older (422 `patient_underage`) and have accepted the `telehealth`
    consent (422 `consent_required`). The consultation starts `submitted`; it moves on as the
    screenings arrive (see `GET /v1/consultations/{id}/eligibility`).

    Args:
        idempotency_key (str | Unset):
        body (ConsultationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consultation | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ConsultationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Consultation:
    """Request a consultation

     The patient must be 18 or older (422 `patient_underage`) and have accepted the `telehealth`
    consent (422 `consent_required`). The consultation starts `submitted`; it moves on as the
    screenings arrive (see `GET /v1/consultations/{id}/eligibility`).

    Args:
        idempotency_key (str | Unset):
        body (ConsultationCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consultation
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consultation, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ConsultationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consultation | Problem]:
    """Request a consultation

     The patient must be 18 or older (422 `patient_underage`) and have accepted the `telehealth`
    consent (422 `consent_required`). The consultation starts `submitted`; it moves on as the
    screenings arrive (see `GET /v1/consultations/{id}/eligibility`).

    Args:
        idempotency_key (str | Unset):
        body (ConsultationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consultation | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ConsultationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Consultation:
    """Request a consultation

     The patient must be 18 or older (422 `patient_underage`) and have accepted the `telehealth`
    consent (422 `consent_required`). The consultation starts `submitted`; it moves on as the
    screenings arrive (see `GET /v1/consultations/{id}/eligibility`).

    Args:
        idempotency_key (str | Unset):
        body (ConsultationCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consultation
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consultation, _parse_response(client=client, response=response))
