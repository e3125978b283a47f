"""The record of published addresses (published-urls.txt): build adds to it, check compares against it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sitegen.model import Site

RECORD = "published-urls.txt"
_HEADER = (
    "# Addresses of published pages: content file, then its address. Kept by `python build.py`.\n"
    "# A published page keeps its address; `python build.py check` fails when one changes.\n"
    "# See docs/huong-dan-bien-tap.md before editing a line by hand.\n"
)


def published_pages(site: Site) -> dict[str, str]:
    """Content file -> address, for every document the site publishes."""
    return {d.file: site.doc_paths[(d.kind, d.stem, d.lang)] for d in site.documents}


def read_record(root: Path) -> dict[str, str]:
    """The recorded addresses; empty when there is no record yet."""
    path = root / RECORD
    if not path.is_file():
        return {}
    record = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            file, _, address = line.strip().partition(" ")
            record[file] = address.strip()
    return record


def record_published(root: Path, current: Mapping[str, str]) -> None:
    """Add newly published pages (content file -> address, published_pages) to the record; changed
    addresses stay as recorded, for check to report."""
    record = read_record(root)
    served = set(current.values())
    updated = {file: address for file, address in record.items() if file in current or address not in served}
    for file, address in current.items():
        updated.setdefault(file, address)
    if updated == record and (root / RECORD).is_file():
        return
    lines = [f"{file} {address}\n" for file, address in sorted(updated.items())]
    (root / RECORD).write_bytes((_HEADER + "".join(lines)).encode("utf-8"))
