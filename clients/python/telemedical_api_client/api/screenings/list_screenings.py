from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.instrument import Instrument
from ...models.problem import Problem
from ...models.screening_page import ScreeningPage
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    consultation_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    instrument: Instrument | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["patient_id"] = patient_id

    params["consultation_id"] = consultation_id

    params["plan_id"] = plan_id

    json_instrument: str | Unset = UNSET
    if not isinstance(instrument, Unset):
        json_instrument = instrument.value

    params["instrument"] = json_instrument

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/screenings",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ScreeningPage:
    if response.status_code == 200:
        response_200 = ScreeningPage.from_dict(response.json())

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
) -> Response[Problem | ScreeningPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    consultation_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    instrument: Instrument | Unset = UNSET,
) -> Response[Problem | ScreeningPage]:
    """List screenings

     Newest first. Filter by `patient_id`, `consultation_id`, `plan_id` and `instrument`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        consultation_id (str | Unset):
        plan_id (str | Unset):
        instrument (Instrument | Unset): Screening instrument

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScreeningPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        patient_id=patient_id,
        consultation_id=consultation_id,
        plan_id=plan_id,
        instrument=instrument,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    consultation_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    instrument: Instrument | Unset = UNSET,
) -> ScreeningPage:
    """List screenings

     Newest first. Filter by `patient_id`, `consultation_id`, `plan_id` and `instrument`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        consultation_id (str | Unset):
        plan_id (str | Unset):
        instrument (Instrument | Unset): Screening instrument

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScreeningPage
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            patient_id=patient_id,
            consultation_id=consultation_id,
            plan_id=plan_id,
            instrument=instrument,
        )
    )
    raise_for_problem(response)
    return cast(ScreeningPage, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    consultation_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    instrument: Instrument | Unset = UNSET,
) -> Response[Problem | ScreeningPage]:
    """List screenings

     Newest first. Filter by `patient_id`, `consultation_id`, `plan_id` and `instrument`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        consultation_id (str | Unset):
        plan_id (str | Unset):
        instrument (Instrument | Unset): Screening instrument

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScreeningPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        patient_id=patient_id,
        consultation_id=consultation_id,
        plan_id=plan_id,
        instrument=instrument,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    patient_id: str | Unset = UNSET,
    consultation_id: str | Unset = UNSET,
    plan_id: str | Unset = UNSET,
    instrument: Instrument | Unset = UNSET,
) -> ScreeningPage:
    """List screenings

     Newest first. Filter by `patient_id`, `consultation_id`, `plan_id` and `instrument`.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        patient_id (str | Unset):
        consultation_id (str | Unset):
        plan_id (str | Unset):
        instrument (Instrument | Unset): Screening instrument

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScreeningPage
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            patient_id=patient_id,
            consultation_id=consultation_id,
            plan_id=plan_id,
            instrument=instrument,
        )
    )
    raise_for_problem(response)
    return cast(ScreeningPage, _parse_response(client=client, response=response))
