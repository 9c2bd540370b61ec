import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.cohort_instrument import CohortInstrument
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_started_from: str | Unset = UNSET
    if not isinstance(started_from, Unset):
        json_started_from = started_from.isoformat()
    params["started_from"] = json_started_from

    json_started_to: str | Unset = UNSET
    if not isinstance(started_to, Unset):
        json_started_to = started_to.isoformat()
    params["started_to"] = json_started_to

    json_instrument = instrument.value
    params["instrument"] = json_instrument

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/outcomes/export",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem:
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
) -> Response[Problem]:
    """Export de-identified outcomes

     One line per plan that started in the window (`application/x-ndjson`), de-identified under HIPAA
    Safe Harbor: age bands (90+), weeks since the start instead of dates, the start year only, no
    names, ids, ZIP or free text; `row_id` is random in each export. A row whose cell (protocol, route,
    age band, sex, state) holds fewer than 11 plans has its `state`, then its `age_band`, generalised,
    and is left out if its cell is still under 11. Streamed; the audit row records how many rows it
    holds.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        started_from=started_from,
        started_to=started_to,
        instrument=instrument,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
) -> None:
    """Export de-identified outcomes

     One line per plan that started in the window (`application/x-ndjson`), de-identified under HIPAA
    Safe Harbor: age bands (90+), weeks since the start instead of dates, the start year only, no
    names, ids, ZIP or free text; `row_id` is random in each export. A row whose cell (protocol, route,
    age band, sex, state) holds fewer than 11 plans has its `state`, then its `age_band`, generalised,
    and is left out if its cell is still under 11. Streamed; the audit row records how many rows it
    holds.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            started_from=started_from,
            started_to=started_to,
            instrument=instrument,
        )
    )
    raise_for_problem(response)
    return cast(None, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
) -> Response[Problem]:
    """Export de-identified outcomes

     One line per plan that started in the window (`application/x-ndjson`), de-identified under HIPAA
    Safe Harbor: age bands (90+), weeks since the start instead of dates, the start year only, no
    names, ids, ZIP or free text; `row_id` is random in each export. A row whose cell (protocol, route,
    age band, sex, state) holds fewer than 11 plans has its `state`, then its `age_band`, generalised,
    and is left out if its cell is still under 11. Streamed; the audit row records how many rows it
    holds.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        started_from=started_from,
        started_to=started_to,
        instrument=instrument,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
) -> None:
    """Export de-identified outcomes

     One line per plan that started in the window (`application/x-ndjson`), de-identified under HIPAA
    Safe Harbor: age bands (90+), weeks since the start instead of dates, the start year only, no
    names, ids, ZIP or free text; `row_id` is random in each export. A row whose cell (protocol, route,
    age band, sex, state) holds fewer than 11 plans has its `state`, then its `age_band`, generalised,
    and is left out if its cell is still under 11. Streamed; the audit row records how many rows it
    holds.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            started_from=started_from,
            started_to=started_to,
            instrument=instrument,
        )
    )
    raise_for_problem(response)
    return cast(None, _parse_response(client=client, response=response))
