"""The SQL that finds and bounds matching candidates (clinical-rules.md §3), for api.services.matching.

One range scan of the matching facts of the patient's state (``ProviderStateFacts``, kept current by
api.services.provider_facts): the DEA, route/site, capacity and stored first-free-slot filters and the count
of providers each removes, under the first filter it fails (the order ``HardFilter`` declares), and the
candidates ordered by an upper bound of their score. Every rule it applies is read from
api.domain.matching (the filters' order, the routes needing a site, the schedule, the weights); this module
only says how each is asked of the database. Then, for the providers the exact path scores, their rows with
what the pure ``match_providers`` needs to know of them in this state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from api.domain import matching
from api.domain.availability import Slot
from api.domain.matching import (
    ACTIVE_LICENSE_STATUS,
    HardFilter,
    MatchRequest,
    MatchWeights,
    ProviderCandidate,
    primary_language,
)
from api.domain.protocols import Route
from api.models import (
    DeaRegistration,
    PracticeSite,
    Provider,
    ProviderDirectorySize,
    ProviderLanguage,
    ProviderLicense,
    ProviderRoute,
    ProviderSpecialty,
    ProviderStateFacts,
)
from api.services.provider_facts import route_bits

_CATEGORY_EXACT, _CATEGORY_CANDIDATE = "~exact", "~candidate"


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
    """The SQL of one matching request: what each hard filter means for the patient's state, the counts,
    the candidates by score bound, and the rows the exact path scores."""

    def __init__(self, request: MatchRequest) -> None:
        self.request = request
        self.state = request.patient_location_state
        self.today = request.now.astimezone(UTC).date()
        # Every usable slot starts on or before this UTC date: a licence or DEA registration covering it
        # covers every slot, so neither can fail on the slot's date rather than today's.
        self.horizon_date = (request.now + request.horizon).astimezone(UTC).date()
        # A usable slot ends within the horizon: the latest start a first free slot may have.
        self.last_start = request.now + request.horizon - request.consultation_length
        self.routes = [
            route for route in Route if not request.preferred_routes or route in request.preferred_routes
        ]

    def licensed_subquery(self, ids: Sequence[str] | None = None) -> Any:
        """Providers with an active licence in the state not expired today, and the last date it covers."""
        stmt = select(
            ProviderLicense.provider_id.label("provider_id"),
            func.max(ProviderLicense.expires_on).label("license_through"),
        ).where(
            ProviderLicense.state == self.state,
            ProviderLicense.status == ACTIVE_LICENSE_STATUS,
            ProviderLicense.expires_on >= self.today,
        )
        if ids is not None:
            stmt = stmt.where(ProviderLicense.provider_id.in_(ids))
        return stmt.group_by(ProviderLicense.provider_id).subquery("licensed")

    def _site(self, provider_id: Any, *, rems: bool) -> ColumnElement[bool]:
        conditions = [PracticeSite.provider_id == provider_id, PracticeSite.state == self.state]
        if rems:
            conditions.append(PracticeSite.rems_certified.is_(True))
        return exists().where(*conditions)

    def _offers(self, provider_id: Any, routes: Sequence[Route]) -> ColumnElement[bool]:
        if not routes:
            return false()
        return exists().where(
            ProviderRoute.provider_id == provider_id, ProviderRoute.route.in_([str(r) for r in routes])
        )

    def routes_deliverable(self, facts: Any) -> ColumnElement[bool]:
        """At least one accepted route the provider offers and can deliver here (a site, a REMS site), from
        a ``ProviderStateFacts`` row: its routes bitmask and site flags."""
        anywhere = [r for r in self.routes if r not in matching.ROUTES_NEEDING_SITE]
        at_site = [
            r
            for r in self.routes
            if r in matching.ROUTES_NEEDING_SITE and r not in matching.ROUTES_NEEDING_REMS_SITE
        ]
        at_rems_site = [r for r in self.routes if r in matching.ROUTES_NEEDING_REMS_SITE]

        def offers(routes: Sequence[Route]) -> ColumnElement[bool]:
            overlap: ColumnElement[bool] = facts.routes.op("&")(route_bits(routes)) != 0
            return overlap

        ways = []
        if anywhere:
            ways.append(offers(anywhere))
        if at_site:
            ways.append(and_(offers(at_site), facts.has_site.is_(True)))
        if at_rems_site:
            ways.append(and_(offers(at_rems_site), facts.has_rems_site.is_(True)))
        return or_(*ways) if ways else false()

    def _dea_through(self, provider_id: Any) -> Any:
        return (
            select(func.max(DeaRegistration.expires_on))
            .where(
                DeaRegistration.provider_id == provider_id,
                DeaRegistration.state == self.state,
                DeaRegistration.covers_schedule_iii.is_(True),
            )
            .scalar_subquery()
        )

    def _speaks(self, provider_id: Any) -> ColumnElement[bool]:
        assert self.request.preferred_language
        wanted = primary_language(self.request.preferred_language)
        return exists().where(
            ProviderLanguage.provider_id == provider_id,
            or_(ProviderLanguage.language == wanted, ProviderLanguage.language.startswith(f"{wanted}-")),
        )

    # --- the classifying query ---------------------------------------------------------------------
    # Long on purpose: one SQL statement, the filters in HardFilter's order; each branch is one clause.
    def _classified(self) -> Any:
        """Each licensed provider once, under the category that settles it: a hard filter code (excluded
        without any slot: its licence and DEA registration cover the whole horizon, so the first failing
        filter does not depend on the slot's date), ``_CATEGORY_CANDIDATE`` (passes every filter, its stored
        first free slot is valid now) or ``_CATEGORY_EXACT`` (needs its slots computed: a licence or DEA
        registration ending within the horizon, or a free-slot summary not valid now)."""
        request = self.request
        facts = ProviderStateFacts
        base = (
            select(
                facts.provider_id,
                facts.license_through,
                facts.dea_through,
                facts.has_site,
                facts.has_rems_site,
                facts.routes,
                facts.languages,
                facts.psychiatrist,
                facts.accepting_new_patients,
                facts.active_patients,
                facts.max_active_patients,
                facts.first_free_slot_at,
                facts.free_slots_computed_at,
                facts.free_slots_valid_until,
                facts.timezone,
                facts.slot_hours,
            )
            .where(facts.state == self.state, facts.license_through >= self.today)
            .subquery("matching_base")
        )
        c = base.c
        whens: list[tuple[ColumnElement[bool], str]] = [
            (
                or_(
                    c.license_through < self.horizon_date,
                    and_(c.dea_through >= self.today, c.dea_through < self.horizon_date),
                ),
                _CATEGORY_EXACT,
            ),
            (or_(c.dea_through.is_(None), c.dea_through < self.today), HardFilter.DEA.value),
            (~self.routes_deliverable(c), HardFilter.ROUTE.value),
            (
                ~and_(c.accepting_new_patients.is_(True), c.active_patients < c.max_active_patients),
                HardFilter.CAPACITY.value,
            ),
            (
                or_(
                    c.free_slots_computed_at.is_(None),
                    c.free_slots_computed_at > request.now,
                    c.free_slots_valid_until < request.now,
                ),
                _CATEGORY_EXACT,
            ),
            (
                or_(c.first_free_slot_at.is_(None), c.first_free_slot_at > self.last_start),
                HardFilter.NO_SLOT.value,
            ),
        ]
        if matching.needs_psychiatrist(request):
            psychiatrist = c.psychiatrist.is_(True)
            whens.append((~psychiatrist, HardFilter.CREDENTIAL.value))
        return (
            select(
                c.provider_id,
                case(*whens, else_=_CATEGORY_CANDIDATE).label("category"),
                c.first_free_slot_at,
                c.active_patients,
                c.max_active_patients,
                c.languages,
                c.timezone,
                c.slot_hours,
            )
            .cte("matching_classified")
            .prefix_with("MATERIALIZED")
        )

    def _bound(self, classified: Any, weights: MatchWeights, dialect: str) -> ColumnElement[float]:
        """An upper bound of a candidate's unrounded score: every component exact but preferred-times fit,
        taken as 1 (exact when the patient has no preferred times). The earliest-slot component comes from
        the stored first free slot, valid now for a candidate."""
        request = self.request
        c = classified.c
        now_epoch = request.now.timestamp()
        seconds: Any
        if dialect == "sqlite":
            seconds = (func.julianday(c.first_free_slot_at) - 2440587.5) * 86400.0 - now_epoch
        else:
            seconds = cast(extract("epoch", c.first_free_slot_at), Float) - now_epoch
        language: Any = literal(1.0)
        if request.preferred_language:
            wanted = primary_language(request.preferred_language)
            speaks = c.languages.contains(f" {wanted} ", autoescape=True)
            language = case((speaks, 1.0), else_=0.0)
        continuity: Any = literal(0.0)
        if request.seen_by_provider_ids:
            continuity = case((c.provider_id.in_(sorted(request.seen_by_provider_ids)), 1.0), else_=0.0)
        score = matching.weighted_mean(
            weights,
            earliest_slot=matching.earliest_slot_fraction(seconds, request.horizon.total_seconds()),
            language=language,
            preferred_times=1.0,  # the bound: the exact fit is at most 1 (tightened in Python)
            spare_capacity=matching.spare_capacity_fraction(
                cast(c.active_patients, Float), c.max_active_patients
            ),
            continuity=continuity,
        )
        return cast(score, Float)

    def _top(self, classified: Any, weights: MatchWeights, dialect: str, count: int | None) -> Any:
        bound = self._bound(classified, weights, dialect).label("bound")
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
        dialect = session.get_bind().dialect.name
        classified = self._classified()
        no_text, no_float = cast(null(), String), cast(null(), Float)
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
        top = self._top(classified, weights, dialect, count).subquery("top")
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
        excluded[HardFilter.LICENSE.value] = directory_size - sum(tally.values())
        return Classification(
            excluded=excluded,
            exact_ids=sorted(exact_ids),
            candidates=tally.get(_CATEGORY_CANDIDATE, 0),
            top=bounds,
        )

    def top_by_bound(self, session: Session, weights: MatchWeights, count: int) -> list[ScoreBound]:
        dialect = session.get_bind().dialect.name
        rows = session.execute(self._top(self._classified(), weights, dialect, count)).all()
        return [ScoreBound(*row) for row in rows]

    def exact_rows(self, session: Session, ids: Sequence[str]) -> list[Any]:
        """These licensed providers' rows for the exact path (``candidate`` reads them)."""
        licensed = self.licensed_subquery(ids)
        return list(
            session.execute(
                select(*self.candidate_columns(licensed))
                .select_from(licensed)
                .join(Provider, Provider.id == licensed.c.provider_id)
            ).all()
        )

    def candidate_columns(self, licensed: Any) -> list[Any]:
        columns: list[Any] = [
            Provider.id,
            Provider.credential,
            Provider.accepting_new_patients,
            Provider.max_active_patients,
            Provider.active_patients,
            Provider.timezone,
            Provider.availability,
            licensed.c.license_through,
            self._dea_through(Provider.id).label("dea_through"),
            self._site(Provider.id, rems=False).label("has_site"),
            self._site(Provider.id, rems=True).label("has_rems_site"),
            exists()
            .where(
                ProviderSpecialty.provider_id == Provider.id,
                ProviderSpecialty.specialty == matching.PSYCHIATRY_SPECIALTY,
            )
            .label("psychiatry"),
        ]
        columns += [
            self._offers(Provider.id, [route]).label(f"offers_{route.value}") for route in self.routes
        ]
        if self.request.preferred_language:
            columns.append(self._speaks(Provider.id).label("speaks"))
        return columns

    def candidate(self, row: Any, free_slots: tuple[Slot, ...]) -> ProviderCandidate:
        """The provider as matching sees it for this state (records of other states cannot matter here)."""
        preferred = self.request.preferred_language
        wanted = primary_language(preferred) if preferred else None
        return ProviderCandidate(
            id=row.id,
            credential=row.credential,
            specialties=frozenset({matching.PSYCHIATRY_SPECIALTY} if row.psychiatry else ()),
            languages=(wanted,) if wanted and row.speaks else (),
            routes_offered=frozenset(str(r) for r in self.routes if getattr(row, f"offers_{r.value}")),
            sites=(matching.PracticeSite(self.state, bool(row.has_rems_site)),) if row.has_site else (),
            licenses=(
                matching.StateLicense(self.state, ACTIVE_LICENSE_STATUS, _as_date(row.license_through)),
            ),
            dea_registrations=(
                (
                    matching.DeaRegistration(
                        self.state, frozenset({matching.KETAMINE_DEA_SCHEDULE}), _as_date(row.dea_through)
                    ),
                )
                if row.dea_through is not None
                else ()
            ),
            accepting_new_patients=bool(row.accepting_new_patients),
            max_active_patients=row.max_active_patients,
            active_patients=row.active_patients,
            free_slots=free_slots,
        )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
