"""The computation of a year's results, on small tables whose expectations are worked out by hand."""

from decimal import Decimal as D  # noqa: N817 - short figures read like the hand calculation

from sitegen.resultdata import Adjustment, Adjustments, Award, Criterion, Grade, Group, Item, Score, YearResults
from sitegen.scoring import capped, classify, rank_year, rank_years

NAME = {"vi": "x", "en": "x"}
GRADES = (Grade("top", NAME, D(18)), Grade("good", NAME, D(15)), Grade("pass", NAME, D(0)))


def results(scores, year=2024, tie_break=(), awards=(), status="final", bonus_cap=D(2), deductions_cap=D(3)):
    """A year with two groups (c1 max 6 + c2 max 4, c3 max 10), bonus items b1/b2 and deduction items d1/d2."""
    groups = (
        Group("g1", NAME, D(10), (Criterion("c1", NAME, D(6)), Criterion("c2", NAME, D(4)))),
        Group("g2", NAME, D(10), (Criterion("c3", NAME, D(10)),)),
    )
    return YearResults(
        year=year,
        file=f"content/results/{year}.yaml",
        status=status,
        illustrative=False,
        note={},
        max_points=D(20),
        groups=groups,
        bonus=Adjustments(bonus_cap, (Item("b1", NAME, D(2)), Item("b2", NAME, D(1)))),
        deductions=Adjustments(deductions_cap, (Item("d1", NAME, D(2)), Item("d2", NAME, D(2)))),
        grades=GRADES,
        tie_break=tuple(tie_break),
        award_kinds={"flag": NAME},
        scores=tuple(scores),
        awards=tuple(awards),
    )


def score(unit, c1, c2, c3, bonus=(), deductions=(), votes=None):
    return Score(
        unit=unit,
        points={"c1": D(str(c1)), "c2": D(str(c2)), "c3": D(str(c3))},
        bonus=tuple(Adjustment(item, D(str(p)), {}) for item, p in bonus),
        deductions=tuple(Adjustment(item, D(str(p)), {}) for item, p in deductions),
        votes=votes,
        line=1,
    )


def ranks(ranking):
    return [(row.unit, row.rank) for row in ranking.rows]


def test_total_is_base_plus_capped_bonus_minus_capped_deductions():
    ranking = rank_year(results([score("a", 6, 4, 9, bonus=[("b1", 2), ("b2", 1)], deductions=[("d1", 1)])]))
    row = ranking.rows[0]
    assert row.groups == {"g1": D(10), "g2": D(9)}
    assert row.base == D(19)
    assert (row.bonus_given, row.bonus) == (D(3), D(2))
    assert row.deductions == D(1)
    assert row.total == D(20)


def test_deductions_beyond_the_cap_count_only_up_to_the_cap():
    row = rank_year(results([score("a", 5.5, 4, 8, deductions=[("d1", 2), ("d2", 2)])])).rows[0]
    assert (row.deductions_given, row.deductions, row.total) == (D(4), D(3), D("14.5"))


def test_decimal_points_add_up_exactly():
    row = rank_year(results([score("a", 0.1, 0.2, 0.3)])).rows[0]
    assert row.total == D("0.6")


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    ranking = rank_year(results([score("a", 6, 4, 5), score("b", 5, 4, 6), score("c", 5, 4, 5), score("d", 6, 4, 9)]))
    assert ranks(ranking) == [("d", 1), ("a", 2), ("b", 2), ("c", 4)]
    assert [row.shared for row in ranking.rows] == [False, True, True, False]


def test_tie_break_by_votes_places_the_unit_with_more_votes_first_and_says_why():
    ranking = rank_year(results([score("a", 5, 4, 9, votes=3), score("b", 6, 3, 9, votes=5)], tie_break=["votes"]))
    assert ranks(ranking) == [("b", 1), ("a", 2)]
    assert [row.tie_break for row in ranking.rows] == ["votes", "votes"]
    assert not any(row.shared for row in ranking.rows)


def test_units_still_equal_after_every_tie_break_step_share_the_rank():
    ranking = rank_year(results([score("a", 5, 4, 6, votes=4), score("b", 4, 4, 7, votes=4)], tie_break=["votes"]))
    assert ranks(ranking) == [("a", 1), ("b", 1)]
    assert [row.tie_break for row in ranking.rows] == ["", ""]


def test_fewer_deductions_win_when_deductions_break_the_tie():
    ranking = rank_year(
        results(
            [score("a", 6, 4, 9, deductions=[("d1", 1)]), score("b", 6, 4, 8)],
            tie_break=["deductions"],
        )
    )
    assert ranks(ranking) == [("b", 1), ("a", 2)]


def test_later_tie_break_steps_are_used_only_when_earlier_ones_are_equal():
    ranking = rank_year(
        results(
            [score("a", 6, 4, 8, votes=2), score("b", 5, 4, 9, votes=2), score("c", 6, 3, 9, votes=1)],
            tie_break=["votes", "group:g2"],
        )
    )
    assert ranks(ranking) == [("b", 1), ("a", 2), ("c", 3)]


def test_classification_uses_the_thresholds_of_the_file():
    assert classify(D(18), GRADES) == "top"
    assert classify(D("17.5"), GRADES) == "good"
    assert classify(D(15), GRADES) == "good"
    assert classify(D("14.5"), GRADES) == "pass"
    assert classify(D(-1), GRADES) == ""


def test_capped_never_exceeds_the_cap():
    assert capped(D(3), D(2)) == D(2)
    assert capped(D(1), D(2)) == D(1)


def test_awards_are_listed_on_their_unit_row():
    flag = Award("a", "flag", "proposed", None)
    ranking = rank_year(results([score("a", 6, 4, 9), score("b", 1, 1, 1)], awards=[flag]))
    assert ranking.row("a").awards == (flag,)
    assert ranking.row("b").awards == ()


def test_change_compares_with_the_last_published_year_and_skips_drafts():
    years = [
        results([score("a", 5, 3, 7), score("b", 4, 4, 7)], year=2022),
        results([score("a", 1, 1, 1)], year=2023, status="draft"),
        results([score("a", 6, 4, 9), score("c", 1, 1, 1)], year=2024),
    ]
    rankings = rank_years(years)
    row = rankings[2024].row("a")
    assert (row.change, row.previous_rank) == (D(4), 1)
    assert rankings[2024].row("c").change is None
    assert rankings[2022].row("a").change is None
