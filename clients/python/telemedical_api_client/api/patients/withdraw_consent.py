from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.consent import Consent
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    patient_id: str,
    consent_id: str,
    *,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/patients/{patient_id}/consents/{consent_id}/withdraw".format(
            patient_id=quote(str(patient_id), safe=""),
            consent_id=quote(str(consent_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Consent | Problem:
    if response.status_code == 200:
        response_200 = Consent.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Consent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    patient_id: str,
    consent_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consent | Problem]:
    """Withdraw a consent

     The patient (or their care partner on their behalf) withdraws a consent: `withdrawn_at` is set on
    it and on any other record of the same type still in force, and it no longer counts. Without
    `telehealth` no new consultation can be requested (422 `consent_required`); withdrawing
    `ketamine_treatment` puts the patient's active follow-up plans `on_hold` at once (their pending
    sessions stay until a provider decides) and no plan is activated until the consent is given again.
    A consent already withdrawn is 409 `consent_withdrawn`. No body.

    Args:
        patient_id (str):
        consent_id (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consent | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        consent_id=consent_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    patient_id: str,
    consent_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Consent:
    """Withdraw a consent

     The patient (or their care partner on their behalf) withdraws a consent: `withdrawn_at` is set on
    it and on any other record of the same type still in force, and it no longer counts. Without
    `telehealth` no new consultation can be requested (422 `consent_required`); withdrawing
    `ketamine_treatment` puts the patient's active follow-up plans `on_hold` at once (their pending
    sessions stay until a provider decides) and no plan is activated until the consent is given again.
    A consent already withdrawn is 409 `consent_withdrawn`. No body.

    Args:
        patient_id (str):
        consent_id (str):
        idempotency_key (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consent
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            consent_id=consent_id,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consent, _parse_response(client=client, response=response))


async def asyncio_detailed(
    patient_id: str,
    consent_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Response[Consent | Problem]:
    """Withdraw a consent

     The patient (or their care partner on their behalf) withdraws a consent: `withdrawn_at` is set on
    it and on any other record of the same type still in force, and it no longer counts. Without
    `telehealth` no new consultation can be requested (422 `consent_required`); withdrawing
    `ketamine_treatment` puts the patient's active follow-up plans `on_hold` at once (their pending
    sessions stay until a provider decides) and no plan is activated until the consent is given again.
    A consent already withdrawn is 409 `consent_withdrawn`. No body.

    Args:
        patient_id (str):
        consent_id (str):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Consent | Problem]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        consent_id=consent_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    patient_id: str,
    consent_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
) -> Consent:
    """Withdraw a consent

     The patient (or their care partner on their behalf) withdraws a consent: `withdrawn_at` is set on
    it and on any other record of the same type still in force, and it no longer counts. Without
    `telehealth` no new consultation can be requested (422 `consent_required`); withdrawing
    `ketamine_treatment` puts the patient's active follow-up plans `on_hold` at once (their pending
    sessions stay until a provider decides) and no plan is activated until the consent is given again.
    A consent already withdrawn is 409 `consent_withdrawn`. No body.

    Args:
        patient_id (str):
        consent_id (str):
        idempotency_key (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Consent
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            patient_id=patient_id,
            consent_id=consent_id,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Consent, _parse_response(client=client, response=response))
