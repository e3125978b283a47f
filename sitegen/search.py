"""Stage 7: the Pagefind search index, written into the fresh output folder before it goes live.

Pagefind folds tone marks itself ("hoi nghi" finds "Hội nghị") but treats đ as a letter of its own,
so "dong chi" would not find "đồng chí". Each indexed page therefore carries, in the copy given to
Pagefind only, the folded form of its words that contain đ. The published page stays as it is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from sitegen.errors import SiteError, raise_if_any
from sitegen.vietnamese import fold, nfc

INDEX_FOLDER = "pagefind"
# Templates mark what is searchable with this attribute; pages without it (lists, 404, search) are left out.
BODY_ATTRIBUTE = "data-pagefind-body"
# Separates the folded words from the page's own text; static/js/search.js cuts the excerpt after it.
ALIAS_MARK = "\u2042"
_BODY_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\s" + BODY_ATTRIBUTE + r"\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
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
    records = (search_record(name, files[name]) for name in sorted(files))
    return tuple(record for record in records if record is not None)


def is_searchable(name: str, data: bytes) -> bool:
    """Whether an output file is a page the search index holds."""
    return name.endswith(".html") and BODY_ATTRIBUTE.encode() in data


def search_record(name: str, data: bytes) -> SearchRecord | None:
    """One output file as Pagefind should read it, or None when it is not a searchable page."""
    if not is_searchable(name, data):
        return None
    return SearchRecord("/" + name.removesuffix("index.html"), with_folded_words(data.decode("utf-8")))


def body_text(html: str) -> str:
    """The text of the element marked data-pagefind-body (regular expressions: this runs on every page)."""
    match = _BODY_TAG.search(html)
    if match is None:
        return ""
    depth, inner = 1, html[match.end() :]
    same_tag = re.compile(rf"<(/?){match.group(1)}\b[^>]*>", re.IGNORECASE)
    for tag in same_tag.finditer(html, match.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            inner = html[match.end() : tag.start()]
            break
    return " ".join(unescape(_ANY_TAG.sub(" ", inner)).split())


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


class SearchIndexing:
    """Pagefind at work on a staged copy of the searchable pages, writing into the fresh output folder."""

    def __init__(self, folder: Path, files: Mapping[str, bytes]):
        program = _pagefind_program()
        self.output = folder / INDEX_FOLDER
        # In memory where the machine allows: Pagefind reads a folder far faster than it takes
        # pages one by one through its API, and the staged copies are never published.
        self.staging = Path(tempfile.mkdtemp(prefix="sitegen-search-", dir=_fast_temp_dir(files)))
        try:
            # One process, in sorted order: Pagefind's output follows the order the folder lists its files.
            _stage_chunk((self.staging, files), sorted(name for name in files if name.endswith(".html")))
            command = [str(program), "--site", str(self.staging), "--output-path", str(self.output), "--quiet"]
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except BaseException:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise

    def finish(self) -> None:
        """Wait for Pagefind; a failure is a build error, and nothing gets published."""
        try:
            out, err = self.process.communicate()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self.process.returncode != 0:
            lines = (err or out).decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise_if_any(
                [SiteError(INDEX_FOLDER, f"the search index could not be built: {lines[0]}", None, _INSTALL_HINT)]
            )
        for unused in self.output.glob("pagefind-*ui*"):
            unused.unlink()  # Pagefind's own UI; static/js/search.js talks to pagefind.js directly
        _sort_entry(self.output / "pagefind-entry.json")

    def cancel(self) -> None:
        """Stop Pagefind when the build failed while it was working."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        shutil.rmtree(self.staging, ignore_errors=True)


def write_search_index(folder: Path, files: Mapping[str, bytes]) -> None:
    """Index the searchable pages into folder/pagefind/, one index per language (from <html lang>)."""
    SearchIndexing(folder, files).finish()


def _stage_chunk(shared: tuple[Path, Mapping[str, bytes]], names: list[str]) -> list[None]:
    staging, files = shared
    for name in names:
        record = search_record(name, files[name])
        if record is not None:
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record.html, encoding="utf-8")
    return []


def _fast_temp_dir(files: Mapping[str, bytes]) -> str | None:
    # /dev/shm is memory on Linux; use it only when it has ample room for the staged pages.
    shm = "/dev/shm"  # noqa: S108 - a private mkdtemp inside it
    needed = 2 * sum(len(data) for name, data in files.items() if name.endswith(".html"))
    if os.path.isdir(shm) and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > needed:
        return shm
    return None


def _pagefind_program() -> Path:
    from pagefind.service import get_executable

    program = get_executable()
    if program is None or not Path(program).is_file():
        raise_if_any([SiteError(INDEX_FOLDER, f"the Pagefind program was not found ({program})", None, _INSTALL_HINT)])
    return Path(program)


def _sort_entry(entry: Path) -> None:
    # Pagefind lists the languages in a random order; sorted, two builds of one site are byte-identical.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
