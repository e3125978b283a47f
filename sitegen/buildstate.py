"""What a build keeps in .cache/build between runs, so that the next one redoes only what changed.

- bodies.sqlite: converted Markdown by a digest of what it depends on, read one body at a time
  (shared by build and check; bodies no longer used are kept up to as many as are in use);
- sources.pickle: the content files as read, with their size and modification time (shared by
  build and check);
- inputs.pickle: every file a build reads, with its size, modification time and a digest of its
  bytes (shared by build and check): after a checkout, a file with a new time but the same bytes
  counts as unchanged;
- <digest>.pickle, one per output folder and set of options: each page's fingerprint, what the
  output folder holds, the searchable pages' digests, a digest of every input file.

Body keys and fingerprints include the generator's own digest, and each pickle starts with the
version that wrote it (a header read before the rest), so a new version never reuses an older one's
work. A missing, unreadable or outdated
cache only means a full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.config import Config
from sitegen.content import Stamped, file_digest_of, input_name
from sitegen.errors import BuildError, SiteError
from sitegen.generator import GENERATOR
from sitegen.markup import Outline, Rendered, without_html
from sitegen.model import BuildOptions
from sitegen.output import OutputState

CACHE = Path(".cache") / "build"
# The converted Markdown, shared by build and check (its keys hold the site's address).
BODIES = CACHE / "bodies.sqlite"
INPUTS = ("site.yaml", "content", "layouts", "static")


@dataclass
class BuildState:
    """The last successful build into one output folder: filled by that build, checked by the next."""

    prints: dict[str, str] = field(default_factory=dict)  # page path -> fingerprint of the page as written
    searchable: dict[str, str] = field(default_factory=dict)  # searchable output file -> search.search_digest
    output: OutputState | None = None  # None: nothing written yet, the next build writes every file
    inputs: str = ""  # digest of every input file's name and bytes (inputs_digest)
    due: datetime | None = None  # the next post date after that build: from then on, the site changes
    summary: tuple = ()  # pages per language and files, for the one-line summary

    def is_current(self, inputs: str, now: datetime, changed: set[str]) -> bool:
        """Whether the output is still what a build now would write: same inputs, same time window, untouched."""
        in_time = self.due is None or now < self.due
        return self.output is not None and self.inputs == inputs and in_time and not changed


def input_files(config: Config) -> dict[str, Stamped]:
    """Every file a build reads, by its path from the project folder, with its time, size and digest.

    A file is read only when its time or size is not the one in .cache/build/inputs.pickle, which is
    then brought up to date. After a checkout, every file has a new time and is read once; a file
    with the same bytes as before is then unchanged for the build, however new its time.
    """
    path = inputs_file(config)
    saved = _load(path, GENERATOR)
    known = saved if isinstance(saved, dict) else {}
    found: dict[str, Stamped] = {}
    base = f"{config.root}{os.sep}"
    for top in INPUTS:
        if os.path.isfile(base + top):
            _add_stamped(found, top, base + top, known)
            continue
        for folder, subfolders, names in os.walk(base + top):
            subfolders.sort()
            prefix = input_name(config.root, folder)
            for name in sorted(names):
                _add_stamped(found, f"{prefix}/{name}", f"{folder}{os.sep}{name}", known)
    if found != known:
        _save(path, GENERATOR, found)
    return found


def inputs_digest(files: Mapping[str, Stamped]) -> str:
    """A digest of the name and bytes of every file a build reads, and of the generator."""
    digest = hashlib.sha256(GENERATOR.encode())
    for name, (_, _, data) in files.items():
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _add_stamped(found: dict[str, Stamped], name: str, path: str, known: Mapping[str, Stamped]) -> None:
    try:
        stat = os.stat(path)
    except OSError:
        return  # removed since the folder was listed
    before = known.get(name)
    if before is not None and before[0] == stat.st_mtime_ns and before[1] == stat.st_size:
        found[name] = before
        return
    try:
        with open(path, "rb") as stream:
            digest = file_digest_of(stream)
    except OSError:  # kept open by another program (Word's ~$ files on Windows): known by time and size
        digest = f"{stat.st_mtime_ns}:{stat.st_size}".encode()
    found[name] = (stat.st_mtime_ns, stat.st_size, digest)


def state_file(config: Config, options: BuildOptions) -> Path:
    """Where the state of builds into this output folder with these options is kept."""
    # Not keyed by the generator's version: a new version replaces the file instead of adding one.
    key = repr((str(config.output_dir.resolve()), config.base_url, options.drafts, options.future))
    return config.root / CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.pickle"


def sources_file(config: Config) -> Path:
    """Where the content files as read are kept (they do not depend on the output or the options)."""
    return config.root / CACHE / "sources.pickle"


def inputs_file(config: Config) -> Path:
    """Where the digest of every input file is kept (like the sources, shared by every build and check)."""
    return config.root / CACHE / "inputs.pickle"


def load_state(path: Path) -> BuildState:
    """The state saved by the last build, or an empty one (a full build) when there is none to trust."""
    state = _load(path, GENERATOR)  # another version's state: a full build
    return state if isinstance(state, BuildState) else BuildState()


def load_sources(path: Path, config: Config) -> dict:
    """The content files as the last build read them, by path: (size and modification time, what was read)."""
    found = _load(path, _sources_key(config))
    return found if isinstance(found, dict) else {}


def save_state(path: Path, state: BuildState) -> None:
    """Replace the saved state at once: a build stopped half-way leaves the previous state or none."""
    _save(path, GENERATOR, state)


def save_sources(path: Path, config: Config, sources: dict) -> None:
    """Keep the content files as read for the next build."""
    _save(path, _sources_key(config), sources)


@contextmanager
def kept_sources(config: Config) -> Iterator[dict]:
    """The content files as the last build or check read them, for this run to fill; saved again when
    it read any file anew and finished without an error."""
    path = sources_file(config)
    sources = load_sources(path, config)
    stamps = {name: kept.stamp for name, kept in sources.items()}
    yield sources
    if {name: kept.stamp for name, kept in sources.items()} != stamps:
        save_sources(path, config, sources)


def _sources_key(config: Config) -> str:
    # Reading a file depends on the generator, the project's folder and its languages.
    return repr((GENERATOR, str(config.root), config.language_codes))


def _load(path: Path, header: str) -> object:
    # The header first: another version's cache is not unpickled (at 10,000 posts the sources take
    # 190 MB in memory, and a build after an upgrade would start with them as its high-water mark).
    try:
        with path.open("rb") as stream:
            if pickle.load(stream) != header:  # noqa: S301 - our own file in the project's .cache folder
                return None
            return pickle.load(stream)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def _save(path: Path, header: str, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with partial.open("wb") as stream:
        pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
        # No memo: what is written can be freed at once (20,000 posts' text is not held twice).
        # Our states hold no cycles and need no shared objects.
        pickler.fast = True
        pickler.dump(header)
        pickler.dump(value)
    partial.replace(path)


def discard_state(path: Path) -> None:
    """Forget the saved state (the output is about to change under it)."""
    path.unlink(missing_ok=True)


class SqliteBodies:
    """Converted bodies in a SQLite file: looked up one at a time as the pages showing them are rendered."""

    def __init__(self, path: Path, threads: bool = False):
        self.path = path
        # Used by serve's two threads, at the same time too: SQLite serialises the use of one connection
        # (sqlite3.threadsafety 3, as Python's own builds have it).
        self.threads = threads
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        # Outlines read so far, by key (what a key names never changes): serve's rebuilds read only new ones.
        self._outlines: dict[str, Outline] = {}

    def _db(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # a forked worker opens a connection of its own
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError:
                self.path.unlink(missing_ok=True)  # a damaged cache file of ours: start it again
                self._connection = self._open()
            self._pid = os.getpid()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=60, check_same_thread=not self.threads)
        connection.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, outline BLOB, rendered BLOB)")
        return connection

    def missing(self, keys: Iterable[str]) -> list[str]:
        present = {key for (key,) in self._db().execute("SELECT key FROM bodies")}
        return [key for key in keys if key not in present]

    def add(self, converted: Mapping[str, tuple[Rendered, list[SiteError]]]) -> None:
        rows = (
            (key, _dumps((without_html(rendered), errors)), _dumps(rendered))
            for key, (rendered, errors) in converted.items()
        )
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", rows)

    def outline(self, keys: Iterable[str]) -> dict[str, Outline]:
        wanted = set(keys)
        known = {key: self._outlines[key] for key in wanted if key in self._outlines}
        missing = wanted - known.keys()
        if len(missing) > _FEW:
            rows = self._db().execute("SELECT key, outline FROM bodies")
        else:
            marks = ", ".join("?" * len(missing))  # placeholders only: the keys are passed as values
            rows = self._db().execute(f"SELECT key, outline FROM bodies WHERE key IN ({marks})", tuple(missing))  # noqa: S608
        known.update((key, _unpickled(outline)) for key, outline in rows if key in missing)
        self._outlines = known  # those no longer used are forgotten
        return dict(known)

    def rendered(self, key: str) -> Rendered:
        row = self._db().execute("SELECT rendered FROM bodies WHERE key = ?", (key,)).fetchone()
        if row is None:  # only if another run pruned it meanwhile, which retain() makes most unlikely
            message = "a converted body was removed from this cache while the build was reading it"
            hint = "another build or check was running at the same time: run this one again once it has finished"
            raise BuildError([SiteError(self.path.as_posix(), message, None, hint)])
        return _unpickled(row[0])

    def retain(self, keys: set[str]) -> None:
        """Drop the bodies no document uses now, but only beyond as many again as are in use: the newest of
        the others are kept. Those are mostly the same site's bodies for another address (a check or a
        build with --base-url, which would otherwise convert everything again each time they take turns,
        and could lose bodies while it reads them) and posts as they were before their last edits."""
        db = self._db()
        (count,) = db.execute("SELECT count(*) FROM bodies").fetchone()
        if count <= 2 * len(keys):
            return
        with db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM kept")
            db.executemany("INSERT INTO kept VALUES (?)", ((key,) for key in keys))
            # Row ids grow with each insert (a body converted again gets a new one): the highest are the newest.
            db.execute(
                "DELETE FROM bodies WHERE rowid IN (SELECT rowid FROM bodies WHERE key NOT IN (SELECT key FROM kept) "
                "ORDER BY rowid DESC LIMIT -1 OFFSET ?)",
                (len(keys),),
            )


_FEW = 500  # missing outlines looked up by key; more, and the whole table is read once


def _unpickled(data: bytes) -> object:
    return pickle.loads(data)  # noqa: S301 - our own cache file


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
