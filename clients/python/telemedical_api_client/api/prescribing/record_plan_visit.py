from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.plan_visit_create import PlanVisitCreate
from ...models.problem import Problem
from ...models.visit import Visit
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    body: PlanVisitCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/visits".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Visit:
    if response.status_code == 201:
        response_201 = Visit.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Visit]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PlanVisitCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Visit]:
    """Record a follow-up visit

     A visit the plan's provider holds now (a partner or an admin: 403), with the checks of a
    consultation's visit (422 `provider_not_licensed_in_state`, `site_not_in_state`,
    `practitioner_not_registered_in_state`, `identity_not_verified`, every failure at once). A
    prescription follows a visit held within 30 days. An `in_person` visit records an in-person
    evaluation.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PlanVisitCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Visit]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PlanVisitCreate,
    idempotency_key: str | Unset = UNSET,
) -> Visit:
    """Record a follow-up visit

     A visit the plan's provider holds now (a partner or an admin: 403), with the checks of a
    consultation's visit (422 `provider_not_licensed_in_state`, `site_not_in_state`,
    `practitioner_not_registered_in_state`, `identity_not_verified`, every failure at once). A
    prescription follows a visit held within 30 days. An `in_person` visit records an in-person
    evaluation.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PlanVisitCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Visit
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Visit, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PlanVisitCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Visit]:
    """Record a follow-up visit

     A visit the plan's provider holds now (a partner or an admin: 403), with the checks of a
    consultation's visit (422 `provider_not_licensed_in_state`, `site_not_in_state`,
    `practitioner_not_registered_in_state`, `identity_not_verified`, every failure at once). A
    prescription follows a visit held within 30 days. An `in_person` visit records an in-person
    evaluation.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PlanVisitCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Visit]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PlanVisitCreate,
    idempotency_key: str | Unset = UNSET,
) -> Visit:
    """Record a follow-up visit

     A visit the plan's provider holds now (a partner or an admin: 403), with the checks of a
    consultation's visit (422 `provider_not_licensed_in_state`, `site_not_in_state`,
    `practitioner_not_registered_in_state`, `identity_not_verified`, every failure at once). A
    prescription follows a visit held within 30 days. An `in_person` visit records an in-person
    evaluation.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PlanVisitCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Visit
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(Visit, _parse_response(client=client, response=response))
