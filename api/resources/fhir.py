"""``/fhir/R4``: the FHIR R4 read API (api-contract.md, "FHIR R4 read API"). A plain Flask blueprint, not part
of the /v1 OpenAPI document: FHIR describes itself (``metadata``). Parse, call the service, answer; the
conventions (OperationOutcome errors, scopes, the audited boundary) are api/http/fhir.py's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from api.auth.scopes import supported_scopes
from api.config import get_settings
from api.db import get_session
from api.errors import NotFound
from api.fhir.capability import capability_statement, smart_configuration
from api.fhir.ids import FhirIdConverter
from api.fhir.registry import Served, served
from api.fhir.search import parse
from api.http import audit
from api.http.blueprint import token_in_statement
from api.http.fhir import (
    fhir_operation,
    fhir_response,
    granted_scopes,
    init_fhir_responses,
    require_fhir_scope,
)
from api.http.pagination import decode_cursor, encode_cursor
from api.services import fhir as service
from api.services.paging import PageRequest

bp = Blueprint("fhir", __name__, url_prefix="/fhir/R4")
init_fhir_responses(bp)


@bp.record_once
def _converter(state: Any) -> None:
    state.app.url_map.converters["fhir_id"] = FhirIdConverter


class UnknownResourceType(NotFound):
    code, title = "not_found", "Resource type not served"


def _base() -> str:
    return f"{get_settings().issuer}/fhir/R4"


def _served(resource_type: str) -> Served:
    found = served(resource_type)
    if found is None:
        raise UnknownResourceType(f"This server does not serve {resource_type!r}; see {_base()}/metadata.")
    return found


@bp.get("/metadata")
def metadata() -> Response:
    return fhir_response(capability_statement(get_settings().issuer, "v1"))


@bp.get("/.well-known/smart-configuration")
def smart_config() -> Response:
    response = fhir_response(smart_configuration(get_settings().issuer, supported_scopes()))
    response.mimetype = "application/json"
    return response


@bp.get("/<resource_type>/<fhir_id:resource_id>")
@token_in_statement  # the read's own statement checks the token (api/services/fhir.py ``read``)
@fhir_operation
def read(resource_type: str, resource_id: str) -> Response:
    what = _served(resource_type)
    principal = require_fhir_scope(what, "r")
    resource, our_id, patient = service.read(
        get_session(),
        principal,
        resource_type,
        resource_id,
        get_settings().issuer,
        within=granted_scopes(principal, what, "r"),
    )
    audit.capture({"id": our_id, "patient_id": patient})
    return fhir_response(resource)


def _lenient() -> bool:
    """``Prefer: handling=lenient``: unknown parameters are ignored (FHIR R4 §3.1.1.4, search handling)."""
    preferences = [p.strip().lower() for p in request.headers.get("Prefer", "").split(";")]
    return "handling=lenient" in {p.replace(" ", "") for part in preferences for p in part.split(",")}


@bp.get("/<resource_type>")
@fhir_operation
def search(resource_type: str) -> Response:
    what = _served(resource_type)
    principal = require_fhir_scope(what, "s")
    query = parse(what, request.args.items(multi=True), lenient=_lenient())
    list_name = f"fhir:{resource_type}"
    page = PageRequest(query.count, decode_cursor(list_name, query.cursor) if query.cursor else None)
    issuer = get_settings().issuer
    found = service.search(
        get_session(),
        principal,
        resource_type,
        query,
        page,
        issuer,
        within=granted_scopes(principal, what, "s"),
    )
    # One row read once in the trail, however many resources it gave (a session's vital signs).
    read = {our_id: patient for _r, our_id, patient in found.resources}
    audit.capture({"data": [{"id": our_id, "patient_id": patient} for our_id, patient in read.items()]})
    # What was searched by, as the server ran it: the parameters it understood (RFC: the self link).
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in what.parameters and k != "_cursor"]
    links = [{"relation": "self", "url": f"{_base()}/{resource_type}?{urlencode(kept)}".rstrip("?")}]
    if found.has_more and found.last_key is not None:
        cursor = encode_cursor(list_name, found.last_key)
        links.append(
            {
                "relation": "next",
                "url": f"{_base()}/{resource_type}?{urlencode([*kept, ('_cursor', cursor)])}",
            }
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": f"{_base()}/{resource_type}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource, _our_id, _patient in found.resources
        ],
    }
    return fhir_response(bundle)


__all__ = ["bp"]
