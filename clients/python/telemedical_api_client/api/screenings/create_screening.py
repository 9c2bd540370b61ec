from http import HTTPStatus
from typing import Any, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...models.cssrs_screening import CssrsScreening
from ...models.cssrs_screening_create import CssrsScreeningCreate
from ...models.gad_7_screening import Gad7Screening
from ...models.gad_7_screening_create import Gad7ScreeningCreate
from ...models.ketamine_intake_screening import KetamineIntakeScreening
from ...models.ketamine_intake_screening_create import KetamineIntakeScreeningCreate
from ...models.pcl_5_screening import Pcl5Screening
from ...models.pcl_5_screening_create import Pcl5ScreeningCreate
from ...models.phq_9_screening import Phq9Screening
from ...models.phq_9_screening_create import Phq9ScreeningCreate
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CssrsScreeningCreate
    | Gad7ScreeningCreate
    | KetamineIntakeScreeningCreate
    | Pcl5ScreeningCreate
    | Phq9ScreeningCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/screenings",
    }

    if isinstance(body, Phq9ScreeningCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, Gad7ScreeningCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, Pcl5ScreeningCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, CssrsScreeningCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem:
    if response.status_code == 201:

        def _parse_response_201(
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

        response_201 = _parse_response_201(response.json())

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
) -> Response[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CssrsScreeningCreate
    | Gad7ScreeningCreate
    | KetamineIntakeScreeningCreate
    | Pcl5ScreeningCreate
    | Phq9ScreeningCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    """Submit a screening

     The server validates the answers (422 with a pointer to each bad one) and scores them; a score
    sent by the client is refused. Linked to a consultation, it re-decides that consultation's
    eligibility. A C-SSRS `high` risk escalates the consultation at once and the response carries
    crisis resources. Screenings are immutable.

    Args:
        idempotency_key (str | Unset):
        body (CssrsScreeningCreate | Gad7ScreeningCreate | KetamineIntakeScreeningCreate |
            Pcl5ScreeningCreate | Phq9ScreeningCreate): A completed questionnaire; `instrument` says
            which, and so the shape of `answers`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]
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
    body: CssrsScreeningCreate
    | Gad7ScreeningCreate
    | KetamineIntakeScreeningCreate
    | Pcl5ScreeningCreate
    | Phq9ScreeningCreate,
    idempotency_key: str | Unset = UNSET,
) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
    """Submit a screening

     The server validates the answers (422 with a pointer to each bad one) and scores them; a score
    sent by the client is refused. Linked to a consultation, it re-decides that consultation's
    eligibility. A C-SSRS `high` risk escalates the consultation at once and the response carries
    crisis resources. Screenings are immutable.

    Args:
        idempotency_key (str | Unset):
        body (CssrsScreeningCreate | Gad7ScreeningCreate | KetamineIntakeScreeningCreate |
            Pcl5ScreeningCreate | Phq9ScreeningCreate): A completed questionnaire; `instrument` says
            which, and so the shape of `answers`.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
        _parse_response(client=client, response=response),
    )


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CssrsScreeningCreate
    | Gad7ScreeningCreate
    | KetamineIntakeScreeningCreate
    | Pcl5ScreeningCreate
    | Phq9ScreeningCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]:
    """Submit a screening

     The server validates the answers (422 with a pointer to each bad one) and scores them; a score
    sent by the client is refused. Linked to a consultation, it re-decides that consultation's
    eligibility. A C-SSRS `high` risk escalates the consultation at once and the response carries
    crisis resources. Screenings are immutable.

    Args:
        idempotency_key (str | Unset):
        body (CssrsScreeningCreate | Gad7ScreeningCreate | KetamineIntakeScreeningCreate |
            Pcl5ScreeningCreate | Phq9ScreeningCreate): A completed questionnaire; `instrument` says
            which, and so the shape of `answers`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening | Problem]
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
    body: CssrsScreeningCreate
    | Gad7ScreeningCreate
    | KetamineIntakeScreeningCreate
    | Pcl5ScreeningCreate
    | Phq9ScreeningCreate,
    idempotency_key: str | Unset = UNSET,
) -> CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening:
    """Submit a screening

     The server validates the answers (422 with a pointer to each bad one) and scores them; a score
    sent by the client is refused. Linked to a consultation, it re-decides that consultation's
    eligibility. A C-SSRS `high` risk escalates the consultation at once and the response carries
    crisis resources. Screenings are immutable.

    Args:
        idempotency_key (str | Unset):
        body (CssrsScreeningCreate | Gad7ScreeningCreate | KetamineIntakeScreeningCreate |
            Pcl5ScreeningCreate | Phq9ScreeningCreate): A completed questionnaire; `instrument` says
            which, and so the shape of `answers`.

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(
        CssrsScreening | Gad7Screening | KetamineIntakeScreening | Pcl5Screening | Phq9Screening,
        _parse_response(client=client, response=response),
    )
