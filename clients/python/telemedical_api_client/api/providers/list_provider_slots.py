import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.slot_list import SlotList
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    provider_id: str,
    *,
    from_: datetime.datetime,
    to: datetime.datetime,
    duration: int | Unset = 60,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to = to.isoformat()
    params["to"] = json_to

    params["duration"] = duration

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/providers/{provider_id}/slots".format(
            provider_id=quote(str(provider_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SlotList:
    if response.status_code == 200:
        response_200 = SlotList.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SlotList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    duration: int | Unset = 60,
) -> Response[Problem | SlotList]:
    """List a provider's free slots

     Slots of `duration` minutes in [`from`, `to`), in UTC, computed from the availability in the
    provider's time zone (correct across daylight-saving changes), from now on, minus booked
    appointments. Slots start at a window's start and every `duration` after it.

    Args:
        provider_id (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        duration (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SlotList]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        from_=from_,
        to=to,
        duration=duration,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    duration: int | Unset = 60,
) -> SlotList:
    """List a provider's free slots

     Slots of `duration` minutes in [`from`, `to`), in UTC, computed from the availability in the
    provider's time zone (correct across daylight-saving changes), from now on, minus booked
    appointments. Slots start at a window's start and every `duration` after it.

    Args:
        provider_id (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        duration (int | Unset):  Default: 60.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SlotList
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            from_=from_,
            to=to,
            duration=duration,
        )
    )
    raise_for_problem(response)
    return cast(SlotList, _parse_response(client=client, response=response))


async def asyncio_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    duration: int | Unset = 60,
) -> Response[Problem | SlotList]:
    """List a provider's free slots

     Slots of `duration` minutes in [`from`, `to`), in UTC, computed from the availability in the
    provider's time zone (correct across daylight-saving changes), from now on, minus booked
    appointments. Slots start at a window's start and every `duration` after it.

    Args:
        provider_id (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        duration (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SlotList]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        from_=from_,
        to=to,
        duration=duration,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    duration: int | Unset = 60,
) -> SlotList:
    """List a provider's free slots

     Slots of `duration` minutes in [`from`, `to`), in UTC, computed from the availability in the
    provider's time zone (correct across daylight-saving changes), from now on, minus booked
    appointments. Slots start at a window's start and every `duration` after it.

    Args:
        provider_id (str):
        from_ (datetime.datetime):
        to (datetime.datetime):
        duration (int | Unset):  Default: 60.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        SlotList
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            provider_id=provider_id,
            from_=from_,
            to=to,
            duration=duration,
        )
    )
    raise_for_problem(response)
    return cast(SlotList, _parse_response(client=client, response=response))
