"""Work split over every core, in forked processes that share the site model until they write to it.

A forked worker shares every page of memory with the process it was forked from, and gets a copy of
each page it writes to, if only to count a reference. Workers that lived through a whole stage
copied most of the model: rendering 10,000 posts, two of them grew to 160-190 MB each beside the
rendering process's 250 MB (580-640 MB together). Here a worker retires once the memory it holds
alone passes RETIRE_MB, and a new one, forked in its place, starts again from none. The work is cut
into chunks of about equal weight, so that the heaviest pages are not all in the last chunk, on one
core, at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from sitegen.apart import answer, caught, ended, returned

Item = TypeVar("Item")
Result = TypeVar("Result")
State = TypeVar("State")

# A worker that has made more memory its own than this is replaced after its chunk. At 10,000 posts,
# 40 against 64 held the cold build's processes together at 416-439 MB against 451-459, in the same time.
RETIRE_MB = 40

_STEP = 500  # the most weight in a chunk: small enough for a live count, large enough to cost nothing

# What forked workers inherit (set just before the first is forked): the work, the prepared state, the items.
_inherited: tuple[Callable, Any, Sequence] | None = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows and macOS
        return max(1, os.cpu_count() or 1)


def map_chunks(
    work: Callable[[State, Sequence[Item]], list[Result]],
    state: State,
    items: Sequence[Item],
    jobs: int,
    advance: Callable[[int], None] | None = None,
    weight: Callable[[Item], int] | None = None,
) -> Iterator[Result]:
    """work(state, chunk) over contiguous chunks of items, each result in the items' order, yielded
    as its chunk finishes: the caller need not hold them all.

    The workers are forked from this process and inherit `state` as it is (a template environment
    with its layouts compiled, a Markdown converter): made once, by the caller. Everything runs in
    this process when jobs is 1 or where processes cannot be forked (Windows), and the result is the
    same whichever way it was made. `advance` is told how many items each finished chunk held;
    `weight` tells how much work an item is (1 each without it).
    """
    if not items:
        return
    advance = advance or _ignore
    if jobs < 2 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for start, end in chunk_bounds([1] * len(items), 1):
            yield from work(state, items[start:end])
            advance(end - start)
        return
    global _inherited
    _inherited = (work, state, items)
    try:
        weights = [weight(item) for item in items] if weight else [1] * len(items)
        yield from _in_workers(chunk_bounds(weights, jobs), jobs, advance)
    finally:
        _inherited = None


def chunk_bounds(weights: Sequence[int], jobs: int) -> list[tuple[int, int]]:
    """(start, end) of contiguous chunks of about equal weight: at most _STEP, and a quarter of a
    worker's share, so that each worker gets four chunks or more. An item heavier than that is a chunk
    of its own."""
    most = min(_STEP, -(-sum(weights) // (jobs * 4)))
    bounds, start, held = [], 0, 0
    for end, item_weight in enumerate(weights, 1):
        if held and held + item_weight > most:
            bounds.append((start, end - 1))
            start, held = end - 1, 0
        held += item_weight
    bounds.append((start, len(weights)))
    return bounds


def _in_workers(bounds: list[tuple[int, int]], jobs: int, advance: Callable[[int], None]) -> Iterator[Any]:
    """Each chunk's results, in order, from `jobs` workers; a few chunks ahead, not all: results wait
    for the caller in memory, not by the thousand."""
    context = multiprocessing.get_context("fork")
    waiting = deque(enumerate(bounds))
    workers: list[_Worker] = []
    idle: list[_Worker] = []
    busy: dict[Connection, tuple[_Worker, int]] = {}
    finished: dict[int, list[Any]] = {}
    following = 0
    try:
        while following < len(bounds):
            # New work first: the workers go on while the caller takes the chunk that came in.
            while waiting and len(busy) < jobs and len(busy) + len(finished) < 2 * jobs:
                if not idle:
                    workers.append(_Worker(context))
                    idle.append(workers[-1])
                worker = idle.pop()
                index, chunk = waiting.popleft()
                worker.give(chunk)
                busy[worker.connection] = (worker, index)
            if following in finished:
                start, end = bounds[following]
                yield from finished.pop(following)
                following += 1
                advance(end - start)
                continue
            for connection in wait(list(busy)):
                worker, index = busy.pop(connection)
                finished[index], retiring = worker.take()
                if retiring:
                    workers.remove(worker)
                    worker.stop()
                else:
                    idle.append(worker)
    finally:  # done, or stopped early (an error, Ctrl-C, the caller): no worker is left running
        for worker in workers:
            worker.stop()


class _Worker:
    """A forked process that does the chunks it is given, one at a time, until it retires."""

    def __init__(self, context: Any):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, self.connection), daemon=True)
        self.process.start()
        theirs.close()

    def give(self, bounds: tuple[int, int]) -> None:
        self.connection.send(bounds)

    def take(self) -> tuple[list[Any], bool]:
        """The chunk's results, and whether the worker retires after it; its error is raised here."""
        try:
            outcome, retiring = self.connection.recv()
        except EOFError:
            self.process.join()
            raise ended("a worker process", self.process.exitcode) from None
        return returned(outcome), retiring

    def stop(self) -> None:
        """Ends the worker (at once, if it is still working) and waits for it."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.connection.close()


def _serve(connection: Connection, parents_end: Connection) -> None:
    parents_end.close()  # so that this worker sees the end of its connection when the parent ends
    # Ctrl-C reaches every process of the terminal: the one that forked this worker stops it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    work, state, items = _inherited
    while True:
        try:
            start, end = connection.recv()
        except EOFError:
            return
        outcome = caught(lambda: work(state, items[start:end]))  # noqa: B023 - called at once
        retiring = _should_retire()
        try:
            answer(connection, outcome, "a worker process", retiring)
        except OSError:  # the parent stopped waiting
            return
        if retiring:
            return


def _should_retire() -> bool:
    """Whether this worker has made more than RETIRE_MB its own since it was forked, counted in the
    pages it faulted in (each copy of a shared page, each new one): a quick system call, where reading
    what it holds from /proc took 5-8 ms. Pages freed again are not taken off, so the count is high,
    never low, when workers free as much as they take (reading files)."""
    import resource  # not on Windows, which has no fork and no workers

    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt * resource.getpagesize() > RETIRE_MB * 1024 * 1024


def _ignore(_count: int) -> None:
    pass
