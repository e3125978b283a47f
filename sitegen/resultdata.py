"""The records of a year's results as typed values: criteria table, scores, awards (read by results.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

STATUSES = ("draft", "provisional", "final")
AWARD_STATUSES = ("proposed", "conferred", "declined")
# Tie-break steps: which figure decides between equal totals, and whether more of it is better.
TIE_BREAKS = {"votes": True, "base": True, "bonus": True, "deductions": False}


@dataclass(frozen=True)
class Criterion:
    """One line of the criteria table."""

    id: str
    name: Mapping[str, str]
    max: Decimal


@dataclass(frozen=True)
class Group:
    """A group of criteria with its maximum."""

    id: str
    name: Mapping[str, str]
    max: Decimal
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Item:
    """A kind of bonus or deduction and the most one unit may get for it."""

    id: str
    name: Mapping[str, str]
    max: Decimal


@dataclass(frozen=True)
class Adjustments:
    """The bonus or deduction rules of a year: items and the cap on their sum."""

    cap: Decimal
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Adjustment:
    """Bonus or deduction points given to one unit for one item, with the reason."""

    item: str
    points: Decimal
    note: Mapping[str, str]


@dataclass(frozen=True)
class Score:
    """What one unit was given: points per criterion, bonus, deductions, votes."""

    unit: str
    points: Mapping[str, Decimal]
    bonus: tuple[Adjustment, ...]
    deductions: tuple[Adjustment, ...]
    votes: int | None
    line: int


@dataclass(frozen=True)
class Grade:
    """A classification and the total a unit needs to reach it."""

    id: str
    name: Mapping[str, str]
    min: Decimal


@dataclass(frozen=True)
class Decision:
    """The document that conferred or declined an award."""

    number: str
    date: date | None
    issuer: Mapping[str, str]


@dataclass(frozen=True)
class Award:
    """An award proposed for a unit, and what became of it."""

    unit: str
    kind: str
    status: str
    decision: Decision | None


@dataclass(frozen=True)
class YearResults:
    """Everything a results file says, checked; totals and ranks are computed in scoring.py."""

    year: int
    file: str
    status: str
    illustrative: bool
    note: Mapping[str, str]
    max_points: Decimal
    groups: tuple[Group, ...]
    bonus: Adjustments
    deductions: Adjustments
    grades: tuple[Grade, ...]
    tie_break: tuple[str, ...]
    award_kinds: Mapping[str, Mapping[str, str]]
    scores: tuple[Score, ...]
    awards: tuple[Award, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, in table order."""
        return tuple(c for g in self.groups for c in g.criteria)


NO_ADJUSTMENTS = Adjustments(Decimal(0), ())
