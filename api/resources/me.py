"""Who the token speaks for (any valid token, no scope needed)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.http.blueprint import Blueprint
from api.schemas.me import MeSchema
from api.services.accounts import identity_of

blp = Blueprint("me", __name__, url_prefix="/v1", description="The caller")


@blp.route("/me")
class Me(MethodView):
    @blp.operation("getMe", scopes=[])
    @blp.response(200, MeSchema)
    def get(self) -> Any:
        """Who the token speaks for

        The kind of caller, its ids and its scopes, with `null` where one does not apply: a patient app
        learns its `patient_id` here, a clinician app its `provider_id`. Any valid token; no scope needed.
        """
        return identity_of(current_principal())
