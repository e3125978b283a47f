"""Work split over every core: forked processes share the site model without copying it."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
State = TypeVar("State")

# What forked workers inherit (set just before forking) and the state each one prepares once.
_inherited: tuple[Callable, Callable, Any, Sequence] | None = None
_state: Any = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows and macOS
        return max(1, os.cpu_count() or 1)


def map_chunks(
    prepare: Callable[[Any], State],
    work: Callable[[State, Sequence[Item]], list[Result]],
    shared: Any,
    items: Sequence[Item],
    jobs: int,
    advance: Callable[[int], None] | None = None,
) -> Iterator[Result]:
    """work(prepare(shared), chunk) over contiguous chunks of items, each result in the items' order,
    yielded as its chunk finishes: the caller need not hold them all.

    prepare runs once per process (a template environment, a Markdown converter). Everything runs
    in this process when jobs is 1 or where processes cannot be forked (Windows), and the result is
    the same whichever way it was made. `advance` is told how many items each finished chunk held.
    """
    advance = advance or _ignore
    if jobs < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        state = prepare(shared)
        for start in range(0, len(items), _STEP):
            yield from work(state, items[start : start + _STEP])
            advance(len(items[start : start + _STEP]))
        return
    global _inherited
    _inherited = (prepare, work, shared, items)
    size = min(_STEP, -(-len(items) // (jobs * 4)))
    # Workers get index ranges: the items themselves are inherited, never pickled.
    chunks = [(start, start + size) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_prepare) as pool:
            # A few chunks in flight, not all: results wait for the caller in memory, not by the thousand.
            waiting = iter(chunks)
            running = deque(pool.submit(_run_chunk, bounds) for bounds in islice(waiting, 2 * jobs))
            while running:
                chunk = running.popleft().result()
                following = next(waiting, None)
                if following is not None:
                    running.append(pool.submit(_run_chunk, following))
                yield from chunk
                advance(len(chunk))
    finally:
        _inherited = None


_STEP = 500  # items per chunk: small enough for a live count, large enough to cost nothing


def _ignore(_count: int) -> None:
    pass


def _prepare() -> None:
    global _state
    prepare, _, shared, _ = _inherited
    _state = prepare(shared)


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    _, work, _, items = _inherited
    return work(_state, items[bounds[0] : bounds[1]])
