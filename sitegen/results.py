"""A year's results from content/results/<year>.yaml: criteria table, scores and awards, fully checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from sitegen.errors import SiteError, closest, display_path
from sitegen.recordfields import Reader, duplicate_ids
from sitegen.resultdata import (
    AWARD_STATUSES,
    NO_ADJUSTMENTS,
    STATUSES,
    TIE_BREAKS,
    Adjustment,
    Adjustments,
    Award,
    Criterion,
    Decision,
    Grade,
    Group,
    Item,
    Score,
    YearResults,
)
from sitegen.units import Units, unknown_unit
from sitegen.yamlfile import LineMap, load_yaml_file

RESULTS_DIR = "content/results"
_TOP_KEYS = (
    "year",
    "status",
    "illustrative",
    "note",
    "max_points",
    "groups",
    "bonus",
    "deductions",
    "classification",
    "tie_break",
    "award_kinds",
    "scores",
    "awards",
)
_REQUIRED = ("year", "status", "max_points", "groups", "classification", "scores")


def load_results(root: Path, languages: Sequence[str], units: Units) -> tuple[tuple[YearResults, ...], list[SiteError]]:
    """Every results file, oldest year first, with every problem found in any of them."""
    folder = root / RESULTS_DIR
    years, errors = [], []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.name.startswith((".", "~", "_")):
            continue
        file = display_path(path, root)
        parsed = load_yaml_file(path, file)
        errors += parsed.errors
        if not parsed.errors:
            found = _read_year(parsed.data, path.stem, Reader(file, languages, errors), units)
            years += [found] if found else []
    return tuple(sorted(years, key=lambda y: y.year)), errors


def _read_year(data: object, stem: str, read: Reader, units: Units) -> YearResults | None:
    data = read.mapping(data, 1, "a results file")
    if data is None or not read.keys(data, _TOP_KEYS, _REQUIRED, "the results file"):
        return None
    year = read.year(data, "year")
    if year is not None and stem != str(year):
        read.fail(
            data.line_of("year"), f"the file is named {stem}.yaml but says year: {year}", f"rename it {year}.yaml"
        )
    groups = _groups(data, read)
    criteria = {c.id: c for g in groups for c in g.criteria}
    bonus = _adjustments(data, "bonus", read)
    deductions = _adjustments(data, "deductions", read)
    kinds = _award_kinds(data, read)
    scores = _scores(data, read, criteria, bonus, deductions, units, year)
    status = read.choice(data, "status", STATUSES, "draft")
    max_points = read.number(data, "max_points", "") or Decimal(0)
    total = sum((g.max for g in groups), Decimal(0))
    if "max_points" in data and total != max_points:
        read.fail(
            data.line_of("max_points"),
            f"the group maximums add up to {total}, not to max_points {max_points}",
            "correct a group's 'max' or max_points",
        )
    if year is None:
        return None
    return YearResults(
        year=year,
        file=read.file,
        status=status,
        illustrative=read.flag(data, "illustrative"),
        note=read.bilingual(data, "note", required=False),
        max_points=max_points,
        groups=groups,
        bonus=bonus,
        deductions=deductions,
        grades=_grades(data, read),
        tie_break=_tie_break(data, read, groups),
        award_kinds=kinds,
        scores=scores,
        awards=_awards(data, read, kinds, {s.unit for s in scores}, status),
    )


def _points(item: LineMap, key: str, read: Reader, what: str, positive: bool = False) -> Decimal:
    value = read.number(item, key, what)
    if value is None:
        if key in item or positive:
            read.fail(item.line_of(key), f"'{key}' {what} is missing or not a number", f"add '{key}: <points>'")
        return Decimal(0)
    if value < 0 or (positive and value == 0):
        read.fail(item.line_of(key), f"'{key}' {what} must be {'more than' if positive else 'at least'} 0, not {value}")
        return Decimal(0)
    return value


def _groups(data: LineMap, read: Reader) -> tuple[Group, ...]:
    groups, seen = [], []
    for item in read.items(data, "groups", "write each group as '- id: ...' with name, max and criteria"):
        if not read.keys(item, ("id", "name", "max", "criteria"), ("id", "name", "max", "criteria"), "a group"):
            continue
        criteria = []
        for entry in read.items(item, "criteria", "write each criterion as '- id: ...' with name and max"):
            if read.keys(entry, ("id", "name", "max"), ("id", "name", "max"), "a criterion"):
                seen.append((read.text(entry, "id"), entry.line_of("id")))
                criterion = Criterion(
                    read.ident(entry, "id"),
                    read.bilingual(entry, "name"),
                    _points(entry, "max", read, "of a criterion", True),
                )
                criteria += [criterion] if criterion.id else []
        group = Group(
            read.ident(item, "id"),
            read.bilingual(item, "name"),
            _points(item, "max", read, "of a group", True),
            tuple(criteria),
        )
        added = sum((c.max for c in criteria), Decimal(0))
        if added != group.max:
            read.fail(
                item.line_of("max"), f"the criteria of group '{group.id}' add up to {added}, not to its max {group.max}"
            )
        seen.append((f"group {group.id}", item.line_of("id")))
        groups += [group] if group.id else []
    read.errors.extend(duplicate_ids(seen, read.file, "criterion or group id"))
    return tuple(groups)


def _adjustments(data: LineMap, key: str, read: Reader) -> Adjustments:
    if key not in data:
        return NO_ADJUSTMENTS
    spec = read.mapping(data[key], data.line_of(key), f"'{key}'")
    if spec is None or not read.keys(spec, ("cap", "items"), ("cap",), f"'{key}'"):
        return NO_ADJUSTMENTS
    items = []
    for entry in read.items(spec, "items", "write each item as '- id: ...' with name and max"):
        if read.keys(entry, ("id", "name", "max"), ("id", "name", "max"), f"a {key} item"):
            items.append(
                Item(
                    read.ident(entry, "id"),
                    read.bilingual(entry, "name"),
                    _points(entry, "max", read, f"of a {key} item", True),
                )
            )
    read.errors.extend(duplicate_ids(((i.id, None) for i in items), read.file, f"{key} item"))
    return Adjustments(_points(spec, "cap", read, f"of {key}"), tuple(items))


def _award_kinds(data: LineMap, read: Reader) -> Mapping[str, Mapping[str, str]]:
    kinds, seen = {}, []
    for entry in read.items(data, "award_kinds", "write each as '- id: ...' with its name"):
        if read.keys(entry, ("id", "name"), ("id", "name"), "an award kind"):
            seen.append((read.ident(entry, "id"), entry.line_of("id")))
            kinds.setdefault(seen[-1][0], read.bilingual(entry, "name"))
    read.errors.extend(duplicate_ids(seen, read.file, "award kind"))
    return MappingProxyType(kinds)


def _grades(data: LineMap, read: Reader) -> tuple[Grade, ...]:
    grades: list[Grade] = []
    for entry in read.items(data, "classification", "write each as '- id: ...' with name and min"):
        if not read.keys(entry, ("id", "name", "min"), ("id", "name", "min"), "a classification"):
            continue
        grade = Grade(
            read.ident(entry, "id"), read.bilingual(entry, "name"), _points(entry, "min", read, "of a classification")
        )
        if grades and grade.min >= grades[-1].min:
            read.fail(
                entry.line_of("min"),
                f"classification '{grade.id}' needs {grade.min}, not less than the one above it",
                "list classifications from the highest 'min' down",
            )
        grades.append(grade)
    read.errors.extend(duplicate_ids(((g.id, None) for g in grades), read.file, "classification"))
    return tuple(grades)


def _tie_break(data: LineMap, read: Reader, groups: Sequence[Group]) -> tuple[str, ...]:
    value = data.get("tie_break", [])
    steps = value if isinstance(value, list) else [value]
    choices = [*TIE_BREAKS, *(f"group:{g.id}" for g in groups)]
    valid = []
    for step in steps:
        if str(step) in choices:
            valid.append(str(step))
        else:
            read.fail(
                data.line_of("tie_break"),
                f"unknown tie-break '{step}'",
                f"{closest(str(step), choices)} (one of: {', '.join(choices)})",
            )
    return tuple(valid)


def _scores(data, read, criteria, bonus, deductions, units: Units, year) -> tuple[Score, ...]:
    scores = []
    entries = read.items(data, "scores", "write each as '- unit: <id>' with points per criterion")
    read.errors.extend(
        duplicate_ids(((read.text(e, "unit"), e.line_of("unit")) for e in entries), read.file, "score for unit")
    )
    for entry in entries:
        if not read.keys(
            entry, ("unit", "points", "bonus", "deductions", "votes"), ("unit", "points"), "a unit's score"
        ):
            continue
        unit = read.ident(entry, "unit")
        _check_member(unit, units, year, read, entry.line_of("unit"))
        points = read.mapping(entry["points"], entry.line_of("points"), "'points'") or LineMap()
        scores.append(
            Score(
                unit=unit,
                points=_unit_points(unit, points, criteria, read),
                bonus=_given(entry, "bonus", bonus, read, unit),
                deductions=_given(entry, "deductions", deductions, read, unit),
                votes=read.whole(entry, "votes"),
                line=entry.line_of("unit"),
            )
        )
    return tuple(scores)


def _check_member(unit: str, units: Units, year: int | None, read: Reader, line: int) -> None:
    if unit not in units:
        read.errors.append(unknown_unit(unit, units.by_id, read.file, line, "the scores"))
    elif year is not None and not units.by_id[unit].member_in(year):
        read.fail(
            line,
            f"unit '{unit}' is scored in {year} but was not a member that year",
            "check its 'member' years in content/units.yaml",
        )


def _unit_points(unit: str, points: LineMap, criteria: Mapping[str, Criterion], read: Reader) -> Mapping[str, Decimal]:
    found = {}
    for key, value in points.items():
        if key not in criteria:
            read.fail(
                points.line_of(key),
                f"criterion '{key}' of unit '{unit}' is not in the criteria table",
                closest(str(key), criteria),
            )
            continue
        number = read.as_number(value, points.line_of(key), f"points for '{key}'")
        if number is None:
            continue
        if number < 0 or number > criteria[key].max:
            read.fail(
                points.line_of(key),
                f"unit '{unit}' has {number} points for '{key}', outside 0 to {criteria[key].max}",
                "a criterion's points go from 0 to its max",
            )
            number = min(max(number, Decimal(0)), criteria[key].max)
        found[key] = number
    for key in criteria:
        if key not in points:
            read.fail(
                points.line,
                f"criterion '{key}' is missing for unit '{unit}'",
                f"add '{key}: <points>' (write 0 if it earned none)",
            )
    return MappingProxyType(found)


def _given(entry: LineMap, key: str, rules: Adjustments, read: Reader, unit: str) -> tuple[Adjustment, ...]:
    items = {i.id: i for i in rules.items}
    given = []
    for item in read.items(entry, key, "write each as '- item: <id>' with points and a note"):
        if not read.keys(item, ("item", "points", "note"), ("item", "points"), f"a {key} entry"):
            continue
        name = read.text(item, "item")
        points = _points(item, "points", read, f"of {key} '{name}'")
        if name not in items:
            read.fail(
                item.line_of("item"),
                f"unknown {key} item '{name}' for unit '{unit}'",
                closest(name, items) if items else f"list the {key} items first",
            )
            continue
        if points > items[name].max:
            read.fail(
                item.line_of("points"),
                f"unit '{unit}' gets {points} {key} points for '{name}', beyond its cap of {items[name].max}",
                f"give at most {items[name].max}",
            )
            points = items[name].max
        given.append(Adjustment(name, points, read.bilingual(item, "note", required=False)))
    return tuple(given)


def _awards(data, read: Reader, kinds: Mapping, scored: set[str], status: str) -> tuple[Award, ...]:
    awards, seen = [], []
    for entry in read.items(data, "awards", "write each as '- unit: <id>' with award and status"):
        if not read.keys(entry, ("unit", "award", "status", "decision"), ("unit", "award", "status"), "an award"):
            continue
        award = Award(
            read.ident(entry, "unit"),
            read.text(entry, "award"),
            read.choice(entry, "status", AWARD_STATUSES, "proposed"),
            _decision(entry, read),
        )
        seen.append((f"{award.kind} for {award.unit}", entry.line_of("unit")))
        if award.unit not in scored:
            read.fail(
                entry.line_of("unit"),
                f"award for unit '{award.unit}', which is not in this year's results",
                "score the unit first, or correct the id",
            )
        if award.kind not in kinds:
            read.fail(
                entry.line_of("award"),
                f"unknown award '{award.kind}'",
                closest(award.kind, kinds) if kinds else "list it under award_kinds",
            )
        if award.status == "proposed" and status == "final":
            read.fail(
                entry.line_of("status"),
                f"the year is final but the award '{award.kind}' for '{award.unit}' is still 'proposed'",
                "write conferred or declined with the deciding document, or set the year's status back to provisional",
            )
        if award.status != "proposed" and award.decision is None:
            read.fail(
                entry.line_of("status"),
                f"a {award.status} award needs its deciding document",
                "add decision: {number: ..., date: ..., issuer: {vi: ..., en: ...}}",
            )
        awards.append(award)
    read.errors.extend(duplicate_ids(seen, read.file, "award"))
    return tuple(awards)


def _decision(entry: LineMap, read: Reader) -> Decision | None:
    if "decision" not in entry:
        return None
    spec = read.mapping(entry["decision"], entry.line_of("decision"), "'decision'")
    if spec is None or not read.keys(spec, ("number", "date", "issuer"), ("number", "date", "issuer"), "a decision"):
        return None
    return Decision(read.text(spec, "number"), read.day(spec, "date"), read.bilingual(spec, "issuer"))
