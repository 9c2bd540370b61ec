"""The provider directory, availability and free slots (scopes providers:*)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.current import current_flask
from api.http.json_provider import json_bytes
from api.http.pagination import page_request, rendered_page_response
from api.models import Provider
from api.schemas.providers import (
    AvailabilitySchema,
    ProviderCreateSchema,
    ProviderPageSchema,
    ProviderQueryArgsSchema,
    ProviderSchema,
    ProviderUpdateSchema,
    SlotListSchema,
    SlotQueryArgsSchema,
    provider_listing_body,
)
from api.services import directory_pages
from api.services import providers as service
from api.services.inputs import AvailabilityBody, ProviderChanges
from api.services.provider_directory import ProviderListing

blp = Blueprint(
    "providers", __name__, url_prefix="/v1/providers", description="Provider directory, availability, slots"
)


@blp.route("")
class Providers(MethodView):
    @blp.operation("createProvider", scopes=["providers:write"], errors=[409], creates=Provider)
    @blp.arguments(ProviderCreateSchema)
    @blp.response(201, ProviderSchema)
    def post(self, data: ProviderChanges) -> Any:
        """Add a provider to the directory

        Platform admins only. The NPI is checked (10 digits, Luhn with the 80840 prefix) and unique
        (409 `npi_taken`). Set the availability afterwards with `PUT /v1/providers/{id}/availability`.
        """
        provider = service.create_provider(get_session(), current_principal(), data)
        return provider

    @blp.operation("listProviders", scopes=["providers:read"], token_in_statement=True)
    @blp.arguments(ProviderQueryArgsSchema, location="query")
    @blp.response(200, ProviderPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List providers

        Newest first. `state` finds providers with an active, unexpired licence there; `language`
        matches the primary language (`es` finds `es-MX`).
        """
        page = directory_pages.provider_page(
            get_session(),
            current_principal(),
            args,
            page_request("providers", args),
            cache=current_flask().extensions["provider_pages"],
            render=_page_data,
        )
        return rendered_page_response("providers", page)


def _page_data(listings: Sequence[ProviderListing]) -> bytes:
    """A page's ``data`` array as the response writes it, each provider as ``GET`` by id shows it."""
    return json_bytes([provider_listing_body(listing) for listing in listings])


@blp.route("/<string:provider_id>")
class ProviderById(MethodView):
    @blp.operation("getProvider", scopes=["providers:read"])
    @blp.etag
    @blp.response(200, ProviderSchema)
    def get(self, provider_id: str) -> Any:
        """Get a provider

        Returns a strong `ETag`; send it in `If-None-Match` for a 304, or in `If-Match` to update.
        """
        return service.get_provider(get_session(), current_principal(), provider_id)

    @blp.operation("updateProvider", scopes=["providers:write"], errors=[409])
    @blp.etag
    @blp.arguments(ProviderUpdateSchema)
    @blp.response(200, ProviderSchema)
    def patch(self, changes: ProviderChanges, provider_id: str) -> Any:
        """Update a provider

        Requires `If-Match` (428 without, 412 when it changed). A list replaces the whole list. A provider
        may change only their own `languages`, `accepting_new_patients`, `max_active_patients` and
        `timezone`; everything else (credentials, licences, DEA registrations, sites, routes) is an admin's.
        """
        return service.update_provider(
            get_session(),
            current_principal(),
            provider_id,
            changes,
            precondition=blp.precondition(ProviderSchema),
        )


@blp.route("/<string:provider_id>/availability")
class ProviderAvailability(MethodView):
    @blp.operation("setProviderAvailability", scopes=["providers:write"], errors=[412])
    @blp.arguments(AvailabilitySchema)
    @blp.response(200, AvailabilitySchema)
    def put(self, body: AvailabilityBody, provider_id: str) -> Any:
        """Replace a provider's availability

        Weekly windows (`"monday"`, `"09:00"`-`"17:00"`) and dated exceptions, in the provider's local time
        zone; an exception replaces that date's windows (none: unavailable all day). Windows of one day
        must not overlap. An admin, or the provider themselves. Optional `If-Match` takes the provider's
        ETag. Booked appointments stay booked.
        """
        return service.set_availability(
            get_session(),
            current_principal(),
            provider_id,
            body,
            precondition=blp.precondition(ProviderSchema),
        ).as_dict()


@blp.route("/<string:provider_id>/slots")
class ProviderSlots(MethodView):
    @blp.operation("listProviderSlots", scopes=["providers:read"])
    @blp.arguments(SlotQueryArgsSchema, location="query")
    @blp.response(200, SlotListSchema)
    def get(self, args: dict[str, Any], provider_id: str) -> Any:
        """List a provider's free slots

        Slots of `duration` minutes in [`from`, `to`), in UTC, computed from the availability in the
        provider's time zone (correct across daylight-saving changes), from now on, minus booked
        appointments. Slots start at a window's start and every `duration` after it.
        """
        slots = service.provider_slots(
            get_session(), current_principal(), provider_id, args["from_"], args["to"], args["duration"]
        )
        return {"data": [{"start": slot.start, "end": slot.end} for slot in slots]}
