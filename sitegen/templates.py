"""Stage 5: every page of the model through its Jinja2 template (strict, autoescaped)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup

from sitegen.assets import Assets
from sitegen.content import Document
from sitegen.digest import sha256_hex
from sitegen.errors import SiteError
from sitegen.generator import GENERATOR
from sitegen.images import SIZES
from sitegen.markup import Bodies
from sitegen.model import Entry, Page, Site, tag_name
from sitegen.parallel import map_chunks
from sitegen.progress import Progress
from sitegen.quickcall import QuickContext
from sitegen.urls import Urls, output_file

LAYOUTS = "layouts"


def make_environment(root: Path) -> Environment:
    """Jinja2 that fails on any undefined name and escapes HTML and XML.

    One per project, process and thread: compiled templates are kept (and compiled again when a
    layout file changes); each Renderer sets the globals before it renders, so two threads rendering
    at once (serve's answer to an edit, and the full rebuild it runs beside) each need their own.
    """
    return _environments.make(root)


class _PerThread(threading.local):
    def __init__(self) -> None:
        self.make = functools.lru_cache(maxsize=4)(_new_environment)


def _new_environment(root: Path) -> Environment:
    env = Environment(
        loader=_Layouts(root / LAYOUTS),
        undefined=StrictUndefined,
        autoescape=select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.context_class = QuickContext
    return env


_environments = _PerThread()


class _Layouts(FileSystemLoader):
    """The layouts folder, each file checked for changes once per build rather than at every page
    (Jinja2 looks at a file's time each time a page extends or includes it)."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.build = 0  # counted up by each Renderer: a new build checks the files again

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        checked = {"build": self.build, "fresh": True}  # read just now: fresh for this build

        def still_fresh() -> bool:
            if checked["build"] != self.build:
                checked.update(build=self.build, fresh=uptodate())
            return checked["fresh"]

        return source, filename, still_fresh


def _compile_all(env: Environment) -> None:
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".xml", ".txt"))):
        with contextlib.suppress(TemplateError):  # a broken layout is reported by the build that renders it
            env.get_template(name)


class Renderer:
    """Renders pages of one site; holds what every template may call."""

    def __init__(self, site: Site, bodies: Bodies, assets: Assets):
        self.site = site
        self.config = site.config
        self.urls = Urls(site.config)
        self.bodies = bodies
        self.assets = assets
        self.env = make_environment(site.config.root)
        self.env.loader.build += 1
        ours = dict(  # for the templates to call
            url=self.urls.href,
            abs_url=self.urls.absolute,
            asset=self.asset,
            body=self.body,
            summary=self.summary,
            image_size=self.image_size,
            cover=self.cover,
            urls=self.urls,
            tag_url=lambda name, lang: self.urls.tag(lang, tag_name(self.config, name, lang)),
            tag_name=lambda name, lang: tag_name(self.config, name, lang),
            languages=self.config.languages,
            config=self.config,
        )
        self.env.globals.update(ours)
        self.names = tuple(ours)  # taken out again by release() (the names: the values would make a cycle)
        self.env.filters["tag_name"] = lambda name, lang: tag_name(self.config, name, lang)

    def release(self) -> None:
        """Take what this renderer put into its environment out again, so that the environment does not
        keep this site's model alive until the next renderer (serve's answer to an edit renders in a
        thread of its own: the model it held was freed at the next edit, 50-90 ms at 10,000 posts)."""
        for name in self.names:
            self.env.globals.pop(name, None)
        self.env.filters.pop("tag_name", None)

    def asset(self, name: str) -> str:
        """The published, fingerprinted address of a file in static/ (photos in content/ reach templates
        through the documents that show them, so that page fingerprints follow them)."""
        if name not in self.assets.static:
            raise TemplateError(f"asset({name!r}): no such file in static/")
        return self.urls.href(self.assets.names[name])

    def body(self, doc: Any) -> Markup:
        """A document's body as HTML (already converted from Markdown)."""
        return Markup(self.bodies.html((doc.kind, doc.stem, doc.lang)))  # noqa: S704 - our own Markdown output

    def summary(self, doc: Any) -> str:
        """The document's summary, or the start of its text."""
        return doc.summary or self.bodies[(doc.kind, doc.stem, doc.lang)].excerpt

    def cover(self, doc: Any) -> dict[str, Any] | None:
        """The cover of a document with its address, size, alt text and caption."""
        rendered = self.bodies[(doc.kind, doc.stem, doc.lang)]
        src = rendered.cover
        if src is None:
            return None
        width, height = self.assets.sizes.get(src, (None, None))
        path = self.assets.names.get(src, src)
        return {
            "url": self.urls.href(path),
            "absolute": self.urls.absolute(path),
            "width": width,
            "height": height,
            "srcset": rendered.cover_srcset,
            "sizes": SIZES,
            "alt": doc.cover.alt,
            "caption": doc.cover.caption,
        }

    def image_size(self, src: str) -> tuple[int, int] | None:
        """Width and height of an image in static/, when it is known."""
        if src not in self.assets.static:
            raise TemplateError(f"image_size({src!r}): no such file in static/")
        return self.assets.sizes.get(src)

    def context(self, page: Page) -> dict[str, Any]:
        """What one template sees: the page, its language, strings, translations and menu."""
        language = self.config.language(page.lang)
        translations = self.site.translations.get(page.key, {})
        default = self.config.default_language
        return {
            "page": page,
            "lang": language,
            "t": language.strings,
            "description": page.description
            or (self.summary(page.data["doc"]) if "doc" in page.data else language.strings["site_description"]),
            "translations": translations,
            "x_default": translations.get(default, page.path),
            "switch": self._switch(page, translations),
            "menu": self.site.menus[page.lang],
            "format_date": lambda value, style="date": _format_date(value, style, language, self.config.tzinfo),
            "format_number": lambda value, digits=1: format_decimal(
                value, format=f"#,##0.{'#' * digits}", locale=language.locale
            ),
            **page.data,
        }

    def _switch(self, page: Page, translations: Mapping[str, str]) -> list[dict[str, Any]]:
        # Each other language: the page's translation, else its stand-in in that language (not an
        # alternate of this page); no path when it has neither.
        stand_in = self.site.translations.get(page.stand_in, {})
        return [
            {
                "lang": other,
                "path": translations.get(other.code) or stand_in.get(other.code),
                "alternate": other.code in translations,
            }
            for other in self.config.languages
            if other.code != page.lang
        ]


def _format_date(value: datetime, style: str, language: Any, tzinfo: Any) -> str:
    pattern = language.datetime_format if style == "datetime" else language.date_format
    return _formatted_date(value, pattern, tzinfo, language.locale)


@functools.lru_cache(maxsize=1 << 15)  # a post's date is shown on its page, in lists, tags and feeds
def _formatted_date(value: datetime, pattern: str, tzinfo: Any, locale: str) -> str:
    return format_datetime(value, pattern, tzinfo=tzinfo, locale=locale)


@dataclass(frozen=True)
class RenderedPages:
    """Pages rendered this time (output name -> bytes), those whose output is already current, and
    every page's fingerprint for the next build."""

    files: dict[str, bytes]
    kept: frozenset[str]
    prints: dict[str, str]
    errors: list[SiteError]


def render_pages(
    site: Site,
    bodies: Bodies,
    assets: Assets,
    body_keys: Mapping[tuple, str],
    jobs: int = 1,
    current: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    sink: Callable[[str, bytes], None] | None = None,
) -> RenderedPages:
    """Render every page whose fingerprint differs from `current` (what the output holds); errors name
    the template and line. With `current` None, every page is rendered and none fingerprinted.

    An edit to one post re-renders that post and the lists, tags and feeds that show it; with
    nothing changed, nothing is rendered.
    """
    if current is None:
        prints: dict[str, str] = {}
        todo, kept = list(site.pages), frozenset()
    else:
        prints = page_fingerprints(site, body_keys, assets)
        todo = [page for page in site.pages if current.get(page.path) != prints[page.path]]
        kept = frozenset(output_file(page.path) for page in site.pages if current.get(page.path) == prints[page.path])
    files: dict[str, bytes] = {}
    errors: dict[tuple, SiteError] = {}
    progress = progress or Progress.quiet()
    progress.stage("Rendering pages", len(todo))
    if todo:
        renderer = _renderer(site, bodies, assets)  # here, once: the workers forked from this process inherit it
        try:
            for name, result in map_chunks(render_chunk, renderer, todo, jobs, progress.advance, _weight):
                if isinstance(result, SiteError):
                    errors.setdefault((result.file, result.line, result.message), result)
                elif sink is not None:
                    sink(name, result)  # written at once: a big site's pages are never all held in memory
                else:
                    files[name] = result
        finally:
            renderer.release()  # this thread's environment keeps its templates, not this site's model
    return RenderedPages(files, kept, prints, list(errors.values()))


def page_fingerprints(site: Site, body_keys: Mapping[tuple, str], assets: Assets) -> dict[str, str]:
    """A digest of everything each page's output depends on, by page path."""
    layouts = sorted((p.as_posix(), p.read_bytes()) for p in (site.config.root / LAYOUTS).rglob("*") if p.is_file())
    # Templates see static/ files by name; photos in content/ only through the documents showing them,
    # whose body keys cover them: a new photo for one post does not make every page new.
    static = sorted((name, assets.names[name], assets.sizes.get(name)) for name in assets.static)
    common = repr((GENERATOR, site.config, site.menus, static))
    common = _digest(common + repr(layouts))
    # Each document once (its fields and its body's key); pages then name documents by this digest.
    documents = {
        key: _digest(repr(([getattr(d, name) for name in _DOCUMENT_FIELDS], body_keys[key])))
        for d in site.documents
        for key in [(d.kind, d.stem, d.lang)]
    }
    prints = {}
    for page in site.pages:
        fields = [getattr(page, name) for name in _PAGE_FIELDS]
        translations = site.translations.get(page.key), site.translations.get(page.stand_in)
        inputs = (common, fields, _stable(page.data, documents), translations)
        prints[page.path] = _digest(repr(inputs))
    return prints


_SCALARS = frozenset({str, int, float, bool, type(None), datetime})
# Field values' repr is much quicker than a dataclass's own; a body is covered by its key.
_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "packed_body")
_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Page) if f.name != "data")


def _digest(text: str) -> str:
    return sha256_hex(text.encode())


def _stable(value: Any, documents: Mapping[tuple, str]) -> Any:
    """A page's data with every document replaced by its digest, for a quick and complete repr."""
    # The exact types first: a page's data is mostly strings, entries and tuples (a set lookup is
    # much quicker than isinstance against Mapping); anything else goes through the checks below.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Entry:
        return (documents[(value.doc.kind, value.doc.stem, value.doc.lang)], value.path, value.fallback)
    if kind is tuple or kind is list:
        return [_stable(item, documents) for item in value]
    if isinstance(value, Document):
        return documents[(value.kind, value.stem, value.lang)]
    if isinstance(value, Mapping):
        return [(key, _stable(item, documents)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [_stable(item, documents) for item in value]
    return value


def _renderer(site: Site, bodies: Bodies, assets: Assets) -> Renderer:
    renderer = Renderer(site, bodies, assets)
    # Every layout, here: workers forked from this process inherit them compiled, and in serve the
    # first edit's page is rendered in this thread's environment without waiting for Jinja2.
    _compile_all(renderer.env)
    return renderer


def _weight(page: Page) -> int:
    """About how much work a page is to render: a list shows its posts, the sitemap every page."""
    listed = (page.data.get(name) for name in ("entries", "rows"))
    return 1 + sum(len(value) for value in listed if isinstance(value, (tuple, list)))


def render_chunk(renderer: Renderer, pages: Sequence[Page]) -> list[tuple[str, bytes | SiteError]]:
    """Each page's output name with its bytes, or the template error that stopped it."""
    rendered: list[tuple[str, bytes | SiteError]] = []
    for page in pages:
        try:
            text = renderer.env.get_template(page.template).render(renderer.context(page))
        except TemplateError as exc:
            rendered.append((page.path, template_error(exc, page, renderer.config.root)))
            continue
        rendered.append((output_file(page.path), text.encode("utf-8")))
    return rendered


def template_error(exc: TemplateError, page: Page, root: Path) -> SiteError:
    """A SiteError naming the template file and line where Jinja2 stopped."""
    hint = f"while rendering /{page.path}"
    if isinstance(exc, TemplateNotFound):
        return SiteError(f"{LAYOUTS}/{page.template}", f"template not found: {exc.name}", None, hint)
    if isinstance(exc, TemplateSyntaxError):
        name = exc.name or page.template
        return SiteError(f"{LAYOUTS}/{name}", f"template syntax error: {exc.message}", exc.lineno, hint)
    layouts = str((root / LAYOUTS).resolve())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(Path(f.filename).resolve()).startswith(layouts)]
    if frames:
        frame = frames[-1]
        name = Path(frame.filename).resolve().relative_to(Path(layouts)).as_posix()
        return SiteError(f"{LAYOUTS}/{name}", f"template error: {exc}", frame.lineno, hint)
    return SiteError(f"{LAYOUTS}/{page.template}", f"template error: {exc}", None, hint)
