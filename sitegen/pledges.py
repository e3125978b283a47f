"""Pledges from content/pledges/<year>.<lang>.md: front matter (date, place, signatories) and the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from sitegen.errors import SiteError, display_path
from sitegen.fields import read_markdown
from sitegen.recordfields import Reader, duplicate_ids
from sitegen.yamlfile import LineMap

PLEDGES_DIR = "content/pledges"
# Only these may differ between languages; the rest is read from the default-language file.
TEXT_KEYS = ("title", "theme", "place", "note")
_KEYS = (*TEXT_KEYS, "year", "date", "head", "deputy", "illustrative", "signatories")
_SIGNATORY_KEYS = ("unit", "signer")


@dataclass(frozen=True)
class Signatory:
    """A unit that signed, and the title of the person who signed for it, in each language."""

    unit: str
    signer: Mapping[str, str]
    line: int


@dataclass(frozen=True)
class PledgeText:
    """What one language version of the pledge says."""

    lang: str
    file: str
    title: str
    theme: str
    place: str
    note: str
    body: str


@dataclass(frozen=True)
class Pledge:
    """The emulation pledge of one year: when, where, who signed, and its text per language."""

    year: int
    file: str
    signed: date | None
    head: str
    deputy: str
    illustrative: bool
    signatories: tuple[Signatory, ...]
    texts: Mapping[str, PledgeText]
    lines: Mapping[str, int]


def load_pledges(root: Path, languages: Sequence[str]) -> tuple[tuple[Pledge, ...], list[SiteError]]:
    """Every pledge; a translation without its default-language file is an error."""
    errors: list[SiteError] = []
    folder = root / PLEDGES_DIR
    sources: dict[tuple[str, str], tuple[str, LineMap, str]] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.name.startswith((".", "~", "_")):
            continue
        source = _read(path, root, languages, errors)
        if source:
            sources[source[0]] = source[1]
    pledges = []
    default = languages[0]
    for (stem, lang), (file, _, _) in sources.items():
        if lang != default and (stem, default) not in sources:
            errors.append(
                SiteError(
                    file, "this translation has no Vietnamese original", None, f"add {stem}.{default}.md beside it"
                )
            )
    for stem, lang in sources:
        if lang == default:
            translations = {code: sources[(stem, code)] for code in languages if (stem, code) in sources}
            pledge = _make_pledge(stem, translations, languages, errors)
            if pledge:
                pledges.append(pledge)
    return tuple(sorted(pledges, key=lambda p: p.year)), errors


def _read(path: Path, root: Path, languages: Sequence[str], errors: list[SiteError]):
    file = display_path(path, root)
    stem, _, lang = path.name[: -len(".md")].rpartition(".")
    if not stem or lang not in languages:
        errors.append(
            SiteError(file, "the file name should be <year>.<language>.md", None, f"e.g. 2021.{languages[0]}.md")
        )
        return None
    read = read_markdown(path, file, errors, first_field="year")
    return None if read is None else ((stem, lang), (file, read.meta, read.body))


def _make_pledge(stem: str, sources: Mapping, languages: Sequence[str], errors: list[SiteError]) -> Pledge | None:
    file, meta, _ = sources[languages[0]]
    read = Reader(file, languages, errors)
    complete = read.keys(meta, _KEYS, ("year", "title", "date", "head", "signatories"), "the pledge's front matter")
    for lang, (other_file, other_meta, _) in sources.items():
        if lang != languages[0]:
            Reader(other_file, languages, errors).keys(
                other_meta, (*TEXT_KEYS, "year"), ("title",), "a pledge translation"
            )
    year = read.year(meta, "year")
    if year is not None and stem != str(year):
        read.fail(meta.line_of("year"), f"the file is named {stem} but says year: {year}", f"rename it {year}.*.md")
    signatories = _signatories(meta, read)
    errors += duplicate_ids(((s.unit, s.line) for s in signatories), file, "signatory")
    texts = {}
    for lang, (text_file, text_meta, body) in sources.items():
        text_read = Reader(text_file, languages, errors)
        texts[lang] = PledgeText(
            lang=lang,
            file=text_file,
            title=text_read.text(text_meta, "title"),
            theme=text_read.text(text_meta, "theme") or read.text(meta, "theme"),
            place=text_read.text(text_meta, "place") or read.text(meta, "place"),
            note=text_read.text(text_meta, "note"),
            body=body,
        )
    if not complete or year is None:
        return None
    return Pledge(
        year=year,
        file=file,
        signed=read.day(meta, "date"),
        head=read.ident(meta, "head"),
        deputy=read.ident(meta, "deputy"),
        illustrative=read.flag(meta, "illustrative"),
        signatories=signatories,
        texts=MappingProxyType(texts),
        lines=MappingProxyType({key: meta.line_of(key) for key in meta}),
    )


def _signatories(meta: LineMap, read: Reader) -> tuple[Signatory, ...]:
    found = []
    for item in read.items(meta, "signatories", "write each as '- unit: <id>' with 'signer: {vi: ..., en: ...}'"):
        if not read.keys(item, _SIGNATORY_KEYS, ("unit",), "a signatory"):
            continue
        unit = read.ident(item, "unit")
        signer = read.bilingual(item, "signer", required=False)
        if unit:
            found.append(Signatory(unit, signer, item.line_of("unit")))
    return tuple(found)
