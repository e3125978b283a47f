"""Stage 7: the Pagefind search index, written into the fresh output folder before it goes live.

Pagefind folds tone marks itself ("hoi nghi" finds "Hội nghị") but treats đ as a letter of its own,
so "dong chi" would not find "đồng chí". Each indexed page therefore carries, in the copy given to
Pagefind only, the folded form of its words that contain đ. The published page stays as it is.

That copy is also cut down to what reaches the index: the page's <html> tag, its title and its
searchable element, without the menu, footer and scripts around them. Pagefind makes the same index
from it with less work, and a change to the layout around the searchable element (a menu entry, a
footer line) leaves every copy, and so every search bundle, as it was.

Pagefind keeps the text of a paragraph, list item, table cell or heading apart from the next, but runs
many other blocks together with the text beside them: a pledge's "<dt>Ngày ký</dt><dd>10/03/2021</dd>"
was indexed, and shown in results, as "Ngày ký10/03/2021". The copy puts a space around those blocks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from sitegen.errors import SiteError, raise_if_any
from sitegen.pause import PausableRuns
from sitegen.vietnamese import fold, nfc

INDEX_FOLDER = "pagefind"
# Templates mark what is searchable with this attribute; pages without it (lists, 404, search) are left out.
BODY_ATTRIBUTE = "data-pagefind-body"
# Separates the folded words from the page's own text; static/js/search.js cuts the excerpt after it.
ALIAS_MARK = "\u2042"
_BODY_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\s" + BODY_ATTRIBUTE + r"\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
# What Pagefind may take from anywhere in a page: its default title (the first h1) and image (an img),
# and meta, filter or sort attributes. Where one is outside the searchable element, the page goes whole.
_REACHES_INDEX = re.compile(r"<h1\b|<img\b|data-pagefind-", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# The blocks Pagefind 1.5 runs together with the text beside them (each tried: it keeps p, div, li, td,
# tr, h1-h6, article and section apart itself, and leaves nav and footer out). In lower case, as layouts
# and Markdown write them: an expression that ignores case took three times as long.
_RUN_TOGETHER = (
    "address|aside|blockquote|caption|dd|details|dialog|dl|dt|fieldset|figcaption|figure|header|hgroup|hr"
    "|legend|main|menu|ol|pre|summary|table|tbody|tfoot|th|thead"
)
_RUN_TOGETHER_TAG = re.compile(rf"<(/?)(?:{_RUN_TOGETHER})\b[^>]*>")
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
    """One output file as Pagefind reads it (the bytes the build stages), or None when it is not a
    searchable page."""
    staged = _staged(name, data)
    return None if staged is None else SearchRecord("/" + name.removesuffix("index.html"), staged.decode("utf-8"))


def search_digest(name: str, data: bytes) -> str | None:
    """A digest of the copy of an output file that Pagefind reads (None when it is not searchable):
    two builds whose copies have the same digests make the same search index."""
    staged = _staged(name, data)
    return None if staged is None else _digest(staged)


def _staged(name: str, data: bytes) -> bytes | None:
    # The bytes Pagefind is given for an output file: what _stage writes and search_digest digests.
    return search_copy(data.decode("utf-8")).encode("utf-8") if is_searchable(name, data) else None


def _digest(staged: bytes) -> str:
    return hashlib.sha1(staged, usedforsecurity=False).hexdigest()


def body_text(html: str) -> str:
    """The text of the element marked data-pagefind-body (regular expressions: this runs on every page)."""
    match = _body_tag(html)
    return "" if match is None else " ".join(_text(html[match.end() : _element_end(html, match)]).split())


def _body_tag(html: str) -> re.Match | None:
    # The first tag with the attribute: it cannot start before the last ">" ahead of the attribute's first
    # mention, so the expression is tried from there rather than at every "<" of the page's head.
    first = html.find(BODY_ATTRIBUTE)
    return None if first < 0 else _BODY_TAG.search(html, html.rfind(">", 0, first) + 1)


def _element_end(html: str, match: re.Match) -> int:
    # Where the marked element's closing tag starts (the page's end when it has none).
    depth = 1
    same_tag = re.compile(rf"<(/?){match.group(1)}\b[^>]*>", re.IGNORECASE)
    for tag in same_tag.finditer(html, match.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    return len(html)


def _text(inner: str) -> str:
    # HTML without its tags; runs of spaces are left as they are.
    text = _ANY_TAG.sub(" ", inner)
    return unescape(text) if "&" in text else text


def folded_words(text: str) -> list[str]:
    """Words that contain đ, folded as a reader types them (đồng -> dong), each once, in order."""
    # Split at spaces first (fast), and look for words only in the pieces that have a đ.
    pieces = (piece for piece in nfc(text).split() if "đ" in piece or "Đ" in piece)
    words = (word for piece in pieces for word in _WORD.findall(piece) if "đ" in word or "Đ" in word)
    return list(dict.fromkeys(fold(word) for word in dict.fromkeys(words)))


def whole_copy(html: str) -> str:
    """The whole page as Pagefind reads it: its folded đ-words added at the start of the searchable
    element, and a space around each block Pagefind would run together with its neighbours."""
    match = _body_tag(html)
    if match is None:
        return html
    return _kept_apart(html[: match.end()] + _folded_block(html, match) + html[match.end() :])


def _kept_apart(html: str) -> str:
    # A space before each opening tag and after each closing tag of those blocks ("<hr>": before it);
    # Pagefind reads a run of spaces as one.
    return _RUN_TOGETHER_TAG.sub(lambda tag: tag.group(0) + " " if tag.group(1) else " " + tag.group(0), html)


def search_copy(html: str) -> str:
    """The page as Pagefind reads it: its <html> tag, title and searchable element, the element with
    its folded đ-words; the whole page (with those words) when something outside that element could
    reach the index."""
    match = _body_tag(html)
    if match is None:
        return html
    end = _element_end(html, match)
    close = html.find(">", end) + 1 or len(html)
    if _REACHES_INDEX.search(html, 0, match.start()) or _REACHES_INDEX.search(html, close):
        return whole_copy(html)
    words = _folded_block(html, match, end)
    tag = _HTML_TAG.search(html, 0, match.start())
    title = _TITLE.search(html, 0, match.start())
    head = f'<head><meta charset="utf-8">{title.group(0) if title else ""}</head>'
    element = _kept_apart(html[match.start() : match.end()] + words + html[match.end() : close])
    return f"<!DOCTYPE html>{tag.group(0) if tag else '<html>'}{head}<body>{element}</body></html>"


def _folded_block(html: str, match: re.Match, end: int | None = None) -> str:
    # The folded đ-words of the marked element, as a paragraph the search script cuts off its excerpt.
    end = _element_end(html, match) if end is None else end
    words = folded_words(_text(html[match.end() : end]))
    return f"<p>{' '.join(words)} {ALIAS_MARK}</p>" if words else ""


MAIN_BUNDLE = 0  # the bundle at pagefind/ with the search program; the others are pagefind/more-N/
BUNDLE_LIST = "bundles.json"  # pagefind/bundles.json: the other bundles, for the search page to merge
_KEEP_IN_MORE = ("pagefind-entry.json", "index", "fragment")  # and *.pf_meta: what a merged bundle needs


# Pagefind cuts each bundle's word index into chunks of about this many word positions (its default),
# and a search fetches, from every bundle, the chunk holding each of its words. A site of n bundles has
# them cut n times finer: a word then costs a reader about the download it would in one index of the
# whole site, not n times it (at 10,000 posts, 21 bundles, a slow phone's first search took 9.7 s
# instead of 23). Pagefind 1.5 reads the size from this variable; one bundle keeps the default.
CHUNK_POSITIONS = 20_000
CHUNK_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"


def chunk_positions(count: int) -> int:
    """The word positions in each index chunk of a site with `count` bundles."""
    return max(1, CHUNK_POSITIONS // count)


def bundle_count(pages: int, bundle_pages: int) -> int:
    """How many bundles the index is made of: one per `bundle_pages` searchable pages."""
    return max(1, -(-pages // bundle_pages))


def bundle_of(name: str, count: int) -> int:
    """The bundle a page belongs to: from its name only, so an edit changes one bundle and no other."""
    return int(hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8], 16) % count


def bundle_folder(number: int) -> str:
    """Where a bundle lives under pagefind/ ('' for the main one)."""
    return "" if number == MAIN_BUNDLE else f"more-{number}/"


def make_search_index(
    folder: Path,
    files: Mapping[str, bytes],
    names: Sequence[str],
    bundle_pages: int,
    runs: int = 2,
    chunk: int | None = None,
    pausable: PausableRuns | None = None,
) -> dict[str, str]:
    """Index the searchable pages `names` (bytes from `files`) into folder/pagefind/; the search digest
    (`search_digest`) of each page indexed.

    A big site's index is made of bundles of about `bundle_pages` pages each (Pagefind holds a whole
    bundle in memory: 150-170 MB for 1,000 pages), `runs` Pagefind runs at a time (each uses more than
    one core), merged by the search page. Their word indexes are cut in chunks of `chunk` word positions,
    by default finer the more bundles there are (`chunk_positions`). `pausable` is told of each Pagefind
    run, so that another thread may hold it still for a moment (serve). A failure is a build error, and
    nothing gets published.
    """
    output = folder / INDEX_FOLDER
    count = bundle_count(len(names), bundle_pages)
    chunk = chunk or chunk_positions(count)
    with _made_bundles(folder, files, names, count, set(range(count)), runs, chunk, pausable) as (made, digests):
        output.mkdir(parents=True, exist_ok=True)
        for number in range(count):
            target = output / bundle_folder(number)
            _move_contents(made[number], target)
            _finish_bundle(target, number)
        more = [bundle_folder(number) for number in range(count) if number != MAIN_BUNDLE]
        (output / BUNDLE_LIST).write_text(json.dumps(more), encoding="utf-8")
    return digests


@dataclass(frozen=True)
class BundleChanges:
    """What brings the bundles of a search index up to date with bundles made again, file by file.

    Pagefind names its index chunks, fragments and meta files by a digest of their bytes, and only each
    bundle's pagefind-entry.json says which meta file is current. Made again after an edit, a bundle of
    1,000 pages has most of its 1,200 files byte for byte as they were: only those that differ are moved
    in, each bundle's entry last (a search that began meanwhile finds the files it names), and then the
    files no longer named are removed. A search that finds its files gone loads the index again, as it
    does when a new build is published.
    """

    moves: tuple[tuple[Path, str], ...]  # a file made, and its name in the index folder
    removed: tuple[str, ...]  # files of the index folder that no bundle holds any more


@contextlib.contextmanager
def remade_bundles(
    index: Path,
    files: Mapping[str, bytes],
    names: Sequence[str],
    bundle_pages: int,
    redo: set[int],
    runs: int = 2,
    chunk: int | None = None,
    pausable: PausableRuns | None = None,
) -> Iterator[tuple[BundleChanges, dict[str, str]]]:
    """Make the bundles numbered in `redo` again, in memory where the machine allows, and yield the
    changes that bring the search index at `index` up to date with them (`apply_changes`), and the search
    digest of each page indexed. The index must have as many bundles as `names` make. The bundles made
    are removed afterwards.
    """
    count = bundle_count(len(names), bundle_pages)
    if not redo <= set(range(count)):
        raise ValueError(f"an index of {count} bundles has no bundle {sorted(redo - set(range(count)))}")
    chunk = chunk or chunk_positions(count)
    with _made_bundles(None, files, names, count, redo, runs, chunk, pausable) as (made, digests):
        moves: list[tuple[Path, str]] = []
        removed: list[str] = []
        for number, bundle in sorted(made.items()):
            _finish_bundle(bundle, number)
            folder = bundle_folder(number)
            changed, gone = _bundle_changes(bundle, index / folder, main=number == MAIN_BUNDLE)
            moves += [(bundle / name, folder + name) for name in changed]
            removed += [folder + name for name in gone]
        yield BundleChanges(tuple(moves), tuple(removed)), digests


def apply_changes(index: Path, changes: BundleChanges) -> None:
    """Bring the search index at `index` up to date (`remade_bundles`)."""
    for source, name in changes.moves:
        _put(source, index / name)
    for name in changes.removed:
        (index / name).unlink(missing_ok=True)


ENTRY = "pagefind-entry.json"  # a bundle's list of its languages and their current meta files


def _bundle_changes(made: Path, old: Path, main: bool) -> tuple[list[str], list[str]]:
    # The files of the bundle made that are new or differ from the old bundle's (its entry last), and the
    # old bundle's files the new one does not have. The main bundle's folder also holds the others.
    new, before = _bundle_files(made, main), _bundle_files(old, main)
    changed = [name for name in sorted(new - {ENTRY}) if name not in before or not _same(made, old, name)]
    if ENTRY not in before or not _same(made, old, ENTRY):
        changed.append(ENTRY)
    return changed, sorted(before - new)


def _same(made: Path, old: Path, name: str) -> bool:
    # Whether the file `name` of both bundles holds the same bytes. Index chunks, fragments and meta files
    # are named by a digest of their bytes, as Pagefind itself relies on within an index: reading them all
    # to compare took 0.25 s for the 1,334 files of one bundle at 10,000 posts, after every edit.
    if name.startswith(("fragment/", "index/")) or name.endswith(".pf_meta"):
        return True
    one, other = made / name, old / name
    return one.stat().st_size == other.stat().st_size and one.read_bytes() == other.read_bytes()


def _bundle_files(folder: Path, main: bool) -> set[str]:
    from sitegen.output import files_under  # output.py imports this module

    if not main:
        return files_under(folder)
    return files_under(folder, leaving_out=lambda name: name.startswith("more-")) - {BUNDLE_LIST}


def _put(source: Path, target: Path) -> None:
    # One rename where source and target share a drive. From memory, a copy: straight to a new name (no
    # search reads it before its bundle's entry names it), else beside the file it replaces and renamed
    # over it, so that the entry is never read half-written.
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.stat().st_dev == target.parent.stat().st_dev:
        os.replace(source, target)
    elif not target.exists():
        shutil.copyfile(source, target)
    else:
        fresh = target.with_name(temporary_name(target.name))
        shutil.copyfile(source, fresh)
        os.replace(fresh, target)


def temporary_name(name: str) -> str:
    """The name under which a search file replacing `name` (a path with '/') is copied before it is
    renamed over it: the output lists it among its own files meanwhile, should the build be stopped."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/.{base}.new" if folder else f".{base}.new"


@contextlib.contextmanager
def _made_bundles(
    beside: Path | None,
    files: Mapping[str, bytes],
    names: Sequence[str],
    count: int,
    todo: set[int],
    runs: int,
    chunk: int,
    pausable: PausableRuns | None,
) -> Iterator[tuple[dict[int, Path], dict[str, str]]]:
    # Pagefind's bundles numbered in `todo` made in folders of `beside` (None: beside the staged copies,
    # in memory where the machine allows), and the search digest of each of their pages; the folders are
    # removed afterwards, but for what was moved out of them.
    program = _pagefind_program()
    groups: dict[int, list[str]] = {number: [] for number in range(count)}
    for name in sorted(names):
        groups[bundle_of(name, count)].append(name)
    # In memory where the machine allows: Pagefind reads a folder far faster than it takes pages one by
    # one through its API, and the staged copies are never published.
    staging = _staging_folder(len(names))
    beside = staging if beside is None else beside
    made = {number: beside / f".sitegen-bundle-{number}" for number in sorted(todo)}  # moved out by the caller
    try:
        digests: dict[str, str] = {}
        environment = {**os.environ, CHUNK_VARIABLE: str(chunk)}
        failures = _run_pagefind(program, environment, staging, files, groups, made, digests, runs, pausable)
        if failures:
            message = f"the search index could not be built: {failures[0]}"
            raise_if_any([SiteError(INDEX_FOLDER, message, None, _INSTALL_HINT)])
        yield made, digests
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for path in made.values():
            shutil.rmtree(path, ignore_errors=True)


def _finish_bundle(bundle: Path, number: int) -> None:
    if number != MAIN_BUNDLE:
        _slim(bundle)  # the program and its WebAssembly come from the main bundle
    for unused in bundle.glob("pagefind-*ui*"):
        unused.unlink()  # Pagefind's own UI; static/js/search.js talks to pagefind.js directly
    _sort_entry(bundle / ENTRY)


def _run_pagefind(
    program: Path,
    environment: Mapping[str, str],
    staging: Path,
    files: Mapping[str, bytes],
    groups: Mapping[int, list[str]],
    made: Mapping[int, Path],
    digests: dict[str, str],
    runs: int,
    pausable: PausableRuns | None = None,
) -> list[str]:
    """Stage each bundle's pages (their digests into `digests`) and run Pagefind on them with the
    `environment` given, `runs` at a time; the failures' last lines. The next bundle is staged while
    Pagefind works on the last ones.

    Each run is a process group of its own (POSIX): were this process killed outright (SIGKILL, the
    out-of-memory killer) while serve holds a run still, the system ends the run (SIGHUP then SIGCONT
    to a group left stopped without its parent) instead of leaving it stopped for good. Ctrl+C, SIGTERM
    and SIGHUP reach this process, which kills its runs as it stops."""
    order = list(made)
    running: list[tuple[Path, subprocess.Popen]] = []
    failures: list[str] = []
    pausable = pausable or PausableRuns()

    def finish_first() -> None:
        site, process = running.pop(0)
        out, err = process.communicate()
        pausable.finished(process)
        shutil.rmtree(site, ignore_errors=True)  # staged pages are memory (/dev/shm): freed bundle by bundle
        if process.returncode != 0:
            failures.append(((err or out).decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1])

    try:
        site = _stage_bundle(staging, files, groups, order[0], digests) if order else None
        for position, number in enumerate(order):
            if len(running) == runs:
                finish_first()
            command = [str(program), "--site", str(site), "--output-path", str(made[number]), "--quiet"]
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, process_group=0
            )
            running.append((site, process))
            pausable.started(process)
            if position + 1 < len(order):
                site = _stage_bundle(staging, files, groups, order[position + 1], digests)
        while running:
            finish_first()
    finally:
        for _, process in running:  # only when something went wrong while Pagefind was at work
            process.kill()
            process.communicate()
            pausable.finished(process)
    return failures


def _stage_bundle(
    staging: Path, files: Mapping[str, bytes], groups: Mapping[int, list[str]], number: int, digests: dict[str, str]
) -> Path:
    # In sorted order, one page after another: Pagefind's output follows the order the folder lists.
    site = staging / f"site-{number}"
    site.mkdir()
    digests.update(_stage(site, files, groups[number]))
    return site


def _move_contents(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        entry.rename(target / entry.name)
    source.rmdir()


def _slim(bundle: Path) -> None:
    for entry in bundle.iterdir():
        if entry.name not in _KEEP_IN_MORE and not entry.name.endswith(".pf_meta"):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _stage(staging: Path, files: Mapping[str, bytes], names: list[str]) -> dict[str, str]:
    # Each page as Pagefind should read it (search_copy), under its own name; the digests of the copies.
    digests = {}
    for name in names:
        staged = _staged(name, files[name])
        if staged is not None:
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(staged)
            digests[name] = _digest(staged)
    return digests


STAGING_PREFIX = "sitegen-search-"  # then the building process's id


def _staging_folder(pages: int) -> Path:
    # A private folder for the staged copies, named with this process's id. In memory (/dev/shm), the
    # folders left by builds that were killed before they could remove theirs (their process is gone)
    # are removed first: they would hold memory until the machine restarts.
    fast = _fast_temp_dir(pages)
    if fast is not None:
        for left in Path(fast).glob(f"{STAGING_PREFIX}*"):
            owner = left.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
            if owner.isdigit() and not _running(int(owner)):
                shutil.rmtree(left, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=fast))


def _running(pid: int) -> bool:
    # Linux only (where /dev/shm is): on Windows, os.kill would end the process.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _fast_temp_dir(pages: int) -> str | None:
    # /dev/shm is memory on Linux; use it only when it has ample room for the staged pages.
    shm = "/dev/shm"  # noqa: S108 - a private mkdtemp inside it
    needed = pages * 128 * 1024  # a generous bound for one staged page
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
    # Written only when the order differs, and then as a new file: never through a link to a published one.
    text = entry.read_text(encoding="utf-8")
    data = json.loads(text)
    data["languages"] = dict(sorted(data["languages"].items()))
    ordered = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if ordered != text:
        fresh = entry.with_name(f".{entry.name}.new")
        fresh.write_text(ordered, encoding="utf-8")
        fresh.replace(entry)
