"""Reading the files editors save: text in any common encoding quirk, YAML with line numbers."""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import SiteError, closest


class NotUtf8Error(ValueError):
    """A text file in a legacy encoding; `line` is where the first undecodable byte is."""

    def __init__(self, line: int):
        super().__init__(f"not UTF-8 (line {line})")
        self.line = line


NOT_UTF8_HINT = "save it again as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)"


def read_text(path: Path) -> str:
    """File text without BOM, with LF line endings, in NFC, however Notepad or Word saved it."""
    return decode_text(path.read_bytes())


def decode_text(raw: bytes) -> str:
    """A file's bytes as read_text gives its text."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotUtf8Error(raw[: exc.start].count(b"\n") + 1) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


class LineMap(dict):
    """A YAML mapping that remembers the line of each key (1-based).

    Slots, and keys interned (when parsed and when unpickled: the build's cache and its worker
    processes pass them as pickles): every post's front matter has the same few keys, and 20,000
    posts' mappings took 72 MB with a copy of each key and an attribute dictionary each, 45 MB so.
    """

    __slots__ = ("line", "lines", "duplicates")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: dict[Any, int] = {}
        self.duplicates: tuple[tuple[Any, int], ...] = ()

    def line_of(self, key: Any) -> int:
        """The line of a key, or of the mapping itself when the key is absent."""
        return self.lines.get(key, self.line)

    def __reduce__(self) -> tuple:
        return (_restored, (self.line, tuple(self.items()), tuple(self.lines.items()), self.duplicates))


def _restored(line: int, items: tuple, lines: tuple, duplicates: tuple) -> LineMap:
    restored = LineMap()
    restored.line = line
    restored.duplicates = duplicates
    restored.update((_interned(key), value) for key, value in items)
    restored.lines = {_interned(key): number for key, number in lines}
    return restored


def _interned(key: Any) -> Any:
    return sys.intern(key) if type(key) is str else key


# libyaml's parser is several times faster than the pure-Python one; both give the same nodes.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    """SafeLoader whose mappings are LineMaps."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = _interned(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates += ((key, line),)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text so that our own parser can report a bad one (2021-02-30) with its line.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlResult:
    """Parsed YAML, or the error that stopped parsing."""

    data: Any = None
    errors: tuple[SiteError, ...] = field(default=())


def parse_yaml(text: str, file: str, first_line: int = 1) -> YamlResult:
    """YAML text to LineMaps and lists; syntax errors and duplicate keys become SiteErrors."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return YamlResult(
            errors=(
                SiteError(
                    file,
                    f"this is not valid YAML: {problem}",
                    line,
                    "check indentation and quote text that contains ':' or '#' (write title: \"Hội nghị: tổng kết\")",
                ),
            )
        )
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return YamlResult(data=data, errors=tuple(_duplicate_errors(data, file)))


def load_yaml_file(path: Path, file: str) -> YamlResult:
    """Read and parse one YAML file as editors save it."""
    try:
        text = read_text(path)
    except NotUtf8Error as exc:
        return YamlResult(errors=(SiteError(file, "the file is not saved as UTF-8", exc.line, NOT_UTF8_HINT),))
    return parse_yaml(text, file)


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineMap):
        data.line += offset
        data.lines = {k: v + offset for k, v in data.lines.items()}
        data.duplicates = tuple((k, v + offset) for k, v in data.duplicates)
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for item in data:
            _shift_lines(item, offset)


def _duplicate_errors(data: Any, file: str) -> Iterable[SiteError]:
    if isinstance(data, LineMap):
        for key, line in data.duplicates:
            yield SiteError(file, f"'{key}' is set twice", line, "keep only one of them")
        for value in data.values():
            yield from _duplicate_errors(value, file)
    elif isinstance(data, list):
        for item in data:
            yield from _duplicate_errors(item, file)


def unknown_keys(mapping: Mapping, allowed: Iterable[str], file: str, what: str) -> list[SiteError]:
    """An error, with the closest valid key as hint, for each key not in `allowed`."""
    allowed = list(allowed)
    errors = []
    for key in mapping:
        if key not in allowed:
            line = mapping.line_of(key) if isinstance(mapping, LineMap) else None
            errors.append(SiteError(file, f"unknown key '{key}' in {what}", line, closest(str(key), allowed)))
    return errors


def line_of(mapping: Any, key: Any) -> int | None:
    """The line of a key in a LineMap, or None for plain values."""
    return mapping.line_of(key) if isinstance(mapping, LineMap) else None
