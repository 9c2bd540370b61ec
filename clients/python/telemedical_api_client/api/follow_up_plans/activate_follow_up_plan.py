from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.follow_up_plan import FollowUpPlan
from ...models.follow_up_plan_action import FollowUpPlanAction
from ...models.problem import Problem
from ...runtime import raise_for_problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    body: FollowUpPlanAction | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/follow-up-plans/{plan_id}/activate".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FollowUpPlan | Problem:
    if response.status_code == 200:
        response_200 = FollowUpPlan.from_dict(response.json())

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

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[FollowUpPlan | Problem]:
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
    body: FollowUpPlanAction | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[FollowUpPlan | Problem]:
    """Activate or resume a plan

     From `draft`, or from `on_hold` to resume treatment. The patient must have accepted the
    `telehealth` and `ketamine_treatment` consents (422 `consent_required`); an intranasal plan needs
    the patient's REMS enrolment (422 `rems_enrollment_required`). A plan held for a severe adverse
    event
    resumes only by a provider with a `reason`; one held for a crisis escalated at a check-in only by a
    psychiatrist (403 `psychiatrist_required`), once the escalation is acknowledged (422
    `escalation_not_acknowledged`), with a `reason` and `safety_plan_documented: true` (422
    `safety_plan_required`). The first activation adds a baseline check-in when the patient has no PHQ-9
    in the 30 days up to `start_date`. Honours `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (FollowUpPlanAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlan | Problem]
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
    body: FollowUpPlanAction | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> FollowUpPlan:
    """Activate or resume a plan

     From `draft`, or from `on_hold` to resume treatment. The patient must have accepted the
    `telehealth` and `ketamine_treatment` consents (422 `consent_required`); an intranasal plan needs
    the patient's REMS enrolment (422 `rems_enrollment_required`). A plan held for a severe adverse
    event
    resumes only by a provider with a `reason`; one held for a crisis escalated at a check-in only by a
    psychiatrist (403 `psychiatrist_required`), once the escalation is acknowledged (422
    `escalation_not_acknowledged`), with a `reason` and `safety_plan_documented: true` (422
    `safety_plan_required`). The first activation adds a baseline check-in when the patient has no PHQ-9
    in the 30 days up to `start_date`. Honours `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (FollowUpPlanAction | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlan
    """

    response = client.get_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlan, _parse_response(client=client, response=response))


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: FollowUpPlanAction | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[FollowUpPlan | Problem]:
    """Activate or resume a plan

     From `draft`, or from `on_hold` to resume treatment. The patient must have accepted the
    `telehealth` and `ketamine_treatment` consents (422 `consent_required`); an intranasal plan needs
    the patient's REMS enrolment (422 `rems_enrollment_required`). A plan held for a severe adverse
    event
    resumes only by a provider with a `reason`; one held for a crisis escalated at a check-in only by a
    psychiatrist (403 `psychiatrist_required`), once the escalation is acknowledged (422
    `escalation_not_acknowledged`), with a `reason` and `safety_plan_documented: true` (422
    `safety_plan_required`). The first activation adds a baseline check-in when the patient has no PHQ-9
    in the 30 days up to `start_date`. Honours `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (FollowUpPlanAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FollowUpPlan | Problem]
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
    body: FollowUpPlanAction | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> FollowUpPlan:
    """Activate or resume a plan

     From `draft`, or from `on_hold` to resume treatment. The patient must have accepted the
    `telehealth` and `ketamine_treatment` consents (422 `consent_required`); an intranasal plan needs
    the patient's REMS enrolment (422 `rems_enrollment_required`). A plan held for a severe adverse
    event
    resumes only by a provider with a `reason`; one held for a crisis escalated at a check-in only by a
    psychiatrist (403 `psychiatrist_required`), once the escalation is acknowledged (422
    `escalation_not_acknowledged`), with a `reason` and `safety_plan_documented: true` (422
    `safety_plan_required`). The first activation adds a baseline check-in when the patient has no PHQ-9
    in the 30 days up to `start_date`. Honours `If-Match`.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (FollowUpPlanAction | Unset):

    Raises:
        ApiError: The server answered with an error status; `.problem` is its Problem, `.retry_after` its Retry-After.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FollowUpPlan
    """

    response = await client.get_async_httpx_client().request(
        **_get_kwargs(
            plan_id=plan_id,
            body=body,
            idempotency_key=idempotency_key,
        )
    )
    raise_for_problem(response)
    return cast(FollowUpPlan, _parse_response(client=client, response=response))
