"""Stage 3: the site model, every page of every language with its translations, before rendering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any

from sitegen.config import RECORD_SECTIONS, Config
from sitegen.content import Document, Image
from sitegen.errors import SiteError
from sitegen.urls import Urls
from sitegen.vietnamese import slugify

FEED_SIZE = 20
SITEMAP_URLS = 50_000  # the most addresses one sitemap file may hold (sitemaps.org)


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asks of one build."""

    now: datetime
    drafts: bool = False
    future: bool = False
    # processes for converting Markdown and rendering pages; the output is the same for any number
    jobs: int = 1


@dataclass(frozen=True)
class Entry:
    """A post as a list in one language shows it; `fallback` when it is not written in that language."""

    doc: Document
    path: str
    fallback: bool = False


@dataclass(frozen=True)
class Page:
    """One output file: where it goes, which template draws it, and what that template needs."""

    key: tuple
    lang: str
    path: str
    template: str
    title: str
    description: str = ""
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    image: Image | None = None
    article: bool = False
    sitemap: bool = True
    origin: tuple[str, int | None] = ("site.yaml", None)
    # "draft" or "scheduled" for a post that only a preview shows; templates mark it for the editor.
    status: str = ""
    # The key of the page the language switch goes to in a language without a translation of this one,
    # if that language has it (a later page of a list: the list's first page). Not an alternate.
    stand_in: tuple | None = None


@dataclass(frozen=True)
class MenuItem:
    """A link in the main navigation."""

    key: str
    label: str
    path: str


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs; pages refer to each other by path and key."""

    config: Config
    pages: tuple[Page, ...]
    translations: Mapping[tuple, Mapping[str, str]]
    documents: tuple[Document, ...]
    doc_paths: Mapping[tuple[str, str, str], str]
    menus: Mapping[str, tuple[MenuItem, ...]]


def assemble_site(
    config: Config, documents: Sequence[Document], options: BuildOptions, extra_pages: Sequence[Page] = ()
) -> tuple[Site, list[SiteError]]:
    """Pages, lists, tags, archives, feeds and the sitemap for every language, plus pages made elsewhere (records)."""
    urls = Urls(config)
    published = published_documents(documents, options)
    doc_paths = {(d.kind, d.stem, d.lang): urls.document(d.kind, d.lang, d.slug) for d in published}
    pages: list[Page] = [document_page(d, doc_paths, options) for d in published]
    for lang in config.language_codes:
        entries = _entries(config, published, doc_paths, lang)
        pages += _list_pages(config, urls, lang, entries)
        pages += _taxonomy_pages(config, urls, lang, entries)
        pages.append(_feed_page(config, urls, lang, published, doc_paths))
    pages += extra_pages
    errors = _path_collisions(pages)
    menus, menu_errors = _menus(config, urls, published, doc_paths)
    translations = _translations(pages)
    pages += _sitemap_pages(config, pages, translations)
    site = Site(config, tuple(pages), translations, published, MappingProxyType(doc_paths), menus)
    return site, errors + menu_errors


def published_documents(documents: Sequence[Document], options: BuildOptions) -> tuple[Document, ...]:
    """The documents this build publishes (drafts and future posts only when asked for)."""
    return tuple(d for d in documents if _is_published(d, options))


def _is_published(doc: Document, options: BuildOptions) -> bool:
    if doc.draft and not options.drafts:
        return False
    return options.future or doc.date is None or doc.date <= options.now


def _newest_first(docs: Iterable[Document]) -> list[Document]:
    return sorted(docs, key=lambda d: (d.date.timestamp() if d.date else 0, d.stem), reverse=True)


def document_page(doc: Document, doc_paths: Mapping, options: BuildOptions) -> Page:
    """The page of one post or plain page."""
    return Page(
        key=("doc", doc.kind, doc.stem),
        lang=doc.lang,
        path=doc_paths[(doc.kind, doc.stem, doc.lang)],
        template="post.html" if doc.kind == "news" else "page.html",
        title=doc.title,
        description=doc.summary,
        data=MappingProxyType({"doc": doc}),
        image=doc.cover,
        article=doc.kind == "news",
        origin=(doc.file, doc.lines.get("slug") or doc.lines.get("title")),
        status="draft" if doc.draft else "scheduled" if doc.date and doc.date > options.now else "",
    )


def _entries(config: Config, docs: Sequence[Document], doc_paths: Mapping, lang: str) -> list[Entry]:
    """News in one language, newest first; untranslated default-language posts too if the site says so."""
    news = [d for d in docs if d.kind == "news"]
    own = {d.stem for d in news if d.lang == lang}
    chosen = [d for d in news if d.lang == lang]
    if config.list_untranslated and lang != config.default_language:
        chosen += [d for d in news if d.lang == config.default_language and d.stem not in own]
    return [Entry(d, doc_paths[(d.kind, d.stem, d.lang)], d.lang != lang) for d in _newest_first(chosen)]


def _strings(config: Config, lang: str) -> Mapping[str, str]:
    return config.language(lang).strings


def _list_pages(config: Config, urls: Urls, lang: str, entries: list[Entry]) -> list[Page]:
    strings = _strings(config, lang)
    pages = [
        Page(
            key=("home",),
            lang=lang,
            path=urls.home(lang),
            template="home.html",
            title=strings["site_title"],
            description=strings["site_description"],
            data=MappingProxyType({"entries": tuple(entries[: config.home_posts])}),
        ),
        Page(("404",), lang, urls.not_found(lang), "404.html", strings["not_found_title"], sitemap=False),
        Page(
            ("search",),
            lang,
            urls.search(lang),
            "search.html",
            strings["search_title"],
            strings["search_description"],
            sitemap=False,
        ),
    ]
    pages += _paged(
        config,
        lang,
        ("news",),
        partial(urls.news_list, lang),
        strings["news_title"],
        entries,
        strings["news_description"],
    )
    return pages


def tag_name(config: Config, tag: str, lang: str) -> str:
    """A tag's name in a language: its translation from site.yaml, or the name as written."""
    names = config.tags.get(tag) or next((v for k, v in config.tags.items() if slugify(k) == slugify(tag)), {})
    return names.get(lang, tag)


def _taxonomy_pages(config: Config, urls: Urls, lang: str, entries: list[Entry]) -> list[Page]:
    strings = _strings(config, lang)
    # Tags are grouped by slug, so "Hòa bình" and "Hoà bình" (old and new tone placement) are one tag.
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    written: dict[str, str] = {}
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        for tag in entry.doc.tags:
            written.setdefault(slugify(tag), tag)
            by_tag[slugify(tag)].append(entry)
        by_year[entry.doc.date.year].append(entry)
    names = {key: tag_name(config, written[key], lang) for key in by_tag}
    tags = sorted(by_tag, key=lambda key: slugify(names[key]))
    tag_links = tuple((names[key], urls.tag(lang, names[key]), len(by_tag[key])) for key in tags)
    years = tuple((year, urls.archive(lang, year), len(by_year[year])) for year in sorted(by_year, reverse=True))
    pages = [
        Page(("tags",), lang, urls.tag_index(lang), "tags.html", strings["tags_title"], data={"tags": tag_links}),
        Page(("archive",), lang, urls.archive(lang), "archive.html", strings["archive_title"], data={"years": years}),
    ]
    for tag in tags:
        name = names[tag]
        title = strings["tag_title"].format(tag=name)
        pages += _paged(config, lang, ("tag", tag), partial(urls.tag, lang, name), title, by_tag[tag])
    for year, _, _ in years:
        title = strings["archive_year_title"].format(year=year)
        pages += _paged(config, lang, ("archive", year), partial(urls.archive, lang, year), title, by_year[year])
    return pages


def _paged(
    config: Config,
    lang: str,
    key: tuple,
    path_of: Callable[[int], str],
    title: str,
    entries: Sequence[Entry],
    description: str = "",
) -> list[Page]:
    """A list of posts in pages of per_page (one empty page for none), each linking to the next and previous.

    Another language's list may have fewer pages: from a later page the language switch goes to its first.
    Where that language has no such list at all, the switch says the page is not translated (DESIGN.md)."""
    size = config.per_page
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]
    title_page = _strings(config, lang)["title_page"]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pagination = {
            "number": number,
            "total": len(chunks),
            "previous": path_of(number - 1) if number > 1 else None,
            "next": path_of(number + 1) if number < len(chunks) else None,
        }
        pages.append(
            Page(
                key=(*key, number),
                lang=lang,
                path=path_of(number),
                template="list.html",
                title=title if number == 1 else title_page.format(title=title, number=number),
                description=description,
                data=MappingProxyType({"entries": tuple(chunk), "pagination": pagination}),
                # The first page stands for the list in the sitemap; readers and crawlers follow its links on.
                sitemap=number == 1,
                stand_in=(*key, 1) if number > 1 else None,
            )
        )
    return pages


def _feed_page(config: Config, urls: Urls, lang: str, docs: Sequence[Document], doc_paths: Mapping) -> Page:
    news = _newest_first(d for d in docs if d.kind == "news" and d.lang == lang)[:FEED_SIZE]
    entries = tuple(Entry(d, doc_paths[(d.kind, d.stem, d.lang)]) for d in news)
    updated = news[0].date if news else None
    return Page(
        ("feed",),
        lang,
        urls.feed(lang),
        "atom.xml",
        _strings(config, lang)["site_title"],
        data={"entries": entries, "updated": updated},
        sitemap=False,
    )


def _path_collisions(pages: Sequence[Page]) -> list[SiteError]:
    claimed: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        claimed[page.path].append(page)
    errors = []
    for path, claimants in claimed.items():
        if len(claimants) < 2:
            continue
        for page in claimants:
            others = ", ".join(p.origin[0] for p in claimants if p is not page)
            errors.append(
                SiteError(
                    page.origin[0],
                    f"two pages claim the address /{path}: this one and {others}",
                    page.origin[1],
                    "give one of them a different title or an explicit 'slug:'",
                )
            )
    return errors


def _translations(pages: Sequence[Page]) -> Mapping[tuple, Mapping[str, str]]:
    groups: dict[tuple, dict[str, str]] = defaultdict(dict)
    for page in pages:
        if page.template.endswith(".html"):
            groups[page.key][page.lang] = page.path
    return MappingProxyType({key: MappingProxyType(paths) for key, paths in groups.items()})


def _menus(config: Config, urls: Urls, docs: Sequence[Document], doc_paths: Mapping):
    menus: dict[str, tuple[MenuItem, ...]] = {}
    errors: list[SiteError] = []
    sections = {"news": urls.news_list, "tags": urls.tag_index, "archive": urls.archive, "search": urls.search}
    for name in RECORD_SECTIONS:
        sections[name] = partial(_record_section, config, name)
    for lang in config.language_codes:
        items = []
        for item in config.menu:
            kind, _, stem = item.partition(":")
            if kind in sections and not stem:
                items.append(MenuItem(kind, _strings(config, lang)[f"menu_{kind}"], sections[kind](lang)))
            elif kind == "page" and any(d.kind == "page" and d.stem == stem for d in docs):
                doc = next((d for d in docs if d.stem == stem and d.kind == "page" and d.lang == lang), None)
                doc = doc or next(d for d in docs if d.stem == stem and d.kind == "page")
                items.append(MenuItem(item, doc.title, doc_paths[("page", stem, doc.lang)]))
            elif lang == config.default_language:
                errors.append(
                    SiteError(
                        "site.yaml",
                        f"menu item '{item}' matches no section or page",
                        None,
                        f"use one of {', '.join(sections)} or page:<file stem in content/pages>",
                    )
                )
        menus[lang] = tuple(items)
    return MappingProxyType(menus), errors


def _record_section(config: Config, name: str, lang: str) -> str:
    """The first page of a records section (results, pledges, members), made in sitegen/records.py."""
    language = config.language(lang)
    return language.prefix + language.sections[name] + "/"


def _sitemap_pages(config: Config, pages: Sequence[Page], translations: Mapping) -> list[Page]:
    listed = sorted((p for p in pages if p.sitemap), key=lambda p: p.path)
    rows = tuple(
        (
            page.path,
            page.data["doc"].date if "doc" in page.data else None,
            tuple(translations[page.key].items()),
        )
        for page in listed
    )
    lang = config.default_language
    robots = Page(("robots",), lang, "robots.txt", "robots.txt", "robots", sitemap=False)
    if len(rows) <= SITEMAP_URLS:
        return [
            Page(("sitemap",), lang, "sitemap.xml", "sitemap.xml", "sitemap", data={"rows": rows}, sitemap=False),
            robots,
        ]
    # Past the protocol's limit, sitemap.xml (which robots.txt names) becomes an index of files that each keep to it.
    parts = [rows[i : i + SITEMAP_URLS] for i in range(0, len(rows), SITEMAP_URLS)]
    paths = tuple(f"sitemap-{number}.xml" for number in range(1, len(parts) + 1))
    pages = [
        Page(("sitemap", path), lang, path, "sitemap.xml", "sitemap", data={"rows": part}, sitemap=False)
        for path, part in zip(paths, parts, strict=True)
    ]
    index = Page(
        ("sitemap",), lang, "sitemap.xml", "sitemap_index.xml", "sitemap", data={"parts": paths}, sitemap=False
    )
    return [index, *pages, robots]
