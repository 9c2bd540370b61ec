from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.provider_page import ProviderPage
from ...models.route import Route
from ...models.us_state import UsState
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    state: UsState | Unset = UNSET,
    language: str | Unset = UNSET,
    route: Route | Unset = UNSET,
    specialty: str | Unset = UNSET,
    accepting_new_patients: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_state: str | Unset = UNSET
    if not isinstance(state, Unset):
        json_state = state.value

    params["state"] = json_state

    params["language"] = language

    json_route: str | Unset = UNSET
    if not isinstance(route, Unset):
        json_route = route.value

    params["route"] = json_route

    params["specialty"] = specialty

    params["accepting_new_patients"] = accepting_new_patients

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/providers",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ProviderPage:
    if response.status_code == 200:
        response_200 = ProviderPage.from_dict(response.json())

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
) -> Response[Problem | ProviderPage]:
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
    state: UsState | Unset = UNSET,
    language: str | Unset = UNSET,
    route: Route | Unset = UNSET,
    specialty: str | Unset = UNSET,
    accepting_new_patients: bool | Unset = UNSET,
) -> Response[Problem | ProviderPage]:
    """List providers

     Newest first. `state` finds providers with an active, unexpired licence there; `language`
    matches the primary language (`es` finds `es-MX`).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        state (UsState | Unset): USPS state or territory code
        language (str | Unset):
        route (Route | Unset): Route of ketamine administration
        specialty (str | Unset):
        accepting_new_patients (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        state=state,
        language=language,
        route=route,
        specialty=specialty,
        accepting_new_patients=accepting_new_patients,
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
    state: UsState | Unset = UNSET,
    language: str | Unset = UNSET,
    route: Route | Unset = UNSET,
    specialty: str | Unset = UNSET,
    accepting_new_patients: bool | Unset = UNSET,
) -> ProviderPage:
    """List providers

     Newest first. `state` finds providers with an active, unexpired licence there; `language`
    matches the primary language (`es` finds `es-MX`).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        state (UsState | Unset): USPS state or territory code
        language (str | Unset):
        route (Route | Unset): Route of ketamine administration
        specialty (str | Unset):
        accepting_new_patients (bool | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProviderPage
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            state=state,
            language=language,
            route=route,
            specialty=specialty,
            accepting_new_patients=accepting_new_patients,
        )
    )
    raise_for_problem(response)
    return cast(ProviderPage, _parse_response(client=client, response=response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    state: UsState | Unset = UNSET,
    language: str | Unset = UNSET,
    route: Route | Unset = UNSET,
    specialty: str | Unset = UNSET,
    accepting_new_patients: bool | Unset = UNSET,
) -> Response[Problem | ProviderPage]:
    """List providers

     Newest first. `state` finds providers with an active, unexpired licence there; `language`
    matches the primary language (`es` finds `es-MX`).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        state (UsState | Unset): USPS state or territory code
        language (str | Unset):
        route (Route | Unset): Route of ketamine administration
        specialty (str | Unset):
        accepting_new_patients (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        state=state,
        language=language,
        route=route,
        specialty=specialty,
        accepting_new_patients=accepting_new_patients,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    state: UsState | Unset = UNSET,
    language: str | Unset = UNSET,
    route: Route | Unset = UNSET,
    specialty: str | Unset = UNSET,
    accepting_new_patients: bool | Unset = UNSET,
) -> ProviderPage:
    """List providers

     Newest first. `state` finds providers with an active, unexpired licence there; `language`
    matches the primary language (`es` finds `es-MX`).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        state (UsState | Unset): USPS state or territory code
        language (str | Unset):
        route (Route | Unset): Route of ketamine administration
        specialty (str | Unset):
        accepting_new_patients (bool | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProviderPage
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            limit=limit,
            cursor=cursor,
            state=state,
            language=language,
            route=route,
            specialty=specialty,
            accepting_new_patients=accepting_new_patients,
        )
    )
    raise_for_problem(response)
    return cast(ProviderPage, _parse_response(client=client, response=response))
