"""Population outcomes: the cohort table and the de-identified export (outcomes:read; docs/outcomes.md).

Both are computed in the database from one per-plan query (``plan_rows``) that restates, in SQL, the
per-plan rules of clinical-rules.md §4 from the constants of ``api.domain.outcomes`` and
``api.domain.cohorts``: the PHQ-9 baseline (the plan's baseline check-in, else the patient's latest PHQ-9
on or before the start and at most 30 days before it, not the plan's own), the latest follow-up, response
(from a baseline of 10 or more), remission and the percent change. tests/http/test_outcomes_cohorts.py
holds them equal to ``plan_outcomes`` for generated plans on both databases: the SQL cannot drift from
the domain unnoticed.

- The cohort table: counts by SQL aggregates, the median by ``percentile_cont`` (PostgreSQL) or by
  window functions (``row_number``/``count``: SQLite has no percentile), then small-cell suppression
  (``api.domain.disclosure.suppress``).
- The export: the rows' cells are counted first (one GROUP BY), generalised by
  ``api.domain.disclosure.generalise``, and the rows then streamed with server-side cursors from the same
  snapshot (``api.db.snapshot_session``), so the number of rows the audit row records before the first byte
  is the number sent.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, Final

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from api.auth.principal import Principal
from api.db import atomic
from api.domain import cohorts, disclosure
from api.domain.cohorts import GroupKey
from api.domain.outcomes import BASELINE_WINDOW_DAYS, is_phq9_remission, is_phq9_response
from api.domain.protocols import TaskPurpose
from api.domain.screening import Instrument
from api.errors import NotFound
from api.models import (
    AdverseEvent,
    CheckInAnswer,
    Consultation,
    FollowUpPlan,
    Partner,
    Patient,
    PlanTask,
    Screening,
)
from api.services.access import require_kind

# A SELECT of several columns.
Rows = Select[*tuple[Any, ...]]

# Server-side cursor batch: rows held in memory at once while streaming.
STREAM_BATCH: Final = 1000

# Memory for the cohort table's sorts and hashes (PostgreSQL's default, 4 MB, spills them to disk).
ANALYTICAL_WORK_MEM: Final = "32MB"


# --- portable date arithmetic -----------------------------------------------------------------------------


class utc_day(FunctionElement[date]):  # noqa: N801  # a SQL function's name
    """The UTC calendar date of a stored time (SQLite keeps naive UTC text; PostgreSQL timestamptz)."""

    type = Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


class days_between(FunctionElement[int]):  # noqa: N801  # a SQL function's name
    """``later - earlier`` in days, for two dates."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) "
        "AS INTEGER)"
    )


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


def _age_on(birth: Any, on: Any) -> ColumnElement[int]:
    """Whole years (``cohorts.age_on``): the year difference, less one before the birthday."""
    before_birthday = case(
        (
            extract("month", on) * 100 + extract("day", on)
            < extract("month", birth) * 100 + extract("day", birth),
            1,
        ),
        else_=0,
    )
    return extract("year", on) - extract("year", birth) - before_birthday


def _banded(value: ColumnElement[int], bands: tuple[tuple[int, str], ...]) -> ColumnElement[str]:
    """The label of the last band ``value`` reaches (bands ascending), as the domain's tables say."""
    return case(*[(value >= lowest, label) for lowest, label in reversed(bands)], else_=null())


# --- the per-plan query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    started_from: date | None
    started_to: date | None


def _plans_in_scope(principal: Principal, window: Window, partner_id: str | None) -> Rows:
    """Plans that started in the window (activated; ``start_date`` in it), of the caller's tenant."""
    stmt = select(
        FollowUpPlan.id.label("plan_id"),
        FollowUpPlan.patient_id,
        FollowUpPlan.consultation_id,
        FollowUpPlan.protocol,
        FollowUpPlan.route,
        FollowUpPlan.start_date,
    ).where(FollowUpPlan.activated_at.is_not(None))
    if window.started_from is not None:
        stmt = stmt.where(FollowUpPlan.start_date >= window.started_from)
    if window.started_to is not None:
        stmt = stmt.where(FollowUpPlan.start_date <= window.started_to)
    if principal.is_admin:
        return stmt if partner_id is None else stmt.where(FollowUpPlan.partner_id == partner_id)
    if principal.kind == "partner_client" and principal.partner_id:
        return stmt.where(FollowUpPlan.partner_id == principal.partner_id)
    return stmt.where(false())


def _baseline_answers() -> Select[Any]:
    """The screenings that answered a baseline check-in: a plan's starting point, never a follow-up."""
    return (
        select(CheckInAnswer.screening_id)
        .join(PlanTask, PlanTask.id == CheckInAnswer.task_id)
        .where(PlanTask.purpose == TaskPurpose.BASELINE)
    )


class _Kind:
    """What a PHQ-9 of the plan's patient is to the plan (``plan_rows``)."""

    TASK: Final = 0  # it answered the plan's baseline check-in: the baseline, whatever its date
    WINDOW: Final = 1  # not the plan's own, completed on or up to 30 days before the start: a baseline
    FOLLOW_UP: Final = 2  # the plan's own, not a baseline check-in's answer (of any plan): a follow-up


def plan_rows(principal: Principal, window: Window, partner_id: str | None = None) -> CTE:
    """One row per plan in scope: ``plan_id, patient_id, consultation_id, protocol, route, start_date,
    baseline, latest`` — the PHQ-9 baseline and latest follow-up as ``plan_outcomes`` chooses them.

    One pass: every scored PHQ-9 of each plan's patient is classed (``_Kind``) against the plan, ranked
    latest first within its plan and class by one window function, and the three latest are pivoted onto
    the plan. The baseline is the baseline check-in's answer, else the latest in the window."""
    plans = _plans_in_scope(principal, window, partner_id).subquery("scoped_plans")
    answered = (
        select(CheckInAnswer.screening_id, PlanTask.plan_id)
        .join(PlanTask, PlanTask.id == CheckInAnswer.task_id)
        .where(PlanTask.purpose == TaskPurpose.BASELINE)
        .subquery("baseline_answers")
    )
    days_before_start = days_between(plans.c.start_date, utc_day(Screening.completed_at))
    kind = case(
        (answered.c.plan_id == plans.c.plan_id, _Kind.TASK),
        (
            and_(Screening.plan_id == plans.c.plan_id, answered.c.plan_id.is_(None)),
            _Kind.FOLLOW_UP,
        ),
        (
            and_(
                or_(Screening.plan_id.is_(None), Screening.plan_id != plans.c.plan_id),
                days_before_start >= 0,
                days_before_start <= BASELINE_WINDOW_DAYS,
            ),
            _Kind.WINDOW,
        ),
        else_=null(),
    )
    classed = (
        select(plans.c.plan_id, Screening.total, Screening.completed_at, Screening.id, kind.label("kind"))
        .join(Screening, Screening.patient_id == plans.c.patient_id)
        .outerjoin(answered, answered.c.screening_id == Screening.id)
        .where(Screening.instrument == Instrument.PHQ9, Screening.total.is_not(None))
        .subquery("classed")
    )
    ranked = (
        select(
            classed.c.plan_id,
            classed.c.kind,
            classed.c.total,
            func.row_number()
            .over(
                partition_by=(classed.c.plan_id, classed.c.kind),
                order_by=(classed.c.completed_at.desc(), classed.c.id.desc()),
            )
            .label("rn"),
        )
        .where(classed.c.kind.is_not(None))
        .subquery("ranked_scores")
    )

    def latest_of(which: int) -> ColumnElement[int]:
        return func.max(case((ranked.c.kind == which, ranked.c.total), else_=null()))

    chosen = (
        select(
            ranked.c.plan_id,
            func.coalesce(latest_of(_Kind.TASK), latest_of(_Kind.WINDOW)).label("baseline"),
            latest_of(_Kind.FOLLOW_UP).label("latest"),
        )
        .where(ranked.c.rn == 1)
        .group_by(ranked.c.plan_id)
        .subquery("chosen_scores")
    )
    return (
        select(plans, chosen.c.baseline, chosen.c.latest)
        .outerjoin(chosen, chosen.c.plan_id == plans.c.plan_id)
        .cte("plan_outcomes")
    )


def _responder(baseline: Any, latest: Any) -> ColumnElement[int]:
    """``outcomes.is_phq9_response``: a drop of at least half, from a baseline of 10 or more."""
    return case(
        (
            and_(
                baseline >= cohorts.RESPONSE_BASELINE_MIN,
                latest.is_not(None),
                (baseline - latest) * 2 >= baseline,
            ),
            1,
        ),
        else_=0,
    )


def _remitter(latest: Any) -> ColumnElement[int]:
    """``outcomes.is_phq9_remission`` of the latest follow-up (the plan has a baseline)."""
    return case((latest < cohorts.REMISSION_BELOW, 1), else_=0)


def _percent_change_tenths(baseline: Any, latest: Any) -> ColumnElement[int]:
    """``cohorts.percent_change_tenths`` in integer SQL; null without a follow-up or from a baseline of 0."""
    change = (latest - baseline) * 1000
    magnitude = (func.abs(change, type_=Integer) * 2 + baseline) // (baseline * 2)  # integer division
    return case(
        (or_(latest.is_(None), baseline == 0), null()),
        (latest >= baseline, magnitude),
        else_=-magnitude,
    )


# --- the cohort table ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortQuery:
    instrument: str
    group_by: tuple[GroupKey, ...]
    window: Window
    partner_id: str | None = None


@dataclass(frozen=True)
class CohortRow:
    keys: Mapping[str, str]
    counts: cohorts.CohortCounts
    median_tenths: float | None


def _with_figures(rows: CTE) -> Rows:
    """The per-plan rows that count (with a baseline), with their group keys and figures."""
    baseline, latest = rows.c.baseline, rows.c.latest
    return select(
        rows.c.protocol.label(GroupKey.PROTOCOL),
        rows.c.route.label(GroupKey.ROUTE),
        _banded(baseline, cohorts.SEVERITY_BANDS).label(GroupKey.BASELINE_SEVERITY),
        case((latest.is_not(None), 1), else_=0).label("with_follow_up"),
        _responder(baseline, latest).label("responder"),
        _remitter(latest).label("remitter"),
        _percent_change_tenths(baseline, latest).label("pct"),
    ).where(baseline.is_not(None))


@dataclass(frozen=True)
class CohortRows:
    groups: list[CohortRow]
    totals: CohortRow


def cohort_rows(
    session: Session, rows: CTE, keys: tuple[GroupKey, ...], *, portable_median: bool | None = None
) -> CohortRows:
    """Counts and the median percent change per group of ``keys`` and for all plans together, in one
    statement: the per-plan figures are computed once (a CTE read twice, which both databases materialise)
    and aggregated by group and in total (UNION ALL). The median: ``percentile_cont`` on PostgreSQL;
    elsewhere (or with ``portable_median``) the mean of the middle one or two by ``row_number`` over the
    plans with a percent change."""
    figures = _with_figures(rows).cte("figures")
    portable = session.get_bind().dialect.name != "postgresql" if portable_median is None else portable_median
    levels = [_aggregated(figures, keys, portable, level=0)] if keys else []
    levels.append(_aggregated(figures, (), portable, level=1))
    stmt = levels[0] if len(levels) == 1 else union_all(*levels)
    ordered = stmt.subquery("cohort_levels")
    found = [
        (row.level, _cohort_row(row._mapping, keys if row.level == 0 else ()))
        for row in session.execute(
            select(ordered).order_by(ordered.c.level, *[ordered.c[key] for key in keys])
        )
    ]
    (totals,) = [row for level, row in found if level == 1]
    return CohortRows(groups=[row for level, row in found if level == 0], totals=totals)


def _aggregated(figures: CTE, keys: tuple[GroupKey, ...], portable: bool, *, level: int) -> Rows:
    """One level of the table: every key of ``GROUP_KEYS`` (null where not grouped by), the counts, the
    median (tenths of a percent) and ``level``."""
    source: Any = figures
    median: ColumnElement[Any]
    if not portable:
        median = func.percentile_cont(0.5).within_group(figures.c.pct)
    else:
        pct = figures.c.pct
        partition = [figures.c[key] for key in keys] or None
        source = select(
            figures,
            func.row_number()
            .over(partition_by=partition, order_by=(case((pct.is_(None), 1), else_=0), pct))
            .label("rn"),
            func.count(pct).over(partition_by=partition).label("n"),
        ).subquery(f"ranked_{level}")
        rn, n = source.c.rn, source.c.n
        middle = and_(source.c.pct.is_not(None), or_(rn == (n + 1) // 2, rn == (n + 2) // 2))
        median = func.avg(case((middle, source.c.pct), else_=null()))
    key_columns = [(source.c[key] if key in keys else null()).label(key) for key in cohorts.GROUP_KEYS]
    stmt = select(
        literal(level).label("level"),
        *key_columns,
        func.count().label("plans"),
        func.coalesce(func.sum(source.c.with_follow_up), 0).label("with_follow_up"),
        func.coalesce(func.sum(source.c.responder), 0).label("responders"),
        func.coalesce(func.sum(source.c.remitter), 0).label("remitters"),
        median.label("median"),
    ).select_from(source)
    return stmt.group_by(*[source.c[key] for key in keys]) if keys else stmt


def _cohort_row(values: RowMapping, keys: tuple[GroupKey, ...]) -> CohortRow:
    return CohortRow(
        keys={key: str(values[key]) for key in keys},
        counts=cohorts.CohortCounts(
            plans=int(values["plans"]),
            with_follow_up=int(values["with_follow_up"]),
            responders=int(values["responders"]),
            remitters=int(values["remitters"]),
        ),
        median_tenths=None if values["median"] is None else float(values["median"]),
    )


def _check_partner_filter(session: Session, principal: Principal, partner_id: str | None) -> str | None:
    """``partner_id`` is an admin's filter. A partner naming its own is the same as naming none; naming any
    other is 404, as another tenant's object is (and as a partner that does not exist is for an admin)."""
    if partner_id is None:
        return None
    if principal.is_admin:
        if session.get(Partner, partner_id) is None:
            raise NotFound(f"No partner {partner_id}.")
        return partner_id
    if partner_id != principal.partner_id:
        raise NotFound(f"No partner {partner_id}.")
    return None


def _require_reader(principal: Principal) -> None:
    require_kind(principal, "admin", "partner_client", action="read population outcomes")


def _for_one_large_query(session: Session) -> None:
    """PostgreSQL, for this transaction only: no JIT (its compilation costs more than it saves on a query
    that runs under a second) and room to sort and hash the per-plan rows in memory rather than on disk.
    bench/outcomes.py: about 11 % off the cohort table on 100,000 plans."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text(f"SET LOCAL work_mem = '{ANALYTICAL_WORK_MEM}'"))


def cohort_table(session: Session, principal: Principal, query: CohortQuery) -> dict[str, Any]:
    """The contract's cohort table: groups and totals, small cells suppressed."""
    _require_reader(principal)
    partner_id = _check_partner_filter(session, principal, query.partner_id)
    # A read-only request runs in autocommit; SET LOCAL needs the query's own transaction.
    with atomic(session):
        _for_one_large_query(session)
        table = cohort_rows(session, plan_rows(principal, query.window, partner_id), query.group_by)
    groups, totals = table.groups, table.totals
    published, published_totals = disclosure.suppress(
        [group.counts.as_dict() for group in groups], totals.counts.as_dict()
    )
    return {
        "instrument": query.instrument,
        "window": {"started_from": query.window.started_from, "started_to": query.window.started_to},
        "groups": [
            {**_keys(group.keys), **_figures(group, shown)}
            for group, shown in zip(groups, published, strict=True)
        ],
        "totals": {**_keys({}), **_figures(totals, published_totals)},
    }


def _keys(keys: Mapping[str, str]) -> dict[str, str | None]:
    return {key: keys.get(key) for key in cohorts.GROUP_KEYS}


def _figures(row: CohortRow, shown: disclosure.Published) -> dict[str, Any]:
    counts = shown.counts
    hidden = shown.suppressed
    return {
        **counts,
        "response_rate": None if hidden else cohorts.rate(counts["responders"], counts["with_follow_up"]),
        "remission_rate": None if hidden else cohorts.rate(counts["remitters"], counts["with_follow_up"]),
        "median_percent_change": None if hidden else cohorts.median_from_tenths(row.median_tenths),
        "suppressed": hidden,
    }


# --- the export ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportQuery:
    instrument: str
    window: Window


def _export_plans(rows: CTE) -> Rows:
    """Per plan: its cell's quasi-identifiers and what its row shows."""
    return (
        select(
            rows.c.plan_id,
            rows.c.protocol,
            rows.c.route,
            _banded(_age_on(Patient.birth_date, rows.c.start_date), disclosure.AGE_BANDS).label("age_band"),
            Patient.sex_at_birth,
            Consultation.patient_location_state.label("state"),
            extract("year", rows.c.start_date).label("start_year"),
            rows.c.baseline,
            rows.c.latest,
        )
        .join(Patient, Patient.id == rows.c.patient_id)
        .join(Consultation, Consultation.id == rows.c.consultation_id)
    )


_CELL_FIELDS: Final = ("protocol", "route", "age_band", "sex_at_birth", "state")


def _cell(row: Any) -> disclosure.Cell:
    return disclosure.Cell(row.protocol, row.route, row.age_band, row.sex_at_birth, row.state)


@dataclass
class Export:
    """A prepared export: its cells generalised and its row count known; ``lines`` streams it from the
    snapshot it was counted in."""

    snapshot: Session
    rows: CTE
    placement: Mapping[disclosure.Cell, disclosure.Cell | None]
    row_count: int

    def lines(self) -> Iterator[bytes]:
        """NDJSON lines, one per plan kept, streamed by server-side cursors: the plans, their follow-up
        scores and their adverse events, each ordered by plan and merged here (constant memory)."""
        session, rows = self.snapshot, self.rows
        stream = {"yield_per": STREAM_BATCH}
        plans = session.execute(_export_plans(rows).order_by(rows.c.plan_id), execution_options=stream)
        scores = session.execute(
            select(
                Screening.plan_id,
                days_between(utc_day(Screening.completed_at), rows.c.start_date).label("days"),
                Screening.total,
            )
            .join(rows, rows.c.plan_id == Screening.plan_id)
            .where(
                Screening.instrument == Instrument.PHQ9,
                Screening.total.is_not(None),
                Screening.id.not_in(_baseline_answers()),
            )
            .order_by(rows.c.plan_id, Screening.completed_at, Screening.id),
            execution_options=stream,
        )
        events = session.execute(
            select(rows.c.plan_id, AdverseEvent.type, AdverseEvent.severity, func.count().label("n"))
            .join(AdverseEvent, AdverseEvent.plan_id == rows.c.plan_id)
            .group_by(rows.c.plan_id, AdverseEvent.type, AdverseEvent.severity)
            .order_by(rows.c.plan_id, AdverseEvent.type, AdverseEvent.severity),
            execution_options=stream,
        )
        series, adverse = _ByPlan(scores), _ByPlan(events)
        for plan in plans:
            plan_scores, plan_events = series.take(plan.plan_id), adverse.take(plan.plan_id)
            published = self.placement.get(_cell(plan))
            if published is None:  # dropped, or a cell the count did not see
                continue
            row = _export_row(plan, published, plan_scores, plan_events)
            yield (json.dumps(row, separators=(",", ":")) + "\n").encode()

    def close(self) -> None:
        self.snapshot.close()


class _ByPlan:
    """Rows ordered by plan as the plans' own stream is (the same ORDER BY), each plan's handed out when
    that plan comes: every plan of these rows is in the plans' stream, so nothing is ever skipped."""

    def __init__(self, result: Any) -> None:
        self._groups = groupby(result, key=lambda row: row.plan_id)
        self._current = next(self._groups, None)

    def take(self, plan_id: str) -> list[Any]:
        if self._current is None or self._current[0] != plan_id:
            return []
        rows = list(self._current[1])
        self._current = next(self._groups, None)
        return rows


def _export_row(
    plan: Any, published: disclosure.Cell, scores: list[Any], events: list[Any]
) -> dict[str, Any]:
    """One de-identified row: no names, ids, ZIP, dates or free text (docs/outcomes.md)."""
    baseline, latest = plan.baseline, plan.latest
    return {
        "row_id": secrets.token_hex(16),  # random, new each export: links nothing across exports
        "age_band": published.age_band,
        "sex_at_birth": published.sex_at_birth,
        "state": published.state,
        "protocol": published.protocol,
        "route": published.route,
        "start_year": int(plan.start_year),
        "baseline_total": baseline,
        "series": [{"week": cohorts.week_of(int(s.days)), "total": s.total} for s in scores],
        "response": is_phq9_response(baseline, latest),
        "remission": is_phq9_remission(latest) if baseline is not None else None,
        "adverse_events": cohorts.adverse_event_counts((e.type, e.severity, int(e.n)) for e in events),
    }


def open_export(snapshot: Session, principal: Principal, query: ExportQuery) -> Export:
    """Count the export's cells in ``snapshot`` (a session reading one snapshot until it is closed),
    generalise them, and return the export, ready to stream from the same snapshot."""
    _require_reader(principal)
    rows = plan_rows(principal, query.window)
    plans = _export_plans(rows).subquery("export_plans")
    cell_columns = [plans.c[field] for field in _CELL_FIELDS]
    cells = {
        _cell(row): int(row.n)
        for row in snapshot.execute(select(*cell_columns, func.count().label("n")).group_by(*cell_columns))
    }
    placement = disclosure.generalise(cells)
    row_count = sum(n for cell, n in cells.items() if placement[cell] is not None)
    return Export(snapshot=snapshot, rows=rows, placement=placement, row_count=row_count)
