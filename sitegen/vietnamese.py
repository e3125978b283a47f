"""Vietnamese text helpers: NFC, slugs, diacritic folding and dictionary order."""

from __future__ import annotations

import functools
import re
import unicodedata

_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 80
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def nfc(text: str) -> str:
    """Text in NFC, the one form in which Vietnamese is stored and compared."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case text without any diacritics, with đ as d: what people type in a search box."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


@functools.lru_cache(maxsize=1 << 16)  # tags and slugs repeat across thousands of posts
def slugify(text: str) -> str:
    """A URL slug: diacritics removed, đ to d, words joined by '-', cut at a word boundary."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    if len(slug) <= _MAX_SLUG:
        return slug
    return slug[:_MAX_SLUG].rsplit("-", 1)[0]


def is_slug(text: str) -> bool:
    """True for text that slugify would leave as it is."""
    # Most are plain already (lower-case letters and digits, single hyphens between): slugify would
    # leave them as they are, and 20,000 slugs each seen once would only fill its cache.
    if len(text) <= _MAX_SLUG and _PLAIN_SLUG.fullmatch(text):
        return True
    return bool(text) and slugify(text) == text


def collation_key(text: str) -> tuple:
    """Sort key in Vietnamese dictionary order: a < ă < â, d < đ, tones a secondary difference."""
    letters: list[int] = []
    tones: list[int] = []
    for char in nfc(text).lower():
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((_TONE_MARKS[m] for m in decomposed if m in _TONE_MARKS), 0)
        base = nfc("".join(m for m in decomposed if m not in _TONE_MARKS))
        letters.append(_ORDER.get(base, _other_order(base)))
        tones.append(tone)
    return (tuple(letters), tuple(tones), text)


def _other_order(char: str) -> int:
    # Spaces and digits sort before letters, other letters after the Vietnamese alphabet.
    if not char:
        return -1000
    return 100 + ord(char[0]) if char.isalpha() else -1000 + ord(char[0])
