"""The preview's search index: made after the preview's first build, then kept up with its pages.

The published site's index is made by the build (pipeline.py); the preview makes its own in the
background, so that the search page works while the editors write. After an edit, only the bundles
holding a page whose copy for Pagefind changed are made again, as in a later build, and only their
files that differ are moved into the preview's index (search.remade_bundles): the other files stay
as they are. The whole index is made again only when the number of bundles changes.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from sitegen.output import Published, swap_folder
from sitegen.pause import PausableRuns
from sitegen.pipeline import bundles_to_redo
from sitegen.search import (
    CHUNK_POSITIONS,
    INDEX_FOLDER,
    apply_changes,
    bundle_count,
    is_searchable,
    make_search_index,
    remade_bundles,
    search_digest,
)

# Where the next index is made before it replaces the preview's (ours alone, like the preview folder).
WORK = Path(".cache") / "preview-search"
# Pagefind runs at once, and the most pages in one of the preview's bundles. The build runs two, beside
# a small process. The preview keeps its model (290-370 MB at 10,000 posts), and with two runs of 150-170 MB
# (bundles of 1,000 pages) beside it took 600 MB. One run at a time, of 500 pages (80-90 MB), keeps it
# under 500 MB and leaves a core to the edits saved meanwhile; after an edit, the bundle made again
# takes half as long. The first index takes longer (23 s against 18 at 10,000 posts).
RUNS = 1
BUNDLE_PAGES = 500
# The preview's readers are on this machine, where a download costs nothing: its bundles' word indexes
# are cut as Pagefind cuts one index, not finer as the published site's are (search.chunk_positions).
# Cut finer, 41 bundles at 10,000 posts made an edit's index again in 1.29-1.36 s instead of 1.06-1.14 s
# (many more files to link from the last index).
CHUNK = CHUNK_POSITIONS


class PreviewSearch:
    """The preview folder's search index and the pages written since it was made.

    The preview tells it of every page it writes or removes (`wrote`, `removed`, under the preview's
    lock); `update` makes the index again from what changed."""

    def __init__(self, root: Path, folder: Path):
        self.work = root / WORK
        self.folder = folder
        self.searchable: set[str] = set()  # the preview's searchable pages
        self.changed: set[str] = set()  # pages written or removed since the index was last made
        self.digests: dict[str, str] | None = None  # search_digest of each page indexed; None: no index yet
        self.pagefind = PausableRuns()  # held still while serve answers an edit

    def wrote(self, name: str, data: bytes) -> None:
        self.changed.add(name)
        if is_searchable(name, data):
            self.searchable.add(name)
        else:
            self.searchable.discard(name)

    def removed(self, name: str) -> None:
        self.changed.add(name)
        self.searchable.discard(name)

    def update(self, bundle_pages: int, lock: threading.Lock) -> int:
        """Make the bundles that changed since the last update again (all of them the first time) and put
        the new index in place; how many bundles were made.

        What is written meanwhile is taken up by the next update. Raises BuildError when Pagefind fails;
        the next update then makes the whole index again. Bundles hold at most BUNDLE_PAGES pages."""
        bundle_pages = min(bundle_pages, BUNDLE_PAGES)
        with lock:  # what the preview wrote until now; the pages themselves are read after, without the lock
            changed, self.changed = self.changed, set()
            names = sorted(self.searchable)
        current = self.folder / INDEX_FOLDER
        if not changed and self.digests is not None:
            return 0
        pages = Published(self.folder, {}, names)
        before, self.digests = self.digests, None
        after: dict[str, str] = {}
        redo = None  # the whole index
        if before is not None and current.is_dir():
            after = {name: before[name] for name in names if name in before and name not in changed}
            for name in changed.intersection(names):
                after[name] = search_digest(name, pages[name])
            redo = bundles_to_redo(before, after, changed, bundle_pages)
            if redo == set():
                self.digests = after
                return 0
        if redo is not None:  # only the files that differ are moved in; the others stay as they are
            remade = remade_bundles(current, pages, names, bundle_pages, redo, RUNS, CHUNK, self.pagefind)
            with remade as (changes, digests):
                apply_changes(current, changes)
            after.update(digests)
            self.digests = after
            return len(redo)
        if self.work.exists():
            shutil.rmtree(self.work)  # an update stopped half-way (the preview was closed)
        self.work.mkdir(parents=True)
        try:
            made = make_search_index(self.work, pages, names, bundle_pages, RUNS, CHUNK, self.pagefind)
            swap_folder(self.work / INDEX_FOLDER, current)  # a search started just now is answered by the next
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        self.digests = made
        return bundle_count(len(names), bundle_pages)
