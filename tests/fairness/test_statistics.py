"""The fairness report's arithmetic against a hand-worked example (FAIR-1), ``fairness.statistics`` alone.

The example: one hiring, one category (gender), 34 candidates.

    group              candidates  reached interview  hired
    Woman                  10              6            2
    Man                     8              6            3
    Non-binary              3              2            1
    Prefer not to say       6              3            1
    No answer               7              4            2

Selection rates at *Interview*: Woman 6/10 = 0.600, Man 6/8 = 0.750; the highest comparable rate is the Man
group's, so it is the reference (ratio 1). Woman: 0.600 / 0.750 = 0.800, exactly four fifths: not flagged (the rule
flags a ratio *below* 0.8). At *Hired*: Woman 2/10 = 0.200, Man 3/8 = 0.375; Woman's ratio 0.200 / 0.375 = 8/15 =
0.533: flagged. "Prefer not to say" (3/6 = 0.500 at interview) and "No answer" (4/7) are shown with their counts
but get no ratio and are never the reference, even where their rate is the highest (No answer 2/7 = 0.286 at
hired is below Man's anyway; at interview 4/7 = 0.571).

Suppression: Non-binary has 3 candidates (< 5): hidden. The hiring's total (34) is known, so with only Non-binary
hidden it would be 34 - 10 - 8 - 6 - 7 = 3: the smallest other group is hidden too, "Prefer not to say" (6). The
organization's row (the same single hiring) hides the same two, which closes the cycle hiring → Non-binary →
organization → Prefer not to say → hiring: 3 + 6 = 9 is all that can be worked out, not the split.

Scores (approved, values 1-5), two criteria:

    Criterion 1: Woman 4, 3, 2   Man 5, 4, 3, 3   No answer 1
      all eight sorted: 1 2 3 3 3 4 4 5 → median (3 + 3) / 2 = 3
      at or above 3: Woman 2 of 3, Man 4 of 4, No answer 0 of 1
    Criterion 2: Woman 2, 2   Man 4, 5
      sorted 2 2 4 5 → median (2 + 4) / 2 = 3; at or above: Woman 0 of 2, Man 2 of 2
    Both criteria, each score against its own criterion's median: Woman 2 of 5 = 0.4, Man 6 of 6 = 1.0,
      No answer 0 of 1; Woman's ratio 0.4 / 1.0 = 0.4: flagged. Criterion 1 alone: Woman 2/3 ÷ 1 = 0.667: flagged.
"""

from fractions import Fraction

from fairness import statistics
from fairness.statistics import COMPLEMENT, ORGANIZATION_ROW, SMALL, Group

GROUPS = [
    Group("w", "Woman"),
    Group("m", "Man"),
    Group("nb", "Non-binary"),
    Group("p", "Prefer not to say", comparable=False),
    Group("x", "No answer", comparable=False),
]
SIZES = {"w": 10, "m": 8, "nb": 3, "p": 6, "x": 7}
INTERVIEW = {"w": (6, 10), "m": (6, 8), "nb": (2, 3), "p": (3, 6), "x": (4, 7)}
HIRED = {"w": (2, 10), "m": (3, 8), "nb": (1, 3), "p": (1, 6), "x": (2, 7)}


def hidden_in_hiring():
    table = {(row, key): size for key, size in SIZES.items() for row in ("h", ORGANIZATION_ROW)}
    hidden = statistics.suppress(table, ["h", ORGANIZATION_ROW], [g.key for g in GROUPS])
    return hidden, {column: reason for (row, column), reason in hidden.items() if row == "h"}


def by_key(figures):
    return {figure.group.key: figure for figure in figures}


def test_the_hand_worked_selection_rates_and_impact_ratios():
    _hidden, in_row = hidden_in_hiring()
    interview = by_key(statistics.rates(INTERVIEW, GROUPS, in_row))
    assert (interview["w"].n, interview["w"].total, interview["w"].rate) == (6, 10, Fraction(3, 5))
    assert (interview["m"].rate, interview["m"].reference, interview["m"].impact_ratio) == (Fraction(3, 4), True, 1)
    assert interview["w"].impact_ratio == Fraction(4, 5) and not interview["w"].flagged  # exactly 0.8 is not below
    assert (
        interview["x"].rate == Fraction(4, 7) and interview["x"].impact_ratio is None and not interview["x"].reference
    )

    hired = by_key(statistics.rates(HIRED, GROUPS, in_row))
    assert hired["w"].rate == Fraction(1, 5) and hired["m"].rate == Fraction(3, 8)
    assert hired["w"].impact_ratio == Fraction(8, 15) and hired["w"].flagged  # 0.533 < 0.8
    assert hired["m"].reference and not hired["m"].flagged


def test_a_small_group_and_its_complement_are_hidden_with_their_reasons():
    hidden, in_row = hidden_in_hiring()
    assert in_row == {"nb": SMALL, "p": COMPLEMENT}
    assert hidden == {("h", "nb"): SMALL, (ORGANIZATION_ROW, "nb"): SMALL, ("h", "p"): COMPLEMENT,
                      (ORGANIZATION_ROW, "p"): COMPLEMENT}  # fmt: skip
    figures = by_key(statistics.rates(INTERVIEW, GROUPS, in_row))
    assert (figures["nb"].n, figures["nb"].total, figures["nb"].rate, figures["nb"].hidden) == (None, None, None, SMALL)
    assert (figures["p"].n, figures["p"].total, figures["p"].hidden) == (None, None, COMPLEMENT)


def test_a_hidden_group_is_never_the_reference_even_with_the_highest_rate():
    everyone = {"w": (1, 10), "m": (2, 8), "nb": (3, 3), "p": (1, 6), "x": (1, 7)}  # Non-binary: 100 %
    figures = by_key(statistics.rates(everyone, GROUPS, {"nb": SMALL}))
    assert figures["m"].reference and figures["w"].impact_ratio == Fraction(1, 10) / Fraction(2, 8)
    assert not figures["nb"].reference and figures["nb"].impact_ratio is None


def test_no_ratio_when_nobody_was_selected():
    figures = statistics.rates({"w": (0, 10), "m": (0, 8)}, GROUPS[:2], {})
    assert [f.rate for f in figures] == [0, 0] and [f.impact_ratio for f in figures] == [None, None]
    assert not any(f.flagged for f in figures)


def test_the_hand_worked_score_shares():
    criterion_1 = [("w", 1, 4), ("w", 1, 3), ("w", 1, 2), ("m", 1, 5), ("m", 1, 4), ("m", 1, 3), ("m", 1, 3),
                   ("x", 1, 1)]  # fmt: skip
    criterion_2 = [("w", 2, 2), ("w", 2, 2), ("m", 2, 4), ("m", 2, 5)]
    assert statistics.median(v for _g, _c, v in criterion_1) == 3
    assert statistics.median(v for _g, _c, v in criterion_2) == 3
    assert statistics.at_or_above_median(criterion_1) == {"w": (2, 3), "m": (4, 4), "x": (0, 1)}
    both = statistics.at_or_above_median(criterion_1 + criterion_2)
    assert both == {"w": (2, 5), "m": (6, 6), "x": (0, 1)}
    figures = by_key(statistics.rates(both, GROUPS, {}))
    assert figures["w"].impact_ratio == Fraction(2, 5) and figures["w"].flagged and figures["m"].reference
    first = by_key(statistics.rates(statistics.at_or_above_median(criterion_1), GROUPS, {}))
    assert first["w"].impact_ratio == Fraction(2, 3) and first["w"].flagged


def test_a_group_hidden_in_one_hiring_only_is_hidden_where_the_organization_total_would_give_it_away():
    """Organization minus the other hirings: Woman has 3 in hiring A, 9 in B, so the organization's 12 and B's 9
    would give A's 3. Hiding A's Woman alone is a bridge; the fix must leave every hidden cell on a cycle."""
    sizes = {("a", "w"): 3, ("a", "m"): 9, ("a", "x"): 6, ("b", "w"): 9, ("b", "m"): 7, ("b", "x"): 8}
    for column in ("w", "m", "x"):
        sizes[(ORGANIZATION_ROW, column)] = sizes[("a", column)] + sizes[("b", column)]
    rows, columns = ["a", "b", ORGANIZATION_ROW], ["w", "m", "x"]
    hidden = statistics.suppress(sizes, rows, columns)
    assert hidden[("a", "w")] == SMALL
    assert statistics._bridges(hidden) == set()
    # Row a hides a second cell, and some other row hides Woman too: neither subtraction gives A's Woman.
    assert sum(1 for (row, _c) in hidden if row == "a") >= 2
    assert sum(1 for (_r, column) in hidden if column == "w") >= 2
    # Hides as little as it can: four cells (one cycle), not the whole table.
    assert len(hidden) == 4


def test_every_hidden_cell_is_on_a_cycle_for_many_random_tables():
    import random

    rng = random.Random(19)
    for _ in range(200):
        rows = [f"h{i}" for i in range(rng.randint(1, 5))]
        columns = [f"g{i}" for i in range(rng.randint(2, 6))]
        sizes = {(r, c): rng.choice([0, 1, 2, 4, 5, 7, 12, 30]) for r in rows for c in columns}
        for c in columns:
            sizes[(ORGANIZATION_ROW, c)] = sum(sizes[(r, c)] for r in rows)
        hidden = statistics.suppress(sizes, [*rows, ORGANIZATION_ROW], columns)
        assert all(reason == SMALL for cell, reason in hidden.items() if sizes[cell] < 5)
        assert all(cell in hidden for cell, size in sizes.items() if size < 5)
        assert statistics._bridges(hidden) == set(), (sizes, hidden)
