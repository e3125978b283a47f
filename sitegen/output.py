"""Stage 6: write the output; never touch what isn't ours.

A first build writes into a fresh folder beside the target, then swaps it in. Later builds update
the folder in place, once everything is rendered and the search index is made: they write the
files whose bytes changed and remove the files no longer produced, all of them ours (listed in the
manifest and unchanged since we wrote them).

A first build that was killed (the window closed on Windows, the machine switched off) leaves its
fresh folder beside the target, a whole site of it, or the target's old copy half removed. Each build
holds a lock beside them that the operating system lets go however the build ends; the next first
build removes the folders whose lock nobody holds.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.content import Stamped, input_name
from sitegen.errors import SiteError, raise_if_any
from sitegen.search import INDEX_FOLDER, BundleChanges, apply_changes, temporary_name
from sitegen.sessionlock import hold

MANIFEST = ".sitegen-manifest"


def check_target(target: Path, root: Path, walk: bool = True) -> list[SiteError]:
    """Reasons the output folder must not be written, if any (walk=False: the caller has checked its files)."""
    target, root = target.resolve(), root.resolve()
    hint = "choose an output folder of its own, e.g. --output public"
    protected = [root, *(root / name for name in ("content", "layouts", "static", "tests", "sitegen", ".git"))]
    if target in protected or any(target.is_relative_to(p) for p in protected[1:]):
        return [SiteError(str(target), "refusing to build into a folder of the project's sources", None, hint)]
    if root.is_relative_to(target) or target == Path.home():
        return [
            SiteError(str(target), "refusing to build into a folder that holds the project or your home", None, hint)
        ]
    if not target.exists():
        return []
    if not target.is_dir():
        return [SiteError(str(target), "the output path is a file, not a folder", None, hint)]
    if not walk:
        return []
    foreign = sorted(_foreign_files(target))
    return [_foreign_error(target, foreign)] if foreign else []


def _foreign_files(target: Path) -> set[str]:
    present = files_under(target)
    manifest = target / MANIFEST
    if not manifest.is_file():
        return present
    ours = set(manifest.read_text(encoding="utf-8").splitlines())
    return present - ours - {MANIFEST}


def files_under(folder: Path, leaving_out: Callable[[str], bool] = lambda name: False) -> set[str]:
    """Every file below a folder, as a path relative to it with '/' (os.walk: no stat per file), but
    for those in its subfolders whose names `leaving_out` is true of."""
    found = set()
    for directory, folders, names in os.walk(folder):
        prefix = Path(directory).relative_to(folder).as_posix()
        if prefix == ".":
            folders[:] = [name for name in folders if not leaving_out(name)]
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return found


class FreshOutput:
    """A fresh folder beside the target, filled while the site is rendered, then swapped in at once.

    Used as a context manager: if anything fails before swap(), the folder is removed and the
    target is as it was. Each file's digest is kept, for the next build to compare with.
    """

    def __init__(self, target: Path, root: Path):
        raise_if_any(check_target(target, root))
        self.target = target.resolve()
        self.folder = self.target.parent / f".{self.target.name}.building-{os.getpid()}"
        self.digests: dict[str, str] = {}
        self._folders: set[Path] = set()
        self._lock = _build_lock(self.target, os.getpid())

    def __enter__(self) -> FreshOutput:
        self._held = hold(self._lock)  # before the folder is made: a folder without its lock held is left over
        _remove_left_over(self.target)
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        if self._held is not None:
            self._held.close()
            self._lock.unlink(missing_ok=True)

    def write(self, name: str, data: bytes) -> None:
        """Write one file (pages arrive here as they are rendered)."""
        _parent_made(_inside(self.folder, name), self._folders).write_bytes(data)
        self.digests[name] = file_digest(data)

    def copy(self, source: Path, name: str, digest: str) -> None:
        """Copy one file as it is; `digest` says what it holds (copy_digests)."""
        shutil.copyfile(source, _parent_made(_inside(self.folder, name), self._folders))
        self.digests[name] = digest

    def swap(self) -> None:
        """List every file in the manifest, then put the folder in the target's place."""
        _write_manifest(self.folder, files_under(self.folder))
        swap_folder(self.folder, self.target)


def _inside(folder: Path, name: str) -> Path:
    # Names come from our own page paths; normpath (no file-system calls) is enough to refuse '..'.
    relative = posixpath.normpath(name)
    if relative.startswith(("../", "/")) or relative == "..":
        raise ValueError(f"refusing to write outside the output folder: {name}")
    return folder / relative


def write_over(path: Path, data: bytes) -> None:
    """Make `data` the whole of the file at `path`: over its old bytes where it exists, then cut to length.

    Not emptied first, as open(..., "wb") does: ext4 (Linux's usual file system) frees the blocks of a
    file emptied, and starts writing it out as soon as it is closed (auto_da_alloc); rewriting 6,000
    existing pages took 0.85-1.44 s that way here, 0.12-0.17 s written over. A program reading the
    file meanwhile may see it half-written, as it may with "wb"."""
    try:
        file = path.open("r+b")
    except FileNotFoundError:
        path.write_bytes(data)
        return
    with file:
        file.write(data)
        file.truncate()


def _parent_made(path: Path, folders: set[Path]) -> Path:
    if path.parent not in folders:
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
    return path


def _build_lock(target: Path, pid: int) -> Path:
    # Held by the build of this process id while its fresh folder (and the target's old copy) exist.
    return target.parent / f".{target.name}.build-{pid}.lock"


def _remove_left_over(target: Path) -> None:
    # The fresh folders and old copies beside the target whose build is gone: its lock is free (a
    # build of an older version held none). Another build of the same target at work keeps its own.
    ours = re.compile(rf"\.{re.escape(target.name)}\.(?:building-(\d+)|old-(\d+)|build-(\d+)\.lock)")
    for entry in sorted(target.parent.iterdir()):
        match = ours.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(next(group for group in match.groups() if group))
        if pid == os.getpid() or not entry.exists():  # this build's, or removed with its folder just now
            continue
        lock = _build_lock(target, pid)
        held = hold(lock)
        if held is None:  # that build is still at work
            continue
        try:
            if entry != lock:
                shutil.rmtree(entry, ignore_errors=True)
        finally:
            held.close()
            lock.unlink(missing_ok=True)


def swap_folder(fresh: Path, target: Path) -> None:
    """Put the folder `fresh` in the place of `target` (renamed aside, then removed), or where it is missing."""
    if not target.exists():
        fresh.rename(target)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    try:
        target.rename(old)
        fresh.rename(target)
    except BaseException:  # Ctrl+C or a failure between the two renames: the target as it was, not missing
        if old.exists() and not target.exists():
            old.rename(target)
        raise
    shutil.rmtree(old)


@dataclass(frozen=True)
class OutputState:
    """What an output folder held after our last write: each file's stamp and digest, each folder's stamp."""

    files: Mapping[str, tuple[int, int, str]]  # name -> (mtime_ns, size, digest of the bytes or the source)
    folders: Mapping[str, int]  # folder ('' for the output's root) -> mtime_ns
    manifest: str  # digest of the manifest we wrote


def file_digest(data: bytes) -> str:
    """What says whether a file's bytes changed."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def copy_digests(root: Path, copies: Sequence[tuple[Path, str]], inputs: Mapping[str, Stamped]) -> dict[str, str]:
    """What each copied file holds, by published name: the digest of its source's bytes for an input
    file (the same after a checkout, which gives it a new time), else its source's path, size and
    modification time (a resized photo in .cache)."""
    copied = {}
    for source, name in copies:
        known = inputs.get(input_name(root, source))
        if known:
            copied[name] = f"bytes:{known[2].hex()}"
        else:
            stat = source.stat()
            copied[name] = f"{source}:{stat.st_mtime_ns}:{stat.st_size}"
    return copied


def record_output(target: Path, digests: Mapping[str, str]) -> OutputState:
    """Stamp every file and folder of the output as just written; digests by name ('' where unknown)."""
    target = target.resolve()
    files = {}
    base = f"{target}{os.sep}"
    for name in _read_manifest(target):
        stat = os.stat(base + name)
        files[name] = (stat.st_mtime_ns, stat.st_size, digests.get(name, ""))
    return OutputState(files, _folder_stamps(target, files), _manifest_digest(target))


def changed_since(target: Path, state: OutputState) -> tuple[set[str], list[SiteError]] | None:
    """Our files changed or removed since `state` was recorded (to write again), and any file added
    by someone else; None when the folder is not as we left it (another build wrote it: write all)."""
    target = target.resolve()
    if not target.is_dir() or _manifest_digest(target) != state.manifest:
        return None
    base = f"{target}{os.sep}"
    changed = set()
    for name, (mtime, size, _) in state.files.items():
        try:
            stat = os.stat(base + name)  # strings, not Paths: tens of thousands of files
        except OSError:
            changed.add(name)
            continue
        if stat.st_mtime_ns != mtime or stat.st_size != size:
            changed.add(name)
    # A folder's stamp moves when an entry is added or removed: only those folders are listed again.
    known = set(state.files) | set(state.folders) | {MANIFEST}
    foreign = []
    for folder, mtime in state.folders.items():
        path = base + folder
        try:
            if os.stat(path).st_mtime_ns == mtime:
                continue
            entries = os.listdir(path)
        except OSError:
            continue
        foreign += [f"{folder}/{entry}".lstrip("/") for entry in entries]
    foreign = sorted(name for name in foreign if name not in known)
    return changed, [_foreign_error(target, foreign)] if foreign else []


def update_site(
    target: Path,
    state: OutputState,
    changed: set[str],
    files: Mapping[str, bytes],
    kept: Iterable[str],
    copies: Sequence[tuple[Path, str]],
    index: Path | BundleChanges | None,
    copied: Mapping[str, str],
) -> OutputState:
    """Bring an output folder we wrote up to date in place: write what differs, remove what is gone.

    `changed` are our files altered since `state`; `kept` are pages known to be current; `index` is a
    new search index folder to put in place of the old one, or the changes that bring the old one's
    bundles up to date (search.remade_bundles), applied once the pages are written (None: the index
    stays as it is); `copied` says what each copy holds, by name (copy_digests).
    """
    target = target.resolve()
    old = state.files
    index_names = {name for name in old if name.startswith(_INDEX_PREFIX)}
    sources = {name: source for source, name in copies}
    names = list(dict.fromkeys([*files, *sources]))
    replacing = set()  # where a search file may be copied beside the one it replaces (search.temporary_name)
    if isinstance(index, Path):  # the old index goes whole
        new_index, replaced = {f"{_INDEX_PREFIX}{name}" for name in files_under(index)}, index_names
    else:
        changes = index or BundleChanges((), ())
        new_index = {f"{_INDEX_PREFIX}{name}" for _, name in changes.moves}
        replaced = {f"{_INDEX_PREFIX}{name}" for name in changes.removed}
        replacing = {f"{_INDEX_PREFIX}{temporary_name(name)}" for _, name in changes.moves}
    wanted = set(names) | set(kept) | (index_names - replaced) | new_index
    unknown = [name for name in names if name not in old and (target / name).exists()]
    raise_if_any([_foreign_error(target, sorted(unknown))] if unknown else [])
    # Listed before they are written: if writing stops half-way, every file there is still known as ours.
    _write_manifest(target, wanted | set(old) | replacing)
    digests: dict[str, str] = {}
    written = set()
    folders: set[Path] = set()
    for name in names:
        # Each rendered file read once (they may wait on disk: StagedPages), for its digest and to write.
        data = None if name in sources else files[name]
        digests[name] = digest = copied[name] if data is None else file_digest(data)
        if name in old and name not in changed and old[name][2] == digest:
            continue
        path = _parent_made(_inside(target, name), folders)
        if data is None:
            shutil.copyfile(sources[name], path)
        else:
            write_over(path, data)
        written.add(name)
    if isinstance(index, BundleChanges):
        apply_changes(target / INDEX_FOLDER, index)
    gone = [name for name in old if name not in wanted and name not in replaced]
    for name in gone:
        _inside(target, name).unlink(missing_ok=True)
    if isinstance(index, Path):
        swap_folder(index, target / INDEX_FOLDER)
    _remove_empty_parents(target, gone)
    _write_manifest(target, wanted)
    stamps = {}
    base = f"{target}{os.sep}"
    for name in wanted:
        if name in written or name not in old or name in changed or name in new_index:
            stat = os.stat(base + name)
            stamps[name] = (stat.st_mtime_ns, stat.st_size, digests.get(name, ""))
        else:
            stamps[name] = old[name]
    return OutputState(stamps, _folder_stamps(target, stamps), _manifest_digest(target))


_INDEX_PREFIX = f"{INDEX_FOLDER}/"


class StagedPages(Mapping):
    """Pages rendered by a later build, kept in one temporary file of the cache rather than in memory
    until the output is updated: a layout edit renders every page again (700 MB held at 10,000 posts).
    One file, not one per page: creating and removing 22,000 files cost more than the writing."""

    def __init__(self, folder: Path):
        # Gone when closed (by `with`), and on POSIX even after a crash: it has no name there.
        self._file = tempfile.TemporaryFile(dir=folder, prefix="pages-")  # noqa: SIM115 - closed by __exit__
        self._places: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()  # one position in the file: a read or a write at a time

    def add(self, name: str, data: bytes) -> None:
        with self._lock:
            offset = self._file.seek(0, os.SEEK_END)
            self._file.write(data)
        self._places[name] = (offset, len(data))

    def __enter__(self) -> StagedPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def __getitem__(self, name: str) -> bytes:
        offset, size = self._places[name]
        with self._lock:
            self._file.seek(offset)
            return self._file.read(size)

    def __iter__(self):
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


class Published(Mapping):
    """The site's files by name: those rendered this time from memory, the others read from the output."""

    def __init__(self, target: Path, files: Mapping[str, bytes], kept: Iterable[str]):
        self.target = target
        self.files = files
        self.names = sorted({*files, *kept})

    def __getitem__(self, name: str) -> bytes:
        found = self.files.get(name)
        return found if found is not None else (self.target / name).read_bytes()

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _write_manifest(target: Path, names: Iterable[str]) -> None:
    data = ("\n".join(sorted(names)) + "\n").encode("utf-8")
    path = target / MANIFEST
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def _read_manifest(target: Path) -> list[str]:
    return [line for line in (target / MANIFEST).read_text(encoding="utf-8").splitlines() if line]


def _manifest_digest(target: Path) -> str:
    try:
        return file_digest((target / MANIFEST).read_bytes())
    except OSError:
        return ""


def _folder_stamps(target: Path, files: Iterable[str]) -> dict[str, int]:
    folders = {""}
    for name in files:
        parent = posixpath.dirname(name)
        while parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    base = f"{target}{os.sep}"
    return {folder: os.stat(base + folder).st_mtime_ns for folder in folders}


def _foreign_error(target: Path, foreign: Sequence[str]) -> SiteError:
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    leftovers = sorted({match.group(1) for name in foreign for match in [_LEFTOVER.match(name)] if match})
    if leftovers:
        # Not removed for the user: a build running at the same time may still be using it.
        return SiteError(
            str(target),
            f"a build was stopped while it replaced the search index and left {', '.join(leftovers)}",
            None,
            "delete that folder (it is the previous search index, no longer used), then build again",
        )
    return SiteError(
        str(target),
        f"the output folder holds files the generator did not write: {shown}",
        None,
        "move them into static/ (they will be copied on every build) or choose another --output",
    )


# What swap_folder leaves inside the output if a build is killed between its two renames.
_LEFTOVER = re.compile(r"^(\.[^/]+\.old-\d+)(?:/|$)")


def _remove_empty_parents(target: Path, removed: Iterable[str]) -> None:
    # Only folders emptied by removing our own files; a folder holding anything else stays.
    for folder in sorted({posixpath.dirname(name) for name in removed}, key=len, reverse=True):
        while folder:
            try:
                (target / folder).rmdir()
            except OSError:
                break
            folder = posixpath.dirname(folder)
