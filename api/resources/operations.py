"""Operations: liveness and readiness (no token needed), and Prometheus metrics (an admin token)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.db import get_session
from api.http.blueprint import Blueprint
from api.schemas.operations import HealthSchema
from api.services.health import check_database

blp = Blueprint("operations", __name__, description="Health and metrics")


# GET /healthz is answered in front of Flask (api.http.liveness); this is its entry in the spec.
LIVENESS_OPERATION = {
    "operationId": "getHealth",
    "summary": "Liveness: the process is up",
    "description": "Answers 200 whenever the process serves requests; it checks no dependency.",
    "tags": ["operations"],
    "security": [],
    "responses": {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}},
        },
        "default": {"$ref": "#/components/responses/DEFAULT_ERROR"},
    },
}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.public_operation("getReadiness", errors=[503])
    @blp.response(200, HealthSchema)
    def get(self) -> Any:
        """Readiness: the database is reachable

        503 (problem+json, with Retry-After) while the database cannot be reached.
        """
        check_database(get_session())
        return {"status": "ok"}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.operation("getMetrics", scopes=["admin"])
    @blp.response(200, content_type=CONTENT_TYPE_LATEST, description="Prometheus text exposition")
    def get(self) -> Any:
        """Prometheus metrics

        Request counts and latency histograms by method, route template and status. Needs a token with the
        `admin` scope (a platform client): Prometheus gets one itself with its `oauth2` scrape settings
        (client credentials against `/oauth/token`).
        """
        registry = current_app.extensions["metrics"].registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
