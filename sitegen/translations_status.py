"""Translation status per document: missing, draft, or stale (the Vietnamese changed after the translation)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import Config
from sitegen.content import Document
from sitegen.fields import split_front_matter
from sitegen.vietnamese import nfc
from sitegen.yamlfile import parse_yaml


@dataclass(frozen=True)
class Status:
    """One document in one other language: 'translated', 'missing', 'draft' or 'stale'."""

    source: str
    lang: str
    state: str
    translation: str | None = None
    source_changed: datetime | None = None
    translated: datetime | None = None


def translation_status(config: Config, documents: Sequence[Document]) -> list[Status]:
    """The status of every default-language document in every other language."""
    by_key = {(d.kind, d.stem, d.lang): d for d in documents}
    # A draft is not published yet, so its translation is not due.
    originals = [d for d in documents if d.lang == config.default_language and not d.draft]
    changes = last_changes(config.root, [d.file for d in documents])
    statuses = []
    for doc in originals:
        for lang in config.language_codes:
            if lang == config.default_language:
                continue
            other = by_key.get((doc.kind, doc.stem, lang))
            if other is None:
                statuses.append(Status(doc.file, lang, "missing"))
                continue
            source, translated = changes[doc.file], changes[other.file]
            stale = source.time > translated.time and _text_changed(config.root, doc, translated.commit)
            state = "stale" if stale else "draft" if other.draft and not doc.draft else "translated"
            statuses.append(Status(doc.file, lang, state, other.file, source.time, translated.time))
    return statuses


@dataclass(frozen=True)
class Change:
    """When a file last changed, and in which commit (None when it has uncommitted changes)."""

    time: datetime
    commit: str | None = None


def last_changes(root: Path, files: Sequence[str]) -> dict[str, Change]:
    """When each file last changed: its last commit, or its modification time if it has uncommitted changes."""
    committed = _git_changes(root)
    uncommitted = _git_uncommitted(root)
    changes = {}
    for file in files:
        if file in committed and file not in uncommitted:
            changes[file] = committed[file]
        else:
            changes[file] = Change(datetime.fromtimestamp((root / file).stat().st_mtime, UTC))
    return changes


def _text_changed(root: Path, doc: Document, commit: str | None) -> bool:
    """Whether the title, summary or body differ from the source as it was when the translation was committed.

    A change to fields the translation inherits (date, tags, units, cover) does not make it stale.
    """
    if commit is None:
        return True
    old = _git(root, "show", f"{commit}:./{doc.file}")
    if old is None:
        return True
    split = split_front_matter(nfc(old.replace("\r\n", "\n").lstrip("\ufeff")), doc.file)
    meta = parse_yaml(split.front_matter, doc.file).data if split.error is None else None
    if not isinstance(meta, dict):
        return True
    before = (str(meta.get("title", "")).strip(), str(meta.get("summary", "")).strip(), split.body)
    return before != (doc.title, doc.summary, doc.body)


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _git_changes(root: Path) -> dict[str, Change]:
    # Newest commits come first, so the first time a file is named is its last change.
    out = _git(root, "log", "--relative", "--format=@%ct %H", "--name-only", "--", "content")
    changes: dict[str, Change] = {}
    change = None
    for line in (out or "").splitlines():
        if line.startswith("@"):
            stamp, commit = line[1:].split()
            change = Change(datetime.fromtimestamp(int(stamp), UTC), commit)
        elif line.strip() and change is not None:
            changes.setdefault(line.strip(), change)
    return changes


def _git_uncommitted(root: Path) -> set[str]:
    changed = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", "content") or ""
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", "content") or ""
    return {line.strip() for line in (changed + untracked).splitlines() if line.strip()}
