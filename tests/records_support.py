"""Helpers for the records tests: the fixture records copied into a fixture site, and error lookups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import build_site

from sitegen.errors import BuildError, SiteError

RECORDS = Path(__file__).resolve().parent / "fixtures" / "records" / "content"


def add_records(root: Path) -> Path:
    """Copy the fixture units, pledges and results into a fixture site's content/ folder."""
    shutil.copytree(RECORDS, root / "content", dirs_exist_ok=True)
    return root


def line_of(root: Path, path: str, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `text` in a file of the site."""
    found = [n for n, line in enumerate((root / path).read_text(encoding="utf-8").split("\n"), 1) if text in line]
    return found[occurrence - 1]


def edit(root: Path, path: str, old: str, new: str) -> None:
    """Replace one exact piece of text in a file of the site (it must be there)."""
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_errors(root: Path) -> tuple[SiteError, ...]:
    """Every error of a build that must fail."""
    with pytest.raises(BuildError) as failure:
        build_site(root)
    return failure.value.errors


def find_error(errors, file: str, fragment: str) -> SiteError:
    """The one error of a file whose message contains `fragment`."""
    matches = [e for e in errors if e.file == file and fragment in e.message]
    assert len(matches) == 1, f"{fragment!r} in {file}: {[str(e) for e in errors]}"
    return matches[0]
