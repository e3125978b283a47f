"""Stage 2: content/news and content/pages into Documents, translations inheriting from Vietnamese."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, NamedTuple

from sitegen.config import Config
from sitegen.errors import SiteError
from sitegen.fields import Fields, check_fields, read_markdown
from sitegen.packedbody import PackedBody
from sitegen.parallel import map_chunks
from sitegen.progress import Progress
from sitegen.yamlfile import LineMap

KINDS = {"news": "news", "pages": "page"}
# What a translation takes from the default-language file when it does not set it.
INHERITED = ("date", "author", "source", "tags", "units", "cover", "draft")


@dataclass(frozen=True)
class Image:
    """A picture: its path under content/, what it shows, and its caption."""

    src: str
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Document:
    """One post or plain page in one language, complete once loaded."""

    kind: str
    stem: str
    lang: str
    file: str
    title: str
    slug: str
    date: datetime | None
    summary: str
    author: str
    origin: str
    tags: tuple[str, ...]
    units: tuple[str, ...]
    cover: Image | None
    draft: bool
    packed_body: PackedBody  # the Markdown body, compressed (a quarter of the memory its text would take)
    body_line: int
    lines: Mapping[str, int]

    @property
    def key(self) -> tuple[str, str]:
        """The translation key shared by every language version of this document."""
        return (self.kind, self.stem)

    @property
    def body(self) -> str:
        """The Markdown body as text."""
        return self.packed_body.text


@dataclass(frozen=True)
class _Source:
    """A content file after reading and splitting, before its fields are checked."""

    kind: str
    stem: str
    lang: str
    file: str
    meta: LineMap
    packed_body: PackedBody  # as in Document
    body_line: int


class _Made(NamedTuple):
    """What one source made in the last load: the document (None where it had errors) and its errors."""

    source: _Source
    original: _Source | None  # the default language's version it inherits from
    document: Document | None
    errors: list[SiteError]


@dataclass
class MadeDocuments:
    """The documents the last load made, by (kind, stem, lang), for serve's next full rebuild: a file
    read the same (the same _Source, kept by the cache), with the same original and settings, makes
    the same document and the same errors, without its fields checked again (loading the content in a
    rebuild at 10,000 posts: 0.23 s instead of 0.50). Held by one rebuild at a time."""

    config: Config | None = None
    made: dict[tuple, _Made] = field(default_factory=dict)


class KeptFile(NamedTuple):
    """A content file as the cache keeps it between builds."""

    stamp: tuple[int, int]  # its modification time (ns) and size when it was read
    read: tuple[_Source | None, list[SiteError]]  # what was read, or the errors that stopped it
    digest: bytes  # of its bytes: a file with a new time but the same bytes is not read again


def load_documents(
    config: Config,
    jobs: int = 1,
    cache: MutableMapping[str, KeptFile] | None = None,
    progress: Progress | None = None,
    inputs: Mapping[str, Stamped] | None = None,
    made: MadeDocuments | None = None,
) -> tuple[tuple[Document, ...], list[SiteError]]:
    """Every content file of every kind, with all errors found on the way.

    With a cache (KeptFile by the file's path as a string: quick to save and load, unlike 20,000 Path
    objects), a file whose time and size, or else whose bytes, are unchanged is not read again. A
    file's time, size and digest come from `inputs` (buildstate.input_files, just taken) where that
    lists it, else from the file itself. With `made`, documents whose files were read the same as last
    time are taken from there (serve), and it is given this load's.
    """
    paths = [
        (path, kind)
        for folder, kind in KINDS.items()
        # By name: the files of one folder sort the same way, and strings compare far faster than Paths.
        for path in sorted((config.root / "content" / folder).glob("*.md"), key=lambda path: path.name)
        if not _is_editor_junk(path.name)
    ]
    progress = progress or Progress.quiet()
    if cache is None:
        progress.stage("Reading content", len(paths))
        read = list(map_chunks(_read_chunk, config, paths, jobs, progress.advance))
    else:
        inputs = inputs or {}
        listed = {str(path): inputs.get(input_name(config.root, path)) for path, _ in paths}
        # The time and size the input files' digests were taken at (no second look at 20,000 files), else now.
        stamps = {name: known[:2] if known else _stamp(name) for name, known in listed.items()}
        stale = []
        for path, kind in paths:
            name = str(path)
            kept, known = cache.get(name), listed[name]
            if kept is not None and kept.stamp != stamps[name] and known is not None and known[2] == kept.digest:
                # A new time, the bytes read last time (after a checkout, every file): not read again.
                kept = cache[name] = KeptFile(stamps[name], kept.read, kept.digest)
            if kept is None or kept.stamp != stamps[name]:
                stale.append((path, kind))
        # Read, but parsed only when their bytes are not those read last time.
        reading = [(path, kind, cache[str(path)].digest if str(path) in cache else None) for path, kind in stale]
        progress.stage("Reading content", len(stale))
        fresh = map_chunks(_read_if_changed, config, reading, jobs, progress.advance)
        for (path, _), (digest, result) in zip(stale, fresh, strict=True):
            kept = cache[str(path)].read if result is None else result
            cache[str(path)] = KeptFile(stamps[str(path)], kept, digest)
        for name in cache.keys() - stamps.keys():
            del cache[name]
        read = [cache[str(path)].read for path, _ in paths]
    errors = [error for _, found in read for error in found]
    sources = [source for source, _ in read]
    documents = _documents(config, {(s.kind, s.stem, s.lang): s for s in sources if s}, errors, made)
    order = {code: number for number, code in enumerate(config.language_codes)}
    documents.sort(key=lambda d: (d.kind, d.stem, order[d.lang]))
    return tuple(documents), list(dict.fromkeys(errors))


def _documents(
    config: Config, sources: Mapping[tuple, _Source], errors: list[SiteError], made: MadeDocuments | None = None
) -> list[Document]:
    """Sources by (kind, stem, lang) made into Documents, each translation with what it inherits; those
    `made` holds from the same sources and settings taken from there, and `made` given these."""
    last = made.made if made is not None and made.config == config else {}
    kept = {}
    documents = []
    for key, source in sources.items():
        original = sources.get((source.kind, source.stem, config.default_language))
        before = last.get(key)
        if before is not None and before.source is source and before.original is original:
            document, found = before.document, before.errors
        else:
            found = []
            document = _make_document(source, _merged_fields(source, original), config, found)
        kept[key] = _Made(source, original, document, found)
        errors.extend(found)
        if document:
            documents.append(document)
    if made is not None:
        made.config, made.made = config, kept
    return documents


def _is_editor_junk(name: str) -> bool:
    # Word and editors leave lock and backup files next to the ones being edited.
    return name.startswith((".", "~", "_"))


def _read_chunk(config: Config, paths: list[tuple[Path, str]]) -> list[tuple[_Source | None, list[SiteError]]]:
    read = []
    for path, kind in paths:
        errors: list[SiteError] = []
        read.append((_read_source(path, kind, config, errors), errors))
    return read


def _read_if_changed(
    config: Config, files: list[tuple[Path, str, bytes | None]]
) -> list[tuple[bytes, tuple[_Source | None, list[SiteError]] | None]]:
    # Each file's digest, and what it holds if its digest is not the one known (None: as read last time).
    read = []
    for path, kind, known in files:
        raw = path.read_bytes()
        digest = _digest(raw)
        if digest == known:
            read.append((digest, None))
            continue
        errors: list[SiteError] = []
        read.append((digest, (_read_source(path, kind, config, errors, raw), errors)))
    return read


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()  # twice as fast as BLAKE2 where the processor has SHA instructions


Stamped = tuple[int, int, bytes]  # a file's modification time (ns), its size, and the SHA-256 of its bytes


def input_name(root: Path, path: Path | str) -> str:
    """A file's name among the input files (buildstate.input_files): its path from the project folder,
    with '/'; a file outside the project gets its whole path, which names no input file."""
    text, base = str(path), f"{root}{os.sep}"
    return text[len(base) :].replace(os.sep, "/") if text.startswith(base) else text


def _stamp(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return (stat.st_mtime_ns, stat.st_size)


def file_digest_of(stream: BinaryIO) -> bytes:
    """The SHA-256 of an open file's bytes, the same as a content file's in the cache (KeptFile.digest)."""
    return hashlib.file_digest(stream, "sha256").digest()


def _read_source(
    path: Path, kind: str, config: Config, errors: list[SiteError], raw: bytes | None = None
) -> _Source | None:
    file = path.relative_to(config.root).as_posix()  # the files were listed under root: no need to resolve
    parts = path.name[: -len(".md")].rsplit(".", 1)
    codes = config.language_codes
    if len(parts) != 2 or not parts[0]:
        errors.append(
            SiteError(
                file,
                "the file name does not say its language",
                None,
                f"rename it to {parts[0]}.{config.default_language}.md (or .{'.md, .'.join(codes[1:])}.md for a translation)",
            )
        )
        return None
    stem, lang = parts
    if lang not in codes:
        errors.append(
            SiteError(file, f"unknown language '{lang}' in the file name", None, f"use one of: {', '.join(codes)}")
        )
        return None
    read = read_markdown(path, file, errors, raw=raw)
    if read is None:
        return None
    return _Source(kind, stem, lang, file, read.meta, PackedBody.of(read.body), read.body_line)


def _merged_fields(source: _Source, original: _Source | None) -> dict[str, tuple[Any, str, int | None]]:
    """Field -> (value, file it was written in, line); a translation inherits non-text fields."""
    fields = {key: (value, source.file, source.meta.line_of(key)) for key, value in source.meta.items()}
    if original is None or original is source:
        return fields
    for key in INHERITED:
        if key not in original.meta:
            continue
        inherited = (original.meta[key], original.file, original.meta.line_of(key))
        if key not in fields:
            fields[key] = inherited
        elif key == "cover" and isinstance(fields[key][0], Mapping) and isinstance(original.meta[key], Mapping):
            merged = LineMap()
            merged.update(original.meta[key])
            merged.update(fields[key][0])
            merged.line = fields[key][2] or 0
            merged.lines = {**original.meta[key].lines, **fields[key][0].lines}
            fields[key] = (merged, source.file, fields[key][2])
    return fields


def _make_document(source: _Source, fields: Mapping, config: Config, errors: list[SiteError]) -> Document | None:
    checked: Fields = check_fields(source.kind, source.file, fields, config, errors)
    if checked is None:
        return None
    return Document(
        kind=source.kind,
        stem=source.stem,
        lang=source.lang,
        file=source.file,
        title=checked.title,
        slug=checked.slug,
        date=checked.date,
        summary=checked.summary,
        author=checked.author,
        origin=checked.source,
        tags=checked.tags,
        units=checked.units,
        cover=Image(**checked.cover) if checked.cover else None,
        draft=checked.draft,
        packed_body=source.packed_body,
        body_line=source.body_line,
        lines=MappingProxyType({key: line for key, (_, file, line) in fields.items() if file == source.file and line}),
    )


def edited_files(
    config: Config, cache: Mapping[str, KeptFile], among: Iterable[str] | None = None
) -> list[Path] | None:
    """Content files whose size or modification time changed since the cache read them; None when files
    were added or removed (a plain edit is what serve can answer first, before the full rebuild).

    With `among` (the paths serve's watcher was told of), only those are looked at, not every file;
    None when one of them is not a content file the cache knows (a layout, a new or deleted file).
    """
    if among is not None:
        return _edited_among(config, cache, among)
    stamps = {name: kept.stamp for name, kept in cache.items()}
    edited, seen = [], 0
    for folder in KINDS:
        with os.scandir(config.root / "content" / folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".md") or _is_editor_junk(entry.name):
                    continue
                stamp = stamps.get(entry.path)
                if stamp is None:
                    return None
                seen += 1
                stat = entry.stat()
                if stamp != (stat.st_mtime_ns, stat.st_size):
                    edited.append(Path(entry.path))
    return edited if seen == len(stamps) else None


def _edited_among(config: Config, cache: Mapping[str, KeptFile], among: Iterable[str]) -> list[Path] | None:
    edited = []
    for name in dict.fromkeys(among):
        path = Path(name)
        in_content = path.parent.name in KINDS and path.parent.parent == config.root / "content"
        if in_content and (path.suffix != ".md" or _is_editor_junk(path.name)):
            continue  # not read by the build: an editor's lock, backup or swap file
        known = cache.get(str(path))
        stat = _stat(path) if known is not None else None
        if stat is None:
            return None  # a layout, the settings, a new or a deleted file: the full rebuild alone
        if known.stamp != (stat.st_mtime_ns, stat.st_size):
            edited.append(path)
    return edited


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def reread(
    config: Config, cache: MutableMapping[str, KeptFile], paths: list[Path]
) -> tuple[list[Document], list[SiteError]]:
    """Read these files again into the cache; every language version of their documents, made again."""
    errors: list[SiteError] = []
    # Each language's file of the documents read, found by its name: serve answers an edit with this,
    # and a look through the whole cache (20,000 files at 10,000 posts) took 10 ms.
    versions: list[str] = []
    for path in paths:
        kind = KINDS[path.parent.name]
        stamp = _stamp(str(path))  # before reading: a save during the read is noticed by the next build
        digest, read = _read_if_changed(config, [(path, kind, None)])[0]  # read once, for both
        cache[str(path)] = KeptFile(stamp, read, digest)
        source, found = read
        errors += found
        if source is not None:
            versions += [str(path.with_name(f"{source.stem}.{code}.md")) for code in config.language_codes]
    kept = [cache[name].read[0] for name in dict.fromkeys(versions) if name in cache]
    sources = {(s.kind, s.stem, s.lang): s for s in kept if s is not None}
    return _documents(config, dict(sorted(sources.items())), errors), errors
