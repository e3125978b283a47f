"""Stage 7: the Pagefind search index, written into the fresh output folder before it goes live.

Pagefind folds tone marks itself ("hoi nghi" finds "Hội nghị") but treats đ as a letter of its own,
so "dong chi" would not find "đồng chí". Each indexed page therefore carries, in the copy given to
Pagefind only, the folded form of its words that contain đ. The published page stays as it is.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sitegen.errors import SiteError, raise_if_any
from sitegen.vietnamese import fold, nfc

INDEX_FOLDER = "pagefind"
# Templates mark what is searchable with this attribute; pages without it (lists, 404, search) are left out.
BODY_ATTRIBUTE = "data-pagefind-body"
# Separates the folded words from the page's own text; static/js/search.js cuts the excerpt after it.
ALIAS_MARK = "\u2042"
_BODY_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*\b[^>]*\s" + BODY_ATTRIBUTE + r"\b[^>]*>")
_WORD = re.compile(r"\w+")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_INSTALL_HINT = "install the project's dependencies: pip install -e '.[test]' (it brings pagefind[extended])"


@dataclass(frozen=True)
class SearchRecord:
    """One page as Pagefind reads it: its address from the site's root and its HTML with folded words."""

    url: str
    html: str


def search_records(files: Mapping[str, bytes]) -> tuple[SearchRecord, ...]:
    """The searchable pages among the output files, each with the folded forms of its đ-words.

    Addresses are relative to the site's root; the search script gives Pagefind the base path.
    """
    records = []
    for name in sorted(files):
        if not name.endswith(".html"):
            continue
        html = files[name].decode("utf-8")
        if BODY_ATTRIBUTE not in html:
            continue
        path = name.removesuffix("index.html")
        records.append(SearchRecord("/" + path, with_folded_words(html)))
    return tuple(records)


def body_text(html: str) -> str:
    """The text of the element marked data-pagefind-body."""
    parser = _BodyText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def folded_words(text: str) -> list[str]:
    """Words that contain đ, folded as a reader types them (đồng -> dong), each once, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(nfc(text)):
        if "đ" in word.lower():
            seen.setdefault(fold(word), None)
    return list(seen)


def with_folded_words(html: str) -> str:
    """The page with its folded đ-words added at the start of the searchable element."""
    words = folded_words(body_text(html))
    match = _BODY_TAG.search(html)
    if not words or match is None:
        return html
    block = f"<p>{' '.join(words)} {ALIAS_MARK}</p>"
    return html[: match.end()] + block + html[match.end() :]


def write_search_index(folder: Path, files: Mapping[str, bytes]) -> None:
    """Index the searchable pages into folder/pagefind/, one index per language (from <html lang>)."""
    records = search_records(files)
    try:
        # A thread of its own, so the build also works where an event loop is already running (serve).
        with ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(asyncio.run, _write_index(records, folder / INDEX_FOLDER)).result()
    except FileNotFoundError as exc:
        raise_if_any([SiteError(INDEX_FOLDER, f"the Pagefind program was not found ({exc})", None, _INSTALL_HINT)])
    except Exception as exc:  # noqa: BLE001 - Pagefind reports its failures as bare Exceptions
        raise_if_any([SiteError(INDEX_FOLDER, f"the search index could not be built: {exc}", None, _INSTALL_HINT)])
    _sort_entry(folder / INDEX_FOLDER / "pagefind-entry.json")


def _sort_entry(entry: Path) -> None:
    # Pagefind lists the languages in a random order; sorted, two builds of one site are byte-identical.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


async def _write_index(records: tuple[SearchRecord, ...], output: Path) -> None:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": str(output)}) as index:
        for record in records:
            await index.add_html_file(content=record.html, url=record.url)


class _BodyText(HTMLParser):
    """Collects the text inside the first element that carries data-pagefind-body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.done = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or self.done:
            return
        if self.depth:
            self.depth += 1
        elif any(name == BODY_ATTRIBUTE for name, _ in attrs):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.depth:
            return
        self.depth -= 1
        self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)
