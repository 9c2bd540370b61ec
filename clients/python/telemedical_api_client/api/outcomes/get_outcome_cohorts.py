import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.cohort_group_key import CohortGroupKey
from ...models.cohort_instrument import CohortInstrument
from ...models.cohort_table import CohortTable
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
    group_by: list[CohortGroupKey] | Unset = UNSET,
    partner_id: str | Unset = UNSET,
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

    json_group_by: list[str] | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = []
        for group_by_item_data in group_by:
            group_by_item = group_by_item_data.value
            json_group_by.append(group_by_item)

    params["group_by"] = json_group_by

    params["partner_id"] = partner_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/outcomes/cohorts",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CohortTable | Problem:
    if response.status_code == 200:
        response_200 = CohortTable.from_dict(response.json())

        return response_200

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
) -> Response[CohortTable | Problem]:
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
    group_by: list[CohortGroupKey] | Unset = UNSET,
    partner_id: str | Unset = UNSET,
) -> Response[CohortTable | Problem]:
    """Count outcomes by cohort

     PHQ-9 response and remission of the plans that started in the window (`started_from`, `started_to`,
    inclusive) with a baseline, by any of `protocol`, `route` and `baseline_severity`, and in total. A
    partner sees its own plans; a platform admin every partner's, or one partner's (`partner_id`; 404
    for a partner that does not exist, and for a partner naming another). Counts from 1 to 10 are
    null, and so is anything that would let one be derived: the group is `suppressed`, its rates and
    median are null, and the next smallest group is suppressed too. Every call is audited.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts
        group_by (list[CohortGroupKey] | Unset):
        partner_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CohortTable | Problem]
    """

    kwargs = _get_kwargs(
        started_from=started_from,
        started_to=started_to,
        instrument=instrument,
        group_by=group_by,
        partner_id=partner_id,
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
    group_by: list[CohortGroupKey] | Unset = UNSET,
    partner_id: str | Unset = UNSET,
) -> CohortTable:
    """Count outcomes by cohort

     PHQ-9 response and remission of the plans that started in the window (`started_from`, `started_to`,
    inclusive) with a baseline, by any of `protocol`, `route` and `baseline_severity`, and in total. A
    partner sees its own plans; a platform admin every partner's, or one partner's (`partner_id`; 404
    for a partner that does not exist, and for a partner naming another). Counts from 1 to 10 are
    null, and so is anything that would let one be derived: the group is `suppressed`, its rates and
    median are null, and the next smallest group is suppressed too. Every call is audited.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts
        group_by (list[CohortGroupKey] | Unset):
        partner_id (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CohortTable
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            started_from=started_from,
            started_to=started_to,
            instrument=instrument,
            group_by=group_by,
            partner_id=partner_id,
        )
    )
    raise_for_problem(response)
    return cast(CohortTable, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
    group_by: list[CohortGroupKey] | Unset = UNSET,
    partner_id: str | Unset = UNSET,
) -> Response[CohortTable | Problem]:
    """Count outcomes by cohort

     PHQ-9 response and remission of the plans that started in the window (`started_from`, `started_to`,
    inclusive) with a baseline, by any of `protocol`, `route` and `baseline_severity`, and in total. A
    partner sees its own plans; a platform admin every partner's, or one partner's (`partner_id`; 404
    for a partner that does not exist, and for a partner naming another). Counts from 1 to 10 are
    null, and so is anything that would let one be derived: the group is `suppressed`, its rates and
    median are null, and the next smallest group is suppressed too. Every call is audited.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts
        group_by (list[CohortGroupKey] | Unset):
        partner_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CohortTable | Problem]
    """

    kwargs = _get_kwargs(
        started_from=started_from,
        started_to=started_to,
        instrument=instrument,
        group_by=group_by,
        partner_id=partner_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    started_from: datetime.date | Unset = UNSET,
    started_to: datetime.date | Unset = UNSET,
    instrument: CohortInstrument,
    group_by: list[CohortGroupKey] | Unset = UNSET,
    partner_id: str | Unset = UNSET,
) -> CohortTable:
    """Count outcomes by cohort

     PHQ-9 response and remission of the plans that started in the window (`started_from`, `started_to`,
    inclusive) with a baseline, by any of `protocol`, `route` and `baseline_severity`, and in total. A
    partner sees its own plans; a platform admin every partner's, or one partner's (`partner_id`; 404
    for a partner that does not exist, and for a partner naming another). Counts from 1 to 10 are
    null, and so is anything that would let one be derived: the group is `suppressed`, its rates and
    median are null, and the next smallest group is suppressed too. Every call is audited.

    Args:
        started_from (datetime.date | Unset):
        started_to (datetime.date | Unset):
        instrument (CohortInstrument): Instrument whose outcomes a cohort counts
        group_by (list[CohortGroupKey] | Unset):
        partner_id (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CohortTable
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            started_from=started_from,
            started_to=started_to,
            instrument=instrument,
            group_by=group_by,
            partner_id=partner_id,
        )
    )
    raise_for_problem(response)
    return cast(CohortTable, _parse_response(client=client, response=response))
