"""What the preview keeps between rebuilds: files read, Markdown converted, pages rendered, files written."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sitegen.buildstate import SqliteBodies
from sitegen.content import MadeDocuments
from sitegen.errors import BuildError, SiteError
from sitegen.model import BuildOptions
from sitegen.output import file_digest, files_under
from sitegen.parallel import default_jobs
from sitegen.pipeline import Caches, SiteFiles, render_site
from sitegen.previewsearch import PreviewSearch
from sitegen.quickedit import render_edited
from sitegen.search import INDEX_FOLDER
from sitegen.urls import output_file

PREVIEW = Path(".cache") / "preview"
# The preview's converted Markdown, kept between sessions (its links point to the preview's address,
# so it is apart from the build's).
PREVIEW_BODIES = Path(".cache") / "serve" / "bodies.sqlite"


@dataclass(frozen=True)
class Outcome:
    """One rebuild: the errors found, or the files it wrote or removed; or, when its errors are in files
    saved while it ran (`saved_meanwhile`), nothing: the rebuild of that save follows."""

    errors: tuple[SiteError, ...]
    changed: tuple[str, ...]
    seconds: float
    saved_meanwhile: tuple[str, ...] = ()


class Preview:
    """A preview build in its own folder, with drafts and future posts, redone after each change.

    Safe to use from two threads: serve's full rebuild runs in one, and an edit saved meanwhile is
    answered in the other (`edited_first`) without waiting for it. A page written that way during a
    rebuild is left as it is by that rebuild, which may have read the post before the save, and is
    rendered again by the next one.
    """

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.output = root / PREVIEW
        self.base_url = base_url
        self.errors: tuple[SiteError, ...] = ()
        # files read, Markdown converted (on disk, read as pages show it), and each page's fingerprint
        self.caches = Caches({}, SqliteBodies(root / PREVIEW_BODIES, threads=True), {}, made=MadeDocuments())
        # what the preview folder holds: a digest of each rendered file, (source, mtime, size) of each copy
        self._written: dict[str, object] = {}
        self._last: SiteFiles | None = None  # the last build that succeeded, for answering an edit first
        self._lasting: frozenset[str] = frozenset()  # files named by their bytes (site.1a2b3c4d5e.css)
        self.search = PreviewSearch(root, self.output)  # told of every page written or removed
        # Held for moments: the folder's files and what is known of them (_written, search, caches, _last).
        self._state = threading.Lock()
        # Pages an edit wrote during the running rebuild, not that rebuild's to write; None: none running.
        self._fresh: set[str] | None = None
        # What a previous session left in the folder (ours alone): the first build that goes through keeps
        # the files it would write with the same bytes and removes those it no longer makes. Removing them
        # all and writing them again made the first build at 10,000 posts take 34-43 s here, not 19-21 s.
        # That session's search index is not listed: it serves until PreviewSearch's first index replaces it
        # whole. None once a build went through.
        self._left: set[str] | None = files_under(self.output, leaving_out=lambda name: name == INDEX_FOLDER)

    def rebuild(self) -> Outcome:
        """Run the pipeline again and write only the files whose bytes changed; keep errors for the browser."""
        started, began = time.perf_counter(), time.time_ns()
        # Every core for the first build; after that an edit touches a few pages, not worth a fork.
        jobs = 1 if self.caches.prints else default_jobs()
        options = BuildOptions(now=datetime.now(UTC), drafts=True, future=True, jobs=jobs)
        written: list[str] = []  # pages go to the folder as they are rendered, not all held in memory

        def sink(name: str, data: bytes) -> None:
            if self._put(name, data):
                written.append(name)

        with self._rebuild_running():
            try:
                rendered = render_site(self.root, options, self.output, self.base_url, self.caches, sink=sink)
            except BuildError as exc:
                with self._state:
                    self._forget(written)
                saved = self._saved_since(exc.errors, began)
                if saved:
                    # Read while the editor was saving it, maybe (an editor that empties the file first): the
                    # save's own rebuild follows and shows the errors if they are still there. The browsers are
                    # not sent to an error page meanwhile.
                    return Outcome((), (), time.perf_counter() - started, saved)
                self.errors = exc.errors
                return Outcome(self.errors, (), time.perf_counter() - started)
            self.errors = ()
            changed = self._sync(rendered, written)
            with self._state:
                self.caches = replace(self.caches, prints=rendered.prints)
                self._forget(list(self._fresh or ()))  # rendered here from the post as it was before its last save
                self._last = rendered
        names = rendered.assets.names.items()
        self._lasting = frozenset(published for logical, published in names if published != logical)
        return Outcome((), changed, time.perf_counter() - started)

    @contextlib.contextmanager
    def _rebuild_running(self) -> Iterator[None]:
        # While it runs, the pages an edit writes are marked fresh: the rebuild leaves them as they are.
        with self._state:
            self._fresh = set()
        try:
            yield
        finally:
            with self._state:
                self._fresh = None

    def edited_first(self, among: Iterable[str] | None = None) -> Outcome | None:
        """Write the pages of the posts just edited, before the full rebuild; None when that does not apply.

        `among`: the paths the watcher reported changed, when it knows them."""
        started = time.perf_counter()
        last = self._last
        if self.errors or last is None:
            return None
        options = BuildOptions(now=datetime.now(UTC), drafts=True, future=True, jobs=1)
        # A copy of the files read (one step, for a rebuild running meanwhile reads into them): the
        # rebuild reads the edited files again, and compares their bytes, not their times.
        try:
            files = render_edited(last, dict(self.caches.sources), options, among)
        except BuildError:  # a body the last build stored, pruned meanwhile by a rebuild: the full rebuild's
            return None
        if not files:
            return None
        changed = [name for name, data in files.items() if self._put(name, data, first=True)]
        with self._state:
            self._forget(changed)
        return Outcome((), tuple(sorted(changed)), time.perf_counter() - started)

    def index_search(self) -> int:
        """Bring the preview's search index up to date with its pages (rebuilds and edits go on while
        Pagefind works); how many bundles were made. Nothing while the last build failed. Raises
        BuildError when Pagefind fails."""
        last = self._last
        if self.errors or last is None:
            return 0
        return self.search.update(last.config.search_bundle_pages, self._state)

    def _forget(self, names: list[str]) -> None:
        # Under _state. Pages written outside a full rebuild that succeeded: the next one renders them
        # again, even if their inputs went back to what the last full rebuild saw.
        prints = dict(self.caches.prints)
        for name in names:  # a page path "a/" is written to "a/index.html"; "a.html" to itself
            for path in {name, name.removesuffix("index.html")} & prints.keys():
                if output_file(path) == name:
                    del prints[path]
        self.caches = replace(self.caches, prints=prints)

    def _put(self, name: str, data: bytes, first: bool = False) -> bool:
        """Write a rendered file unless the folder holds these bytes already, or an edit wrote it during
        this rebuild (`first`: this is that edit); whether it was written."""
        digest = file_digest(data)
        with self._state:
            if first and self._fresh is not None:
                self._fresh.add(name)
            elif self._fresh and name in self._fresh:
                return False
            if self._written.get(name) == digest:
                return False
            written = not self._left_as_is(name, data)
            if written:
                self._write(name, data)
            self._written[name] = digest
            self.search.wrote(name, data)
        return written

    def _saved_since(self, errors: Iterable[SiteError], began: int) -> tuple[str, ...]:
        # The files with one of these errors modified at or after `began` (time.time_ns()), and not later
        # than now: a time to come (a file copied from a machine whose clock is ahead) says nothing.
        now = time.time_ns()
        saved = []
        for file in dict.fromkeys(error.file for error in errors):
            try:
                if began <= (self.root / file).stat().st_mtime_ns <= now:
                    saved.append(file)
            except (OSError, ValueError):  # gone, or not a file's name
                continue
        return tuple(saved)

    def _left_as_is(self, name: str, data: bytes) -> bool:
        # Under _state: whether the last session left this file with these bytes.
        if not self._left or name not in self._left:
            return False
        path = self._inside(name)
        try:
            return path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            return False

    def _write(self, name: str, data: bytes) -> None:
        # Whole or not at all: the server may be reading this file at the same moment.
        path = self._inside(name)
        partial = path.with_name(f".{path.name}.part")
        try:
            partial.write_bytes(data)
        except FileNotFoundError:  # a new folder
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
        partial.replace(path)

    def _sync(self, rendered: SiteFiles, written: list[str]) -> tuple[str, ...]:
        # Pages rendered this time are in the folder already (`written`: those whose bytes changed).
        changed = list(written)
        changed += [name for name, data in rendered.files.items() if self._put(name, data)]
        pages = {output_file(path) for path in rendered.prints} | set(rendered.files)
        wanted: dict[str, object] = {name: self._written[name] for name in pages}
        for source, name in rendered.copies:
            stat = source.stat()
            wanted[name] = (str(source), stat.st_mtime_ns, stat.st_size)
            if self._written.get(name) != wanted[name]:
                path = self._inside(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, path)
                changed.append(name)
        with self._state:
            wanted.update((name, self._written[name]) for name in self._fresh or ())  # the edit's, written since
            for name in self._written.keys() - wanted.keys():
                self._inside(name).unlink(missing_ok=True)
                self.search.removed(name)
                changed.append(name)
            for name in (self._left or set()) - wanted.keys():
                self._inside(name).unlink(missing_ok=True)
                changed.append(name)
            self._left = None
            self._written = wanted
        return tuple(sorted(changed))

    def _inside(self, name: str) -> Path:
        path = (self.output / name).resolve()
        if not path.is_relative_to(self.output.resolve()):
            raise ValueError(f"refusing to write outside the preview folder: {name}")
        return path

    def lasts(self, url_path: str) -> bool:
        """Whether the file at this address is named by its bytes (fingerprinted CSS and JS): an edit
        gives it a new name, so a browser may keep it instead of asking again at every reload."""
        return url_path.lstrip("/") in self._lasting

    def find(self, url_path: str) -> Path | None:
        """The preview file for an address ('/tin-tuc/x/' -> .../tin-tuc/x/index.html), if there is one."""
        relative = url_path.lstrip("/")
        path = self._inside(relative) if relative else self.output.resolve()
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None
