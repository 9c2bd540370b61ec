from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.plan_task import PlanTask
from ...models.problem import Problem
from ...models.session_record_create import SessionRecordCreate
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    task_id: str,
    *,
    body: SessionRecordCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/sessions/{task_id}/record".format(
            plan_id=quote(str(plan_id), safe=""),
            task_id=quote(str(task_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanTask | Problem:
    if response.status_code == 200:
        response_200 = PlanTask.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlanTask | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: SessionRecordCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[PlanTask | Problem]:
    """Record a treatment session

     By the assigned provider (or an admin), while the plan is `active`; an at-home session (route `oral`
    or `sublingual`) also by the plan's own patient, with `sitter_present: true` (`sitter_required`).
    Refused with 422 (every failure listed in `errors`) when the pre-dose blood pressure is 180/110 or
    more (`blood_pressure_hard_stop`, no override) or above 140/90 (`blood_pressure_above_threshold`,
    unless a provider gives `override_reason`); when an intravenous or intramuscular dose is above
    1.0 mg/kg of `weight_kg` (`dose_above_limit`, unless a provider gives `dose_override_reason`) or
    2.0 mg/kg (`dose_above_maximum`); when observation is too short (`observation_too_short`: intranasal
    120, intravenous `infusion_minutes` + 30, intramuscular 60); when the site, monitoring provider or
    on-site prescriber do not qualify (`site_not_eligible`, `monitoring_provider_not_eligible`,
    `onsite_prescriber_required`); when a required reading is missing (`monitoring_reading_missing`),
    the
    patient is not ready to leave (`not_stable_for_discharge`) or `ready_to_leave_minute` precedes an
    unstable reading (`ready_before_stable`); or when no escort is confirmed (`escort_not_confirmed`).
    An `emergency_transfer` is always recorded. A severe or serious adverse event (reported, or drawn
    from the readings) puts the plan `on_hold`.

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (SessionRecordCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTask | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: SessionRecordCreate,
    idempotency_key: str | Unset = UNSET,
) -> PlanTask:
    """Record a treatment session

     By the assigned provider (or an admin), while the plan is `active`; an at-home session (route `oral`
    or `sublingual`) also by the plan's own patient, with `sitter_present: true` (`sitter_required`).
    Refused with 422 (every failure listed in `errors`) when the pre-dose blood pressure is 180/110 or
    more (`blood_pressure_hard_stop`, no override) or above 140/90 (`blood_pressure_above_threshold`,
    unless a provider gives `override_reason`); when an intravenous or intramuscular dose is above
    1.0 mg/kg of `weight_kg` (`dose_above_limit`, unless a provider gives `dose_override_reason`) or
    2.0 mg/kg (`dose_above_maximum`); when observation is too short (`observation_too_short`: intranasal
    120, intravenous `infusion_minutes` + 30, intramuscular 60); when the site, monitoring provider or
    on-site prescriber do not qualify (`site_not_eligible`, `monitoring_provider_not_eligible`,
    `onsite_prescriber_required`); when a required reading is missing (`monitoring_reading_missing`),
    the
    patient is not ready to leave (`not_stable_for_discharge`) or `ready_to_leave_minute` precedes an
    unstable reading (`ready_before_stable`); or when no escort is confirmed (`escort_not_confirmed`).
    An `emergency_transfer` is always recorded. A severe or serious adverse event (reported, or drawn
    from the readings) puts the plan `on_hold`.

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (SessionRecordCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTask
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PlanTask, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: SessionRecordCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[PlanTask | Problem]:
    """Record a treatment session

     By the assigned provider (or an admin), while the plan is `active`; an at-home session (route `oral`
    or `sublingual`) also by the plan's own patient, with `sitter_present: true` (`sitter_required`).
    Refused with 422 (every failure listed in `errors`) when the pre-dose blood pressure is 180/110 or
    more (`blood_pressure_hard_stop`, no override) or above 140/90 (`blood_pressure_above_threshold`,
    unless a provider gives `override_reason`); when an intravenous or intramuscular dose is above
    1.0 mg/kg of `weight_kg` (`dose_above_limit`, unless a provider gives `dose_override_reason`) or
    2.0 mg/kg (`dose_above_maximum`); when observation is too short (`observation_too_short`: intranasal
    120, intravenous `infusion_minutes` + 30, intramuscular 60); when the site, monitoring provider or
    on-site prescriber do not qualify (`site_not_eligible`, `monitoring_provider_not_eligible`,
    `onsite_prescriber_required`); when a required reading is missing (`monitoring_reading_missing`),
    the
    patient is not ready to leave (`not_stable_for_discharge`) or `ready_to_leave_minute` precedes an
    unstable reading (`ready_before_stable`); or when no escort is confirmed (`escort_not_confirmed`).
    An `emergency_transfer` is always recorded. A severe or serious adverse event (reported, or drawn
    from the readings) puts the plan `on_hold`.

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (SessionRecordCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanTask | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    task_id: str,
    *,
    client: AuthenticatedClient,
    body: SessionRecordCreate,
    idempotency_key: str | Unset = UNSET,
) -> PlanTask:
    """Record a treatment session

     By the assigned provider (or an admin), while the plan is `active`; an at-home session (route `oral`
    or `sublingual`) also by the plan's own patient, with `sitter_present: true` (`sitter_required`).
    Refused with 422 (every failure listed in `errors`) when the pre-dose blood pressure is 180/110 or
    more (`blood_pressure_hard_stop`, no override) or above 140/90 (`blood_pressure_above_threshold`,
    unless a provider gives `override_reason`); when an intravenous or intramuscular dose is above
    1.0 mg/kg of `weight_kg` (`dose_above_limit`, unless a provider gives `dose_override_reason`) or
    2.0 mg/kg (`dose_above_maximum`); when observation is too short (`observation_too_short`: intranasal
    120, intravenous `infusion_minutes` + 30, intramuscular 60); when the site, monitoring provider or
    on-site prescriber do not qualify (`site_not_eligible`, `monitoring_provider_not_eligible`,
    `onsite_prescriber_required`); when a required reading is missing (`monitoring_reading_missing`),
    the
    patient is not ready to leave (`not_stable_for_discharge`) or `ready_to_leave_minute` precedes an
    unstable reading (`ready_before_stable`); or when no escort is confirmed (`escort_not_confirmed`).
    An `emergency_transfer` is always recorded. A severe or serious adverse event (reported, or drawn
    from the readings) puts the plan `on_hold`.

    Args:
        plan_id (str):
        task_id (str):
        idempotency_key (str | Unset):
        body (SessionRecordCreate):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanTask
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            task_id=task_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(PlanTask, _parse_response(client=client, response=response))
