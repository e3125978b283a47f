"""Translation status per document: missing, draft, or stale (the Vietnamese changed after the translation)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import Config
from sitegen.content import Document


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
    times = changed_times(config.root, [d.file for d in documents])
    statuses = []
    for doc in originals:
        for lang in config.language_codes:
            if lang == config.default_language:
                continue
            other = by_key.get((doc.kind, doc.stem, lang))
            if other is None:
                statuses.append(Status(doc.file, lang, "missing"))
                continue
            source_time, translated_time = times[doc.file], times[other.file]
            state = (
                "stale" if source_time > translated_time else "draft" if other.draft and not doc.draft else "translated"
            )
            statuses.append(Status(doc.file, lang, state, other.file, source_time, translated_time))
    return statuses


def changed_times(root: Path, files: Sequence[str]) -> dict[str, datetime]:
    """When each file last changed: its last commit, or its modification time if it has uncommitted changes."""
    committed = _git_times(root)
    uncommitted = _git_uncommitted(root)
    times = {}
    for file in files:
        if file in committed and file not in uncommitted:
            times[file] = committed[file]
        else:
            times[file] = datetime.fromtimestamp((root / file).stat().st_mtime, UTC)
    return times


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _git_times(root: Path) -> dict[str, datetime]:
    # Newest commits come first, so the first time a file is named is its last change.
    out = _git(root, "log", "--relative", "--format=@%ct", "--name-only", "--", "content")
    times: dict[str, datetime] = {}
    stamp = None
    for line in (out or "").splitlines():
        if line.startswith("@"):
            stamp = datetime.fromtimestamp(int(line[1:]), UTC)
        elif line.strip() and stamp is not None:
            times.setdefault(line.strip(), stamp)
    return times


def _git_uncommitted(root: Path) -> set[str]:
    changed = _git(root, "diff", "--name-only", "--relative", "HEAD", "--", "content") or ""
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", "content") or ""
    return {line.strip() for line in (changed + untracked).splitlines() if line.strip()}
