"""Stage 4: Markdown bodies to HTML, with figures, captions and links that honour the base path."""

from __future__ import annotations

import dataclasses
import html
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen import quickinline
from sitegen.content import Document
from sitegen.digest import sha256_hex
from sitegen.errors import SiteError
from sitegen.generator import GENERATOR
from sitegen.images import SIZES, picture
from sitegen.parallel import map_chunks
from sitegen.progress import Progress
from sitegen.urls import Urls
from sitegen.vietnamese import slugify

# Only what the board's content uses: each extension adds passes over every document.
EXTENSIONS = ("tables", "attr_list", "footnotes", "sane_lists")
# Each of these acts only on text that holds its mark: a table row needs "|", a footnote "[^", an
# attribute list "{". A body without the mark is converted without the extension, to the same HTML:
# Python-Markdown tries a table at every block of more than one line, a fifth of a post's time.
_MARKS = {"tables": "|", "attr_list": "{", "footnotes": "[^"}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Rendered:
    """A document's HTML, the start of its text, its cover and the images its body uses (paths under content/)."""

    html: str
    images: tuple[str, ...]
    cover: str | None = None
    cover_srcset: str = ""
    excerpt: str = ""


class Links:
    """Turns what editors write in Markdown into addresses on the built site."""

    def __init__(self, urls: Urls, content_root: Path, doc_files: Mapping[str, str]):
        self.urls = urls
        self.content_root = content_root
        self.doc_files = doc_files
        self._images: dict[tuple[str, str], str | None] = {}  # posts in one folder often show one photo

    @classmethod
    def of_site(cls, documents: Sequence[Document], urls: Urls, content_root: Path, doc_paths: Mapping) -> Links:
        """Links between these documents, each known by its file and its page's address."""
        return cls(urls, content_root, {d.file: doc_paths[(d.kind, d.stem, d.lang)] for d in documents})

    def image(self, src: str, doc_file: str) -> str | None:
        """The path under content/ of an image written relative to the post or to content/."""
        if _is_external(src):
            return src
        src = src.split("#")[0].split("?")[0]
        doc_dir = posixpath.dirname(doc_file.removeprefix("content/"))
        if (src, doc_dir) not in self._images:
            self._images[(src, doc_dir)] = self._find_image(src, doc_dir)
        return self._images[(src, doc_dir)]

    def _find_image(self, src: str, doc_dir: str) -> str | None:
        for candidate in (posixpath.normpath(posixpath.join(doc_dir, src)), posixpath.normpath(src.lstrip("/"))):
            if not candidate.startswith("..") and (self.content_root / candidate).is_file():
                return candidate
        return None

    def link(self, href: str, doc_file: str) -> str | None:
        """A link's address on the site; None for a link to a content file that does not exist."""
        if _is_external(href) or href.startswith("#"):
            return href
        target, _, anchor = href.partition("#")
        suffix = "#" + anchor if anchor else ""
        if target.endswith(".md"):
            doc_dir = posixpath.dirname(doc_file)
            resolved = posixpath.normpath(posixpath.join(doc_dir, target))
            path = self.doc_files.get(resolved)
            return None if path is None else self.urls.href(path) + suffix
        if target.startswith("/"):
            return self.urls.href(target.lstrip("/")) + suffix
        return href


def _is_external(href: str) -> bool:
    return bool(urlsplit(href).scheme) or href.startswith("//")


class _SiteTreeprocessor(Treeprocessor):
    """Images alone in a paragraph become figures; image and link addresses are resolved."""

    def __init__(self, md: markdown.Markdown, links: Links):
        super().__init__(md)
        self.links = links
        self.doc: Document | None = None
        self.images: list[str] = []
        self.errors: list[SiteError] = []

    def run(self, root: Element) -> None:
        for paragraph in list(root.iter("p")):
            _make_figure(paragraph)
        for img in root.iter("img"):
            self._resolve_image(img)
        for anchor in root.iter("a"):
            self._resolve_link(anchor)

    def _error(self, needle: str, message: str, hint: str) -> None:
        doc, body = self.doc, self.doc.body
        offset = body.find(needle)
        line = doc.body_line + body[:offset].count("\n") if offset >= 0 else doc.body_line
        self.errors.append(SiteError(doc.file, message, line, hint))

    def _resolve_image(self, img: Element) -> None:
        src = img.get("src", "")
        if not img.get("alt", "").strip():
            self._error(
                src, f"the image {src} has no alt text", "write what the photo shows: ![Đại biểu ký giao ước](...)"
            )
        found = self.links.image(src, self.doc.file)
        if found is None:
            self._error(
                src, f"image not found: {src}", "put the photo in content/images/ and write its path from there"
            )
            return
        if not _is_external(found):
            self.images.append(found)
            img.set("src", self.links.urls.href(found))
            _set_size(img, picture(self.links.content_root, found), self.links.urls.href)
        img.set("loading", "lazy")
        img.set("decoding", "async")

    def _resolve_link(self, anchor: Element) -> None:
        href = anchor.get("href", "")
        resolved = self.links.link(href, self.doc.file)
        if resolved is None:
            self._error(
                href, f"link to a missing file: {href}", "check the file name in content/ (e.g. other-post.vi.md)"
            )
            return
        anchor.set("href", resolved)


def _set_size(img: Element, found, href) -> None:
    # width/height reserve the space before the photo loads; srcset lets phones fetch a small copy.
    if found is None:
        return
    img.set("width", str(found.width))
    img.set("height", str(found.height))
    srcset = found.srcset(href)
    if srcset:
        img.set("srcset", srcset)
        img.set("sizes", SIZES)


def _name_headings(root: Element) -> None:
    """Give each heading an id made from its words (## Mục đích: id="muc-dich"), so that a reader can link
    to a section; an id the editor wrote ({: #id }) stays, and the same words again get -2, -3.

    Python-Markdown's toc extension does this too, but it added a fifth to the time of every body."""
    headings = [el for el in root.iter() if el.tag in _HEADINGS and not el.get("id")]
    if not headings:
        return
    taken = {*LAYOUT_IDS, *(el.get("id") for el in root.iter() if el.get("id"))}
    for heading in headings:
        words = slugify(_STASHED.sub("", "".join(heading.itertext()))) or "muc"
        name, number = words, 1
        while name in taken:
            number += 1
            name = f"{words}-{number}"
        taken.add(name)
        heading.set("id", name)


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The ids the layouts give their own elements (the skip link's target, the pledge's signatories): a
# heading of a body shown beside them takes the next free name instead ("## Ký kết": id="ky-ket-2").
LAYOUT_IDS = frozenset({"main", "ky-ket"})
_STASHED = markdown.util.HTML_PLACEHOLDER_RE  # where Python-Markdown keeps raw HTML until the end


class HeadingIds(Extension):
    """Every heading named by its words (_name_headings): for the posts' and pages' bodies, and for the
    pledge texts, which records.py converts on its own."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.treeprocessors.register(_HeadingTreeprocessor(md), "heading_ids", 4)


class _HeadingTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        _name_headings(root)


def _make_figure(paragraph: Element) -> None:
    children = list(paragraph)
    if len(children) != 1 or children[0].tag != "img":
        return
    img = children[0]
    if (paragraph.text or "").strip() or (img.tail or "").strip():
        return
    paragraph.tag = "figure"
    img.tail = None
    caption = img.attrib.pop("title", "").strip()
    if caption:
        SubElement(paragraph, "figcaption").text = caption


class _SiteExtension(Extension):
    def __init__(self, processor_factory):
        super().__init__()
        self.processor_factory = processor_factory

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.treeprocessors.register(self.processor_factory(md), "sitegen", 5)


class Converter:
    """Markdown instances, each reset between documents (building one is slow): one per set of
    extensions a body needs, made when a body first needs it."""

    def __init__(self, links: Links):
        self.links = links
        self._instances: dict[tuple[str, ...], tuple[markdown.Markdown, _SiteTreeprocessor]] = {}
        self.md = self._instance(EXTENSIONS)[0]  # every extension: what a body with every mark gets

    def _instance(self, extensions: tuple[str, ...]) -> tuple[markdown.Markdown, _SiteTreeprocessor]:
        if extensions not in self._instances:
            made: list[_SiteTreeprocessor] = []

            def factory(md: markdown.Markdown) -> _SiteTreeprocessor:
                made.append(_SiteTreeprocessor(md, self.links))
                return made[-1]

            md = markdown.Markdown(
                extensions=[*extensions, HeadingIds(), _SiteExtension(factory)], output_format="html"
            )
            quickinline.install(md)
            self._instances[extensions] = (md, made[-1])
        return self._instances[extensions]

    def convert(self, doc: Document) -> tuple[Rendered, list[SiteError]]:
        """A document's body as HTML, with the errors found in its links and images."""
        body = doc.body
        md, processor = self._instance(extensions_for(body))
        processor.doc, processor.images, processor.errors = doc, [], []
        body_html = md.reset().convert(body)
        cover = self._cover(doc, processor.errors)
        links = self.links
        found = picture(links.content_root, cover) if cover and not _is_external(cover) else None
        srcset = found.srcset(links.urls.href) if found else ""
        # The excerpt once here, not each time a list, tag page or feed shows the post.
        rendered = Rendered(body_html, tuple(processor.images), cover, srcset, excerpt(body_html))
        return rendered, processor.errors

    def _cover(self, doc: Document, errors: list[SiteError]) -> str | None:
        if doc.cover is None:
            return None
        found = self.links.image(doc.cover.src, doc.file)
        if found is None:
            errors.append(
                SiteError(
                    doc.file,
                    f"cover image not found: {doc.cover.src}",
                    doc.lines.get("cover"),
                    "put the photo in content/images/ and write its path from content/, e.g. images/2021/anh.jpg",
                )
            )
        return found


def extensions_for(body: str) -> tuple[str, ...]:
    """The extensions a body needs, in EXTENSIONS' order: those whose mark it holds, and the others always."""
    return tuple(name for name in EXTENSIONS if name not in _MARKS or _MARKS[name] in body)


Outline = tuple["Rendered", list[SiteError]]  # a body without its HTML, and the problems found in it


class BodyStore(Protocol):
    """Converted bodies by key: a dict for one process (serve, check), a file kept between builds."""

    def missing(self, keys: Iterable[str]) -> list[str]: ...

    def add(self, converted: Mapping[str, tuple[Rendered, list[SiteError]]]) -> None: ...

    def outline(self, keys: Iterable[str]) -> dict[str, Outline]: ...

    def rendered(self, key: str) -> Rendered: ...

    def retain(self, keys: set[str]) -> None: ...


def without_html(rendered: Rendered) -> Rendered:
    """What lists, feeds and covers need of a body: all but its HTML."""
    return dataclasses.replace(rendered, html="")


class MemoryBodies(dict):
    """A BodyStore in this process's memory."""

    def missing(self, keys: Iterable[str]) -> list[str]:
        return [key for key in keys if key not in self]

    def add(self, converted: Mapping[str, tuple[Rendered, list[SiteError]]]) -> None:
        self.update(converted)

    def outline(self, keys: Iterable[str]) -> dict[str, Outline]:
        return {key: (without_html(self[key][0]), self[key][1]) for key in keys}

    def rendered(self, key: str) -> Rendered:
        return self[key][0]

    def retain(self, keys: set[str]) -> None:
        for key in self.keys() - keys:
            del self[key]


class Bodies(Mapping):
    """Each document's converted body by (kind, stem, lang), without its HTML; html() reads that from the
    store when a page shows the body, so a big site's HTML is never all in memory at once."""

    def __init__(
        self, keys: Mapping[tuple, str], store: BodyStore, light: Mapping[str, Rendered], edited: Mapping | None = None
    ):
        self.keys_by_doc = keys
        self.store = store
        self.light = light  # by body key
        self.edited = edited or {}  # by document: bodies converted after these were stored (serve's first answer)

    def __getitem__(self, doc: tuple) -> Rendered:
        found = self.edited.get(doc)
        return found if found is not None else self.light[self.keys_by_doc[doc]]

    def html(self, doc: tuple) -> str:
        """The body's HTML."""
        found = self.edited.get(doc)
        return found.html if found is not None else self.store.rendered(self.keys_by_doc[doc]).html

    def with_edited(self, edited: Mapping[tuple, Rendered]) -> Bodies:
        """These bodies with some documents' bodies replaced."""
        return Bodies(self.keys_by_doc, self.store, self.light, {**self.edited, **edited})

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.keys_by_doc)

    def __len__(self) -> int:
        return len(self.keys_by_doc)


@dataclass(frozen=True)
class ConvertedBodies:
    """Every body of the site, the photos they show, and the problems found in their links and images."""

    bodies: Bodies
    photos: tuple[str, ...]
    errors: list[SiteError]


def body_keys(documents: Sequence[Document], links: Links) -> dict[tuple, str]:
    """A digest per document of everything its HTML depends on: its text, and what its links and
    pictures point to (the addresses of the posts it links to, the displayed size of its photos).

    Only what a body points to: a new post or photo elsewhere leaves every other body as it was.
    """
    base = repr((GENERATOR, links.urls.href("")))
    keys = {}
    seen: dict[tuple[str, str], object] = {}  # posts in one folder often share a picture
    for doc in documents:
        folder = posixpath.dirname(doc.file)
        targets = set(doc.packed_body.targets) | ({doc.cover.src} if doc.cover else set())
        pointed = []
        for target in sorted(targets):
            if (target, folder) not in seen:
                seen[(target, folder)] = _pointed_to(links, target, doc.file)
            pointed.append((target, seen[(target, folder)]))
        keys[(doc.kind, doc.stem, doc.lang)] = _body_key(doc, base + repr(pointed))
    return keys


def _pointed_to(links: Links, target: str, doc_file: str) -> object:
    """What a link or picture resolves to now: a page address, or a photo with its displayed size."""
    path = target.split("#")[0].split("?")[0]
    if path.endswith(".md") or path.startswith("/"):
        return links.link(target, doc_file)
    found = links.image(target, doc_file)
    if found is None or _is_external(found):
        return found
    # What the HTML shows of a photo (its size and smaller copies), not its file's time: a fresh
    # checkout gives every file a new time, and the deploy's restored cache must still hold.
    return (found, picture(links.content_root, found))


def render_bodies(
    documents: Sequence[Document],
    links: Links,
    keys: Mapping[tuple, str],
    store: BodyStore,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ConvertedBodies:
    """Convert the bodies the store lacks (on every core), keep them there, and drop what no document uses."""
    needed = set(store.missing(dict.fromkeys(keys.values())))
    todo = {keys[(d.kind, d.stem, d.lang)]: d for d in documents if keys[(d.kind, d.stem, d.lang)] in needed}
    progress = progress or Progress.quiet()
    progress.stage("Converting Markdown", len(todo))
    converter = Converter(links) if todo else None  # made here, once: the workers forked from this process inherit it
    converted = map_chunks(_convert_chunk, converter, list(todo.values()), jobs, progress.advance)
    # Into the store as they come, a few hundred at a time: HTML is read from there when a page shows it.
    batch: dict[str, tuple[Rendered, list[SiteError]]] = {}
    for key, result in zip(todo, converted, strict=True):
        batch[key] = result
        if len(batch) >= _STORE_BATCH:
            store.add(batch)
            batch = {}
    store.add(batch)
    store.retain(set(keys.values()))
    outline = store.outline(keys.values())
    photos, errors = [], []
    for key in keys.values():
        light, found = outline[key]
        photos += [*light.images, *([light.cover] if light.cover else [])]
        errors += found
    bodies = Bodies(keys, store, {key: light for key, (light, _) in outline.items()})
    return ConvertedBodies(bodies, tuple(photos), errors)


_STORE_BATCH = 500


def _body_key(doc: Document, context: str) -> str:
    head = repr((doc.file, doc.body_line, doc.cover, context)).encode()
    return sha256_hex(head + b"\0" + doc.packed_body.digest)


def _convert_chunk(converter: Converter, documents: Sequence[Document]) -> list[tuple[Rendered, list[SiteError]]]:
    return [converter.convert(doc) for doc in documents]


def excerpt(body_html: str, limit: int = 160) -> str:
    """Plain text from the start of a body, cut at a word, for descriptions and lists."""
    head = _head(body_html)
    text = _plain_text(head)
    if len(text) <= limit and len(head) < len(body_html):
        text = _plain_text(body_html)  # the first few thousand characters were mostly markup
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


_HEAD = 1536


def _head(body_html: str) -> str:
    # The start of a body, cut just after a tag: no tag or entity is cut in two, so its text is the
    # start of the whole body's text.
    if len(body_html) <= _HEAD:
        return body_html
    return body_html[: body_html.rfind(">", 0, _HEAD) + 1] or body_html


def _plain_text(body_html: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body_html))).strip()
