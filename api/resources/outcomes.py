"""Population outcomes (outcomes:read): cohort figures and a de-identified export (docs/outcomes.md)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session, hand_over_snapshot, snapshot_session
from api.domain.cohorts import ordered_keys
from api.http import audit
from api.http.blueprint import Blueprint
from api.http.streaming import NDJSON, stream_lines
from api.schemas.outcomes import (
    CohortQueryArgsSchema,
    CohortTableSchema,
    ExportQueryArgsSchema,
    ExportRowSchema,
)
from api.services import population as service

blp = Blueprint(
    "outcomes",
    __name__,
    url_prefix="/v1/outcomes",
    description="Population outcomes: response and remission by cohort, small cells suppressed, and a "
    "de-identified export",
)


def _window(args: dict[str, Any]) -> service.Window:
    return service.Window(args.get("started_from"), args.get("started_to"))


@blp.route("/cohorts")
class Cohorts(MethodView):
    @blp.operation("getOutcomeCohorts", scopes=["outcomes:read"], errors=[404])
    @blp.arguments(CohortQueryArgsSchema, location="query")
    @blp.response(200, CohortTableSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Count outcomes by cohort

        PHQ-9 response and remission of the plans that started in the window (`started_from`, `started_to`,
        inclusive) with a baseline, by any of `protocol`, `route` and `baseline_severity`, and in total. A
        partner sees its own plans; a platform admin every partner's, or one partner's (`partner_id`; 404
        for a partner that does not exist, and for a partner naming another). Counts from 1 to 10 are
        null, and so is anything that would let one be derived: the group is `suppressed`, its rates and
        median are null, and the next smallest group is suppressed too. Every call is audited.
        """
        query = service.CohortQuery(
            instrument=args["instrument"],
            group_by=ordered_keys(args["group_by"]),
            window=_window(args),
            partner_id=args.get("partner_id"),
        )
        return service.cohort_table(get_session(), current_principal(), query)


@blp.route("/export")
class Export(MethodView):
    @blp.operation("exportOutcomes", scopes=["outcomes:read"])
    @blp.arguments(ExportQueryArgsSchema, location="query")
    @blp.response(
        200,
        ExportRowSchema,
        content_type=NDJSON,
        description="One de-identified plan per line (newline-delimited JSON, each line an ExportRow)",
    )
    def get(self, args: dict[str, Any]) -> Any:
        """Export de-identified outcomes

        One line per plan that started in the window (`application/x-ndjson`), de-identified under HIPAA
        Safe Harbor: age bands (90+), weeks since the start instead of dates, the start year only, no
        names, ids, ZIP or free text; `row_id` is random in each export. A row whose cell (protocol, route,
        age band, sex, state) holds fewer than 11 plans has its `state`, then its `age_band`, generalised,
        and is left out if its cell is still under 11. Streamed; the audit row records how many rows it
        holds.
        """
        export = service.open_export(
            snapshot_session(),
            current_principal(),
            service.ExportQuery(instrument=args["instrument"], window=_window(args)),
        )
        response = stream_lines(export.lines(), close=export.close)
        hand_over_snapshot()  # the response closes it, when the stream ends
        audit.count_rows(export.row_count)
        return response
