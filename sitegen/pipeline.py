"""The build, as the list of its stages."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from sitegen.apart import in_own_process
from sitegen.assets import Assets, collect_assets
from sitegen.buildstate import (
    BODIES,
    CACHE,
    BuildState,
    SqliteBodies,
    Stamped,
    discard_state,
    input_files,
    inputs_digest,
    kept_sources,
    load_state,
    save_state,
    state_file,
)
from sitegen.config import Config, load_config
from sitegen.content import Document, MadeDocuments, load_documents
from sitegen.errors import raise_if_any
from sitegen.images import resized_copies
from sitegen.markup import Bodies, BodyStore, Links, MemoryBodies, body_keys, render_bodies
from sitegen.model import BuildOptions, Site, assemble_site, published_documents
from sitegen.output import (
    FreshOutput,
    OutputState,
    Published,
    StagedPages,
    changed_since,
    check_target,
    copy_digests,
    record_output,
    update_site,
)
from sitegen.progress import Progress
from sitegen.published import published_pages, record_published
from sitegen.recordload import load_records
from sitegen.records import record_files, record_pages
from sitegen.search import (
    INDEX_FOLDER,
    bundle_count,
    bundle_of,
    is_searchable,
    make_search_index,
    remade_bundles,
    search_digest,
)
from sitegen.templates import render_pages
from sitegen.urls import Urls, output_file


@dataclass(frozen=True)
class BuildResult:
    """What a finished build wrote, for the one-line summary."""

    output: Path
    pages_per_language: dict[str, int]
    files: int
    seconds: float
    unchanged: bool = False  # nothing a build reads had changed: the output was checked, not written

    def summary(self) -> str:
        """One line: pages per language, files, folder and time taken."""
        per_language = ", ".join(f"{count} {lang}" for lang, count in self.pages_per_language.items())
        if self.unchanged:
            return (
                f"Nothing changed since the last build: {per_language} pages ({self.files} files) "
                f"in {self.output}, checked in {self.seconds:.2f} s"
            )
        return f"Built {per_language} pages ({self.files} files) into {self.output} in {self.seconds:.2f} s"


@dataclass(frozen=True)
class SiteFiles:
    """A site rendered in memory: the files made this time, those the output already holds, the copies."""

    config: Config
    site: Site
    files: Mapping[str, bytes]  # output name -> bytes, for the pages rendered this time and record downloads
    kept: frozenset[str]  # pages whose inputs are unchanged since the output was written
    prints: Mapping[str, str]  # each page's fingerprint, to keep for the next build
    copies: tuple[tuple[Path, str], ...]
    due: datetime | None  # the first post date after the build's time (None: nothing scheduled, or --future)
    bodies: Bodies  # each document's converted body
    assets: Assets
    documents: tuple[Document, ...]  # every document read, drafts and future posts too
    links: Links  # each document's file and address, for serve's answer to an edit


@dataclass(frozen=True)
class Caches:
    """What is kept between builds, so that a change redoes only what it affects.

    sources: content files as read, by path, with their size and modification time;
    bodies: converted Markdown by a digest of what it depends on;
    prints: the fingerprint of each page as the output folder holds it (empty: render every page;
    None: render every page and compute no fingerprints, for a check with no build to compare with);
    inputs: every input file's time, size and digest (buildstate.input_files), where known;
    made: the documents the last build made from `sources` (serve keeps them between rebuilds; None: not kept).
    """

    sources: MutableMapping
    bodies: BodyStore
    prints: Mapping[str, str] | None
    inputs: Mapping[str, Stamped] = field(default_factory=dict)
    made: MadeDocuments | None = None

    @classmethod
    def empty(cls) -> Caches:
        """Caches in memory, filled by the first build."""
        return cls({}, MemoryBodies(), {})


def render_site(
    root: Path,
    options: BuildOptions,
    output: Path | None = None,
    base_url: str | None = None,
    caches: Caches | None = None,
    progress: Progress | None = None,
    sink: Callable[[str, bytes], None] | None = None,
) -> SiteFiles:
    """Every stage but writing: load, validate, assemble, render; BuildError lists every problem found.

    With a sink, each page goes there as soon as it is rendered instead of into SiteFiles.files.
    """
    caches = caches or Caches.empty()
    config = load_config(root, base_url=base_url, output=output)
    documents, errors = load_documents(config, options.jobs, caches.sources, progress, caches.inputs, caches.made)
    records, record_errors = load_records(config, documents)
    extra_pages = record_pages(config, records, published_documents(documents, options))
    site, model_errors = assemble_site(config, documents, options, extra_pages)
    # One map of links for the body keys and the conversion: each photo path is looked up once.
    links = Links.of_site(site.documents, Urls(config), root / "content", site.doc_paths)
    keys = body_keys(site.documents, links)
    converted = render_bodies(site.documents, links, keys, caches.bodies, options.jobs, progress)
    raise_if_any(errors + record_errors + model_errors + converted.errors)
    assets = collect_assets(root)
    pages = render_pages(site, converted.bodies, assets, keys, options.jobs, caches.prints, progress, sink)
    raise_if_any(pages.errors)
    files = {**pages.files, **record_files(config, records)}
    copies = assets.copies + resized_copies(root, converted.photos, caches.inputs)
    later = [d.date for d in documents if d.date is not None and d.date > options.now]
    due = None if options.future or not later else min(later)
    return SiteFiles(
        config, site, files, pages.kept, pages.prints, copies, due, converted.bodies, assets, documents, links
    )


def build(
    root: Path,
    options: BuildOptions,
    output: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Gather and check everything, then write what changed; a failed build leaves the output untouched.

    What the last build into the same folder left in .cache/build is reused: unchanged files are not
    read again, unchanged Markdown not converted again, unchanged pages not rendered or written again,
    and the search index is made again only when what Pagefind reads of a page changed. The output is the same
    bytes either way.
    """
    started = time.perf_counter()
    config = load_config(root, base_url=base_url, output=output)
    target, saved = config.output_dir, state_file(config, options)
    state = load_state(saved)
    found = changed_since(target, state.output) if state.output else None
    # The files of the output are checked by changed_since (later builds) or FreshOutput (first builds).
    raise_if_any(check_target(target, root, walk=False))
    known = input_files(config)
    inputs = inputs_digest(known)
    if found is not None and state.is_current(inputs, options.now, found[0]) and not found[1]:
        # Nothing a build reads has changed, nothing scheduled has come due, the output is as we left it.
        pages, files = state.summary
        return BuildResult(target, dict(pages), files, time.perf_counter() - started, unchanged=True)
    progress = progress or Progress.quiet()
    if found is None:
        made, searchable, written = _afresh(root, options, config, known, progress)
    else:
        changed, foreign = found
        raise_if_any(foreign)
        with kept_sources(config) as sources:
            caches = Caches(sources, SqliteBodies(root / BODIES), state.prints, known)
            made, searchable, written = _in_place(root, options, config, caches, state, changed, saved, progress)
    files = len(written.files) - sum(1 for name in written.files if name.startswith(f"{INDEX_FOLDER}/"))
    summary = (tuple(made.pages.items()), files)
    save_state(saved, BuildState(made.prints, searchable, written, inputs, made.due, summary))
    if not (options.drafts or options.future):
        record_published(root, made.published)  # addresses now public; check reports if one later changes
    return BuildResult(target, made.pages, files, time.perf_counter() - started)


@dataclass(frozen=True)
class Made:
    """What a build keeps of the site it rendered once the pages are written: small, so that a first
    build hands it back from the process that held the site's model (_afresh)."""

    prints: dict[str, str]  # each page's fingerprint
    due: datetime | None  # SiteFiles.due
    pages: dict[str, int]  # HTML pages per language, for the summary
    published: dict[str, str]  # content file -> address, for the record of published addresses

    @classmethod
    def of(cls, rendered: SiteFiles) -> Made:
        """What a build keeps of `rendered`."""
        html_pages = Counter(p.lang for p in rendered.site.pages if p.template.endswith(".html"))
        pages = {lang: html_pages[lang] for lang in rendered.config.language_codes}
        return cls(dict(rendered.prints), rendered.due, pages, published_pages(rendered.site))


def _afresh(
    root: Path, options: BuildOptions, config: Config, known: Mapping[str, Stamped], progress: Progress
) -> tuple[Made, dict[str, str], OutputState]:
    """A first build: the site is rendered in a process of its own (apart.py), its pages written into a
    fresh folder as they come; that process ends, giving back the model's memory, before Pagefind's
    runs make the search index from the pages. Then the folder is swapped in; a failure removes it."""
    with FreshOutput(config.output_dir, root) as fresh:
        made, searchable, digests = in_own_process(
            partial(_render_afresh, root, options, config, known, fresh, progress), progress
        )
        fresh.digests.update(digests)
        progress.stage("Search index")
        pages = Published(fresh.folder, {}, searchable)
        index = make_search_index(fresh.folder, pages, searchable, config.search_bundle_pages)
        fresh.swap()
    return made, index, record_output(config.output_dir, fresh.digests)


def _render_afresh(
    root: Path,
    options: BuildOptions,
    config: Config,
    known: Mapping[str, Stamped],
    fresh: FreshOutput,
    progress: Progress,
) -> tuple[Made, list[str], dict[str, str]]:
    """Read, convert and render the site into the fresh folder: what the build keeps of it, the pages
    Pagefind indexes (sorted) and the digest of every file written."""
    searchable: list[str] = []

    def write(name: str, data: bytes) -> None:  # each page on disk as it is rendered, not in memory
        fresh.write(name, data)
        if is_searchable(name, data):
            searchable.append(name)

    with kept_sources(config) as sources:
        caches = Caches(sources, SqliteBodies(root / BODIES), {}, known)
        rendered = render_site(root, options, config.output_dir, config.base_url, caches, progress, write)
        for name, data in rendered.files.items():
            write(name, data)
        copied = copy_digests(root, rendered.copies, caches.inputs)
        for source, name in rendered.copies:
            fresh.copy(source, name, copied[name])
    return Made.of(rendered), sorted(searchable), fresh.digests


def _in_place(
    root: Path,
    options: BuildOptions,
    config: Config,
    caches: Caches,
    state: BuildState,
    changed: set[str],
    saved: Path,
    progress: Progress,
) -> tuple[Made, dict[str, str], OutputState]:
    """A later build: the pages whose fingerprint changed are rendered, the search bundles holding a
    page whose copy for Pagefind changed made again beside the output, and then the output is updated
    in place."""
    prints = {path: p for path, p in state.prints.items() if output_file(path) not in changed}
    caches = replace(caches, prints=prints)
    searchable: dict[str, str] = {}
    with StagedPages(root / CACHE) as staged:

        def keep(name: str, data: bytes) -> None:  # each page on disk as it is rendered, not in memory
            staged.add(name, data)
            digest = search_digest(name, data)
            if digest is not None:
                searchable[name] = digest

        rendered = render_site(root, options, config.output_dir, config.base_url, caches, progress, keep)
        for name, data in rendered.files.items():  # the records' downloads
            keep(name, data)
        searchable.update((name, state.searchable[name]) for name in rendered.kept if name in state.searchable)
        progress.stage("Writing files and the search index")
        redo = bundles_to_redo(state.searchable, searchable, changed, config.search_bundle_pages)
        discard_state(saved)  # until the output is written: if writing stops half-way, the next build starts afresh
        target, size = config.output_dir, config.search_bundle_pages
        copied = copy_digests(root, rendered.copies, caches.inputs)
        written = _update(target, state.output, changed, staged, rendered, copied, searchable, redo, size)
    return Made.of(rendered), searchable, written


def bundles_to_redo(
    before: Mapping[str, str], after: Mapping[str, str], changed: set[str], size: int
) -> set[int] | None:
    """The search index bundles holding a page whose copy for Pagefind (search_digest) changed, came or
    went; None when the whole index must be made again (the number of bundles changed, or someone
    altered the index's files)."""
    count = bundle_count(len(after), size)
    if count != bundle_count(len(before), size) or any(name.startswith(f"{INDEX_FOLDER}/") for name in changed):
        return None
    differ = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    return {bundle_of(name, count) for name in differ}


def _update(
    target: Path,
    previous: OutputState,
    changed: set[str],
    files: Mapping[str, bytes],
    rendered: SiteFiles,
    copied: Mapping[str, str],
    searchable: Mapping[str, str],
    redo: set[int] | None,
    bundle_pages: int,
) -> OutputState:
    # The search bundles are made before the output is touched: if Pagefind fails, nothing has changed.
    if redo == set():
        return update_site(target, previous, changed, files, rendered.kept, rendered.copies, None, copied)
    published = Published(target, files, rendered.kept)
    names = sorted(searchable)
    if redo is not None:  # only the files of those bundles that differ are moved in (search.BundleChanges)
        index = target / INDEX_FOLDER
        with remade_bundles(index, published, names, bundle_pages, redo) as (changes, _):
            return update_site(target, previous, changed, files, rendered.kept, rendered.copies, changes, copied)
    # A whole new index, made beside the output (on its drive) and swapped in once the pages are written.
    staging = target.resolve().parent / f".{target.name}.index-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        make_search_index(staging, published, names, bundle_pages)
        index = staging / INDEX_FOLDER
        return update_site(target, previous, changed, files, rendered.kept, rendered.copies, index, copied)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
