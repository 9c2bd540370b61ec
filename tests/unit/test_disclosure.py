"""Small-cell suppression and Safe Harbor generalisation (api/domain/disclosure.py): the boundaries, and
properties over generated tables: no published table lets a count from 1 to 10 be computed back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from api.domain.disclosure import (
    COUNT_FIELDS,
    MIN_CELL,
    Cell,
    Published,
    age_band,
    generalise,
    is_small,
    suppress,
)

Counts = dict[str, int]


def same(count: int) -> Counts:
    """A row of ``count`` plans, none followed up (no count inside ``plans`` bounds it from below)."""
    return {**dict.fromkeys(COUNT_FIELDS, 0), "plans": count}


def table(*counts: int) -> tuple[list[Published], Published]:
    groups = [same(c) for c in counts]
    return suppress(groups, same(sum(counts)))


def shown(row: Published) -> int | None:
    return row.counts["plans"]


@pytest.mark.parametrize(
    ("counts", "published", "total"),
    [
        pytest.param((0, 20), (0, 20), 20, id="0 is shown"),
        pytest.param((1, 20), (None, None), 21, id="1 hidden, and the only other group with it"),
        pytest.param((10, 20), (None, None), 30, id="10 hidden"),
        pytest.param((11, 20), (11, 20), 31, id="11 shown"),
        pytest.param((10, 11, 30), (None, None, 30), 51, id="the next smallest is the complement"),
        pytest.param((1, 1, 30), (None, None, None), 32, id="two hidden 1s would be derivable: a third"),
        pytest.param((2, 1, 30), (None, None, 30), 33, id="two hidden cells not both 1"),
        pytest.param((5,), (None,), None, id="one group: the totals are the same count, both hidden"),
        pytest.param((5, 0), (None, 0), None, id="no other non-zero group: the totals are hidden too"),
    ],
)
def test_suppression_at_the_boundaries(
    counts: tuple[int, ...], published: tuple[int | None, ...], total: int | None
) -> None:
    groups, totals = table(*counts)

    assert tuple(shown(g) for g in groups) == published
    assert shown(totals) == total
    assert [g.suppressed for g in groups] == [p is None for p in published]


def test_a_complement_pinned_by_its_own_row_hides_the_totals() -> None:
    """11 plans all followed up (shown: 11) and 1 plan: 12 in total would give both back (the 11's group is
    at least its 11 followed up), so the totals' plans are hidden too."""
    groups = [{**same(11), "with_follow_up": 11}, same(1)]

    published, totals = suppress(groups, {**same(12), "with_follow_up": 11})

    assert [p.counts["plans"] for p in published] == [None, None]
    assert totals.counts["plans"] is None


def test_a_group_whose_own_row_pins_the_count_is_never_the_complement() -> None:
    """11 followed up of 11 plans with 11 responders: hidden, the 11 would still be read off its own row (at
    least its responders, at most its plans), so it protects nothing; the next open group is hidden instead,
    and the 11 is shown."""
    groups = [
        {"plans": 11, "with_follow_up": 11, "responders": 11, "remitters": 0},
        {"plans": 20, "with_follow_up": 1, "responders": 0, "remitters": 0},
        {"plans": 30, "with_follow_up": 25, "responders": 20, "remitters": 0},
    ]
    totals = {field: sum(g[field] for g in groups) for field in COUNT_FIELDS}

    published, published_totals = suppress(groups, totals)

    assert [p.counts["with_follow_up"] for p in published] == [11, None, None]
    assert [p.suppressed for p in published] == [False, True, True]
    assert published_totals.counts["with_follow_up"] == 37


def test_each_count_field_is_complemented_on_its_own() -> None:
    groups = [
        {"plans": 30, "with_follow_up": 25, "responders": 4, "remitters": 0},
        {"plans": 20, "with_follow_up": 20, "responders": 15, "remitters": 12},
        {"plans": 12, "with_follow_up": 12, "responders": 12, "remitters": 11},
    ]
    totals = {field: sum(g[field] for g in groups) for field in COUNT_FIELDS}

    published, published_totals = suppress(groups, totals)

    assert [dict(p.counts) for p in published] == [
        {"plans": 30, "with_follow_up": 25, "responders": None, "remitters": 0},
        {"plans": 20, "with_follow_up": 20, "responders": 15, "remitters": 12},
        {"plans": 12, "with_follow_up": 12, "responders": None, "remitters": 11},
    ]
    assert [p.suppressed for p in published] == [True, False, True]
    assert dict(published_totals.counts) == totals and not published_totals.suppressed


@pytest.mark.parametrize(
    ("age", "band"),
    [(17, None), (18, "18-24"), (24, "18-24"), (25, "25-34"), (84, "75-84"), (85, "85-89"), (89, "85-89"),
     (90, "90+"), (107, "90+")],
)  # fmt: skip
def test_age_bands_put_everyone_over_89_together(age: int, band: str | None) -> None:
    assert age_band(age) == band


@pytest.mark.parametrize(("count", "small"), [(0, False), (1, True), (10, True), (11, False)])
def test_small_counts_are_1_to_10(count: int, small: bool) -> None:
    assert is_small(count) is small


# --- properties -------------------------------------------------------------------------------------------

_PARENT = {"with_follow_up": "plans", "responders": "with_follow_up", "remitters": "with_follow_up"}
_CHILDREN = {"plans": ("with_follow_up",), "with_follow_up": ("responders", "remitters")}


@st.composite
def cohort_groups(draw: st.DrawFn) -> list[Counts]:
    """Groups as the cohort query yields them: nested counts, many of them small."""
    groups = []
    for _ in range(draw(st.integers(0, 7))):
        plans = draw(st.one_of(st.integers(1, 12), st.integers(1, 60)))
        follow = draw(st.integers(0, plans))
        groups.append(
            {
                "plans": plans,
                "with_follow_up": follow,
                "responders": draw(st.integers(0, follow)),
                "remitters": draw(st.integers(0, follow)),
            }
        )
    return groups


def _bounds(row: Mapping[str, int | None], field: str) -> tuple[int, float]:
    """What a reader knows of a hidden count from its own row: at least 1 (0 is shown), at least any shown
    count it contains, at most the shown count that contains it."""
    low = max([1, *[v for c in _CHILDREN.get(field, ()) if (v := row[c]) is not None]])
    parent = _PARENT.get(field)
    high = row[parent] if parent is not None and row[parent] is not None else float("inf")
    return low, high


def _pinned(published: Sequence[Published], totals: Published, field: str) -> list[str]:
    """The hidden cells of one field a reader can compute exactly from ``totals = sum(groups)`` and the
    bounds of their rows (one equation, coefficients +1 for groups and -1 for the totals: each unknown's
    range is the equation's, given the others' boxes)."""
    cells = [(1, p.counts) for p in published] + [(-1, totals.counts)]
    known = sum(sign * row[field] for sign, row in cells if row[field] is not None)  # type: ignore[operator]
    unknown = [(sign, _bounds(row, field), i) for i, (sign, row) in enumerate(cells) if row[field] is None]
    pinned = []
    for sign, (low, high), i in unknown:
        others = [(s, b) for s, b, j in unknown if j != i]
        # sign * x = -known - sum(others): the others' sum ranges over [lo_sum, hi_sum].
        lo_sum = sum(s * (b[0] if s > 0 else b[1]) for s, b in others)
        hi_sum = sum(s * (b[1] if s > 0 else b[0]) for s, b in others)
        if sign > 0:
            lo, hi = -known - hi_sum, -known - lo_sum
        else:
            lo, hi = known + lo_sum, known + hi_sum
        lo, hi = max(lo, low), min(hi, high)
        if lo == hi:
            pinned.append(f"{field} of cell {i} is {lo}")
    return pinned


@given(cohort_groups())
# Found by this test (2026-12-06): the complement was a group its own row pins (11 of 11 followed up, 11
# responders), so hiding it hid nothing.
@example(
    [
        same(11),
        {"plans": 11, "with_follow_up": 11, "responders": 11, "remitters": 0},
        {**same(2), "with_follow_up": 1},
    ]
)
@settings(max_examples=400, deadline=None)
def test_no_published_table_lets_a_small_count_be_computed_back(groups: list[Counts]) -> None:
    totals = {field: sum(g[field] for g in groups) for field in COUNT_FIELDS}

    published, published_totals = suppress(groups, totals)

    for row, original in [*zip(published, groups, strict=True), (published_totals, totals)]:
        for field in COUNT_FIELDS:
            value = row.counts[field]
            assert value is None or value == original[field]  # shown as it is, or hidden
            assert value is None or not is_small(value)  # never 1 to 10
    for field in COUNT_FIELDS:
        assert not _pinned(published, published_totals, field)


@given(cohort_groups())
@settings(max_examples=200, deadline=None)
def test_a_group_with_a_hidden_count_is_suppressed_and_a_suppressed_group_has_a_partner(
    groups: list[Counts],
) -> None:
    totals = {field: sum(g[field] for g in groups) for field in COUNT_FIELDS}

    published, published_totals = suppress(groups, totals)

    for row in [*published, published_totals]:
        assert row.suppressed == any(v is None for v in row.counts.values())
    for field in COUNT_FIELDS:
        hidden = [row for row in [*published, published_totals] if row.counts[field] is None]
        assert len(hidden) != 1  # complementary: never one hidden cell alone in its field


# --- generalisation -----------------------------------------------------------------------------------------

_cells = st.builds(
    Cell,
    protocol=st.sampled_from(["iv_induction", "oral_at_home"]),
    route=st.sampled_from(["intravenous", "oral"]),
    age_band=st.sampled_from(["25-34", "45-54", "90+", None]),
    sex_at_birth=st.sampled_from(["female", "male"]),
    state=st.sampled_from(["TX", "CA", "NY", None]),
)


def _steps(original: Cell) -> list[Cell]:
    """What a cell may be published as: itself, without its state, without its state and age band."""
    no_state = replace(original, state=None)
    return [original, no_state, replace(no_state, age_band=None)]


@given(st.dictionaries(_cells, st.integers(1, 25), max_size=30))
@settings(max_examples=400, deadline=None)
def test_generalised_rows_sit_in_cells_of_at_least_11(cells: dict[Cell, int]) -> None:
    placement = generalise(cells)

    assert set(placement) == set(cells)
    published: Counter[Cell] = Counter()
    for original, cell in placement.items():
        if cell is not None:
            assert cell in _steps(original)
            published[cell] += cells[original]
        if cells[original] >= MIN_CELL:
            assert cell == original  # a cell big enough is never generalised
    assert all(size >= MIN_CELL for size in published.values())
    # What is dropped could not be kept: its fully generalised cell, with everything that ended there or was
    # dropped with it, is still under 11.
    last: Counter[Cell] = Counter()
    for original, cell in placement.items():
        if cell is None or cell == _steps(original)[-1]:
            last[_steps(original)[-1]] += cells[original]
    for original, cell in placement.items():
        if cell is None:
            assert last[_steps(original)[-1]] < MIN_CELL


@pytest.mark.parametrize(("size", "kept_as_is"), [(10, False), (11, True)])
def test_a_cell_of_10_is_generalised_and_one_of_11_is_not(size: int, kept_as_is: bool) -> None:
    cell = Cell("iv_induction", "intravenous", "45-54", "female", "TX")

    placement = generalise({cell: size})

    assert (placement[cell] == cell) is kept_as_is
    if not kept_as_is:
        assert placement[cell] is None  # nothing to regroup with: dropped


def test_cells_regroup_without_their_state_then_their_age_band() -> None:
    tx = Cell("iv_induction", "intravenous", "45-54", "female", "TX")
    ca = replace(tx, state="CA")
    old_fl = Cell("oral_at_home", "oral", "85-89", "male", "FL")
    young_fl = replace(old_fl, age_band="25-34")

    placement = generalise({tx: 5, ca: 6, old_fl: 4, young_fl: 8})

    assert placement[tx] == placement[ca] == replace(tx, state=None)
    assert placement[old_fl] == placement[young_fl] == Cell("oral_at_home", "oral", None, "male", None)
