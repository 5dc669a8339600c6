"""The fairness report's arithmetic (FAIR-1), pure: plain values in, plain values out, no database.

Selection rate of a group at a stage: the share of the group's candidates who reached the stage, ``n / N``.
Impact ratio: a group's rate divided by the highest rate among the groups that can be compared (answer options
with at least ``MIN_GROUP`` candidates shown; "prefer not to say" and "no answer" are shown with their counts but
are never the reference and get no ratio). The four-fifths rule flags a ratio below 0.8. The same for approved
criterion scores: the share of the group's approved scores at or above the median of the criterion's approved
scores (every candidate's, whatever their group).

Small groups (FAIR-1). A group with fewer than ``MIN_GROUP`` candidates is not shown: neither its counts nor its
rates, only "fewer than 5". Hiding one cell is not enough when the reader knows the totals, and an admin does: the
hiring's candidate count (its pipeline), the organization's count, and every other report. ``suppress`` therefore
looks at the whole organization at once, as one table: a row per hiring plus the organization's row, a column per
group (every option, "prefer not to say" and "no answer", so each row adds up to a known total), and each column's
hirings add up to the organization's cell. A hidden cell can be worked out exactly, by subtracting shown cells from
known totals, precisely when it is a *bridge* of the graph of hidden cells (rows and columns as vertices, hidden
cells as edges): not on any cycle. A lone hidden cell in a row (the classic "total minus the others"), a group
hidden in only one hiring while the organization's report shows it (the "organization minus the other hirings"
difference), and longer chains are all bridges. So after hiding the small cells, ``suppress`` keeps hiding one more
cell (reason ``COMPLEMENT``) next to a bridge, preferring one that closes a cycle, then the smallest non-zero one,
until no hidden cell is a bridge. Every hidden cell is then on a cycle, and adding and taking away the same number
around the cycle keeps every known total: the subtraction no longer gives one answer.

What this does not stop, and the page says so: comparing the report over time (a report read before and after one
candidate answers shows that person's change), bounds (a hidden cell is still known to lie between 0 and the row's
hidden sum, and a cycle whose other cells are 0 narrows that), and what a reader knows from elsewhere about a
person. The report is the admins' alone for that reason.

Money-like exactness: rates are ``Fraction``s; the pages round them only to print them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

MIN_GROUP = 5
FOUR_FIFTHS = Fraction(4, 5)
SMALL = "small"  # fewer than MIN_GROUP candidates
COMPLEMENT = "complement"  # hidden so that a small group cannot be worked out from the totals
ORGANIZATION_ROW = "__organization__"

Cell = tuple[Hashable, Hashable]  # (row, column)


@dataclass(frozen=True)
class Group:
    """A column of the report: an answer option (``comparable``), or "prefer not to say" / "no answer"."""

    key: str
    label: str
    comparable: bool = True


@dataclass(frozen=True)
class Figure:
    """One group's rate at one stage (or for one criterion's scores), with the counts behind it."""

    group: Group
    n: int | None  # reached (or at/above the median); None when hidden
    total: int | None  # the group's candidates (or approved scores); None when hidden
    hidden: str | None = None  # SMALL or COMPLEMENT
    rate: Fraction | None = None
    impact_ratio: Fraction | None = None
    reference: bool = False

    @property
    def flagged(self) -> bool:
        """The four-fifths rule: a group selected at less than 80 % of the most selected group's rate."""
        return self.impact_ratio is not None and self.impact_ratio < FOUR_FIFTHS


def rates(counts: Mapping[str, tuple[int, int]], groups: Sequence[Group], hidden: Mapping[str, str]) -> list[Figure]:
    """Each group's figure from ``counts`` (group key → (n, N)), leaving out the ``hidden`` groups' numbers.

    The reference is the comparable shown group with the highest rate (the first in ``groups`` order on a tie);
    when that rate is 0 no ratio is defined (nobody was selected) and none is given."""
    shown_rates: dict[str, Fraction] = {}
    for group in groups:
        n, total = counts.get(group.key, (0, 0))
        if group.key not in hidden and total > 0:
            shown_rates[group.key] = Fraction(n, total)
    comparable = [g.key for g in groups if g.comparable and g.key in shown_rates]
    reference = max(comparable, key=lambda key: shown_rates[key], default=None)
    best = shown_rates[reference] if reference is not None else Fraction(0)
    figures = []
    for group in groups:
        if group.key in hidden:
            figures.append(Figure(group=group, n=None, total=None, hidden=hidden[group.key]))
            continue
        n, total = counts.get(group.key, (0, 0))
        rate = shown_rates.get(group.key)
        ratio = rate / best if (group.comparable and rate is not None and best > 0) else None
        figures.append(
            Figure(group=group, n=n, total=total, rate=rate, impact_ratio=ratio, reference=group.key == reference)
        )
    return figures


def median(values: Iterable[int]) -> Fraction | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def at_or_above_median(scores: Iterable[tuple[str, Hashable, int]]) -> dict[str, tuple[int, int]]:
    """``scores`` as (group key, criterion, value): per group (at or above its criterion's median, all scores).

    Each criterion's median is taken over every approved score of that criterion in ``scores``, whatever the group,
    so a group is compared against the same bar as everybody else."""
    scores = list(scores)
    by_criterion: dict[Hashable, list[int]] = defaultdict(list)
    for _group, criterion, value in scores:
        by_criterion[criterion].append(value)
    medians = {criterion: median(values) for criterion, values in by_criterion.items()}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group, criterion, value in scores:
        counts[group][1] += 1
        if value >= medians[criterion]:
            counts[group][0] += 1
    return {group: (above, total) for group, (above, total) in counts.items()}


# --- Suppression ----------------------------------------------------------------------------------------------------


def suppress(
    sizes: Mapping[Cell, int],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    minimum: int = MIN_GROUP,
    already: Mapping[Cell, str] | None = None,
) -> dict[Cell, str]:
    """Which cells of the table ``sizes`` ((row, column) → candidates) to hide, and why (see the module text).

    ``rows`` are the hirings and, when the table has more than one, ``ORGANIZATION_ROW`` whose cells are the
    columns' sums; each row's cells add up to a total the reader knows. Cells missing from ``sizes`` are 0.
    ``already`` names cells hidden for another table's reason (the scores hide what the candidates table hides).
    A table reported for one row alone (a criterion's scores) is given twice, as that row and ``ORGANIZATION_ROW``
    with the same values: then it is safe exactly when no row hides a single cell."""
    cells = [(row, column) for row in rows for column in columns]
    value = {cell: sizes.get(cell, 0) for cell in cells}
    hidden = {cell: SMALL for cell in cells if value[cell] < minimum}
    hidden.update({cell: reason for cell, reason in (already or {}).items() if cell in value})
    while True:
        bridges = _bridges(hidden)
        options = [option for cell in cells if cell in bridges for option in _partners(cell, cells, value, hidden)]
        if not options:  # no bridge left, or a table of one row or column (its cells are the known totals)
            return hidden
        hidden[min(options)[-1]] = COMPLEMENT


def _neighbours(hidden: Iterable[Cell], without: Cell | None = None) -> dict:
    graph: dict = defaultdict(set)
    for row, column in hidden:
        if (row, column) != without:
            graph[("r", row)].add(("c", column))
            graph[("c", column)].add(("r", row))
    return graph


def _reachable(graph: dict, start) -> set:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _bridges(hidden: Iterable[Cell]) -> set[Cell]:
    """The hidden cells on no cycle of the hidden cells' graph (Tarjan's bridges, iterative: O(cells))."""
    graph = _neighbours(hidden)
    order: dict = {}
    low: dict = {}
    found: set[Cell] = set()
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(graph[root]))]
        while stack:
            vertex, parent, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        found.add(_cell(parent, vertex))
            elif step == parent:
                continue
            elif step in order:
                low[vertex] = min(low[vertex], order[step])
            else:
                order[step] = low[step] = len(order)
                stack.append((step, vertex, iter(graph[step])))
    return found


def _cell(a, b) -> Cell:
    (kind_a, key_a), (_kind_b, key_b) = a, b
    return (key_a, key_b) if kind_a == "r" else (key_b, key_a)


def _partners(bridge: Cell, cells: list[Cell], value: Mapping[Cell, int], hidden: Mapping[Cell, str]) -> list:
    """The shown cells that could be hidden next to ``bridge`` (in its row or column), as sort keys ending in the
    cell: one that closes a cycle through a bridge first, then a non-zero one (a 0 protects less: it cannot go
    lower), then the smallest, then one in the bridge's row, then the table's order."""
    row, column = bridge
    graph = _neighbours(hidden, without=bridge)
    from_row, from_column = _reachable(graph, ("r", row)), _reachable(graph, ("c", column))
    options = []
    for order, cell in enumerate(cells):
        if cell in hidden or (cell[0] != row and cell[1] != column):
            continue
        closes = ("c", cell[1]) in from_column if cell[0] == row else ("r", cell[0]) in from_row
        options.append((not closes, value[cell] == 0, value[cell], cell[0] != row, order, cell))
    return options
