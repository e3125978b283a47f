"""A year's results as files to download: CSV that Excel opens with Vietnamese intact, and JSON.

CSV choices: UTF-8 with a BOM, because Excel on Windows reads a CSV without one in the
legacy code page and garbles Vietnamese. The separator follows the language's number format:
where the decimal mark is a comma (Vietnamese, 95,5), Windows regional settings use ';' as the
list separator, so Excel splits the columns on ';'; English files use ',' and a decimal point.
No 'sep=' line: Excel ignores the BOM when one is present.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol

from sitegen.resultdata import YearResults
from sitegen.scoring import Ranking
from sitegen.units import Units


def csv_separator(locale: str) -> str:
    """';' where numbers are written with a decimal comma, ',' elsewhere."""
    return ";" if get_decimal_symbol(locale) == "," else ","


def _plain(value: Decimal, locale: str) -> str:
    # No thousands separator in a data file: Excel would read 1.234 as one point two three four.
    return format_decimal(value, format="0.##", locale=locale)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def results_csv(
    results: YearResults, ranking: Ranking, units: Units, lang: str, locale: str, strings: Mapping[str, str]
) -> bytes:
    """The ranking table as CSV bytes, one row per unit in rank order."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_separator(locale), lineterminator="\r\n")
    writer.writerow(
        [
            strings["results_rank"],
            strings["results_unit_id"],
            strings["results_unit"],
            *(f"{group.id.upper()}. {group.name[lang]}" for group in results.groups),
            strings["results_base"],
            strings["results_bonus"],
            strings["results_deductions"],
            strings["results_total"],
            strings["results_grade"],
            strings["results_awards"],
        ]
    )
    grades = {g.id: g.name[lang] for g in results.grades}
    for row in ranking.rows:
        writer.writerow(
            [
                row.rank,
                row.unit,
                _unit_name(units, row.unit, lang),
                *(_plain(row.groups[group.id], locale) for group in results.groups),
                _plain(row.base, locale),
                _plain(row.bonus, locale),
                _plain(row.deductions, locale),
                _plain(row.total, locale),
                grades.get(row.grade, ""),
                "; ".join(_award_text(results, award, lang, strings) for award in row.awards),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_json(results: YearResults, ranking: Ranking, units: Units, lang: str, strings: Mapping[str, str]) -> bytes:
    """The year's criteria and computed results as JSON (numbers as numbers, names in one language)."""
    data: dict[str, Any] = {
        "year": results.year,
        "language": lang,
        "status": results.status,
        "illustrative": results.illustrative,
        "note": results.note.get(lang, ""),
        "max_points": _number(results.max_points),
        "bonus_cap": _number(results.bonus.cap),
        "deductions_cap": _number(results.deductions.cap),
        "tie_break": list(results.tie_break),
        "groups": [
            {
                "id": g.id,
                "name": g.name[lang],
                "max": _number(g.max),
                "criteria": [{"id": c.id, "name": c.name[lang], "max": _number(c.max)} for c in g.criteria],
            }
            for g in results.groups
        ],
        "classification": [{"id": g.id, "name": g.name[lang], "min": _number(g.min)} for g in results.grades],
        "units": [
            {
                "rank": row.rank,
                "shared_rank": row.shared,
                "tie_break": row.tie_break,
                "unit": row.unit,
                "name": _unit_name(units, row.unit, lang),
                "groups": {key: _number(value) for key, value in row.groups.items()},
                "base": _number(row.base),
                "bonus": _number(row.bonus),
                "bonus_before_cap": _number(row.bonus_given),
                "deductions": _number(row.deductions),
                "deductions_before_cap": _number(row.deductions_given),
                "total": _number(row.total),
                "votes": row.votes,
                "classification": row.grade,
                "change": None if row.change is None else _number(row.change),
                "awards": [
                    {
                        "award": a.kind,
                        "name": results.award_kinds.get(a.kind, {}).get(lang, a.kind),
                        "status": a.status,
                        "decision": None
                        if a.decision is None
                        else {
                            "number": a.decision.number,
                            "date": a.decision.date.isoformat() if a.decision.date else None,
                            "issuer": a.decision.issuer.get(lang, ""),
                        },
                    }
                    for a in row.awards
                ],
            }
            for row in ranking.rows
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _unit_name(units: Units, unit: str, lang: str) -> str:
    return units.by_id[unit].name[lang] if unit in units else unit


def _award_text(results: YearResults, award: Any, lang: str, strings: Mapping[str, str]) -> str:
    name = results.award_kinds.get(award.kind, {}).get(lang, award.kind)
    return f"{name} ({strings['award_' + award.status]})"
