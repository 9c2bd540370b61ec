"""Screenings: submit, read, list (scopes screenings:*)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.models import Screening
from api.schemas.screenings import (
    ScreeningCreateSchema,
    ScreeningPageSchema,
    ScreeningQueryArgsSchema,
    ScreeningSchema,
)
from api.services import screenings as service
from api.services.inputs import ScreeningSubmission

blp = Blueprint(
    "screenings",
    __name__,
    url_prefix="/v1/screenings",
    description="Clinical screenings, scored by the server",
)


@blp.route("")
class Screenings(MethodView):
    @blp.operation("createScreening", scopes=["screenings:write"], errors=[404], creates=Screening)
    @blp.arguments(ScreeningCreateSchema)
    @blp.response(201, ScreeningSchema)
    def post(self, data: ScreeningSubmission) -> Any:
        """Submit a screening

        The server validates the answers (422 with a pointer to each bad one) and scores them; a score
        sent by the client is refused. Linked to a consultation, it re-decides that consultation's
        eligibility. A C-SSRS `high` risk escalates the consultation at once and the response carries
        crisis resources. Screenings are immutable.
        """
        screening = service.submit_screening(get_session(), current_principal(), data)
        return screening

    @blp.operation("listScreenings", scopes=["screenings:read"])
    @blp.arguments(ScreeningQueryArgsSchema, location="query")
    @blp.response(200, ScreeningPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List screenings

        Newest first. Filter by `patient_id`, `consultation_id`, `plan_id` and `instrument`.
        """
        page = service.list_screenings(
            get_session(), current_principal(), args, page_request("screenings", args)
        )
        return page_body("screenings", page)


@blp.route("/<string:screening_id>")
class ScreeningById(MethodView):
    @blp.operation("getScreening", scopes=["screenings:read"])
    @blp.etag
    @blp.response(200, ScreeningSchema)
    def get(self, screening_id: str) -> Any:
        """Get a screening

        Returns a strong `ETag` (a screening never changes).
        """
        return service.get_screening(get_session(), current_principal(), screening_id)
