from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_field_error import ProblemFieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """
    Attributes:
        code (str): Stable snake_case error code
        detail (str):
        request_id (None | str):
        status (int): The HTTP status code
        title (str):
        type_ (str): URI of the page that explains `code`
        action (str | Unset): `invalid_transition`: the action that was refused
        allowed_actions (list[str] | Unset): `invalid_transition`: the actions the status allows
        current_status (str | Unset): `invalid_transition`: the resource's status when the action was refused
        errors (list[ProblemFieldError] | Unset):
        failed_filters (list[str] | Unset): `provider_not_qualified`: the hard matching filters the provider fails
        missing_consents (list[str] | Unset): `consent_required`: the consent types still missing
    """

    code: str
    detail: str
    request_id: None | str
    status: int
    title: str
    type_: str
    action: str | Unset = UNSET
    allowed_actions: list[str] | Unset = UNSET
    current_status: str | Unset = UNSET
    errors: list[ProblemFieldError] | Unset = UNSET
    failed_filters: list[str] | Unset = UNSET
    missing_consents: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        request_id: None | str
        request_id = self.request_id

        status = self.status

        title = self.title

        type_ = self.type_

        action = self.action

        allowed_actions: list[str] | Unset = UNSET
        if not isinstance(self.allowed_actions, Unset):
            allowed_actions = self.allowed_actions

        current_status = self.current_status

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        failed_filters: list[str] | Unset = UNSET
        if not isinstance(self.failed_filters, Unset):
            failed_filters = self.failed_filters

        missing_consents: list[str] | Unset = UNSET
        if not isinstance(self.missing_consents, Unset):
            missing_consents = self.missing_consents

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "request_id": request_id,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if action is not UNSET:
            field_dict["action"] = action
        if allowed_actions is not UNSET:
            field_dict["allowed_actions"] = allowed_actions
        if current_status is not UNSET:
            field_dict["current_status"] = current_status
        if errors is not UNSET:
            field_dict["errors"] = errors
        if failed_filters is not UNSET:
            field_dict["failed_filters"] = failed_filters
        if missing_consents is not UNSET:
            field_dict["missing_consents"] = missing_consents

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_field_error import ProblemFieldError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        action = d.pop("action", UNSET)

        allowed_actions = cast(list[str], d.pop("allowed_actions", UNSET))

        current_status = d.pop("current_status", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemFieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ProblemFieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        failed_filters = cast(list[str], d.pop("failed_filters", UNSET))

        missing_consents = cast(list[str], d.pop("missing_consents", UNSET))

        problem = cls(
            code=code,
            detail=detail,
            request_id=request_id,
            status=status,
            title=title,
            type_=type_,
            action=action,
            allowed_actions=allowed_actions,
            current_status=current_status,
            errors=errors,
            failed_filters=failed_filters,
            missing_consents=missing_consents,
        )

        problem.additional_properties = d
        return problem

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
