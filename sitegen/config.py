"""Stage 1: site.yaml into typed, immutable settings; unknown keys are errors with a hint."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from sitegen.errors import SiteError, raise_if_any
from sitegen.yamlfile import LineMap, line_of, load_yaml_file, unknown_keys

CONFIG_FILE = "site.yaml"
# Sections of the bloc's records; their pages are made by sitegen/records.py.
RECORD_SECTIONS = ("results", "pledges", "members")
SECTION_NAMES = ("news", "tags", "archive", "page", "search", *RECORD_SECTIONS)
_SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Language:
    """One language of the site: its URL prefix, section names, formats and UI strings."""

    code: str
    name: str
    locale: str
    prefix: str
    sections: Mapping[str, str]
    date_format: str
    datetime_format: str
    strings: Mapping[str, str]


@dataclass(frozen=True)
class Config:
    """Everything site.yaml says, checked and typed."""

    root: Path
    base_url: str
    output_dir: Path
    default_language: str
    timezone: str
    per_page: int
    home_posts: int
    search_bundle_pages: int  # pages per search index bundle: a big site's index is made in parts
    list_untranslated: bool
    menu: tuple[str, ...]
    tags: Mapping[str, Mapping[str, str]]
    languages: tuple[Language, ...]

    @property
    def base_path(self) -> str:
        """The path part of the base URL, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def tzinfo(self) -> ZoneInfo:
        """The site's time zone (Vietnam time unless site.yaml says otherwise)."""
        return ZoneInfo(self.timezone)

    def language(self, code: str) -> Language:
        """The Language with this code."""
        return next(lang for lang in self.languages if lang.code == code)

    @property
    def language_codes(self) -> tuple[str, ...]:
        """Language codes, default language first."""
        return tuple(lang.code for lang in self.languages)


_TOP_KEYS = {
    "base_url": str,
    "output_dir": str,
    "default_language": str,
    "timezone": str,
    "per_page": int,
    "home_posts": int,
    "search_bundle_pages": int,
    "list_untranslated": bool,
    "menu": list,
    "tags": dict,
    "languages": dict,
}
_LANGUAGE_KEYS = {
    "name": str,
    "locale": str,
    "sections": dict,
    "date_format": str,
    "datetime_format": str,
    "strings": dict,
}
_DEFAULTS = {
    "output_dir": "public",
    "default_language": "vi",
    "timezone": "Asia/Ho_Chi_Minh",
    "per_page": 10,
    "home_posts": 5,
    "search_bundle_pages": 1000,
    "list_untranslated": True,
    "menu": [],
    "tags": {},
}


def load_config(root: Path, base_url: str | None = None, output: Path | None = None) -> Config:
    """Read site.yaml from the project root; command-line values override the file."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise_if_any(
            [SiteError(CONFIG_FILE, "site.yaml not found", None, f"run the command in the project folder, not {root}")]
        )
    parsed = load_yaml_file(path, CONFIG_FILE)
    raise_if_any(parsed.errors)
    data = parsed.data if isinstance(parsed.data, LineMap) else LineMap()
    errors = _check_mapping(data, _TOP_KEYS, "site.yaml")
    for key in ("base_url", "languages"):
        if key not in data:
            errors.append(SiteError(CONFIG_FILE, f"'{key}' is missing", None, f"add '{key}:' to site.yaml"))
    raise_if_any(errors)
    values = {**_DEFAULTS, **data}
    if base_url is not None:
        values["base_url"] = base_url
    errors += _check_values(values, data)
    languages = _load_languages(data["languages"], values["default_language"], errors)
    tags = _load_tags(values["tags"], [lang.code for lang in languages], errors)
    raise_if_any(errors)
    base = values["base_url"] if values["base_url"].endswith("/") else values["base_url"] + "/"
    return Config(
        root=root,
        base_url=base,
        output_dir=(output if output is not None else root / values["output_dir"]).resolve(),
        default_language=values["default_language"],
        timezone=values["timezone"],
        per_page=values["per_page"],
        home_posts=values["home_posts"],
        search_bundle_pages=values["search_bundle_pages"],
        list_untranslated=values["list_untranslated"],
        menu=tuple(str(item) for item in values["menu"]),
        tags=tags,
        languages=languages,
    )


def _check_mapping(data: Mapping, schema: Mapping[str, type], what: str) -> list[SiteError]:
    errors = unknown_keys(data, schema, CONFIG_FILE, what)
    for key, expected in schema.items():
        if key in data and not _is_type(data[key], expected):
            errors.append(
                SiteError(
                    CONFIG_FILE,
                    f"'{key}' in {what} should be {_type_words(expected)}, not {data[key]!r}",
                    line_of(data, key),
                )
            )
    return errors


def _is_type(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _type_words(expected: type) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}[expected]


def _check_values(values: Mapping, data: LineMap) -> list[SiteError]:
    errors = []
    url = urlsplit(values["base_url"])
    if url.scheme not in ("http", "https") or not url.netloc:
        errors.append(
            SiteError(
                CONFIG_FILE,
                f"base_url must be a full address, not {values['base_url']!r}",
                data.line_of("base_url"),
                "write it as https://example.org/ or https://example.org/khoi-thi-dua/",
            )
        )
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            SiteError(
                CONFIG_FILE,
                f"unknown time zone {values['timezone']!r}",
                data.line_of("timezone"),
                "use Asia/Ho_Chi_Minh",
            )
        )
    for key in ("per_page", "home_posts", "search_bundle_pages"):
        if values[key] < 1:
            errors.append(SiteError(CONFIG_FILE, f"'{key}' must be at least 1", data.line_of(key)))
    return errors


def _load_languages(data: LineMap, default: str, errors: list[SiteError]) -> tuple[Language, ...]:
    if default not in data:
        errors.append(
            SiteError(
                CONFIG_FILE,
                f"default_language '{default}' is not among the languages",
                data.line,
                "add it under 'languages:'",
            )
        )
        return ()
    reference = data[default].get("strings", {}) if isinstance(data[default], Mapping) else {}
    codes = [default, *(code for code in data if code != default)]
    languages = []
    for code in codes:
        spec = data[code]
        if not isinstance(spec, LineMap):
            errors.append(SiteError(CONFIG_FILE, f"language '{code}' should be a mapping", data.line_of(code)))
            continue
        found = _check_mapping(spec, _LANGUAGE_KEYS, f"language '{code}'")
        found += [
            SiteError(CONFIG_FILE, f"language '{code}' has no '{key}'", spec.line, f"add '{key}:' under '{code}:'")
            for key in _LANGUAGE_KEYS
            if key not in spec
        ]
        errors += found
        if found:
            continue
        errors += _check_language(code, spec, reference)
        languages.append(
            Language(
                code=code,
                name=spec["name"],
                locale=spec["locale"],
                prefix="" if code == default else code + "/",
                sections=MappingProxyType(dict(spec["sections"])),
                date_format=spec["date_format"],
                datetime_format=spec["datetime_format"],
                strings=MappingProxyType({k: str(v) for k, v in spec["strings"].items()}),
            )
        )
    return tuple(languages)


def _check_language(code: str, spec: LineMap, reference: Mapping) -> list[SiteError]:
    errors = unknown_keys(spec["sections"], SECTION_NAMES, CONFIG_FILE, f"sections of '{code}'")
    for name in SECTION_NAMES:
        segment = spec["sections"].get(name)
        if not isinstance(segment, str) or not _SEGMENT.match(segment):
            errors.append(
                SiteError(
                    CONFIG_FILE,
                    f"section '{name}' of '{code}' must be a URL segment like 'tin-tuc', not {segment!r}",
                    line_of(spec["sections"], name) or spec.line_of("sections"),
                )
            )
    try:
        Locale.parse(spec["locale"])
    except (UnknownLocaleError, ValueError):
        errors.append(
            SiteError(CONFIG_FILE, f"unknown locale {spec['locale']!r}", spec.line_of("locale"), "use vi_VN or en_GB")
        )
    strings = spec["strings"]
    for key in reference:
        if key not in strings:
            errors.append(
                SiteError(
                    CONFIG_FILE,
                    f"UI string '{key}' is missing in '{code}'",
                    spec.line_of("strings"),
                    "translate it there",
                )
            )
    for key in strings:
        if key not in reference:
            errors.append(
                SiteError(
                    CONFIG_FILE,
                    f"UI string '{key}' of '{code}' is not in the default language",
                    line_of(strings, key),
                    "add it to the default language too, or remove it",
                )
            )
    return errors


def _load_tags(data: Mapping, codes: list[str], errors: list[SiteError]) -> Mapping[str, Mapping[str, str]]:
    tags = {}
    for name, names in data.items():
        if not isinstance(names, Mapping):
            errors.append(SiteError(CONFIG_FILE, f"tag '{name}' should map languages to names", line_of(data, name)))
            continue
        errors += unknown_keys(names, codes, CONFIG_FILE, f"tag '{name}'")
        tags[str(name)] = MappingProxyType({str(k): str(v) for k, v in names.items()})
    return MappingProxyType(tags)
