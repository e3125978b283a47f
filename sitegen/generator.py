"""Which generator made a file: a digest of our code and of the libraries whose output we publish.

Everything kept between builds (converted Markdown, page fingerprints) is keyed by it, so a new
version of the generator, of Python-Markdown or of Jinja2 never reuses what an older one made.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_LIBRARIES = ("markdown", "jinja2", "markupsafe", "babel", "pillow", "pagefind", "pyyaml")


def _generator_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    return digest.hexdigest()[:20]


GENERATOR = _generator_digest()
