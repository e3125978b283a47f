"""Files copied as they are: static/ and pictures in content/, CSS and JS under fingerprinted names."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

FINGERPRINTED = (".css", ".js")
CONTENT_TEXT = (".md", ".yaml", ".yml")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


@dataclass(frozen=True)
class Assets:
    """What to copy where, the published name of each static file, and image sizes."""

    copies: tuple[tuple[Path, str], ...]
    names: Mapping[str, str]
    sizes: Mapping[str, tuple[int, int]]
    static: frozenset[str]  # the names that come from static/ (templates may refer to these only)


def collect_assets(root: Path) -> Assets:
    """Every file of static/, and every file under content/ that is not text the generator reads."""
    copies, names, sizes, static = [], {}, {}, set()
    for folder in (root / "static", root / "content"):
        for path in _published_files(folder):
            logical = path.relative_to(folder).as_posix()
            if folder.name == "static":
                static.add(logical)
            published = _fingerprinted(path, logical) if path.suffix in FINGERPRINTED else logical
            copies.append((path, published))
            names[logical] = published
            if path.suffix.lower() in IMAGE_SUFFIXES:
                size = _image_size(path)
                if size:
                    sizes[logical] = size
    return Assets(tuple(copies), MappingProxyType(names), MappingProxyType(sizes), frozenset(static))


def _published_files(folder: Path) -> list[Path]:
    # os.walk and names only: content/ holds thousands of Markdown files that are never copied.
    found = []
    for directory, _, files in os.walk(folder):
        for name in files:
            if name.startswith((".", "~")):
                continue
            if folder.name == "static" or not name.lower().endswith(CONTENT_TEXT):
                found.append(Path(directory, name))
    return sorted(found)


def _fingerprinted(path: Path, logical: str) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    stem, dot, suffix = logical.rpartition(".")
    return f"{stem}.{digest}{dot}{suffix}"


def _image_size(path: Path) -> tuple[int, int] | None:
    try:
        with PILImage.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None
