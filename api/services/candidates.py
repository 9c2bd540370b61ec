"""The SQL that finds and bounds matching candidates (clinical-rules.md §3), for api.services.matching.

Built from api.domain.matching's table: ``SqlOps`` turns each hard filter's condition and each score part's
value, written once there, into SQL over the stored facts (``ProviderStateFacts``, which
api.services.provider_facts keeps current). A condition becomes three-valued here: it holds for every slot
the provider may have (``Verdict.yes``), fails for every one (``Verdict.no``), or neither — a licence or DEA
registration ending within the horizon, whose verdict depends on the slot's date, or a free-slot summary not
valid now — and then the exact path decides.

One range scan of the patient's state classifies each licensed provider once, under the first filter it
certainly fails, as a candidate (every filter certainly holds) or for the exact path; counts each class;
and orders the candidates by an upper bound of their score. Then, for the providers the exact path scores,
their stored facts and availability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    extract,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from api.domain.matching import (
    FACT_NAMES,
    HARD_FILTERS,
    SCORE_PARTS,
    DateSpan,
    FilterRule,
    HardFilter,
    MatchRequest,
    MatchWeights,
    ProviderFacts,
    Rule,
    RuleTerms,
    weighted_mean,
)
from api.models import Provider, ProviderDirectorySize, ProviderStateFacts
from api.models.provider import RouteSet, WordSet

_CATEGORY_EXACT, _CATEGORY_CANDIDATE = "~exact", "~candidate"
# The rows of a state are the providers licensed there, so the licence filter must come first: what it
# certainly excludes is left out of the range read and counted with the providers holding no licence there.
if HARD_FILTERS[0].code is not HardFilter.LICENSE:
    raise AssertionError("the licence filter must come first: the facts of a state are its licensees'")


@dataclass(frozen=True, eq=False)  # compared by identity: SQL expressions have no truth value
class Verdict:
    """A condition in SQL, three-valued and never NULL: ``yes`` where it holds for every slot the provider
    may have, ``no`` where it fails for every one; where neither, the exact path decides. ``certain``: one
    of the two always holds (a condition over facts that do not depend on the slot)."""

    yes: ColumnElement[bool]
    no: ColumnElement[bool]
    certain: bool = False

    @classmethod
    def of(cls, holds: ColumnElement[bool]) -> Verdict:
        """A condition over facts that are always known."""
        return cls(holds, not_(holds), certain=True)


# Conditions settled by the request alone (``any_of(not terms.needs_psychiatrist, ...)``), folded away.
ALWAYS = Verdict(true(), false(), certain=True)
NEVER = Verdict(false(), true(), certain=True)


@dataclass(frozen=True)
class Cached:
    """A stored fact that holds only while ``valid``: the free-slot summary."""

    column: ColumnElement[Any]
    valid: ColumnElement[bool]


class SqlOps:
    """``api.domain.matching.Ops`` over SQL expressions: conditions give a ``Verdict``, numbers an
    expression (for a candidate, every fact is known, so the score's value is exact but for what it takes
    from the request's slots)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    @staticmethod
    def verdict(condition: Any) -> Verdict:
        if isinstance(condition, Verdict):
            return condition
        if isinstance(condition, bool):  # a term of the request
            return ALWAYS if condition else NEVER
        raise TypeError(f"not a condition: {condition!r}")

    def holds(self, fact: Any) -> Verdict:
        return Verdict.of(fact)

    def all_of(self, *conditions: Any) -> Verdict:
        verdicts = [self.verdict(condition) for condition in conditions]
        if NEVER in verdicts:
            return NEVER
        return _combined([v for v in verdicts if v is not ALWAYS], ALWAYS, and_, or_)

    def any_of(self, *conditions: Any) -> Verdict:
        verdicts = [self.verdict(condition) for condition in conditions]
        if ALWAYS in verdicts:
            return ALWAYS
        return _combined([v for v in verdicts if v is not NEVER], NEVER, or_, and_)

    def at_least(self, value: Any, bound: Any) -> Verdict:
        column, valid = _known(value)
        first, last = (bound.first, bound.last) if isinstance(bound, DateSpan) else (bound, bound)
        return Verdict(
            and_(valid, column.is_not(None), column >= last),
            and_(valid, or_(column.is_(None), column < first)),
        )

    def at_most(self, value: Any, bound: Any) -> Verdict:
        column, valid = _known(value)
        first, last = (bound.first, bound.last) if isinstance(bound, DateSpan) else (bound, bound)
        return Verdict(
            and_(valid, column.is_not(None), column <= first),
            and_(valid, or_(column.is_(None), column > last)),
        )

    def shares(self, values: Any, wanted: frozenset[Any]) -> Verdict:
        stored_as = values.type
        if not isinstance(stored_as, RouteSet | WordSet):
            raise TypeError(f"{values} is not a stored set")
        return Verdict.of(stored_as.meets(values, wanted)) if wanted else NEVER

    def one_of(self, value: Any, choices: frozenset[str]) -> Verdict:
        return Verdict.of(value.in_(sorted(choices))) if choices else NEVER

    def when(self, condition: Any, then: float, otherwise: float) -> Any:
        verdict = self.verdict(condition)
        if verdict in (ALWAYS, NEVER):
            return then if verdict is ALWAYS else otherwise
        return case((verdict.yes, then), else_=otherwise)

    def ratio(self, part: Any, whole: Any) -> Any:
        return sql_cast(part, Float) / sql_cast(whole, Float)  # float division, not NUMERIC

    def clamp(self, value: Any, low: float, high: float) -> Any:
        return case((value < low, low), (value > high, high), else_=value)

    def elapsed(self, start: datetime, end: Any) -> Any:
        column, _ = _known(end)
        if self.dialect == "sqlite":
            epoch = (func.julianday(column) - 2440587.5) * 86400.0
        else:
            epoch = sql_cast(extract("epoch", column), Float)
        return epoch - start.timestamp()

    def length(self, span: timedelta) -> float:
        return span.total_seconds()


def _combined(verdicts: list[Verdict], empty: Verdict, both: Any, either: Any) -> Verdict:
    """``verdicts`` joined (``both`` for ``yes``, ``either`` for ``no`` in ``all_of``; the other way round
    in ``any_of``); ``empty`` when none is left."""
    if not verdicts:
        return empty
    if len(verdicts) == 1:
        return verdicts[0]
    return Verdict(
        both(*(v.yes for v in verdicts)),
        either(*(v.no for v in verdicts)),
        certain=all(v.certain for v in verdicts),
    )


def _known(value: Any) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    return (value.column, value.valid) if isinstance(value, Cached) else (value, true())


class _StoredFacts:
    """The stored facts as a rule sees them in SQL: the columns it declares it reads, and no other."""

    def __init__(self, columns: Any, reads: Sequence[str], summary_valid: ColumnElement[bool]) -> None:
        self._columns, self._reads, self._summary_valid = columns, frozenset(reads), summary_valid

    def __getattr__(self, name: str) -> Any:
        if name not in self._reads:
            raise AttributeError(f"a matching rule reads {name!r} without declaring it in its reads")
        column = getattr(self._columns, name)
        return Cached(column, self._summary_valid) if name == "first_free_slot_at" else column


@dataclass(frozen=True)
class ScoreBound:
    """A candidate's SQL score bound, with what the preferred-times bound needs (its zone, slot hours)."""

    provider_id: str
    bound: float
    timezone: str
    slot_hours: str | None


@dataclass(frozen=True)
class Classification:
    """What the classifying query found: exclusions settled in SQL, providers needing the exact Python
    path, and the best candidates by score bound (id, bound), best first."""

    excluded: dict[str, int]
    exact_ids: list[str]
    candidates: int
    top: list[ScoreBound]


class CandidateQuery:
    """The SQL of one matching request, from the table: the classification of the patient's state, its
    counts, the candidates by score bound, and the rows the exact path scores."""

    def __init__(self, request: MatchRequest) -> None:
        self.request = request
        self.state = request.patient_location_state
        today = request.now.astimezone(UTC).date()
        # Every usable slot starts on a UTC date from today to the horizon's: a provider is judged on one.
        self.terms = replace(
            RuleTerms.of(request),
            judged_on=DateSpan(today, (request.now + request.horizon).astimezone(UTC).date()),
        )

    def _ask(self, rule: Rule, reads: Sequence[str], columns: Any, ops: SqlOps, valid: Any) -> Any:
        return rule(cast(ProviderFacts, _StoredFacts(columns, reads, valid)), self.terms, ops)

    def _verdict(self, rule: FilterRule, ops: SqlOps) -> Verdict:
        facts = ProviderStateFacts
        now = self.request.now
        summary_valid = and_(
            facts.free_slots_computed_at.is_not(None),
            facts.free_slots_computed_at <= now,
            facts.free_slots_valid_until.is_not(None),
            facts.free_slots_valid_until >= now,
        )
        return ops.verdict(self._ask(rule.passes, rule.reads, facts, ops, summary_valid))

    # --- the classifying query ---------------------------------------------------------------------
    def _classified(self, ops: SqlOps) -> Any:
        """Each licensed provider once, under the category that settles it: the first hard filter it fails
        for every slot it may have, ``_CATEGORY_EXACT`` when a filter before that depends on the slot (its
        date, or a free-slot summary not valid now), else ``_CATEGORY_CANDIDATE`` (every filter holds)."""
        facts = ProviderStateFacts
        whens: list[tuple[ColumnElement[bool], str]] = []
        licence = self._verdict(HARD_FILTERS[0], ops)
        for rule in HARD_FILTERS:
            verdict = licence if rule is HARD_FILTERS[0] else self._verdict(rule, ops)
            if verdict is not ALWAYS:
                whens.append((verdict.no, rule.code.value))
            if not verdict.certain:
                whens.append((not_(verdict.yes), _CATEGORY_EXACT))
        scored = sorted({name for part in SCORE_PARTS for name in part.reads})
        return (
            select(
                facts.provider_id,
                case(*whens, else_=_CATEGORY_CANDIDATE).label("category"),
                *(getattr(facts, name) for name in scored if name != "provider_id"),
                facts.timezone,
                facts.slot_hours,
            )
            .where(facts.state == self.state, not_(licence.no))
            .cte("matching_classified")
            .prefix_with("MATERIALIZED")
        )

    def _bound(self, classified: Any, weights: MatchWeights, ops: SqlOps) -> ColumnElement[float]:
        """An upper bound of a candidate's unrounded score: every part's value over its stored facts (the
        preferred-times fit, which needs slots, counts 1). The earliest slot is the stored first free slot,
        valid now for a candidate."""
        values = {
            part.name: self._ask(part.value, part.reads, classified.c, ops, true()) for part in SCORE_PARTS
        }
        return sql_cast(weighted_mean(weights, values), Float)

    def _top(self, classified: Any, weights: MatchWeights, ops: SqlOps, count: int | None) -> Any:
        bound = self._bound(classified, weights, ops).label("bound")
        stmt = (
            select(classified.c.provider_id, bound, classified.c.timezone, classified.c.slot_hours)
            .where(classified.c.category == _CATEGORY_CANDIDATE)
            .order_by(bound.desc(), classified.c.provider_id)
        )
        return stmt if count is None else stmt.limit(count)

    # Long on purpose: one UNION ALL statement (counts, exact ids, top candidates, directory size) and the
    # loop that sorts its rows back apart; splitting it would cost round trips.
    def classify(self, session: Session, weights: MatchWeights, count: int | None) -> Classification:
        """One statement, one pass over the licensed providers: the count per category, the providers
        needing the exact path, and the ``count`` best candidates by score bound (every one when None)."""
        ops = SqlOps(session.get_bind().dialect.name)
        classified = self._classified(ops)
        no_text, no_float = sql_cast(null(), String), sql_cast(null(), Float)
        counts = select(
            classified.c.category,
            func.count().label("n"),
            no_text.label("provider_id"),
            no_float,
            no_text,
            no_text,
        ).group_by(classified.c.category)
        exact = select(
            literal(_CATEGORY_EXACT, String),
            literal(0, Integer),
            classified.c.provider_id,
            no_float,
            no_text,
            no_text,
        ).where(classified.c.category == _CATEGORY_EXACT)
        top = self._top(classified, weights, ops, count).subquery("top")
        ranked = select(
            literal(_CATEGORY_CANDIDATE, String),
            literal(0, Integer),
            top.c.provider_id,
            top.c.bound,
            top.c.timezone,
            top.c.slot_hours,
        )
        directory = select(
            literal("~directory", String),
            select(ProviderDirectorySize.providers).where(ProviderDirectorySize.id == 1).scalar_subquery(),
            no_text,
            no_float,
            no_text,
            no_text,
        )
        rows = session.execute(union_all(counts, exact, ranked, directory)).all()
        tally: dict[str, int] = {}
        exact_ids: list[str] = []
        bounds: list[ScoreBound] = []
        for category, number, provider_id, bound, timezone, hours in rows:
            if provider_id is None:
                tally[category] = number
            elif category == _CATEGORY_EXACT:
                exact_ids.append(provider_id)
            else:
                bounds.append(ScoreBound(provider_id, bound, timezone, hours))
        bounds.sort(key=lambda entry: (-entry.bound, entry.provider_id))
        directory_size = tally.pop("~directory")
        excluded = {code.value: tally.get(code.value, 0) for code in HardFilter}
        excluded[HardFilter.LICENSE.value] = directory_size - sum(
            number for category, number in tally.items() if category != HardFilter.LICENSE.value
        )
        return Classification(
            excluded=excluded,
            exact_ids=sorted(exact_ids),
            candidates=tally.get(_CATEGORY_CANDIDATE, 0),
            top=bounds,
        )

    def top_by_bound(self, session: Session, weights: MatchWeights, count: int) -> list[ScoreBound]:
        ops = SqlOps(session.get_bind().dialect.name)
        rows = session.execute(self._top(self._classified(ops), weights, ops, count)).all()
        return [ScoreBound(*row) for row in rows]

    def exact_rows(self, session: Session, ids: Sequence[str]) -> list[Any]:
        """These providers' stored facts in the state (``stored_facts`` reads them), time zone and
        availability, for the exact path."""
        facts = ProviderStateFacts
        return list(
            session.execute(
                select(
                    *(getattr(facts, name) for name in sorted(FACT_NAMES)),
                    facts.timezone,
                    Provider.availability,
                )
                .join(Provider, Provider.id == facts.provider_id)
                .where(facts.state == self.state, facts.provider_id.in_(ids))
            ).all()
        )
