"""A document's Markdown body as the model keeps it: compressed, with what decides its conversion.

The model holds every body from reading until the build ends, in each process that shares it, and
serve keeps it between rebuilds. At 10,000 bilingual posts the bodies are 65 MB of UTF-8 (a str of
Vietnamese text takes half as much again); compressed at zlib's quickest level, 23 MB, for 0.8 s
of CPU when they are read and 0.3 s when they are all converted. A body is turned back into text
only to be converted. Its digest and the targets of its links and pictures, which tell whether its
HTML must be made again, are taken once, when it is read, not at every build.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_LEVEL = 1  # zlib's quickest: as small within 7 % as its best, for three quarters of the time


@dataclass(frozen=True, slots=True)
class PackedBody:
    """A Markdown body: its UTF-8 bytes compressed, their SHA-256, and its link and picture targets."""

    packed: bytes
    digest: bytes
    targets: tuple[str, ...]  # sorted, each once (link_targets)

    @classmethod
    def of(cls, text: str) -> PackedBody:
        data = text.encode("utf-8")
        return cls(zlib.compress(data, _LEVEL), hashlib.sha256(data).digest(), tuple(sorted(set(link_targets(text)))))

    @property
    def text(self) -> str:
        """The body as it was read."""
        return zlib.decompress(self.packed).decode("utf-8")


# Link and image targets as Python-Markdown reads them: inline (with or without <...>), reference
# definitions, and any word that looks like a content file, to err on the side of a new key.
_INLINE_TARGET = re.compile(r"\]\(\s*(?:<([^>\n]*)>|([^)\s]+))")
_REFERENCE_TARGET = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))", re.MULTILINE)
_FILE_SUFFIX = re.compile(r"\.(?:md|jpe?g|png|gif|webp|svg|avif)\b", re.IGNORECASE)
_TOKEN_EDGE = re.compile(r"[\s()<>\[\]\"']")


def link_targets(body: str) -> Iterator[str]:
    """What a Markdown body's links and pictures may point to (some words more, never fewer)."""
    for pattern in (_INLINE_TARGET, _REFERENCE_TARGET) if "]:" in body else (_INLINE_TARGET,):
        for match in pattern.finditer(body):
            yield match.group(1) or match.group(2) or ""
    for match in _FILE_SUFFIX.finditer(body):  # found by its suffix, then read back to where the word starts
        start = match.start()
        while start > 0 and not _TOKEN_EDGE.match(body, start - 1):
            start -= 1
        if start < match.start():
            yield body[start : match.end()]
