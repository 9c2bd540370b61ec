"""Each model declares what it is to the API once (api/models/resources.py); a model left out, or a
declaration that does not fit its model, fails here (and at import), as does a 201 operation that names
nothing it creates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from api.db import Base
from api.http.blueprint import UndeclaredCreation, _created
from api.models import Appointment, Patient, PlanTask, SignInThrottle
from api.models.resources import (
    Resource,
    ResourceDeclarationError,
    build_registry,
    is_patient_id,
    lookup,
    new_id_for,
    registry,
    resource_type_of,
)
from api.schemas.patients import PatientSchema


def test_every_mapped_model_is_declared() -> None:
    models = {mapper.class_ for mapper in Base.registry.mappers}
    undeclared = sorted(m.__name__ for m in models if "__resource__" not in vars(m))
    assert undeclared == []
    assert set(registry().by_model) == {m for m in models if vars(m)["__resource__"] is not None}


def test_the_audit_trail_names_the_resources_as_the_api_documents_them() -> None:
    """What an id's prefix says it names (api-contract.md §2), as the audit trail records it."""
    types = {prefix: resource.type for prefix, (_, resource) in registry().by_prefix.items() if resource.type}
    assert types == {
        "pat": "patient",
        "cns": "consent",
        "inv": "invitation",
        "con": "consultation",
        "esc": "escalation",
        "scr": "screening",
        "apt": "appointment",
        "pln": "follow_up_plan",
        "tsk": "follow_up_task",
        "ade": "adverse_event",
        "vis": "visit",
        "ipe": "in_person_evaluation",
        "pdmp": "pdmp_check",
        "rx": "prescription",
        "prv": "provider",
        "par": "partner",
        "cli": "client",
        "usr": "user",
        "whe": "webhook_endpoint",
        "evt": "event",
        "aud": "audit_event",
    }
    audited = {resource.type for resource in registry().by_model.values() if resource.audited}
    assert audited == set(types.values()) - {"event", "audit_event"}
    assert resource_type_of("tsk_abc") == "follow_up_task" and resource_type_of("zzz_abc") is None
    assert is_patient_id("pat_abc") and not is_patient_id("con_abc") and not is_patient_id(None)


def test_ids_carry_their_models_prefix() -> None:
    assert new_id_for(Patient).startswith("pat_") and len(new_id_for(Patient)) == 30
    found = lookup(new_id_for(PlanTask))
    assert found is not None and found[0] is PlanTask
    with pytest.raises(ResourceDeclarationError, match="no prefixed id"):
        new_id_for(SignInThrottle)


def test_a_location_is_the_resources_path_over_its_representation() -> None:
    appointment = Resource("apt", "appointment", path="/v1/consultations/{consultation_id}/appointment")
    assert appointment.location({"id": "apt_1", "consultation_id": "con_9"}) == (
        "/v1/consultations/con_9/appointment"
    )
    assert Resource("par", "partner").location({"id": "par_1"}) is None


class _Scratch(DeclarativeBase):
    """A registry of its own: these models never reach the application's metadata."""


class _Undeclared(_Scratch):
    __tablename__ = "undeclared"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)


class _Internal(_Scratch):
    __tablename__ = "internal"
    __resource__ = None
    id: Mapped[str] = mapped_column(String(40), primary_key=True)


class _Widget(_Scratch):
    __tablename__ = "widgets"
    __resource__ = Resource("wid", "widget", audited=True, patient="patient_id")
    id: Mapped[str] = __resource__.id_column()
    patient_id: Mapped[str] = mapped_column(String(40))


def _model(name: str, resource: Resource) -> type[Any]:
    return type(
        name,
        (_Scratch,),
        {"__tablename__": name.lower(), "__resource__": resource, "id": resource.id_column()},
    )


@pytest.mark.parametrize(
    ("models", "refusal"),
    [
        pytest.param([_Undeclared], "_Undeclared declares no __resource__", id="undeclared"),
        pytest.param(
            [_Widget, _model("Gadget", Resource("wid", "gadget"))],
            "share the prefix 'wid'",
            id="shared-prefix",
        ),
        pytest.param(
            [_model("Sprocket", Resource("spr", "sprocket", patient="patient_id"))],
            "patient names no column",
            id="patient-column",
        ),
        pytest.param(
            [_model("Cog", Resource("cog", "cog", path="/v1/cogs/{cog_id}"))],
            "path field 'cog_id' names no column",
            id="path-field",
        ),
        pytest.param([_model("Bolt", Resource("blt", audited=True))], "needs its type", id="audited-untyped"),
    ],
)
def test_a_declaration_that_does_not_fit_is_refused(models: list[type[Any]], refusal: str) -> None:
    with pytest.raises(ResourceDeclarationError, match=refusal):
        build_registry(models)


def test_declared_models_and_internal_rows_build() -> None:
    built = build_registry([_Widget, _Internal])
    assert list(built.by_prefix) == ["wid"] and built.by_model[_Widget].patient == "patient_id"


def test_an_operation_answering_201_names_what_it_creates() -> None:
    with pytest.raises(UndeclaredCreation, match="createThing answers 201"):
        _created("createThing", 201, None, [])
    with pytest.raises(UndeclaredCreation, match="no resource of the API"):
        _created("createThrottle", 201, SignInThrottle, [])
    # An appointment's Location is under its consultation: a response without the consultation's id cannot
    # say where the new appointment is.
    with pytest.raises(UndeclaredCreation, match=r"does not show \['consultation_id'\]"):
        _created("createThing", 201, Appointment, [{"schema": PatientSchema}])
    assert _created("listThings", 200, None, []) is None
