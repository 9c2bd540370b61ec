"""What each model is to the API, declared once, on the model, and read from here.

A model states (``__resource__ = Resource(...)``) its id prefix, the resource type the API and the audit trail
call it, whether its writes are audited, how the patient whose data it is is found, and where the API serves
one. Everything that used to restate these by hand is computed from the declarations: the ids themselves
(``Resource.id_column``), the audit trail's types, patients and audited writes (api/services/audit.py,
api/http/audit.py), the ``Location`` of a new resource and the spec's list of the operations that send it
(``Blueprint.operation(creates=...)``).

Every mapped model declares one, ``None`` for rows that are no resource of the API and carry no prefixed id
(a licence, a throttle, a seal), so a model cannot be added and forgotten: the registry is built when
``api.models`` is imported and refuses an undeclared model, two models with one prefix, or a patient link or
path that names no column (tests/unit/test_resources.py).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import MappedColumn, mapped_column

from api.db import Base
from api.ids import new_id


class ResourceDeclarationError(Exception):
    """A model's ``__resource__`` is missing or does not fit the model."""


@dataclass(frozen=True)
class Resource:
    """What a model is to the API.

    ``patient`` names the column holding the id of the patient whose data the row is (``"id"`` for a patient
    itself); ``patient_via`` a column holding the id of another record whose patient this row's is (a task's
    plan, an event's object). ``path`` is where the API serves one, a template over the fields of its
    representation (``/v1/patients/{id}``): a new one's ``Location``.
    """

    prefix: str
    type: str | None = None  # None: an internal row with an id of its own, not a resource of the API
    audited: bool = False
    patient: str | None = None
    patient_via: str | None = None
    path: str | None = None

    def new_id(self) -> str:
        return new_id(self.prefix)

    def id_column(self, length: int = 40) -> MappedColumn[str]:
        """The model's primary key, made of its prefix and 128 random bits (api/ids.py)."""
        return mapped_column(String(length), primary_key=True, default=self.new_id)

    def location(self, representation: Mapping[str, Any]) -> str | None:
        """Where the API serves the resource ``representation`` shows; None when it serves none."""
        if self.path is None:
            return None
        return self.path.format_map({key: representation[key] for key in self.path_fields})

    @property
    def path_fields(self) -> tuple[str, ...]:
        if self.path is None:
            return ()
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.path) if name)


@dataclass(frozen=True)
class Registry:
    by_prefix: Mapping[str, tuple[type[Base], Resource]]
    by_model: Mapping[type[Base], Resource]


def _declaration(model: type[Base]) -> Resource | None:
    if "__resource__" not in vars(model):
        raise ResourceDeclarationError(
            f"{model.__name__} declares no __resource__: state its Resource (api/models/resources.py), or "
            "None for a row that is no resource of the API"
        )
    declared = vars(model)["__resource__"]
    if declared is not None and not isinstance(declared, Resource):
        raise ResourceDeclarationError(f"{model.__name__}.__resource__ is not a Resource")
    return declared


def _check(model: type[Base], resource: Resource) -> None:
    columns = set(model.__table__.columns.keys())
    named = {
        "patient": resource.patient,
        "patient_via": resource.patient_via,
        **{f"path field {field!r}": field for field in resource.path_fields},
    }
    for what, column in named.items():
        if column is not None and column not in columns:
            raise ResourceDeclarationError(f"{model.__name__}: {what} names no column ({column})")
    if resource.patient and resource.patient_via:
        raise ResourceDeclarationError(f"{model.__name__}: a patient column or a record to follow, not both")
    if (resource.audited or resource.path) and resource.type is None:
        raise ResourceDeclarationError(f"{model.__name__}: an audited or served resource needs its type")


@cache
def registry() -> Registry:
    """Every mapped model's declaration, checked (built once, when ``api.models`` is imported)."""
    return build_registry(mapper.class_ for mapper in Base.registry.mappers)


def build_registry(models: Iterable[type[Any]]) -> Registry:
    """The declarations of ``models``, checked; ``ResourceDeclarationError`` names the first that fails."""
    by_prefix: dict[str, tuple[type[Base], Resource]] = {}
    by_model: dict[type[Base], Resource] = {}
    for model in sorted(models, key=lambda m: m.__name__):
        resource = _declaration(model)
        if resource is None:
            continue
        _check(model, resource)
        if resource.prefix in by_prefix:
            other = by_prefix[resource.prefix][0].__name__
            raise ResourceDeclarationError(
                f"{model.__name__} and {other} share the prefix {resource.prefix!r}"
            )
        by_prefix[resource.prefix] = (model, resource)
        by_model[model] = resource
    return Registry(MappingProxyType(by_prefix), MappingProxyType(by_model))


def resource_of(model: type[Any]) -> Resource | None:
    return registry().by_model.get(model)


def new_id_for(model: type[Base]) -> str:
    """An id for a new row of ``model``, for when something must name the row before it is flushed."""
    resource = resource_of(model)
    if resource is None:
        raise ResourceDeclarationError(f"{model.__name__} has no prefixed id")
    return resource.new_id()


def lookup(resource_id: str | None) -> tuple[type[Base], Resource] | None:
    """The model and declaration an id's prefix names (api-contract.md §2: ids are prefixed by type)."""
    if not resource_id:
        return None
    return registry().by_prefix.get(resource_id.partition("_")[0])


def resource_type_of(resource_id: str | None) -> str | None:
    found = lookup(resource_id)
    return found[1].type if found else None


def is_patient_id(resource_id: str | None) -> bool:
    """Whether ``resource_id`` names a patient (a record that is its own patient)."""
    found = lookup(resource_id)
    return found is not None and found[1].patient == "id"
