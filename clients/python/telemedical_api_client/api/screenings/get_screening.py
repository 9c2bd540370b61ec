from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.cssrs_screening import CssrsScreening
from ...models.gad_7_screening import Gad7Screening
from ...models.ketamine_intake_screening import KetamineIntakeScreening
from ...models.pcl_5_screening import Pcl5Screening
from ...models.phq_9_screening import Phq9Screening
from ...models.problem import Problem
from ...runtime import NotModified, Tagged, raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    screening_id: str,
    *,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/screenings/{screening_id}".format(
            screening_id=quote(str(screening_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem:
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_screening_type_0 = Phq9Screening.from_dict(data)

                return componentsschemas_screening_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_screening_type_1 = Gad7Screening.from_dict(data)

                return componentsschemas_screening_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_screening_type_2 = Pcl5Screening.from_dict(data)

                return componentsschemas_screening_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_screening_type_3 = CssrsScreening.from_dict(data)

                return componentsschemas_screening_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_screening_type_4 = KetamineIntakeScreening.from_dict(data)

            return componentsschemas_screening_type_4

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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
) -> Response[Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    """Get a screening

     Returns a strong `ETag` (a screening never changes).

    Args:
        screening_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]
    """

    kwargs = _get_kwargs(
        screening_id=screening_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
    """Get a screening

     Returns a strong `ETag` (a screening never changes).

    Args:
        screening_id (str):
        if_none_match (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            screening_id=screening_id,
            if_none_match=if_none_match,
        )
    )
    raise_for_problem(response)
    return cast(
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
        _parse_response(client=client, response=response),
    )


def sync_if_changed(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Tagged[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening] | NotModified:
    """`sync` as a conditional GET: `NotModified` when `if_none_match` is current, else the resource with its
    ETag (`Tagged.etag`: keep it for the next `if_none_match`, or send it as `if_match` to update)."""

    response = client.get_httpx_client().request(
        **_get_kwargs(
            screening_id=screening_id,
            if_none_match=if_none_match,
        )
    )
    if response.status_code == 304:
        return NotModified(response.headers.get("etag"))
    raise_for_problem(response)
    return Tagged(
        cast(
            CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
            _parse_response(client=client, response=response),
        ),
        response.headers.get("etag"),
    )


async def asyncio_detailed(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    """Get a screening

     Returns a strong `ETag` (a screening never changes).

    Args:
        screening_id (str):
        if_none_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]
    """

    kwargs = _get_kwargs(
        screening_id=screening_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
    """Get a screening

     Returns a strong `ETag` (a screening never changes).

    Args:
        screening_id (str):
        if_none_match (str | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            screening_id=screening_id,
            if_none_match=if_none_match,
        )
    )
    raise_for_problem(response)
    return cast(
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
        _parse_response(client=client, response=response),
    )


async def asyncio_if_changed(
    screening_id: str,
    *,
    client: AuthenticatedClient,
    if_none_match: str | Unset = UNSET,
) -> Tagged[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening] | NotModified:
    """`asyncio` as a conditional GET: `NotModified` when `if_none_match` is current, else the resource with its
    ETag."""

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            screening_id=screening_id,
            if_none_match=if_none_match,
        )
    )
    if response.status_code == 304:
        return NotModified(response.headers.get("etag"))
    raise_for_problem(response)
    return Tagged(
        cast(
            CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
            _parse_response(client=client, response=response),
        ),
        response.headers.get("etag"),
    )
