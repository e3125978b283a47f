"""Front matter: splitting it from the body and checking each field's type and value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.errors import SiteError, closest
from sitegen.vietnamese import is_slug, slugify
from sitegen.yamlfile import NOT_UTF8_HINT, LineMap, NotUtf8Error, decode_text, parse_yaml, read_text

FIELDS = ("title", "slug", "date", "summary", "author", "source", "tags", "units", "cover", "draft")
COVER_FIELDS = ("src", "alt", "caption")
_REQUIRED = {"news": ("title", "date"), "page": ("title",)}
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class Split:
    """A content file cut into front matter and body, or the reason it could not be."""

    front_matter: str = ""
    body: str = ""
    body_line: int = 1
    error: SiteError | None = None


@dataclass(frozen=True)
class Fields:
    """Front-matter values after checking, with defaults filled in."""

    title: str
    slug: str
    date: datetime | None
    summary: str
    author: str
    source: str
    tags: tuple[str, ...]
    units: tuple[str, ...]
    cover: Mapping[str, str] | None
    draft: bool


def split_front_matter(text: str, file: str) -> Split:
    """Front matter between the first two '---' lines; the rest is the body."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or lines[start].strip() != "---":
        return Split(
            error=SiteError(
                file,
                "couldn't find the front matter",
                start + 1 if start < len(lines) else 1,
                "the file must start with a line '---', then 'title: ...' and the other fields, then '---'",
            )
        )
    end = next((i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        return Split(
            error=SiteError(file, "the front matter is not closed", start + 1, "add a line '---' after the last field")
        )
    return Split(
        front_matter="\n".join([""] * start + lines[start + 1 : end]),
        body="\n".join(lines[end + 1 :]).strip("\n") + "\n",
        body_line=end + 2,
    )


@dataclass(frozen=True)
class MarkdownFile:
    """A Markdown file with front matter, read and parsed: its fields (with lines) and its body."""

    meta: LineMap
    body: str
    body_line: int


def read_markdown(
    path: Path, file: str, errors: list[SiteError], first_field: str = "title", raw: bytes | None = None
) -> MarkdownFile | None:
    """Read a Markdown file as editors save it (or its bytes `raw`, read already) and parse its front
    matter; None (and errors) when it can't be."""
    try:
        text = read_text(path) if raw is None else decode_text(raw)
    except NotUtf8Error as exc:
        errors.append(SiteError(file, "the file is not saved as UTF-8", exc.line, NOT_UTF8_HINT))
        return None
    split = split_front_matter(text, file)
    if split.error:
        errors.append(split.error)
        return None
    parsed = parse_yaml(split.front_matter, file, first_line=2)
    errors.extend(parsed.errors)
    if parsed.errors:
        return None
    meta = parsed.data if parsed.data is not None else LineMap()
    if not isinstance(meta, LineMap):
        errors.append(
            SiteError(file, "the front matter should be 'key: value' lines", 2, f"start with {first_field}: ...")
        )
        return None
    return MarkdownFile(meta, split.body, split.body_line)


def check_fields(kind: str, file: str, fields: Mapping, config: Config, errors: list[SiteError]) -> Fields | None:
    """Typed fields from (value, file, line) triples; errors name the file each value came from."""
    found: list[SiteError] = []
    for key, (_, where, line) in fields.items():
        if key not in FIELDS:
            found.append(SiteError(where, f"unknown front-matter key '{key}'", line, closest(str(key), FIELDS)))
    for key in _REQUIRED[kind]:
        if key not in fields:
            found.append(SiteError(file, f"'{key}' is missing from the front matter", 2, f"add a line '{key}: ...'"))
    checker = _Checker(fields, found)
    title = checker.text("title")
    slug = checker.text("slug")
    result = Fields(
        title=title,
        slug=_check_slug(slug, title, file, fields, found),
        date=checker.when("date", config),
        summary=checker.text("summary"),
        author=checker.text("author"),
        source=checker.text("source"),
        tags=checker.words("tags"),
        units=checker.words("units"),
        cover=checker.cover(),
        draft=checker.flag("draft"),
    )
    errors.extend(found)
    return None if found else result


class _Checker:
    """Reads one field at a time, appending an error for a wrong type or value."""

    def __init__(self, fields: Mapping, errors: list[SiteError]):
        self.fields = fields
        self.errors = errors

    def _fail(self, key: str, message: str, hint: str = "") -> None:
        _, where, line = self.fields[key]
        self.errors.append(SiteError(where, message, line, hint))

    def text(self, key: str) -> str:
        if key not in self.fields:
            return ""
        value = self.fields[key][0]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self._fail(key, f"'{key}' should be text, not {value!r}", f'write it in quotes: {key}: "..."')
            return ""
        return value.strip()

    def flag(self, key: str) -> bool:
        if key not in self.fields:
            return False
        value = self.fields[key][0]
        if not isinstance(value, bool):
            self._fail(key, f"'{key}' should be true or false, not {value!r}")
            return False
        return value

    def words(self, key: str) -> tuple[str, ...]:
        if key not in self.fields:
            return ()
        value = self.fields[key][0]
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self._fail(key, f"'{key}' should be a list of words", f"write it as {key}: [Thi đua, Hội nghị]")
            return ()
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))

    def when(self, key: str, config: Config) -> datetime | None:
        if key not in self.fields:
            return None
        value = self.fields[key][0]
        parsed = parse_date(value, config) if isinstance(value, (str, date)) else None
        if parsed is None:
            self._fail(
                key,
                f"'{key}' is not a valid date: {value!r}",
                "write it as 2021-03-11 08:36 (Vietnam time) or 2021-03-11T08:36:00+07:00",
            )
        return parsed

    def cover(self) -> Mapping[str, str] | None:
        if "cover" not in self.fields:
            return None
        value, where, line = self.fields["cover"]
        if not isinstance(value, Mapping):
            self._fail("cover", "'cover' should have src, alt and caption", "write src:, alt: and caption: under it")
            return None
        for key in value:
            if key not in COVER_FIELDS:
                self.errors.append(
                    SiteError(where, f"unknown key '{key}' in cover", line, closest(str(key), COVER_FIELDS))
                )
        for key in ("src", "alt"):
            if not isinstance(value.get(key), str) or not value[key].strip():
                self._fail("cover", f"the cover image has no '{key}'", _cover_hint(key))
        return {key: str(value.get(key, "")).strip() for key in COVER_FIELDS}


def _cover_hint(key: str) -> str:
    if key == "alt":
        return "describe what the photo shows (alt: ...) for readers who cannot see it"
    return "give the image path under content/, e.g. src: images/2021/hoi-nghi.jpg"


def _check_slug(slug: str, title: str, file: str, fields: Mapping, errors: list[SiteError]) -> str:
    if slug:
        if not is_slug(slug):
            _, where, line = fields["slug"]
            errors.append(SiteError(where, f"'{slug}' is not a valid slug", line, f"use '{slugify(slug)}'"))
        return slug
    derived = slugify(title)
    if title and not derived:
        _, where, line = fields["title"]
        errors.append(SiteError(where, "no slug can be made from this title", line, "add a line 'slug: ...'"))
    return derived


def parse_date(value: Any, config: Config) -> datetime | None:
    """A date or date-time as written by editors; Vietnam time when no offset is given."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        parsed = _parse_date_text(value.strip())
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=config.tzinfo)


def _parse_date_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
