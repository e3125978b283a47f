"""What the preview keeps between rebuilds: files read, Markdown converted, pages rendered, files written."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.errors import BuildError, SiteError
from sitegen.model import BuildOptions
from sitegen.parallel import default_jobs
from sitegen.pipeline import Caches, SiteFiles, render_site
from sitegen.quickedit import render_edited
from sitegen.templates import compile_templates

PREVIEW = Path(".cache") / "preview"


@dataclass(frozen=True)
class Outcome:
    """One rebuild: the errors found, or the files it wrote or removed."""

    errors: tuple[SiteError, ...]
    changed: tuple[str, ...]
    seconds: float


class Preview:
    """A preview build in its own folder, with drafts and future posts, redone after each change."""

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.output = root / PREVIEW
        self.base_url = base_url
        self.errors: tuple[SiteError, ...] = ()
        # files read, Markdown converted, and the fingerprint of each page the folder holds
        self.caches = Caches.empty()
        # what the preview folder holds besides pages: bytes of other rendered files, (source, mtime, size) of copies
        self._written: dict[str, object] = {}
        self._last: SiteFiles | None = None  # the last build that succeeded, for answering an edit first
        if self.output.exists():
            shutil.rmtree(self.output)  # a previous session's files; this folder is ours alone

    def rebuild(self) -> Outcome:
        """Run the pipeline again and write only the files whose bytes changed; keep errors for the browser."""
        started = time.perf_counter()
        # Every core for the first build; after that an edit touches a few pages, not worth a fork.
        jobs = 1 if self.caches.prints else default_jobs()
        options = BuildOptions(now=datetime.now(UTC), drafts=True, future=True, jobs=jobs)
        try:
            rendered = render_site(self.root, options, self.output, self.base_url, self.caches)
        except BuildError as exc:
            self.errors = exc.errors
            return Outcome(self.errors, (), time.perf_counter() - started)
        self.errors = ()
        changed = self._sync(rendered)
        if self._last is None:
            compile_templates(self.root)  # the first build rendered in worker processes
        self.caches = Caches(self.caches.sources, self.caches.bodies, rendered.prints)
        self._last = rendered
        return Outcome((), changed, time.perf_counter() - started)

    def edited_first(self) -> Outcome | None:
        """Write the pages of the posts just edited, before the full rebuild; None when that does not apply."""
        started = time.perf_counter()
        if self.errors or self._last is None:
            return None
        options = BuildOptions(now=datetime.now(UTC), drafts=True, future=True, jobs=1)
        files = render_edited(self._last, self.caches.sources, options)
        if not files:
            return None
        changed = []
        for name, data in files.items():
            if self._written.get(name) != data:
                self._write(name, data)
                self._written[name] = data
                changed.append(name)
        return Outcome((), tuple(sorted(changed)), time.perf_counter() - started)

    def _write(self, name: str, data: bytes) -> None:
        # Whole or not at all: the server may be reading this file at the same moment.
        path = self._inside(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def _sync(self, rendered: SiteFiles) -> tuple[str, ...]:
        wanted: dict[str, object] = dict(rendered.files)
        wanted.update((name, self._written[name]) for name in rendered.kept)  # unchanged pages, as written
        sources = {}
        for source, name in rendered.copies:
            stat = source.stat()
            wanted[name] = (str(source), stat.st_mtime_ns, stat.st_size)
            sources[name] = source
        changed = []
        for name, value in wanted.items():
            if self._written.get(name) == value:
                continue
            if name in sources:
                path = self._inside(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sources[name], path)
            else:
                self._write(name, value)
            changed.append(name)
        for name in self._written.keys() - wanted.keys():
            self._inside(name).unlink(missing_ok=True)
            changed.append(name)
        self._written = wanted
        return tuple(sorted(changed))

    def _inside(self, name: str) -> Path:
        path = (self.output / name).resolve()
        if not path.is_relative_to(self.output.resolve()):
            raise ValueError(f"refusing to write outside the preview folder: {name}")
        return path

    def find(self, url_path: str) -> Path | None:
        """The preview file for an address ('/tin-tuc/x/' -> .../tin-tuc/x/index.html), if there is one."""
        relative = url_path.lstrip("/")
        path = self._inside(relative) if relative else self.output.resolve()
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None
