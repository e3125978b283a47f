"""The figures nobody types: totals, capped bonus and deductions, ranks, classifications, changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from sitegen.resultdata import TIE_BREAKS, Award, Grade, Score, YearResults

ZERO = Decimal(0)


@dataclass(frozen=True)
class Row:
    """One unit's computed result in one year."""

    unit: str
    groups: Mapping[str, Decimal]
    base: Decimal
    bonus_given: Decimal
    bonus: Decimal
    deductions_given: Decimal
    deductions: Decimal
    total: Decimal
    votes: int | None
    rank: int
    shared: bool
    tie_break: str
    grade: str
    awards: tuple[Award, ...]
    change: Decimal | None
    previous_rank: int | None


@dataclass(frozen=True)
class Ranking:
    """A year's rows in rank order."""

    year: int
    rows: tuple[Row, ...]

    def row(self, unit: str) -> Row | None:
        """The row of a unit, or None when it was not scored that year."""
        return next((r for r in self.rows if r.unit == unit), None)


def rank_years(years: Sequence[YearResults]) -> Mapping[int, Ranking]:
    """Every year ranked, each compared with the last published year before it."""
    rankings: dict[int, Ranking] = {}
    previous: Ranking | None = None
    for results in sorted(years, key=lambda y: y.year):
        rankings[results.year] = rank_year(results, previous)
        if results.status != "draft":
            previous = rankings[results.year]
    return MappingProxyType(rankings)


def rank_year(results: YearResults, previous: Ranking | None = None) -> Ranking:
    """Totals, then ranks: equal totals are split by the file's tie-break steps, or share a rank (1, 2, 2, 4)."""
    figures = [_figures(results, score) for score in results.scores]
    keyed = sorted(figures, key=lambda f: (_order_key(f, results.tie_break), f["unit"]))
    rows = []
    for figure in keyed:
        key = _order_key(figure, results.tie_break)
        ahead = sum(1 for other in keyed if _order_key(other, results.tie_break) < key)
        shared = sum(1 for other in keyed if _order_key(other, results.tie_break) == key) > 1
        before = previous.row(figure["unit"]) if previous else None
        rows.append(
            Row(
                unit=figure["unit"],
                groups=figure["groups"],
                base=figure["base"],
                bonus_given=figure["bonus_given"],
                bonus=figure["bonus"],
                deductions_given=figure["deductions_given"],
                deductions=figure["deductions"],
                total=figure["total"],
                votes=figure["votes"],
                rank=ahead + 1,
                shared=shared,
                tie_break=_deciding_step(figure, keyed, results.tie_break),
                grade=classify(figure["total"], results.grades),
                awards=tuple(a for a in results.awards if a.unit == figure["unit"]),
                change=None if before is None else figure["total"] - before.total,
                previous_rank=None if before is None else before.rank,
            )
        )
    return Ranking(results.year, tuple(rows))


def capped(given: Decimal, cap: Decimal) -> Decimal:
    """Points counted after the cap: never more than the cap."""
    return min(given, cap)


def classify(total: Decimal, grades: Sequence[Grade]) -> str:
    """The id of the first (highest) classification whose minimum the total reaches, or ''."""
    return next((grade.id for grade in grades if total >= grade.min), "")


def _figures(results: YearResults, score: Score) -> dict:
    groups = {g.id: sum((score.points.get(c.id, ZERO) for c in g.criteria), ZERO) for g in results.groups}
    base = sum(groups.values(), ZERO)
    bonus_given = sum((a.points for a in score.bonus), ZERO)
    deductions_given = sum((a.points for a in score.deductions), ZERO)
    bonus = capped(bonus_given, results.bonus.cap)
    deductions = capped(deductions_given, results.deductions.cap)
    return {
        "unit": score.unit,
        "groups": MappingProxyType(groups),
        "base": base,
        "bonus_given": bonus_given,
        "bonus": bonus,
        "deductions_given": deductions_given,
        "deductions": deductions,
        "total": base + bonus - deductions,
        "votes": score.votes,
    }


def _step_value(figure: Mapping, step: str) -> Decimal:
    """A tie-break figure, oriented so that more is better."""
    if step.startswith("group:"):
        return figure["groups"].get(step.removeprefix("group:"), ZERO)
    value = Decimal(figure[step] or 0)
    return value if TIE_BREAKS[step] else -value


def _order_key(figure: Mapping, steps: Sequence[str]) -> tuple:
    return (-figure["total"], *(-_step_value(figure, step) for step in steps))


def _deciding_step(figure: Mapping, figures: Sequence[Mapping], steps: Sequence[str]) -> str:
    """The first tie-break step that separates this unit from another with the same total, or ''."""
    tied = [other for other in figures if other["total"] == figure["total"]]
    if len(tied) < 2:
        return ""
    return next((step for step in steps if len({_step_value(o, step) for o in tied}) > 1), "")
