"""The build, as the list of its stages."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sitegen.assets import collect_assets
from sitegen.config import Config, load_config
from sitegen.content import load_documents
from sitegen.errors import raise_if_any
from sitegen.images import resized_copies
from sitegen.markup import render_bodies
from sitegen.model import BuildOptions, Site, assemble_site, published_documents
from sitegen.output import check_target, write_site
from sitegen.published import record_published
from sitegen.recordload import load_records
from sitegen.records import record_files, record_pages
from sitegen.search import SearchIndexing
from sitegen.templates import render_pages
from sitegen.urls import Urls


@dataclass(frozen=True)
class BuildResult:
    """What a finished build wrote, for the one-line summary."""

    output: Path
    pages_per_language: dict[str, int]
    files: int
    seconds: float

    def summary(self) -> str:
        """One line: pages per language, files, folder and time taken."""
        per_language = ", ".join(f"{count} {lang}" for lang, count in self.pages_per_language.items())
        return f"Built {per_language} pages ({self.files} files) into {self.output} in {self.seconds:.2f} s"


@dataclass(frozen=True)
class SiteFiles:
    """A site rendered in memory: each file's bytes and the files copied as they are."""

    config: Config
    site: Site
    files: Mapping[str, bytes]
    copies: tuple[tuple[Path, str], ...]


@dataclass(frozen=True)
class Caches:
    """What serve keeps between rebuilds, so that an edit redoes only what it affects (None: no cache)."""

    sources: MutableMapping | None  # content files as read, by path, with their size and modification time
    bodies: MutableMapping | None  # converted Markdown by a digest of what it depends on
    pages: MutableMapping | None  # rendered pages by address, with a digest of their inputs

    @classmethod
    def empty(cls) -> Caches:
        """Caches to fill, for a preview."""
        return cls({}, {}, {})


def render_site(
    root: Path,
    options: BuildOptions,
    output: Path | None = None,
    base_url: str | None = None,
    caches: Caches | None = None,
) -> SiteFiles:
    """Every stage but writing: load, validate, assemble, render; BuildError lists every problem found."""
    caches = caches or Caches(None, None, None)
    config = load_config(root, base_url=base_url, output=output)
    documents, errors = load_documents(config, options.jobs, caches.sources)
    records, record_errors = load_records(config, documents)
    extra_pages = record_pages(config, records, published_documents(documents, options))
    site, model_errors = assemble_site(config, documents, options, extra_pages)
    bodies, markup_errors = render_bodies(
        site.documents, Urls(config), root / "content", site.doc_paths, caches.bodies, options.jobs
    )
    raise_if_any(errors + record_errors + model_errors + markup_errors)
    assets = collect_assets(root)
    files, template_errors = render_pages(site, bodies, assets, options.jobs, caches.pages)
    raise_if_any(template_errors)
    files.update(record_files(config, records))
    photos = [src for rendered in bodies.values() for src in (*rendered.images, rendered.cover) if src]
    return SiteFiles(config, site, files, assets.copies + resized_copies(root, photos))


def build(root: Path, options: BuildOptions, output: Path | None = None, base_url: str | None = None) -> BuildResult:
    """Gather and check everything, then write it all at once; a failed build leaves the output untouched."""
    started = time.perf_counter()
    config = load_config(root, base_url=base_url, output=output)
    raise_if_any(check_target(config.output_dir, root))
    rendered = render_site(root, options, output, base_url)
    # The search index is built into the fresh folder while the pages are written: a failed index publishes nothing.
    index = partial(SearchIndexing, files=rendered.files)
    write_site(config.output_dir, root, rendered.files, rendered.copies, alongside=index)
    if not (options.drafts or options.future):
        record_published(root, rendered.site)  # addresses now public; check reports if one later changes
    site = rendered.site
    html_pages = Counter(p.lang for p in site.pages if p.template.endswith(".html"))
    return BuildResult(
        output=config.output_dir,
        pages_per_language={lang: html_pages[lang] for lang in config.language_codes},
        files=len(rendered.files) + len(rendered.copies),
        seconds=time.perf_counter() - started,
    )
