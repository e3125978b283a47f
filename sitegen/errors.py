"""One error type for people: which file, which line, what went wrong, what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteError:
    """A problem in the user's files, reported with its place and a hint."""

    file: str
    message: str
    line: int | None = None
    hint: str = ""

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{place}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class BuildError(Exception):
    """Raised by a stage that found errors; carries every one of them."""

    def __init__(self, errors: Sequence[SiteError]):
        self.errors = tuple(errors)
        super().__init__(format_errors(self.errors))

    def __reduce__(self) -> tuple:
        # Raised in a worker process, it reaches the build in the parent with its errors, not its text.
        return (BuildError, (self.errors,))


def format_errors(errors: Iterable[SiteError]) -> str:
    """All errors as one block of text, one per paragraph, sorted by place."""
    ordered = sorted(errors, key=lambda e: (e.file, e.line or 0, e.message))
    lines = [str(e) for e in ordered]
    count = len(lines)
    header = f"{count} error{'s' if count != 1 else ''}:"
    return "\n".join([header, *lines])


def raise_if_any(errors: Sequence[SiteError]) -> None:
    """Stop the build when a stage has collected errors."""
    if errors:
        raise BuildError(errors)


def closest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint naming the closest valid choice, or listing them."""
    options = sorted(choices)
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    if match:
        return f"did you mean '{match[0]}'?"
    return "valid keys are: " + ", ".join(options)


def display_path(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the project, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
