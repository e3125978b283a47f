"""Progress of a long build on a terminal: one line with the stage and a count, nothing in CI logs or pipes;
and the time each stage took, for `build --timings` and the benchmark."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TextIO

FIRST_STAGE = "Checking for changes"  # from the start to the first stage: settings, last build, inputs


@dataclass(frozen=True)
class StageTime:
    """How long one stage took: wall-clock seconds, and CPU seconds of this process and the workers
    and programs it ran (user and system time; workers count once they have finished)."""

    name: str
    wall: float
    cpu: float


@dataclass(frozen=True)
class ProgressState:
    """Where a Progress stands: handed back by a forked process that ran some of the stages."""

    number: int
    shown: int
    last_draw: float | None
    laps: tuple[tuple[str, float, float], ...]


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished child processes (0 for children on Windows)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class Progress:
    """One status line, "[3/7] Converting Markdown 12,000/20,000", rewritten in place.

    Nothing is shown before `delay` seconds have passed, so a fast build stays silent, and the line
    is redrawn at most once per `interval` seconds, so 20,000 advances cost 20,000 clock reads.
    Without threads the line changes only when stage() or advance() is called.
    """

    def __init__(
        self,
        stream: TextIO | None,
        stages: int | None = None,
        delay: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
        ansi: bool = True,
        cpu: Callable[[], float] = cpu_seconds,
    ) -> None:
        """Show progress on stream (None: show nothing); ansi=False clears the line with spaces.

        Stage times are kept whether or not anything is shown."""
        self._stream = stream
        self._stages = stages
        self._delay = delay
        self._clock = clock
        self._interval = interval
        self._ansi = ansi
        self._start = clock()
        self._last_draw: float | None = None
        self._shown = 0  # length of the line on screen, 0 when nothing is shown
        self._number = 0
        self._name = ""
        self._count = 0
        self._total: int | None = None
        self._cpu = cpu
        self._laps: list[tuple[str, float, float]] = [(FIRST_STAGE, self._start, cpu())]

    @classmethod
    def for_terminal(
        cls,
        stream: TextIO | None = None,
        env: Mapping[str, str] | None = None,
        stages: int | None = None,
        delay: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> Progress:
        """Progress on stream (default sys.stderr) if it is a terminal, and quiet in CI or a dumb terminal."""
        stream = sys.stderr if stream is None else stream
        env = os.environ if env is None else env
        if not stream.isatty() or env.get("CI") or env.get("TERM") == "dumb":
            return cls.quiet(clock)
        # The classic Windows console prints "\x1b[K" as text unless a program turns on its VT mode.
        return cls(stream, stages, delay, clock, ansi=os.name != "nt")

    @classmethod
    def quiet(cls, clock: Callable[[], float] = time.monotonic) -> Progress:
        """A Progress that prints nothing (and still times the stages)."""
        return cls(None, clock=clock)

    def stage(self, name: str, total: int | None = None) -> None:
        """Start the next stage; total is how many items it will count, when known."""
        self._number += 1
        self._name, self._count, self._total = name, 0, total
        self._laps.append((name, self._clock(), self._cpu()))
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """Add count items to the current stage."""
        self._count += count
        self._draw(force=False)

    def times(self) -> tuple[StageTime, ...]:
        """Each stage so far with the time it took; the current one counts until now."""
        ends = [(wall, cpu) for _, wall, cpu in self._laps[1:]] + [(self._clock(), self._cpu())]
        return tuple(
            StageTime(name, wall_end - wall, cpu_end - cpu)
            for (name, wall, cpu), (wall_end, cpu_end) in zip(self._laps, ends, strict=True)
        )

    def cpu(self) -> float:
        """CPU seconds used so far, as the stage times count them."""
        return self._cpu()

    def forked(self, cpu_before: float) -> None:
        """Called in a forked process, whose CPU time starts again from zero: count on from `cpu_before`,
        what the parent had used, so that the stages timed here add up with the parent's."""
        own = self._cpu
        self._cpu = lambda: cpu_before + own()

    def state(self) -> ProgressState:
        """The stage count, the line shown and the stage times so far."""
        return ProgressState(self._number, self._shown, self._last_draw, tuple(self._laps))

    def resume(self, state: ProgressState) -> None:
        """Go on from where a forked process's copy of this Progress stood when it ended."""
        self._number, self._shown, self._last_draw = state.number, state.shown, state.last_draw
        self._laps = list(state.laps)

    def done(self) -> None:
        """Clear the line, if one was shown, and show nothing more."""
        if self._stream is not None and self._shown:
            self._write("")
        self._stream = None

    def _draw(self, force: bool) -> None:
        if self._stream is None:
            return
        now = self._clock()
        if now - self._start < self._delay:
            return
        if not force and self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._last_draw = now
        self._write(self._line())

    def _line(self) -> str:
        number = f"[{self._number}/{self._stages}] " if self._stages else ""
        if self._total is None:
            # A stage without a known size shows its count once something was counted, else its name alone.
            return f"{number}{self._name} {self._count:,}" if self._count else f"{number}{self._name}"
        return f"{number}{self._name} {self._count:,}/{self._total:,}"

    def _write(self, line: str) -> None:
        assert self._stream is not None
        if self._ansi:
            text = f"\r{line}\x1b[K"
        else:
            padding = " " * max(0, self._shown - len(line))
            text = f"\r{line}{padding}" + ("\r" if not line else "")
        self._stream.write(text)
        self._stream.flush()
        self._shown = len(line)


def timings_table(times: tuple[StageTime, ...]) -> str:
    """Stage times as a small table, with the CPU seconds each wall second used (2.0: two cores busy)."""
    rows = [
        *((stage.name, stage.wall, stage.cpu) for stage in times),
        ("total", sum(t.wall for t in times), sum(t.cpu for t in times)),
    ]
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'stage':<{width}}  {'wall s':>7}  {'CPU s':>7}  {'cores':>5}"]
    for name, wall, cpu in rows:
        lines.append(f"{name:<{width}}  {wall:7.2f}  {cpu:7.2f}  {cpu / wall if wall > 0 else 0.0:5.2f}")
    return "\n".join(lines)
