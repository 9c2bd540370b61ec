from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.cssrs_answers_recall import CssrsAnswersRecall
from ..types import UNSET, Unset

T = TypeVar("T", bound="CssrsAnswers")


@_attrs_define
class CssrsAnswers:
    """The screener's answers; questions 3-5 only after a yes to question 2. With recall lifetime_recent, behavior_lifetime
    (required) and behavior_past_3_months (only after a lifetime yes); with since_last_contact,
    behavior_since_last_contact (required) instead of both

        Attributes:
            suicidal_thoughts (bool): The patient had thoughts of killing themself (question 2)
            wish_to_be_dead (bool): The patient wished to be dead (question 1)
            behavior_lifetime (bool | Unset): The patient acted or prepared to end their life, over 3 months ago (question
                6)
            behavior_past_3_months (bool | None | Unset): The patient acted or prepared to end their life in the past 3
                months (question 6)
            behavior_since_last_contact (bool | Unset): The patient acted or prepared to end their life since the last
                contact (question 6)
            intent (bool | None | Unset): The patient had some intention of acting on these thoughts (question 4)
            plan (bool | None | Unset): The patient worked out details of how to kill themself and intends to carry out the
                plan (question 5)
            recall (CssrsAnswersRecall | Unset): The recall version: lifetime_recent for a consultation (or neither),
                since_last_contact for a plan's check-in (422 recall_mismatch otherwise) Default:
                CssrsAnswersRecall.LIFETIME_RECENT.
            thoughts_with_method (bool | None | Unset): The patient thought about how they might kill themself (question 3)
    """

    suicidal_thoughts: bool
    wish_to_be_dead: bool
    behavior_lifetime: bool | Unset = UNSET
    behavior_past_3_months: bool | None | Unset = UNSET
    behavior_since_last_contact: bool | Unset = UNSET
    intent: bool | None | Unset = UNSET
    plan: bool | None | Unset = UNSET
    recall: CssrsAnswersRecall | Unset = CssrsAnswersRecall.LIFETIME_RECENT
    thoughts_with_method: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        suicidal_thoughts = self.suicidal_thoughts

        wish_to_be_dead = self.wish_to_be_dead

        behavior_lifetime = self.behavior_lifetime

        behavior_past_3_months: bool | None | Unset
        if isinstance(self.behavior_past_3_months, Unset):
            behavior_past_3_months = UNSET
        else:
            behavior_past_3_months = self.behavior_past_3_months

        behavior_since_last_contact = self.behavior_since_last_contact

        intent: bool | None | Unset
        if isinstance(self.intent, Unset):
            intent = UNSET
        else:
            intent = self.intent

        plan: bool | None | Unset
        if isinstance(self.plan, Unset):
            plan = UNSET
        else:
            plan = self.plan

        recall: str | Unset = UNSET
        if not isinstance(self.recall, Unset):
            recall = self.recall.value

        thoughts_with_method: bool | None | Unset
        if isinstance(self.thoughts_with_method, Unset):
            thoughts_with_method = UNSET
        else:
            thoughts_with_method = self.thoughts_with_method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "suicidal_thoughts": suicidal_thoughts,
                "wish_to_be_dead": wish_to_be_dead,
            }
        )
        if behavior_lifetime is not UNSET:
            field_dict["behavior_lifetime"] = behavior_lifetime
        if behavior_past_3_months is not UNSET:
            field_dict["behavior_past_3_months"] = behavior_past_3_months
        if behavior_since_last_contact is not UNSET:
            field_dict["behavior_since_last_contact"] = behavior_since_last_contact
        if intent is not UNSET:
            field_dict["intent"] = intent
        if plan is not UNSET:
            field_dict["plan"] = plan
        if recall is not UNSET:
            field_dict["recall"] = recall
        if thoughts_with_method is not UNSET:
            field_dict["thoughts_with_method"] = thoughts_with_method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        suicidal_thoughts = d.pop("suicidal_thoughts")

        wish_to_be_dead = d.pop("wish_to_be_dead")

        behavior_lifetime = d.pop("behavior_lifetime", UNSET)

        def _parse_behavior_past_3_months(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        behavior_past_3_months = _parse_behavior_past_3_months(d.pop("behavior_past_3_months", UNSET))

        behavior_since_last_contact = d.pop("behavior_since_last_contact", UNSET)

        def _parse_intent(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        intent = _parse_intent(d.pop("intent", UNSET))

        def _parse_plan(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        plan = _parse_plan(d.pop("plan", UNSET))

        _recall = d.pop("recall", UNSET)
        recall: CssrsAnswersRecall | Unset
        if isinstance(_recall, Unset):
            recall = UNSET
        else:
            recall = CssrsAnswersRecall(_recall)

        def _parse_thoughts_with_method(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        thoughts_with_method = _parse_thoughts_with_method(d.pop("thoughts_with_method", UNSET))

        cssrs_answers = cls(
            suicidal_thoughts=suicidal_thoughts,
            wish_to_be_dead=wish_to_be_dead,
            behavior_lifetime=behavior_lifetime,
            behavior_past_3_months=behavior_past_3_months,
            behavior_since_last_contact=behavior_since_last_contact,
            intent=intent,
            plan=plan,
            recall=recall,
            thoughts_with_method=thoughts_with_method,
        )

        return cssrs_answers
