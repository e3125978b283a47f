"""The bloc's member units from content/units.yaml: ids, names in each language, years of membership."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from sitegen.errors import SiteError, closest
from sitegen.recordfields import Reader, duplicate_ids
from sitegen.yamlfile import LineMap, load_yaml_file

UNITS_FILE = "content/units.yaml"
_UNIT_KEYS = ("id", "name", "short_name", "sort_name", "website", "member", "merged_into", "illustrative")
_PERIOD = re.compile(r"^(\d{4})(?:\s*(-)\s*(\d{4})?)?$")


@dataclass(frozen=True)
class Period:
    """Years of membership, both ends included; `end` None while still a member."""

    start: int
    end: int | None

    def covers(self, year: int) -> bool:
        """True when the unit was a member in this year."""
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Unit:
    """A member association, referred to everywhere by its id."""

    id: str
    name: Mapping[str, str]
    short_name: Mapping[str, str]
    sort_name: str
    website: str
    periods: tuple[Period, ...]
    merged_into: str
    illustrative: bool
    line: int

    def member_in(self, year: int) -> bool:
        """True when the unit belonged to the bloc in this year."""
        return any(period.covers(year) for period in self.periods)


@dataclass(frozen=True)
class Units:
    """Every unit by id, in the order of the file, and whether the list as a whole is illustrative."""

    by_id: Mapping[str, Unit]
    illustrative: bool

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.by_id


NO_UNITS = Units(MappingProxyType({}), False)


def load_units(root: Path, languages: Iterable[str]) -> tuple[Units, list[SiteError]]:
    """content/units.yaml, or no units when the file does not exist."""
    path = root / UNITS_FILE
    if not path.is_file():
        return NO_UNITS, []
    parsed = load_yaml_file(path, UNITS_FILE)
    errors = list(parsed.errors)
    if errors:
        return NO_UNITS, errors
    read = Reader(UNITS_FILE, languages, errors)
    data = read.mapping(parsed.data, 1, "units.yaml")
    if data is None or not read.keys(data, ("illustrative", "units"), ("units",), "units.yaml"):
        return NO_UNITS, errors
    illustrative = read.flag(data, "illustrative")
    items = read.items(data, "units", "write each unit as '- id: ...' with its names")
    errors += duplicate_ids(((read.text(i, "id"), i.line_of("id")) for i in items), UNITS_FILE, "unit id")
    units = {}
    for item in items:
        unit = _read_unit(item, read, illustrative)
        if unit and unit.id not in units:
            units[unit.id] = unit
    for unit in units.values():
        if unit.merged_into and unit.merged_into not in units:
            errors.append(unknown_unit(unit.merged_into, units, UNITS_FILE, unit.line, "merged_into"))
    return Units(MappingProxyType(units), illustrative), errors


def _read_unit(item: LineMap, read: Reader, illustrative: bool) -> Unit | None:
    if not read.keys(item, _UNIT_KEYS, ("id", "name", "member"), "a unit"):
        return None
    unit_id = read.ident(item, "id")
    name = read.bilingual(item, "name")
    short = read.bilingual(item, "short_name", required=False) or name
    website = read.text(item, "website")
    if website and urlsplit(website).scheme not in ("http", "https"):
        read.fail(
            item.line_of("website"), f"website should be a full address, not '{website}'", "start it with https://"
        )
        website = ""
    periods = _periods(item, read)
    if not unit_id or not name or not periods:
        return None
    return Unit(
        id=unit_id,
        name=name,
        short_name=short,
        sort_name=read.text(item, "sort_name") or name[read.languages[0]],
        website=website,
        periods=periods,
        merged_into=read.ident(item, "merged_into"),
        illustrative=read.flag(item, "illustrative") if "illustrative" in item else illustrative,
        line=item.line_of("id"),
    )


def _periods(item: LineMap, read: Reader) -> tuple[Period, ...]:
    """'2010-' (still a member), '2010-2019', or several periods separated by commas."""
    text = read.text(item, "member")
    periods = []
    for part in text.split(","):
        match = _PERIOD.match(part.strip())
        if not match:
            read.fail(
                item.line_of("member"),
                f"'member' should give years like '2010-' or '2010-2019', not '{text}'",
                'write member: "2010-" while the unit is still a member',
            )
            return ()
        start, dash, end = match.groups()
        period = Period(int(start), int(end) if end else (None if dash else int(start)))
        if period.end is not None and period.end < period.start:
            read.fail(item.line_of("member"), f"membership ends before it starts: '{part.strip()}'")
            return ()
        periods.append(period)
    return tuple(periods)


def unknown_unit(unit_id: str, known: Iterable[str], file: str, line: int | None, where: str) -> SiteError:
    """The error for a unit id that is not in units.yaml, with the closest id as hint."""
    known = list(known)
    hint = closest(unit_id, known) if known else f"add the unit to {UNITS_FILE} first"
    if hint.startswith("valid keys are"):
        hint = f"use an id from {UNITS_FILE}"
    return SiteError(file, f"unknown unit '{unit_id}' in {where}", line, hint)


def membership_text(unit: Unit) -> str:
    """Years of membership as written in units.yaml: '2010–2019, 2021–'."""
    return ", ".join(
        str(p.start) if p.end == p.start else f"{p.start}–{'' if p.end is None else p.end}" for p in unit.periods
    )
