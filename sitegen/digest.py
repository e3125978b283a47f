"""SHA-256 of the many small texts a rebuild hashes in a loop, without letting go of the GIL.

hashlib lets go of the GIL for data of 2 KB or more, and takes it back after. A loop of 20,000 such
hashes (a body's key, a page's fingerprint) then starves serve's other thread, the one that answers
an edit saved meanwhile: the GIL changes hands at every hash, so that thread never gets to ask for
its turn, and waited 60-180 ms at a time at 10,000 posts. Fed in pieces under 2 KB, the hash keeps
the GIL and Python shares it between threads as usual; as fast, and the same digest.
"""

from __future__ import annotations

import hashlib

PIECE = 2047  # hashlib lets go of the GIL from 2048 bytes on (HASHLIB_GIL_MINSIZE)


def sha256_hex(data: bytes) -> str:
    """hashlib.sha256(data).hexdigest(), holding the GIL throughout."""
    digest = hashlib.sha256()
    view = memoryview(data)
    for start in range(0, len(data), PIECE):
        digest.update(view[start : start + PIECE])
    return digest.hexdigest()
