"""Fixture sites built into tmp_path: the fixture content with the project's own layouts and settings."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.model import BuildOptions
from sitegen.pipeline import BuildResult, build

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site"
# A fixed "now" keeps fixture builds reproducible; the fixture's future post is dated 2030.
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """A fresh copy of the fixture site: its content, the project's site.yaml, layouts and static files."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    for name in ("layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    set_config(root, base_url="https://example.org/", menu=["news", "page:gioi-thieu", "archive"])
    return same_times(root)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the real project's sources (content, layouts, static, site.yaml)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    return same_times(root)


def same_times(root: Path) -> Path:
    """Give every file one modification time: a checkout's times are arbitrary, tests must not depend on them."""
    stamp = NOW.timestamp()
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp))
    return root


def set_config(root: Path, **values: Any) -> None:
    """Change top-level keys of a fixture's site.yaml."""
    path = root / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(values)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_site(root: Path, now: datetime = NOW, **kwargs: Any) -> BuildResult:
    """Build a fixture site into root/public (or output=...)."""
    drafts = kwargs.pop("drafts", False)
    future = kwargs.pop("future", False)
    kwargs.setdefault("output", root / "public")
    return build(root, BuildOptions(now=now, drafts=drafts, future=future), **kwargs)


def read(root: Path, path: str) -> str:
    """A built file's text, by its path under the output folder."""
    return (root / "public" / path).read_text(encoding="utf-8")


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace a piece of text in a file of the site, every time it occurs; it must be there."""
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"  # an edit that changes nothing would pass its test for nothing
    target.write_text(text.replace(old, new), encoding="utf-8")


def write(root: Path, path: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write a content file as an editor might save it."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.replace("\n", newline).encode(encoding))
    return target


class Seen:
    """A list of what patched functions saw, kept in a file: what a build's forked processes (the one
    a first build renders in, the workers) add is seen here too, where a list would stay empty."""

    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="sitegen-seen-")
        os.close(handle)
        self._path = Path(name)
        weakref.finalize(self, self._path.unlink, missing_ok=True)

    def append(self, item: Any) -> None:
        with self._path.open("ab", buffering=0) as stream:
            stream.write(pickle.dumps(item))  # one write, at the end of the file, whichever process writes

    def extend(self, items: Any) -> None:
        for item in items:
            self.append(item)

    def clear(self) -> None:
        self._path.write_bytes(b"")

    def _items(self) -> list[Any]:
        items = []
        with self._path.open("rb") as stream:
            while stream.peek(1):
                items.append(pickle.load(stream))
        return items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __contains__(self, item: Any) -> bool:
        return item in self._items()

    def __eq__(self, other: object) -> bool:
        return self._items() == other

    def __repr__(self) -> str:
        return f"Seen({self._items()!r})"


@contextlib.contextmanager
def ctrl_c_once(ready: Callable[[], bool]) -> Iterator[None]:
    """Ctrl-C in this thread, as a terminal would send it, as soon as ready() (or after 30 s), with
    Python's own handler in place even where this run was started with SIGINT ignored (in the background)."""
    main = threading.get_ident()

    def interrupt() -> None:
        deadline = time.monotonic() + 30
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        signal.pthread_kill(main, signal.SIGINT)

    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=interrupt, daemon=True).start()
        yield
    finally:
        signal.signal(signal.SIGINT, handler)


def count_conversions(monkeypatch: pytest.MonkeyPatch, *runners: Any) -> Seen:
    """The files whose Markdown the real converter converts from now on; the modules in `runners`
    (check, incremental) are made to work in this one process, so that every conversion is seen."""
    from sitegen import markup

    for module in runners:
        monkeypatch.setattr(module, "default_jobs", lambda: 1)
    files, convert = Seen(), markup.Converter.convert

    def counted(self, doc):
        files.append(doc.file)
        return convert(self, doc)

    monkeypatch.setattr(markup.Converter, "convert", counted)
    return files


def process_state(pid: int) -> str:
    """A process's state as Linux tells it (/proc): 'T' stopped, 'S' sleeping, 'R' running, 'Z' ended."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2]


def index_entries(index: Path) -> dict[str, int]:
    """Every file and folder of a search index (folders end with '/') -> its inode: what stayed the same."""
    return {f"{p.relative_to(index).as_posix()}{'/' if p.is_dir() else ''}": p.stat().st_ino for p in index.rglob("*")}


def bundle_edit(before: dict[str, int], after: dict[str, int], bundle: int) -> str:
    """What an edit did to a search index (index_entries before and after it), where only the bundle
    numbered `bundle` was made again: '' when only files of that bundle came and went, its entry alone was
    written again and everything else is as it was; else what differs."""
    in_bundle = (lambda name: name.startswith(f"more-{bundle}/")) if bundle else (lambda name: "more-" not in name)
    entry = f"more-{bundle}/pagefind-entry.json" if bundle else "pagefind-entry.json"
    came, went = after.keys() - before.keys(), before.keys() - after.keys()
    rewritten = {name for name in after.keys() & before.keys() if after[name] != before[name]}
    if not came or not any(name.endswith(".pf_fragment") for name in came):
        return f"no new fragment for the edited page: {sorted(came)}"
    if outside := sorted(name for name in came | went if not in_bundle(name)):
        return f"files of other bundles came or went: {outside}"
    if rewritten != {entry}:
        return f"written again in place of the old: {sorted(rewritten)}, where only {entry} should be"
    return ""


def pagefind_texts(index: Path) -> dict[str, str]:
    """Each page a Pagefind index folder holds: its address -> the text Pagefind keeps of it (results show it)."""
    texts = {}
    for path in index.rglob("fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        texts[data["url"]] = data["content"]
    return texts
