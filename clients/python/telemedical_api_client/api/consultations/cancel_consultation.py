from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.consultation import Consultation
from ...models.consultation_cancel import ConsultationCancel
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    consultation_id: str,
    *,
    body: ConsultationCancel | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/consultations/{consultation_id}/cancel".format(
            consultation_id=quote(str(consultation_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Consultation | Problem:
    if response.status_code == 200:
        response_200 = Consultation.from_dict(response.json())

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
) -> Response[Consultation | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsultationCancel | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consultation | Problem]:
    """Cancel a consultation

     Allowed in any state before the visit starts (409 `invalid_transition` after). Honours `If-Match`.

    Args:
        consultation_id (str):
        idempotency_key (str | Unset):
        body (ConsultationCancel | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consultation | Problem]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsultationCancel | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Consultation:
    """Cancel a consultation

     Allowed in any state before the visit starts (409 `invalid_transition` after). Honours `If-Match`.

    Args:
        consultation_id (str):
        idempotency_key (str | Unset):
        body (ConsultationCancel | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consultation
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consultation, _parse_response(client=client, response=response))


async def asyncio_detailed(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsultationCancel | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consultation | Problem]:
    """Cancel a consultation

     Allowed in any state before the visit starts (409 `invalid_transition` after). Honours `If-Match`.

    Args:
        consultation_id (str):
        idempotency_key (str | Unset):
        body (ConsultationCancel | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consultation | Problem]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
    body: ConsultationCancel | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Consultation:
    """Cancel a consultation

     Allowed in any state before the visit starts (409 `invalid_transition` after). Honours `If-Match`.

    Args:
        consultation_id (str):
        idempotency_key (str | Unset):
        body (ConsultationCancel | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consultation
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consultation, _parse_response(client=client, response=response))
