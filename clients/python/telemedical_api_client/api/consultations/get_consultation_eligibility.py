from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.eligibility import Eligibility
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import Response


def _get_kwargs(
    consultation_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/consultations/{consultation_id}/eligibility".format(
            consultation_id=quote(str(consultation_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Eligibility | Problem:
    if response.status_code == 200:
        response_200 = Eligibility.from_dict(response.json())

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
) -> Response[Eligibility | Problem]:
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
) -> Response[Eligibility | Problem]:
    """Get a consultation's eligibility

     The latest decision with every reason behind it (the code, the screening and the answer),
    the screenings still missing, and crisis resources when the case was escalated. `pending`
    until every required screening is in (a C-SSRS `high` escalates at once).

    Args:
        consultation_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Eligibility | Problem]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
) -> Eligibility:
    """Get a consultation's eligibility

     The latest decision with every reason behind it (the code, the screening and the answer),
    the screenings still missing, and crisis resources when the case was escalated. `pending`
    until every required screening is in (a C-SSRS `high` escalates at once).

    Args:
        consultation_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Eligibility
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
        )
    )
    raise_for_problem(response)
    return cast(Eligibility, _parse_response(client=client, response=response))


async def asyncio_detailed(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Eligibility | Problem]:
    """Get a consultation's eligibility

     The latest decision with every reason behind it (the code, the screening and the answer),
    the screenings still missing, and crisis resources when the case was escalated. `pending`
    until every required screening is in (a C-SSRS `high` escalates at once).

    Args:
        consultation_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Eligibility | Problem]
    """

    kwargs = _get_kwargs(
        consultation_id=consultation_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    consultation_id: str,
    *,
    client: AuthenticatedClient,
) -> Eligibility:
    """Get a consultation's eligibility

     The latest decision with every reason behind it (the code, the screening and the answer),
    the screenings still missing, and crisis resources when the case was escalated. `pending`
    until every required screening is in (a C-SSRS `high` escalates at once).

    Args:
        consultation_id (str):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Eligibility
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            consultation_id=consultation_id,
        )
    )
    raise_for_problem(response)
    return cast(Eligibility, _parse_response(client=client, response=response))
