"""What population figures and rows may be published without identifying anyone (api-contract.md,
"Population outcomes"; docs/outcomes.md).

Two rules, both pure:

- **Small-cell suppression** of a cohort table (``suppress``): a count from 1 to 10 is never shown, nor
  anything that lets it be computed back. The table is a breakdown (the groups) and its ``totals``: for
  every count field, ``totals = sum(groups)``. A hidden count is derivable when it is the only hidden cell
  of its field (totals minus the visible siblings), or when the hidden cells of a field can only all be 1
  (two hidden groups summing to 2), or, generally, when that sum and the rows' own bounds leave it one value
  (``_pinned``). So, per field, after hiding the counts of 1 to 10, the next smallest visible non-zero group
  that its own row does not pin is hidden too (complementary suppression) until none can be computed; when no
  group is left, the total. A group with any hidden count is ``suppressed``: its rates and median are not
  shown either (they would give the hidden count back from the visible ones). 0 is shown: it is no person.
  The threshold of 11 is the CMS cell-size suppression policy's (counts 1-10 are not published).
- **Generalisation** of de-identified rows (``generalise``): HIPAA Safe Harbor (45 CFR 164.514(b)(2))
  removes the identifiers (no names, dates, ZIP, ids; ages over 89 as one band); a row's remaining
  quasi-identifiers (protocol, route, age band, sex, state) form its cell, and a row in a cell of fewer
  than 11 is generalised — ``state`` dropped, then ``age_band`` — each step regrouping the cells, and the
  rows still in a cell under 11 are dropped.

Decisions the contract left open: the complement is chosen per count field, smallest value first, ties
in the groups' order; a group is suppressed when any of its counts is hidden, whatever the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

# The smallest count that may be published (CMS cell-size suppression policy: 1-10 are not).
MIN_CELL: Final = 11

COUNT_FIELDS: Final = ("plans", "with_follow_up", "responders", "remitters")

# Ages as Safe Harbor allows them: bands, and everyone over 89 in one ("90+"). (lowest age, label)
AGE_BANDS: Final = (
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55-64"),
    (65, "65-74"),
    (75, "75-84"),
    (85, "85-89"),
    (90, "90+"),
)


def age_band(age: int) -> str | None:
    """The band of an age in whole years; None under 18 (no band: such a row is generalised)."""
    bands = [label for lowest, label in AGE_BANDS if age >= lowest]
    return bands[-1] if bands else None


def is_small(count: int) -> bool:
    """A count that may not be published: 1 to 10 (0 is no person)."""
    return 0 < count < MIN_CELL


# --- small-cell suppression ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Published:
    """One row of a published table (a group or the totals): each count, or None where it is hidden."""

    counts: Mapping[str, int | None]
    suppressed: bool


def suppress(
    groups: Sequence[Mapping[str, int]], totals: Mapping[str, int]
) -> tuple[list[Published], Published]:
    """Which counts of a breakdown and its totals may be shown. ``groups`` and ``totals`` give every field of
    ``COUNT_FIELDS``; for each field the totals are the sum of the groups.

    Per field (parents first, so that a count's parent is settled when its bounds are taken): the counts of 1
    to 10 are hidden; then, while any hidden count of the field could be computed back (``_pinned``), the
    smallest visible non-zero group is hidden too, and when no group is left, the totals. A group whose own
    row already pins the count (it lies between a shown count inside it and the shown count containing it,
    and the two are equal) is never taken as the complement: hiding it would hide nothing."""
    rows = [*groups, totals]
    hidden_rows: list[set[str]] = [set() for _ in rows]
    last = len(groups)  # the totals' index in ``rows``
    signs = [1] * len(groups) + [-1]  # sum(groups) - totals = 0
    for field in COUNT_FIELDS:
        values = [row[field] for row in rows]
        hidden = {i for i, value in enumerate(values) if is_small(value)}
        bounds = [_bounds(row, shown, field) for row, shown in zip(rows, hidden_rows, strict=True)]
        while _pinned(values, signs, hidden, bounds):
            # A cell that can hide something: not zero, not hidden yet, not pinned by its own row.
            helping = [i for i in range(len(rows)) if values[i] > 0 and i not in hidden and _open(bounds[i])]
            candidates = [i for i in helping if i != last]
            if candidates:
                hidden.add(min(candidates, key=lambda i: (values[i], i)))
            elif last in helping:
                hidden.add(last)
            else:  # every cell that could help is hidden already: nothing more to hide
                break
        for i in hidden:
            hidden_rows[i].add(field)
    published = [_published(row, shown) for row, shown in zip(rows, hidden_rows, strict=True)]
    return published[:last], published[last]


def _bounds(row: Mapping[str, int], hidden: set[str], field: str) -> tuple[int, float]:
    """What a reader knows of ``row``'s ``field`` from the row itself if it is hidden: at least 1 (0 is
    shown) and at least any count inside it that is not small (plans >= with_follow_up >= responders,
    remitters; a count inside hidden later only widens this); at most the count containing it, if shown."""
    low = max([1, *[row[inner] for inner in _INSIDE.get(field, ()) if not is_small(row[inner])]])
    outer = _OUTER.get(field)
    high = row[outer] if outer is not None and outer not in hidden else _INF
    return low, high


def _open(bounds: tuple[int, float]) -> bool:
    return bounds[0] < bounds[1]


def _pinned(
    values: Sequence[int], signs: Sequence[int], hidden: set[int], bounds: Sequence[tuple[int, float]]
) -> bool:
    """Whether a hidden cell of one field could be computed exactly from ``sum(signs[i] * cell[i]) = 0``
    (``totals = sum(groups)``), the shown cells and the hidden cells' own bounds: the range the equation
    leaves it, given the others' ranges, within its own bounds, is one number. Linear in the hidden cells:
    the others' range is all the hidden cells' less the cell's own (an unbounded end counted apart)."""
    known = sum(signs[i] * value for i, value in enumerate(values) if i not in hidden)
    # Each hidden cell's part in a sum of cells at its least and at its most (signs[j] * cell[j]).
    least = {j: signs[j] * (bounds[j][0] if signs[j] > 0 else bounds[j][1]) for j in hidden}
    most = {j: signs[j] * (bounds[j][1] if signs[j] > 0 else bounds[j][0]) for j in hidden}
    least_sum, least_unbounded = _split(list(least.values()))
    most_sum, most_unbounded = _split(list(most.values()))
    for i in hidden:
        # The others' sum ranges over [others_least, others_most].
        mine_least, mine_most = _split((least[i],)), _split((most[i],))
        others_least = -_INF if least_unbounded - mine_least[1] else least_sum - mine_least[0]
        others_most = _INF if most_unbounded - mine_most[1] else most_sum - mine_most[0]
        if signs[i] > 0:  # cell = -known - others
            low, high = -known - others_most, -known - others_least
        else:  # -cell = -known - others
            low, high = known + others_least, known + others_most
        if max(low, bounds[i][0]) == min(high, bounds[i][1]):
            return True
    return False


_INF: Final = float("inf")


def _split(parts: Sequence[float]) -> tuple[float, int]:
    """The sum of the finite parts, and how many are infinite."""
    finite = [part for part in parts if abs(part) != _INF]
    return sum(finite), len(parts) - len(finite)


# The count a count contains (its row's bounds from below), and the one containing it (from above).
_INSIDE: Final = {"plans": ("with_follow_up",), "with_follow_up": ("responders", "remitters")}
_OUTER: Final = {"with_follow_up": "plans", "responders": "with_follow_up", "remitters": "with_follow_up"}


def _published(row: Mapping[str, int], hidden: set[str]) -> Published:
    return Published(
        counts={field: (None if field in hidden else row[field]) for field in COUNT_FIELDS},
        suppressed=bool(hidden),
    )


# --- Safe Harbor generalisation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Cell:
    """A row's quasi-identifiers as published; None where generalised (or unknown)."""

    protocol: str
    route: str
    age_band: str | None
    sex_at_birth: str | None
    state: str | None


# The generalisation steps, in order: which field each one drops.
GENERALISATION_STEPS: Final = ("state", "age_band")


def generalise(cells: Mapping[Cell, int]) -> dict[Cell, Cell | None]:
    """For each cell (with its number of rows), the cell its rows are published in, or None when they are
    dropped: a cell under ``MIN_CELL`` has its ``state`` dropped, the cells regrouped, then its
    ``age_band``, regrouped again; rows still in a cell under ``MIN_CELL`` are dropped. A cell of
    ``MIN_CELL`` or more is never generalised."""
    placed: dict[Cell, Cell] = {cell: cell for cell in cells}
    for step in GENERALISATION_STEPS:
        sizes = _sizes(placed, cells)
        for original, current in placed.items():
            if sizes[current] < MIN_CELL:
                placed[original] = (
                    replace(current, state=None) if step == "state" else replace(current, age_band=None)
                )
    sizes = _sizes(placed, cells)
    return {
        original: (current if sizes[current] >= MIN_CELL else None) for original, current in placed.items()
    }


def _sizes(placed: Mapping[Cell, Cell], cells: Mapping[Cell, int]) -> Counter[Cell]:
    sizes: Counter[Cell] = Counter()
    for original, current in placed.items():
        sizes[current] += cells[original]
    return sizes
