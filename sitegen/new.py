"""The `new` command: a post or page with its front matter filled in, or a translation ready to fill in."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import Config, load_config
from sitegen.errors import BuildError, SiteError, closest, display_path
from sitegen.fields import split_front_matter
from sitegen.vietnamese import nfc, slugify
from sitegen.yamlfile import LineMap, parse_yaml, read_text

FOLDERS = {"news": "news", "page": "pages"}
AUTHOR = "Ban Biên tập"
TRANSLATE = "# TRANSLATE ↓"


def new_document(config: Config, kind: str, title: str, now: datetime) -> Path:
    """Create content/<folder>/<slug>.<default language>.md as a draft; never overwrite."""
    title = nfc(" ".join(title.split()))
    slug = slugify(title)
    if not slug:
        raise BuildError(
            [SiteError("(command line)", "no file name can be made from this title", None, "write a title in words")]
        )
    lines = ["---", f"title: {_quoted(title)}"]
    if kind == "news":
        stamp = now.astimezone(config.tzinfo).replace(microsecond=0).isoformat()
        lines.append(f"date: {stamp}")
    lines += ['summary: ""']
    if kind == "news":
        lines += [f"author: {_quoted(AUTHOR)}", "tags: []", *_COVER_EXAMPLE]
    lines += ["# Bài đang soạn: xoá dòng draft dưới đây khi muốn đăng.", "draft: true", "---", "", _BODY]
    return _create(config, kind, f"{slug}.{config.default_language}.md", lines)


_COVER_EXAMPLE = [
    "# Ảnh bìa (không bắt buộc): bỏ dấu # ở bốn dòng dưới và điền vào.",
    "# cover:",
    "#   src: images/ten-anh.jpg",
    '#   alt: "Tả ngắn gọn những gì có trong ảnh"',
    '#   caption: "Ảnh: ..."',
]
_BODY_NOTE = "<!-- TRANSLATE the text below; keep each photo line ![...](...) and translate the words in it. -->"
_BODY = "Viết nội dung bài ở đây. Mỗi đoạn văn cách nhau một dòng trống."


def new_translation(config: Config, kind: str, stem: str, lang: str) -> Path:
    """Create <stem>.<lang>.md from the default-language file, every text to translate marked, as a draft."""
    folder = config.root / "content" / FOLDERS[kind]
    source = folder / f"{stem}.{config.default_language}.md"
    if not source.is_file():
        stems = [p.name.rsplit(".", 2)[0] for p in folder.glob(f"*.{config.default_language}.md")]
        raise BuildError(
            [
                SiteError(
                    display_path(source, config.root),
                    "there is no such file to translate",
                    None,
                    closest(stem, stems).replace("keys", "names") if stems else f"the folder {folder.name}/ is empty",
                )
            ]
        )
    meta, body = _read(source, config)
    lines = [
        "---",
        f"# Bản dịch của {source.name}. Translate each field marked TRANSLATE and the text below the second ---,",
        "# then delete the line 'draft: true'. Date, tags, units and the cover photo come from the Vietnamese file.",
    ]
    for key in ("title", "summary"):
        lines += [TRANSLATE, f"{key}: {_quoted(str(meta.get(key) or ''))}"]
    cover = meta.get("cover")
    if isinstance(cover, dict):
        lines.append("cover:")
        for key in ("alt", "caption"):
            if cover.get(key):
                lines += [f"  {TRANSLATE}", f"  {key}: {_quoted(str(cover[key]))}"]
    lines += ["draft: true", "---", "", _BODY_NOTE, "", body.rstrip("\n")]
    return _create(config, kind, f"{stem}.{lang}.md", lines)


def _read(source: Path, config: Config) -> tuple[LineMap, str]:
    file = display_path(source, config.root)
    split = split_front_matter(read_text(source), file)
    if split.error:
        raise BuildError([split.error])
    parsed = parse_yaml(split.front_matter, file, first_line=2)
    if parsed.errors:
        raise BuildError(parsed.errors)
    return (parsed.data if isinstance(parsed.data, LineMap) else LineMap()), split.body


def _quoted(text: str) -> str:
    # A JSON string is a valid double-quoted YAML string: safe for colons, quotes and '#'.
    return json.dumps(text, ensure_ascii=False)


def _create(config: Config, kind: str, name: str, lines: list[str]) -> Path:
    path = config.root / "content" / FOLDERS[kind] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("xb") as handle:  # "x": fail rather than overwrite, even if another program races us
            handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    except FileExistsError:
        raise BuildError(
            [
                SiteError(
                    display_path(path, config.root),
                    "this file already exists; nothing was changed",
                    None,
                    "open that file to keep working on it (new never replaces a file)",
                )
            ]
        ) from None
    return path


def run_new(root: Path, kind: str, title: str | None, translate: str | None, lang: str) -> int:
    """The `new` command: print the file created, or why nothing was."""
    try:
        config = load_config(root)
        if (title is None) == (translate is None):
            raise BuildError(
                [
                    SiteError(
                        "(command line)",
                        "give either a title or --translate STEM",
                        None,
                        'e.g. python build.py new news "Tiêu đề bài viết"  or  python build.py new news --translate ten-bai',
                    )
                ]
            )
        if translate is not None:
            _check_language(config, lang)
            path = new_translation(
                config, kind, translate.removesuffix(".md").removesuffix(f".{config.default_language}"), lang
            )
        else:
            path = new_document(config, kind, title, datetime.now(UTC))
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Created {display_path(path, root)}")
    print("It is a draft: preview it with `python build.py serve`; delete the line 'draft: true' to publish it.")
    return 0


def _check_language(config: Config, lang: str) -> None:
    if lang == config.default_language or lang not in config.language_codes:
        others = [code for code in config.language_codes if code != config.default_language]
        raise BuildError(
            [SiteError("(command line)", f"cannot translate into '{lang}'", None, f"use --lang {' or '.join(others)}")]
        )
