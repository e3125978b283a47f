"""One preview per folder: a lock the operating system releases when the process ends, however it ends."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO


def hold(path: Path) -> IO | None:
    """Lock `path` (created if need be) for as long as the returned file stays open; None when another
    process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle
