"""Photos resized at build time to a few widths, cached on disk so rebuilds don't re-encode them."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from sitegen.content import file_digest_of, input_name

if TYPE_CHECKING:
    from sitegen.content import Stamped

WIDTHS = (480, 960, 1600)
RESIZABLE = (".jpg", ".jpeg", ".png", ".webp")
# Matches the text column of site.css (.wrap is 46rem with 1rem padding each side).
SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
CACHE = Path(".cache") / "images"
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
_ENCODE = {
    ".jpg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    ".jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    ".png": {"format": "PNG", "optimize": True},
    ".webp": {"format": "WEBP", "quality": 80},
}


@dataclass(frozen=True)
class Variant:
    """One resized copy: its published name (under content/'s layout) and size."""

    name: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """A photo under content/, its displayed size and the smaller copies made of it."""

    src: str
    width: int
    height: int
    variants: tuple[Variant, ...]

    def srcset(self, href: Callable[[str], str]) -> str:
        """The srcset attribute: every copy and the original, with their widths; empty when there are no copies."""
        if not self.variants:
            return ""
        candidates = [*((v.name, v.width) for v in self.variants), (self.src, self.width)]
        return ", ".join(f"{href(name)} {width}w" for name, width in candidates)


def picture(content_root: Path, src: str) -> Picture | None:
    """What the build will make of the image at src (a path under content/); None if it is not a readable photo."""
    path = content_root / src
    try:
        stat = path.stat()
    except OSError:
        return None
    size = _displayed_size(path, stat.st_mtime_ns, stat.st_size)
    if size is None:
        return None
    width, height = size
    if path.suffix.lower() not in RESIZABLE:
        return Picture(src, width, height, ())
    stem, suffix = posixpath.splitext(src)
    variants = tuple(Variant(f"{stem}-{w}w{suffix}", w, max(1, round(height * w / width))) for w in WIDTHS if w < width)
    return Picture(src, width, height, variants)


@functools.lru_cache(maxsize=4096)
def _displayed_size(path: Path, _mtime_ns: int, _size: int) -> tuple[int, int] | None:
    # Keyed by mtime and size too, so a long-running preview notices a replaced photo.
    try:
        with PILImage.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112)
    except (UnidentifiedImageError, OSError):
        return None
    return (height, width) if orientation in _ROTATED else (width, height)


def resized_copies(
    root: Path, sources: Iterable[str], inputs: Mapping[str, Stamped] | None = None
) -> tuple[tuple[Path, str], ...]:
    """(cached file, published name) for every resized copy of the given photos, encoding only what is new.

    A copy is named by the SHA-256 of its photo's bytes: taken from `inputs` (buildstate.input_files,
    by path from the project folder) where that knows the photo at its present time and size, else
    read from the photo.
    """
    content_root = root / "content"
    cache = root / CACHE
    copies = []
    for src in sorted(set(sources)):
        found = picture(content_root, src)
        if found is None or not found.variants:
            continue
        path = content_root / src
        stat = path.stat()
        known = inputs.get(input_name(root, path)) if inputs else None
        if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
            digest = known[2].hex()[:_NAME_DIGITS]
        else:
            digest = _digest(path, stat.st_mtime_ns, stat.st_size)
        for variant in found.variants:
            cached = cache / f"{digest}-{variant.width}{path.suffix.lower()}"
            if not cached.is_file():
                _encode(path, cached, variant)
            copies.append((cached, variant.name))
    return tuple(copies)


@functools.lru_cache(maxsize=4096)
def _digest(path: Path, _mtime_ns: int, _size: int) -> str:
    with path.open("rb") as stream:
        return file_digest_of(stream).hex()[:_NAME_DIGITS]  # the input files' digest (inputs above)


_NAME_DIGITS = 20


def _encode(source: Path, target: Path, variant: Variant) -> None:
    """Write one smaller copy; EXIF (camera, GPS position) is dropped, orientation applied."""
    with PILImage.open(source) as image:
        upright = ImageOps.exif_transpose(image)
        options = dict(_ENCODE[source.suffix.lower()])
        if upright.mode == "P":
            upright = upright.convert("RGBA")
        if options["format"] == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        small = upright.resize((variant.width, variant.height), PILImage.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    small.save(partial, **options)
    partial.replace(target)
