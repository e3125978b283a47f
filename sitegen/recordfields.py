"""Reading the values of the bloc's record files (units, pledges, results), one error per bad value."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from sitegen.errors import SiteError, closest
from sitegen.vietnamese import nfc
from sitegen.yamlfile import LineMap, unknown_keys

_ID = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_DATE_FORMATS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"))


class Reader:
    """Checks the values of one records file; every problem becomes a SiteError with its line."""

    def __init__(self, file: str, languages: Iterable[str], errors: list[SiteError]):
        self.file = file
        self.languages = tuple(languages)
        self.errors = errors

    def fail(self, line: int | None, message: str, hint: str = "") -> None:
        """Record one problem in this file."""
        self.errors.append(SiteError(self.file, message, line, hint))

    def mapping(self, value: Any, line: int | None, what: str) -> LineMap | None:
        """The value when it is a mapping of 'key: value' lines."""
        if isinstance(value, LineMap):
            return value
        self.fail(line, f"{what} should be 'key: value' lines, not {value!r}", "indent the keys under it")
        return None

    def keys(self, data: LineMap, allowed: Iterable[str], required: Iterable[str], what: str) -> bool:
        """False when a required key is missing; unknown keys are errors with the closest valid key."""
        allowed = tuple(allowed)
        self.errors.extend(unknown_keys(data, allowed, self.file, what))
        complete = True
        for key in required:
            if key not in data or data[key] is None:
                self.fail(data.line, f"'{key}' is missing in {what}", f"add '{key}: ...'")
                complete = False
        return complete

    def items(self, data: LineMap, key: str, what: str) -> list[LineMap]:
        """A list of mappings (each written with '- '); the bad entries are reported and skipped."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(data.line_of(key), f"'{key}' should be a list, each item starting with '- '")
            return []
        found = []
        for item in value:
            if isinstance(item, LineMap):
                found.append(item)
            else:
                self.fail(data.line_of(key), f"each item of '{key}' should be a mapping, not {item!r}", what)
        return found

    def text(self, data: LineMap, key: str) -> str:
        """Text, '' when absent."""
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(data.line_of(key), f"'{key}' should be text, not {value!r}", f'write it in quotes: {key}: "..."')
            return ""
        return nfc(str(value).strip())

    def ident(self, data: LineMap, key: str) -> str:
        """An id: lower-case letters, digits and '-', '' when absent or malformed."""
        value = self.text(data, key)
        if value and not _ID.match(value):
            self.fail(data.line_of(key), f"'{value}' is not a valid id", "use lower-case letters, digits and '-'")
            return ""
        return value

    def bilingual(self, data: LineMap, key: str, required: bool = True) -> Mapping[str, str]:
        """Text in every language of the site: {vi: ..., en: ...}."""
        value = data.get(key)
        line = data.line_of(key)
        example = ", ".join(f"{code}: ..." for code in self.languages)
        if value is None:
            if required:
                self.fail(data.line, f"'{key}' is missing", f"add '{key}: {{{example}}}'")
            return MappingProxyType({})
        if not isinstance(value, LineMap):
            self.fail(line, f"'{key}' should give the text in each language", f"write it as {key}: {{{example}}}")
            return MappingProxyType({})
        self.errors.extend(unknown_keys(value, self.languages, self.file, f"'{key}'"))
        texts = {}
        for code in self.languages:
            text = self.text(value, code)
            if not text:
                self.fail(value.line_of(code), f"'{key}' has no text in '{code}'", f"add '{code}: ...' to '{key}'")
            texts[code] = text
        return MappingProxyType(texts)

    def number(self, data: LineMap, key: str, what: str) -> Decimal | None:
        """A number of points (whole or with a decimal point, e.g. 9.5), None when absent or not a number."""
        value = data.get(key)
        if value is None:
            return None
        return self.as_number(value, data.line_of(key), f"'{key}' {what}".strip())

    def as_number(self, value: Any, line: int | None, what: str) -> Decimal | None:
        """A value as a Decimal, kept exact (9.5 + 0.1 stays 9.6)."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(line, f"{what} should be a number, not {value!r}", "write it like 9.5 (with a point)")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            hint = "write decimals with a point: 9.5, not 9,5" if "," in str(value) else "write it like 9.5"
            self.fail(line, f"{what} should be a number, not {value!r}", hint)
            return None
        if not number.is_finite():
            self.fail(line, f"{what} should be a number, not {value!r}", "write it like 9.5")
            return None
        return number

    def year(self, data: LineMap, key: str) -> int | None:
        """A four-digit year."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            self.fail(data.line_of(key), f"'{key}' should be a year like 2021, not {value!r}")
            return None
        return value

    def whole(self, data: LineMap, key: str) -> int | None:
        """A whole number of zero or more (e.g. votes)."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(data.line_of(key), f"'{key}' should be a whole number of zero or more, not {value!r}")
            return None
        return value

    def flag(self, data: LineMap, key: str) -> bool:
        """true or false; false when absent."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(data.line_of(key), f"'{key}' should be true or false, not {value!r}")
            return False
        return value

    def day(self, data: LineMap, key: str) -> date | None:
        """A calendar date written 2021-03-10 or 10/3/2021."""
        value = data.get(key)
        if value is None:
            return None
        text = str(value).strip()
        parsed = None
        for number, pattern in enumerate(_DATE_FORMATS):
            match = pattern.match(text)
            if match:
                parts = [int(p) for p in match.groups()]
                year, month, day_ = parts if number == 0 else (parts[2], parts[1], parts[0])
                try:
                    parsed = date(year, month, day_)
                except ValueError:
                    parsed = None
        if parsed is None:
            self.fail(data.line_of(key), f"'{key}' is not a valid date: {value!r}", "write it as 2021-03-10")
        return parsed

    def choice(self, data: LineMap, key: str, choices: Iterable[str], default: str) -> str:
        """One of a few words."""
        choices = tuple(choices)
        value = self.text(data, key) or default
        if value not in choices:
            self.fail(
                data.line_of(key),
                f"'{key}' should be one of {', '.join(choices)}, not '{value}'",
                closest(value, choices),
            )
            return default
        return value


def duplicate_ids(items: Iterable[tuple[str, int | None]], file: str, what: str) -> list[SiteError]:
    """An error for every id given a second time."""
    seen: dict[str, int | None] = {}
    errors = []
    for ident, line in items:
        if not ident:
            continue
        if ident in seen:
            errors.append(
                SiteError(
                    file, f"duplicate {what} '{ident}' (first given on line {seen[ident]})", line, "ids must be unique"
                )
            )
        else:
            seen[ident] = line
    return errors
