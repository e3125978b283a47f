"""Stage 6: write into a fresh folder beside the target, then swap it in; never touch what isn't ours."""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from sitegen.errors import SiteError, raise_if_any

MANIFEST = ".sitegen-manifest"


def check_target(target: Path, root: Path) -> list[SiteError]:
    """Reasons the output folder must not be written, if any."""
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
    foreign = sorted(_foreign_files(target))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        return [
            SiteError(
                str(target),
                f"the output folder holds files the generator did not write: {shown}",
                None,
                "move them into static/ (they will be copied on every build) or choose another --output",
            )
        ]
    return []


def _foreign_files(target: Path) -> set[str]:
    present = files_under(target)
    manifest = target / MANIFEST
    if not manifest.is_file():
        return present
    ours = set(manifest.read_text(encoding="utf-8").splitlines())
    return present - ours - {MANIFEST}


def files_under(folder: Path) -> set[str]:
    """Every file below a folder, as a path relative to it with '/' (os.walk: no stat per file)."""
    found = set()
    for directory, _, names in os.walk(folder):
        prefix = Path(directory).relative_to(folder).as_posix()
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return found


def write_site(
    target: Path,
    root: Path,
    files: Mapping[str, bytes],
    copies: Sequence[tuple[Path, str]],
    alongside: Callable[[Path], Alongside] | None = None,
) -> None:
    """Write every file to a fresh folder while `alongside` adds to it (the search index), then swap it in."""
    raise_if_any(check_target(target, root))
    target = target.resolve()
    fresh = target.parent / f".{target.name}.building-{os.getpid()}"
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir()
    extra = None
    try:
        extra = alongside(fresh) if alongside is not None else None
        folders: set[Path] = set()
        for name, data in files.items():
            _parent_made(_inside(fresh, name), folders).write_bytes(data)
        for source, name in copies:
            shutil.copyfile(source, _parent_made(_inside(fresh, name), folders))
        if extra is not None:
            extra.finish()
            extra = None
        listing = sorted(files_under(fresh))
        (fresh / MANIFEST).write_text("\n".join(listing) + "\n", encoding="utf-8")
        _swap(fresh, target)
    finally:
        if extra is not None:
            extra.cancel()
        if fresh.exists():
            shutil.rmtree(fresh)


class Alongside(Protocol):
    """Work that fills part of the fresh folder while the pages are written (the search index)."""

    def finish(self) -> None: ...

    def cancel(self) -> None: ...


def _inside(folder: Path, name: str) -> Path:
    # Names come from our own page paths; normpath (no file-system calls) is enough to refuse '..'.
    relative = posixpath.normpath(name)
    if relative.startswith(("../", "/")) or relative == "..":
        raise ValueError(f"refusing to write outside the output folder: {name}")
    return folder / relative


def _parent_made(path: Path, folders: set[Path]) -> Path:
    if path.parent not in folders:
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
    return path


def _swap(fresh: Path, target: Path) -> None:
    if not target.exists():
        fresh.rename(target)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old)
