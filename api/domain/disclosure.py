"""What population figures and rows may be published without identifying anyone (api-contract.md,
"Population outcomes"; docs/outcomes.md).

Two rules, both pure:

- **Small-cell suppression** of a cohort table (``suppress``): a count from 1 to 10 is never shown, nor
  anything that lets it be computed back. The table is a breakdown (the groups) and its ``totals``: for
  every count field, ``totals = sum(groups)``. A hidden count is derivable when it is the only hidden cell
  of its field (totals minus the visible siblings), or when the hidden cells of a field can only all be 1
  (two hidden groups summing to 2). So, per field, after hiding the counts of 1 to 10, the next smallest
  visible non-zero group is hidden too (complementary suppression) until neither holds; when no group is
  left, the total. A group with any hidden count is ``suppressed``: its rates and median are not shown
  either (they would give the hidden count back from the visible ones). 0 is shown: it is no person.
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
    ``COUNT_FIELDS``; for each field the totals are the sum of the groups."""
    hidden_groups: list[set[str]] = [set() for _ in groups]
    hidden_totals: set[str] = set()
    for field in COUNT_FIELDS:
        values = [group[field] for group in groups]
        hidden = {i for i, value in enumerate(values) if is_small(value)}
        total_hidden = is_small(totals[field])
        # What a reader knows of a hidden count from its own row: at least 1 (0 is shown), and at least any
        # count inside it that may be shown (plans >= with_follow_up >= responders, remitters).
        lows = [max([1, *[g[c] for c in _INSIDE.get(field, ()) if not is_small(g[c])]]) for g in groups]
        while _derivable(values, hidden, total_hidden, lows):
            candidates = [i for i, value in enumerate(values) if value > 0 and i not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda i: (values[i], i)))
            elif totals[field] > 0 and not total_hidden:
                total_hidden = True
            else:  # every non-zero cell is hidden already: nothing more to hide
                break
        for i in hidden:
            hidden_groups[i].add(field)
        if total_hidden:
            hidden_totals.add(field)
    published = [_published(group, hidden) for group, hidden in zip(groups, hidden_groups, strict=True)]
    return published, _published(totals, hidden_totals)


def _derivable(values: Sequence[int], hidden: set[int], total_hidden: bool, lows: Sequence[int]) -> bool:
    """Whether a hidden cell of one field could be computed back from ``totals = sum(groups)``: it is the
    only hidden cell, or (the total shown) the hidden groups can only be at their least each."""
    cells = len(hidden) + (1 if total_hidden else 0)
    if cells == 1:
        return True
    if not total_hidden and hidden:
        return sum(values[i] for i in hidden) <= sum(lows[i] for i in hidden)
    return False


# The counts a count contains (its row's bounds from below).
_INSIDE: Final = {"plans": ("with_follow_up",), "with_follow_up": ("responders", "remitters")}


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
