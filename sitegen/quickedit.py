"""serve's first answer to an edit: the edited document's own pages, before the full rebuild.

An editor saves a post and looks at it. Its page depends on the post, its translations' addresses,
the menus and the settings, not on the other 10,000 posts; so it is rendered first, from the last
build's model, and the browser reloads it at once. The full rebuild follows (lists, tags, feeds,
the page itself again) and writes the same bytes for this page. Anything but a plain edit of
existing files whose addresses stay the same gets None here, and only the full rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

from sitegen.content import KeptFile, edited_files, reread
from sitegen.markup import Converter
from sitegen.model import BuildOptions, document_page, published_documents
from sitegen.pipeline import SiteFiles
from sitegen.templates import Renderer, render_chunk
from sitegen.urls import Urls

MAX_FILES = 4  # more edited files at once (a pull, a copy): the full rebuild alone


def render_edited(
    last: SiteFiles, sources: MutableMapping[str, KeptFile], options: BuildOptions, among: Iterable[str] | None = None
) -> dict[str, bytes]:
    """Output name -> bytes of the pages of the documents edited since `last`; empty when this does not apply.

    `among`: the changed paths, when serve's watcher knows them (else every content file is looked at).
    """
    config, site = last.config, last.site
    edited = edited_files(config, sources, among)
    if not edited or len(edited) > MAX_FILES:
        return {}
    documents, errors = reread(config, sources, edited)
    published = published_documents(documents, options)
    urls = Urls(config)
    by_key = {(d.kind, d.stem, d.lang): d for d in published}
    same_address = all(site.doc_paths.get(key) == urls.document(d.kind, d.lang, d.slug) for key, d in by_key.items())
    if errors or len(published) != len(documents) or not same_address:
        return {}  # an error to show, a post leaving or changing address: the full rebuild handles it
    converter = Converter(last.links)  # the addresses are the same (above): the last build's links hold
    converted = {key: converter.convert(doc) for key, doc in by_key.items()}
    if any(found for _, found in converted.values()):
        return {}
    bodies = last.bodies.with_edited({key: rendered for key, (rendered, _) in converted.items()})
    renderer = Renderer(site, bodies, last.assets)
    pages = [document_page(doc, site.doc_paths, options) for doc in published]
    try:
        return {name: data for name, data in render_chunk(renderer, pages) if isinstance(data, bytes)}
    finally:
        renderer.release()
