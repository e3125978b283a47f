"""When Python looks through the whole heap for cyclic garbage: rarely during a build.

A build holds a large model until its end, and Python's full collections went through it again and
again: 8 of them took 0.96 s of an 8 s build after an edit at 10,000 posts, and in serve three or
four in each full rebuild, 0.32-0.46 s each, during which no other thread runs: an edit saved then
waited for them. Young objects are still collected as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

RARELY = (50_000, 20, 100)  # gc.set_threshold: a full collection after some 100 million allocations


@contextlib.contextmanager
def rarely() -> Iterator[None]:
    """Full collections rarely while inside; Python's thresholds as they were after (for a caller that goes on)."""
    before = gc.get_threshold()
    gc.set_threshold(*RARELY)
    try:
        yield
    finally:
        gc.set_threshold(*before)
